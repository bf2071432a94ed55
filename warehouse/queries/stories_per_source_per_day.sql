-- Stories (syndicated copies counted once) and articles per source per day.
-- Run: newsflow query stories_per_source_per_day
SELECT ai.source, ai.day, count(DISTINCT s.cluster_id) AS stories, count(*) AS articles
FROM article_info ai
JOIN article_signatures s ON s.article_id = ai.article_id
GROUP BY ai.source, ai.day
ORDER BY ai.day DESC, articles DESC, ai.source;
