-- The 30 latest quotes with speaker, outlet and link.
-- Run: newsflow query latest_quotes
SELECT day, speaker, kind, quote, source, title, url
FROM quotes_in_context
ORDER BY coalesce(published_at, day) DESC, article_id, start_char
LIMIT 30;
