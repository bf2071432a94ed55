-- The 20 people named in the most articles in the 7 days up to the latest article.
-- Run: newsflow query top_people_last_7_days
SELECT canonical AS person, sum(articles) AS articles, sum(mentions) AS mentions
FROM daily_entity_mentions
WHERE label = 'PERSON'
  AND day > (SELECT max(day) FROM article_info) - INTERVAL 7 DAY
GROUP BY canonical
ORDER BY articles DESC, mentions DESC, person
LIMIT 20;
