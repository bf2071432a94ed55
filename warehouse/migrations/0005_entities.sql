-- newsflow warehouse, version 5: entities across articles, and the lineage of NLP rows.
-- See warehouse/README.md (entities, entity_mentions, quotes).

-- One row per canonical entity (label + canonical name) over the whole warehouse.
-- entity_id = the first 16 hex digits of md5(label || '|' || canonical): stable across runs,
-- machines and rebuilds, so ids in saved queries and exports keep meaning the same entity.
-- make_entity_id('PERSON', 'Vladimir Putin') computes it (the loader uses it too).
CREATE MACRO make_entity_id(label, canonical) AS substr(md5(label || '|' || canonical), 1, 16);

CREATE TABLE entities (
    entity_id       VARCHAR PRIMARY KEY,
    canonical       VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,
    mentions        BIGINT NOT NULL DEFAULT 0,  -- rows in entity_mentions
    articles        BIGINT NOT NULL DEFAULT 0,  -- articles that mention it
    quotes          BIGINT NOT NULL DEFAULT 0,  -- quotes attributed to it
    first_seen      TIMESTAMP,                  -- earliest day of an article mentioning it
    last_seen       TIMESTAMP                   -- latest
);

ALTER TABLE entity_mentions ADD COLUMN entity_id VARCHAR;
ALTER TABLE entity_mentions ADD COLUMN extractor_version VARCHAR;
ALTER TABLE entity_mentions ADD COLUMN model VARCHAR;
ALTER TABLE quotes ADD COLUMN speaker_entity_id VARCHAR;
ALTER TABLE quotes ADD COLUMN extractor_version VARCHAR;
ALTER TABLE quotes ADD COLUMN model VARCHAR;

-- Rows loaded before this migration: link them too (their lineage stays unknown, NULL).
UPDATE entity_mentions SET entity_id = make_entity_id(label, canonical);

UPDATE quotes SET speaker_entity_id = s.entity_id
FROM (
    SELECT q.article_id, q.start_char, q.end_char,
           arg_min(m.entity_id, CASE WHEN m.label = q.speaker_label THEN 0 ELSE 1 END)
               AS entity_id
    FROM quotes q
    JOIN entity_mentions m ON m.article_id = q.article_id AND m.canonical = q.speaker
    GROUP BY q.article_id, q.start_char, q.end_char
) s
WHERE quotes.article_id = s.article_id
  AND quotes.start_char = s.start_char
  AND quotes.end_char = s.end_char;

INSERT INTO entities BY NAME
SELECT
    m.entity_id,
    any_value(m.canonical) AS canonical,
    any_value(m.label) AS label,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles,
    coalesce(any_value(q.quotes), 0) AS quotes,
    min(coalesce(a.published_at, a.fetched_at)) AS first_seen,
    max(coalesce(a.published_at, a.fetched_at)) AS last_seen
FROM entity_mentions m
JOIN articles a ON a.article_id = m.article_id
LEFT JOIN (
    SELECT speaker_entity_id, count(*) AS quotes FROM quotes
    WHERE speaker_entity_id IS NOT NULL GROUP BY speaker_entity_id
) q ON q.speaker_entity_id = m.entity_id
GROUP BY m.entity_id;
