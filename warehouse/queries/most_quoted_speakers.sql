-- Who is quoted most: quotes, articles and outlets per speaker, direct and indirect apart.
-- Run: newsflow query most_quoted_speakers
SELECT
    speaker,
    count(*) AS quotes,
    count(*) FILTER (WHERE kind = 'direct') AS direct,
    count(*) FILTER (WHERE kind = 'indirect') AS indirect,
    count(DISTINCT article_id) AS articles,
    count(DISTINCT source) AS sources,
    max(day) AS last_quoted
FROM quotes_in_context
WHERE speaker IS NOT NULL
GROUP BY speaker
ORDER BY quotes DESC, speaker
LIMIT 25;
