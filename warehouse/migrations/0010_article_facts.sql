-- newsflow warehouse, version 10: what each page states about itself, with provenance.
-- New article columns (NULL on rows stored before this version), one row per credited
-- person in article_authors, and a publisher for the views: the outlet the page names,
-- else the first feed that carried the story, else the registrable domain (never host:port).

ALTER TABLE articles ADD COLUMN publisher VARCHAR;           -- outlet name, or the domain
ALTER TABLE articles ADD COLUMN publisher_source VARCHAR;    -- page | domain
ALTER TABLE articles ADD COLUMN published_at_source VARCHAR; -- which claim published_at is
ALTER TABLE articles ADD COLUMN published_precision VARCHAR; -- second | minute | day
ALTER TABLE articles ADD COLUMN published_at_rejected TIMESTAMP; -- implausible claim (flag)
ALTER TABLE articles ADD COLUMN modified_at TIMESTAMP;
ALTER TABLE articles ADD COLUMN is_accessible_for_free BOOLEAN;
ALTER TABLE articles ADD COLUMN section VARCHAR;
ALTER TABLE articles ADD COLUMN tags VARCHAR[];
ALTER TABLE articles ADD COLUMN image_url VARCHAR;

-- Credited people of each article in byline order (the agency when no person is credited).
CREATE TABLE article_authors (
    article_id      VARCHAR NOT NULL,
    position        INTEGER NOT NULL,         -- 0-based order in the byline
    name            VARCHAR NOT NULL,
    PRIMARY KEY (article_id, position)
);

-- Rows stored before this version: their display string split, as the byline was stored.
INSERT INTO article_authors
SELECT article_id, CAST(i - 1 AS INTEGER), trim(parts[i])
FROM (
    SELECT article_id, string_split(author, '; ') AS parts
    FROM articles WHERE author IS NOT NULL AND trim(author) <> ''
) s, range(1, len(parts) + 1) r(i)
WHERE trim(parts[i]) <> '';

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
            WHEN a.publisher_source = 'page' THEN a.publisher
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
