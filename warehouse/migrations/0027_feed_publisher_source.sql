-- newsflow warehouse, version 27: a publisher named by the listing feed's title is marked
-- `feed`, not `page`, so analysts can tell a name the page states from one its feed gave.
-- article_info treats both as the article's publisher, as before. See warehouse/README.md.

CREATE OR REPLACE VIEW article_info AS
WITH carriers AS (
    SELECT p.article_id, list(DISTINCT f.name ORDER BY f.name) AS feeds
    FROM pages p
    JOIN feed_items fi ON fi.page_url = p.page_url
    JOIN feeds f ON f.feed_url = fi.feed_url
    WHERE p.article_id IS NOT NULL
    GROUP BY p.article_id
),
named AS (
    SELECT
        a.*,
        c.feeds,
        CASE
            WHEN a.publisher_source IN ('page', 'feed') THEN a.publisher
            WHEN a.publisher_source = 'domain' THEN coalesce(c.feeds[1], a.publisher)
            ELSE coalesce(  -- rows stored before version 10: as version 3 named them
                nullif(trim(a.sitename), ''),
                c.feeds[1],
                regexp_extract(a.url, '^[a-zA-Z][a-zA-Z0-9+.-]*://([^/:?#]+)', 1)
            )
        END AS publisher_name
    FROM articles a
    LEFT JOIN carriers c ON c.article_id = a.article_id
)
SELECT
    article_id,
    url,
    title,
    author,
    published_at,
    fetched_at,
    CAST(coalesce(published_at, fetched_at) AS DATE) AS day,
    sitename,
    coalesce(feeds, []::VARCHAR[]) AS feeds,
    publisher_name AS source,
    length(text) AS characters,
    publisher_name AS publisher,
    published_at_source,
    section
FROM named;
