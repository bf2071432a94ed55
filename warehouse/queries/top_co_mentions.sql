-- The pairs of people and organisations most often named in the same article.
-- Run: newsflow query top_co_mentions
SELECT entity_a, entity_b, count(*) AS articles, min(day) AS first_day, max(day) AS last_day
FROM co_mentions
WHERE label_a IN ('PERSON', 'ORG') AND label_b IN ('PERSON', 'ORG')
GROUP BY entity_a, entity_b
ORDER BY articles DESC, entity_a, entity_b
LIMIT 50;
