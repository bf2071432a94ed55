-- Speakers and the people or organisations they name inside their own quotes.
-- Run: newsflow query who_talks_about_whom
SELECT speaker, mentioned, mentioned_label, quotes, articles, last_day
FROM who_quotes_whom
WHERE quotes > 0 AND mentioned_label IN ('PERSON', 'ORG')
ORDER BY quotes DESC, articles DESC, speaker, mentioned
LIMIT 50;
