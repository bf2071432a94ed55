-- newsflow warehouse, version 1: feeds, items, pages, articles, entities, quotes, runs.
-- Timestamps are UTC (TIMESTAMP without zone, always UTC). Offsets index into articles.text.

CREATE TABLE feeds (
    feed_url        VARCHAR PRIMARY KEY,      -- as configured
    name            VARCHAR NOT NULL,
    etag            VARCHAR,                  -- validators sent back on the next poll
    last_modified   VARCHAR,
    content_hash    VARCHAR,                  -- sha256 of the last body parsed
    first_polled_at TIMESTAMP,
    last_polled_at  TIMESTAMP,
    last_success_at TIMESTAMP,
    last_status     VARCHAR,                  -- ok | unchanged | failed
    last_error      VARCHAR,
    failure_streak  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE runs (
    run_id          VARCHAR PRIMARY KEY,      -- Prefect flow run id (or a uuid outside Prefect)
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    status          VARCHAR NOT NULL,         -- running | completed | failed
    feeds_polled    INTEGER DEFAULT 0,
    feeds_unchanged INTEGER DEFAULT 0,
    feeds_failed    INTEGER DEFAULT 0,
    new_items       INTEGER DEFAULT 0,
    articles_stored INTEGER DEFAULT 0,
    fetch_failures  INTEGER DEFAULT 0,
    mentions        INTEGER DEFAULT 0,
    quotes          INTEGER DEFAULT 0,
    seconds         DOUBLE,
    error           VARCHAR
);

-- Every page a feed linked to, keyed by its canonical item URL, with its fetch state.
CREATE TABLE pages (
    page_url        VARCHAR PRIMARY KEY,
    status          VARCHAR NOT NULL,         -- pending | ok | failed
    article_id      VARCHAR,                  -- set when status = ok
    attempts        INTEGER NOT NULL DEFAULT 0,
    http_status     INTEGER,
    last_error      VARCHAR,
    retryable       BOOLEAN NOT NULL DEFAULT true,
    first_seen_at   TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP
);

-- Which feed carried which page (the same story in two feeds is two rows here, one article).
CREATE TABLE feed_items (
    feed_url        VARCHAR NOT NULL,
    page_url        VARCHAR NOT NULL,
    link            VARCHAR,                  -- the link exactly as the feed gave it (resolved)
    guid            VARCHAR,
    title           VARCHAR,
    published_at    TIMESTAMP,
    first_seen_at   TIMESTAMP NOT NULL,
    last_seen_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (feed_url, page_url)
);

CREATE TABLE articles (
    article_id      VARCHAR PRIMARY KEY,      -- stable hash of url
    url             VARCHAR NOT NULL,         -- canonical URL (page's rel=canonical preferred)
    title           VARCHAR,
    text            VARCHAR NOT NULL,
    author          VARCHAR,
    published_at    TIMESTAMP,
    language        VARCHAR,
    sitename        VARCHAR,
    description     VARCHAR,
    fetched_at      TIMESTAMP NOT NULL,
    run_id          VARCHAR
);

CREATE TABLE entity_mentions (
    article_id      VARCHAR NOT NULL,
    text            VARCHAR NOT NULL,         -- as written: articles.text[start_char:end_char]
    label           VARCHAR NOT NULL,         -- spaCy label, harmonised within the article
    canonical       VARCHAR NOT NULL,         -- the full name this mention refers to
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    PRIMARY KEY (article_id, start_char, end_char)
);

CREATE TABLE quotes (
    article_id      VARCHAR NOT NULL,
    quote           VARCHAR NOT NULL,         -- articles.text[start_char:end_char]
    speaker         VARCHAR,                  -- canonical full name, NULL when unknown
    speaker_label   VARCHAR,                  -- PERSON, ORG, ... of the speaker
    kind            VARCHAR NOT NULL,         -- direct | indirect
    cue             VARCHAR,                  -- the reporting verb
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    PRIMARY KEY (article_id, start_char, end_char)
);
