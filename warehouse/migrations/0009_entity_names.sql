-- newsflow warehouse, version 9: one entity per name across the warehouse.
-- See warehouse/README.md (entity_names, entities) and tasks/load/entity_registry.py, which
-- keeps these tables current batch by batch with the same rules as below.

-- Counts of each name (lower-case canonical) per label, and the entity the name resolves to:
-- the majority label over the warehouse, and for a one-word person the full name that the
-- warehouse's articles use for that surname (one full name, or one in >= 90 % of them).
-- The surname of a lower-case name: its last word without an Arabic article ("al-assad").
CREATE MACRO name_surname(name_key) AS
    regexp_replace(list_last(string_split(name_key, ' ')), '^(al|el|ad|as|ash|at|az|ar)-', '');

CREATE TABLE entity_names (
    name_key          VARCHAR NOT NULL,  -- lower(entity_mentions.canonical)
    label             VARCHAR NOT NULL,  -- the label articles gave it
    canonical         VARCHAR NOT NULL,  -- its usual spelling (mixed case over shouted)
    mentions          BIGINT NOT NULL,   -- rows in entity_mentions with this name and label
    articles          BIGINT NOT NULL,   -- articles naming it with this label
    surname           VARCHAR,           -- last word of the name, lower case, no "al-"
    entity_id         VARCHAR,           -- the entity the name resolves to
    entity_canonical  VARCHAR,           -- that entity's name
    entity_label      VARCHAR,           -- and label
    PRIMARY KEY (name_key, label)
);

INSERT INTO entity_names BY NAME
SELECT name_key, label,
       arg_min(canonical, struct_pack(shouted := canonical = upper(canonical),
                                      spelling := canonical)) AS canonical,
       count(*) AS mentions, count(DISTINCT article_id) AS articles,
       any_value(name_surname(name_key)) AS surname
FROM (SELECT lower(canonical) AS name_key, * FROM entity_mentions)
GROUP BY name_key, label;

CREATE TEMP TABLE name_majority AS
SELECT name_key, any_value(surname) AS surname,
       arg_max(label, struct_pack(m := mentions, a := articles, l := label)) AS label,
       arg_max(canonical, struct_pack(m := mentions, a := articles, l := label)) AS canonical,
       sum(articles) AS articles
FROM entity_names
GROUP BY name_key;

CREATE TEMP TABLE name_resolution AS
WITH full_names AS (
    SELECT surname,
           arg_max(canonical, struct_pack(a := articles, c := canonical)) AS canonical,
           max(articles) / sum(articles) AS share
    FROM name_majority
    WHERE label = 'PERSON' AND contains(name_key, ' ')
    GROUP BY surname
)
SELECT name_key,
       CASE WHEN linked THEN full_name ELSE canonical END AS canonical,
       CASE WHEN linked THEN 'PERSON' ELSE label END AS label
FROM (
    SELECT n.name_key, n.canonical, n.label, f.canonical AS full_name,
           n.label = 'PERSON' AND NOT contains(n.name_key, ' ')
               AND coalesce(f.share >= 0.9, false) AS linked
    FROM name_majority n LEFT JOIN full_names f ON f.surname = n.name_key
);

UPDATE entity_names SET
    entity_id = make_entity_id(r.label, r.canonical),
    entity_canonical = r.canonical,
    entity_label = r.label
FROM name_resolution r
WHERE entity_names.name_key = r.name_key;

UPDATE entity_mentions SET entity_id = r.entity_id
FROM (SELECT name_key, make_entity_id(label, canonical) AS entity_id FROM name_resolution) r
WHERE lower(entity_mentions.canonical) = r.name_key
  AND entity_mentions.entity_id IS DISTINCT FROM r.entity_id;

UPDATE quotes SET speaker_entity_id = r.entity_id
FROM (SELECT name_key, make_entity_id(label, canonical) AS entity_id FROM name_resolution) r
WHERE lower(quotes.speaker) = r.name_key
  AND quotes.speaker_entity_id IS NOT NULL
  AND quotes.speaker_entity_id <> r.entity_id;

DELETE FROM entities;

INSERT INTO entities BY NAME
SELECT m.entity_id, any_value(n.entity_canonical) AS canonical,
       any_value(n.entity_label) AS label,
       count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
       coalesce(any_value(q.quotes), 0) AS quotes,
       min(coalesce(a.published_at, a.fetched_at)) AS first_seen,
       max(coalesce(a.published_at, a.fetched_at)) AS last_seen
FROM entity_mentions m
JOIN articles a ON a.article_id = m.article_id
JOIN (SELECT entity_id, any_value(entity_canonical) AS entity_canonical,
             any_value(entity_label) AS entity_label
      FROM entity_names GROUP BY entity_id) n ON n.entity_id = m.entity_id
LEFT JOIN (
    SELECT speaker_entity_id, count(*) AS quotes FROM quotes
    WHERE speaker_entity_id IS NOT NULL GROUP BY speaker_entity_id
) q ON q.speaker_entity_id = m.entity_id
GROUP BY m.entity_id;

DROP TABLE name_majority;
DROP TABLE name_resolution;
