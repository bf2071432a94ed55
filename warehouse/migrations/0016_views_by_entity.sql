-- newsflow warehouse, version 16: the entity views count resolved entities, not per-article names.
-- A surname-only mention linked to its full name ("Biden" -> "Joe Biden"), or a name whose label the
-- warehouse majority corrected, is counted under its entity: one person is one row per day, as in
-- `entities`. Columns keep their names; `entity_id` is added (last) to join `entities`.
-- Unlinked one-word candidates keep the label CANDIDATE (see entities), so PERSON/ORG filters skip them.

CREATE OR REPLACE VIEW daily_entity_mentions AS
SELECT
    coalesce(e.canonical, m.canonical) AS canonical,
    coalesce(e.label, m.label) AS label,
    ai.day,
    count(*) AS mentions,
    count(DISTINCT m.article_id) AS articles,
    m.entity_id
FROM entity_mentions m
LEFT JOIN entities e ON e.entity_id = m.entity_id
JOIN article_info ai ON ai.article_id = m.article_id
GROUP BY coalesce(e.canonical, m.canonical), coalesce(e.label, m.label), ai.day, m.entity_id;

CREATE OR REPLACE VIEW who_quotes_whom AS
WITH resolved AS (
    SELECT
        m.article_id,
        m.entity_id,
        coalesce(e.canonical, m.canonical) AS canonical,
        coalesce(e.label, m.label) AS label,
        m.start_char,
        m.end_char
    FROM entity_mentions m
    LEFT JOIN entities e ON e.entity_id = m.entity_id
),
pairs AS (
    SELECT
        coalesce(se.canonical, q.speaker) AS speaker,
        q.speaker_label,
        q.speaker_entity_id,
        r.canonical AS mentioned,
        r.label AS mentioned_label,
        r.entity_id AS mentioned_entity_id,
        q.article_id,
        q.start_char AS quote_start,
        r.start_char >= q.start_char AND r.end_char <= q.end_char AS inside
    FROM quotes q
    LEFT JOIN entities se ON se.entity_id = q.speaker_entity_id
    JOIN resolved r ON r.article_id = q.article_id
    WHERE q.speaker IS NOT NULL
      AND r.canonical <> coalesce(se.canonical, q.speaker)
      AND r.entity_id IS DISTINCT FROM q.speaker_entity_id
)
SELECT
    p.speaker,
    any_value(p.speaker_label) AS speaker_label,
    p.mentioned,
    p.mentioned_label,
    count(DISTINCT CASE WHEN p.inside THEN p.article_id || ':' || p.quote_start END) AS quotes,
    count(DISTINCT p.article_id) AS articles,
    min(ai.day) AS first_day,
    max(ai.day) AS last_day,
    any_value(p.speaker_entity_id) AS speaker_entity_id,
    any_value(p.mentioned_entity_id) AS mentioned_entity_id
FROM pairs p
JOIN article_info ai ON ai.article_id = p.article_id
GROUP BY p.speaker, p.mentioned, p.mentioned_label;

CREATE OR REPLACE VIEW co_mentions AS
WITH named AS (
    SELECT DISTINCT
        m.article_id,
        coalesce(e.canonical, m.canonical) AS canonical,
        coalesce(e.label, m.label) AS label,
        m.entity_id
    FROM entity_mentions m
    LEFT JOIN entities e ON e.entity_id = m.entity_id
)
SELECT
    a.article_id,
    ai.day,
    ai.source,
    a.canonical AS entity_a,
    a.label AS label_a,
    b.canonical AS entity_b,
    b.label AS label_b,
    a.entity_id AS entity_a_id,
    b.entity_id AS entity_b_id
FROM named a
JOIN named b
  ON b.article_id = a.article_id
 AND (a.canonical, a.label) < (b.canonical, b.label)
JOIN article_info ai ON ai.article_id = a.article_id;
