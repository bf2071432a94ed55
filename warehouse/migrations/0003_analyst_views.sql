-- newsflow warehouse, version 3: views for the questions analysts ask every day.
-- Views only: they add nothing to the stored data and read the tables of 0001.
-- Conventions (see warehouse/README.md):
--   day    = the article's publication date (UTC), or the date it was fetched when the page
--            gave none (published_at IS NULL);
--   source = the publisher the page names (articles.sitename), else the first feed (by name)
--            that carried the story, else the URL's host name.

-- One row per article with its day, its source and every feed that carried it.
CREATE VIEW article_info AS
WITH carriers AS (
    SELECT p.article_id, list(DISTINCT f.name ORDER BY f.name) AS feeds
    FROM pages p
    JOIN feed_items fi ON fi.page_url = p.page_url
    JOIN feeds f ON f.feed_url = fi.feed_url
    WHERE p.article_id IS NOT NULL
    GROUP BY p.article_id
)
SELECT
    a.article_id,
    a.url,
    a.title,
    a.author,
    a.published_at,
    a.fetched_at,
    CAST(coalesce(a.published_at, a.fetched_at) AS DATE) AS day,
    a.sitename,
    coalesce(c.feeds, []::VARCHAR[]) AS feeds,
    coalesce(
        nullif(trim(a.sitename), ''),
        c.feeds[1],
        regexp_extract(a.url, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)', 1)
    ) AS source,
    length(a.text) AS characters
FROM articles a
LEFT JOIN carriers c ON c.article_id = a.article_id;

-- Mentions of each entity per day: how often it was named, and in how many articles.
CREATE VIEW daily_entity_mentions AS
SELECT
    m.canonical,
    m.label,
    ai.day,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles
FROM entity_mentions m
JOIN article_info ai ON ai.article_id = m.article_id
GROUP BY m.canonical, m.label, ai.day;

-- Every quote with who said it and where it was published.
CREATE VIEW quotes_in_context AS
SELECT
    ai.day,
    ai.published_at,
    q.speaker,
    q.speaker_label,
    q.kind,
    q.cue,
    q.quote,
    ai.title,
    ai.url,
    ai.source,
    ai.sitename,
    ai.feeds,
    q.article_id,
    q.start_char,
    q.end_char
FROM quotes q
JOIN article_info ai ON ai.article_id = q.article_id;

-- Who quotes whom: a quoted speaker and each other entity named in the same article.
--   quotes   = how many of the speaker's quotes name the entity inside the quoted words
--              (the mention's span lies within the quote's span): the speaker talks about it;
--   articles = in how many articles the speaker is quoted and the entity is named anywhere
--              (inside a quote or not): the two appear in the same story.
-- Rows with quotes = 0 are co-occurrence only. The speaker never pairs with themself.
CREATE VIEW who_quotes_whom AS
WITH pairs AS (
    SELECT
        q.speaker,
        q.speaker_label,
        m.canonical AS mentioned,
        m.label AS mentioned_label,
        q.article_id,
        q.start_char AS quote_start,
        m.start_char >= q.start_char AND m.end_char <= q.end_char AS inside
    FROM quotes q
    JOIN entity_mentions m ON m.article_id = q.article_id
    WHERE q.speaker IS NOT NULL AND m.canonical <> q.speaker
)
SELECT
    p.speaker,
    any_value(p.speaker_label) AS speaker_label,
    p.mentioned,
    p.mentioned_label,
    count(DISTINCT CASE WHEN p.inside THEN p.article_id || ':' || p.quote_start END) AS quotes,
    count(DISTINCT p.article_id) AS articles,
    min(ai.day) AS first_day,
    max(ai.day) AS last_day
FROM pairs p
JOIN article_info ai ON ai.article_id = p.article_id
GROUP BY p.speaker, p.mentioned, p.mentioned_label;

-- Co-mentions: each pair of distinct entities named in the same article, once per article.
-- entity_a sorts before entity_b (by canonical, then label), so each pair appears once.
CREATE VIEW co_mentions AS
WITH entities AS (
    SELECT DISTINCT article_id, canonical, label FROM entity_mentions
)
SELECT
    a.article_id,
    ai.day,
    ai.source,
    a.canonical AS entity_a,
    a.label AS label_a,
    b.canonical AS entity_b,
    b.label AS label_b
FROM entities a
JOIN entities b
  ON b.article_id = a.article_id
 AND (a.canonical, a.label) < (b.canonical, b.label)
JOIN article_info ai ON ai.article_id = a.article_id;

-- Articles stored per source per day (one article counts once, however many feeds carried it).
CREATE VIEW daily_source_volume AS
SELECT
    source,
    day,
    count(*) AS articles,
    sum(characters) AS characters
FROM article_info
GROUP BY source, day;

-- The state of every feed, measured against the latest run (not the wall clock, so an old
-- snapshot reads the same tomorrow). new_items_7d counts pages first seen in the 7 days
-- before the latest run.
CREATE VIEW feed_health AS
WITH latest AS (
    SELECT max(started_at) AS run_at FROM runs
),
items AS (
    SELECT
        feed_url,
        count(*) AS items,
        max(first_seen_at) AS last_new_item_at,
        count(*) FILTER (WHERE first_seen_at >= (SELECT run_at FROM latest) - INTERVAL 7 DAY)
            AS new_items_7d
    FROM feed_items
    GROUP BY feed_url
)
SELECT
    f.feed_url,
    f.name,
    f.last_status,
    f.last_error,
    f.failure_streak,
    f.first_polled_at,
    f.last_polled_at,
    f.last_success_at,
    i.last_new_item_at,
    coalesce(i.items, 0) AS items,
    coalesce(i.new_items_7d, 0) AS new_items_7d,
    l.run_at AS latest_run_at,
    round(date_diff('second', f.last_success_at, l.run_at) / 3600.0, 1) AS hours_since_success,
    round(date_diff('second', i.last_new_item_at, l.run_at) / 3600.0, 1) AS hours_since_new_item
FROM feeds f
CROSS JOIN latest l
LEFT JOIN items i ON i.feed_url = f.feed_url;

-- Feeds with a coverage gap, with every reason that applies (fixed thresholds: no successful
-- poll for 24 hours, no new item for 7 days). For other periods, filter feed_health.
CREATE VIEW feed_coverage_gaps AS
SELECT * FROM (
    SELECT
        h.*,
        concat_ws('; ',
            CASE WHEN h.last_success_at IS NULL THEN 'never polled successfully' END,
            CASE WHEN h.last_status = 'failed'
                 THEN 'failing: last ' || h.failure_streak || ' poll(s) failed' END,
            CASE WHEN h.hours_since_success > 24 THEN 'no successful poll for 24 h' END,
            CASE WHEN h.last_success_at IS NOT NULL AND h.last_new_item_at IS NULL
                 THEN 'no items ever' END,
            CASE WHEN h.hours_since_new_item > 24 * 7 THEN 'no new item for 7 days' END,
            CASE WHEN h.last_polled_at < h.latest_run_at
                 THEN 'not polled by the latest run' END
        ) AS gap
    FROM feed_health h
)
WHERE gap <> '';
