-- newsflow warehouse, version 4: syndication clusters (the same wire story in several outlets).
-- Filled by tasks/syndication.py right after each batch is loaded. See warehouse/README.md.

-- One row per article: its MinHash signature and the cluster it was put in.
CREATE TABLE article_signatures (
    article_id      VARCHAR PRIMARY KEY,      -- articles.article_id
    minhash         UINTEGER[] NOT NULL,      -- 128 minimums over the body's word 5-grams
    cluster_id      VARCHAR NOT NULL,         -- article_id of the cluster's first article
    similarity      DOUBLE,                   -- estimated Jaccard to the article it matched
    assigned_at     TIMESTAMP NOT NULL
);

-- LSH bands of each signature (32 bands of 4 values): articles that share a (band, bucket)
-- are candidates, so a new article is compared with a few lookalikes, never with everything.
CREATE TABLE syndication_buckets (
    band            SMALLINT NOT NULL,
    bucket          UBIGINT NOT NULL,
    article_id      VARCHAR NOT NULL
);

-- One row per cluster: a story, however many outlets ran it.
CREATE VIEW syndication_clusters AS
SELECT
    s.cluster_id,
    count(*) AS copies,
    count(DISTINCT ai.source) AS sources,
    list(DISTINCT ai.source ORDER BY ai.source) AS source_names,
    min(ai.day) AS first_day,
    max(ai.day) AS last_day,
    arg_min(ai.title, coalesce(ai.published_at, ai.fetched_at)) AS first_title,
    arg_min(ai.url, coalesce(ai.published_at, ai.fetched_at)) AS first_url
FROM article_signatures s
JOIN article_info ai ON ai.article_id = s.article_id
GROUP BY s.cluster_id;
