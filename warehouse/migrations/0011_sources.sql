-- newsflow warehouse, version 11: sources beyond RSS (sitemaps, backfill, WARC files).
-- See warehouse/README.md (feeds.kind, feed_items.source_kind, sitemap_children, backfills,
-- backfill_children, warc_files, warc_records).

-- What a configured [[feeds]] URL turned out to be, detected from its content.
ALTER TABLE feeds ADD COLUMN kind VARCHAR;              -- feed | sitemap | sitemap_index | news_sitemap

-- Which kind of source listed the story, and what a (news) sitemap said about it.
ALTER TABLE feed_items ADD COLUMN source_kind VARCHAR DEFAULT 'feed';  -- feed | sitemap | news_sitemap | backfill | warc
ALTER TABLE feed_items ADD COLUMN lastmod TIMESTAMP;    -- sitemap <lastmod>
ALTER TABLE feed_items ADD COLUMN keywords VARCHAR;     -- news:keywords
ALTER TABLE feed_items ADD COLUMN language VARCHAR;     -- news:language
UPDATE feed_items SET source_kind = 'feed' WHERE source_kind IS NULL;

-- The child sitemaps of a sitemap index, with the <lastmod> read last time (unchanged
-- children are not fetched again).
CREATE TABLE sitemap_children (
    sitemap_url     VARCHAR NOT NULL,         -- feeds.feed_url (or a backfill's source URL)
    child_url       VARCHAR NOT NULL,
    lastmod         VARCHAR,                  -- <lastmod> as the index gave it when last read
    last_status     VARCHAR,                  -- read | unchanged | failed | deferred
    last_error      VARCHAR,
    urls            INTEGER,                  -- URLs the child listed when last read
    last_read_at    TIMESTAMP,
    PRIMARY KEY (sitemap_url, child_url)
);

-- One backfill window of one source; resumable (children and queued pages are remembered).
CREATE TABLE backfills (
    source_url      VARCHAR NOT NULL,
    since           TIMESTAMP NOT NULL,
    until           TIMESTAMP NOT NULL,
    status          VARCHAR NOT NULL,         -- running | completed | failed
    run_id          VARCHAR,                  -- runs.run_id of the latest run on it
    children_total  INTEGER DEFAULT 0,        -- child sitemaps that can hold the window
    children_done   INTEGER DEFAULT 0,
    queued          INTEGER DEFAULT 0,        -- stories in the window queued in pages
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    error           VARCHAR,
    PRIMARY KEY (source_url, since, until)
);

CREATE TABLE backfill_children (
    source_url      VARCHAR NOT NULL,
    since           TIMESTAMP NOT NULL,
    until           TIMESTAMP NOT NULL,
    child_url       VARCHAR NOT NULL,
    status          VARCHAR NOT NULL,         -- done | failed
    urls            INTEGER,                  -- stories of the window it listed
    error           VARCHAR,
    read_at         TIMESTAMP,
    PRIMARY KEY (source_url, since, until, child_url)
);

-- One row per WARC file imported (resumable per file: a file is done once).
CREATE TABLE warc_files (
    path            VARCHAR PRIMARY KEY,      -- absolute path as imported
    status          VARCHAR NOT NULL,         -- reading | done | failed
    run_id          VARCHAR,
    records         INTEGER DEFAULT 0,        -- WARC records read
    html_pages      INTEGER DEFAULT 0,        -- response records of HTML pages kept
    skipped_non_html INTEGER DEFAULT 0,
    skipped_truncated INTEGER DEFAULT 0,
    skipped_duplicate INTEGER DEFAULT 0,
    skipped_filtered INTEGER DEFAULT 0,       -- outside --since or --hosts
    error           VARCHAR,                  -- why reading stopped early, if it did
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP
);

-- The WARC record each imported page came from.
CREATE TABLE warc_records (
    page_url        VARCHAR PRIMARY KEY,      -- pages.page_url (canonical target URI)
    warc_path       VARCHAR NOT NULL,         -- warc_files.path
    target_uri      VARCHAR NOT NULL,         -- WARC-Target-URI as recorded
    warc_date       TIMESTAMP,                -- WARC-Date (UTC)
    ip_address      VARCHAR,                  -- WARC-IP-Address
    record_id       VARCHAR,                  -- WARC-Record-ID
    payload_digest  VARCHAR                   -- WARC-Payload-Digest
);
