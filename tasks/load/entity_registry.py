"""The warehouse-wide ``entities`` table: one entity per person or organisation, whatever the
article, the load order or the label one article's model guessed.

Each article names things by a canonical name and a label (``entity_mentions``). Across the
warehouse, a name is resolved to one entity, with evidence from every article:

- **label by majority**: the label most of the name's mentions carry ("Trump" as ORG in two
  articles and PERSON in forty is a PERSON everywhere; ties go to more articles, then to the
  label's name, so the result does not depend on which article came first);
- **surnames linked**: a one-word person ("Kerry") whose surname the warehouse knows from
  exactly one full name, or from one full name in at least ``DOMINANT_SHARE`` of the
  articles that use one, is that person ("John Kerry"); two people sharing a surname keep two
  entities, and the bare surname stays a third one while it is ambiguous.

``entity_names`` holds the counts per (name, label) and the entity each name resolves to; the
entity id is ``make_entity_id(label, canonical)`` of the resolved name (migration 0005), a hash,
so ids never depend on load order; ``name_surname(name_key)`` (migration 0009) gives a name's
surname key. Resolution is set-based SQL over the names a batch touches
(its names, and the surnames its full names may explain), inside the caller's transaction:

- the loader calls ``add_loaded`` after inserting a batch (relations ``batch_mentions`` and
  ``batch_quotes``: the rows just inserted, their ``entity_id`` provisional);
- ``newsflow reprocess`` calls ``link_speakers`` and ``refresh`` after replacing rows (table
  ``affected_entities``: the entity ids of the rows removed and added).
"""

from __future__ import annotations

import hashlib

import duckdb

# A surname joins the full name used in at least this share of the articles that use a full
# name with that surname ("Trump" -> "Donald Trump" despite a few "Ivanka Trump").
DOMINANT_SHARE = 0.9


def entity_id(label: str, canonical: str) -> str:
    """The stable id of an entity: 16 hex digits of md5("LABEL|canonical"), the same as the
    warehouse's ``make_entity_id(label, canonical)``."""
    return hashlib.md5(f"{label}|{canonical}".encode()).hexdigest()[:16]  # noqa: S324


def link_speakers(con: duckdb.DuckDBPyConnection) -> None:
    """Set ``speaker_entity_id`` of the quotes in ``batch_quotes``: the entity mentioned in
    the same article under the speaker's name, of the speaker's label when there is a choice.
    Unnamed or joint speakers stay NULL.
    """
    con.execute(
        """
        UPDATE quotes SET speaker_entity_id = s.entity_id
        FROM (
            SELECT q.article_id, q.start_char, q.end_char,
                   arg_min(m.entity_id, CASE WHEN m.label = q.speaker_label THEN 0 ELSE 1 END)
                       AS entity_id
            FROM quotes q
            SEMI JOIN batch_quotes b
                ON b.article_id = q.article_id AND b.start_char = q.start_char
               AND b.end_char = q.end_char
            JOIN entity_mentions m ON m.article_id = q.article_id AND m.canonical = q.speaker
            GROUP BY q.article_id, q.start_char, q.end_char
        ) s
        WHERE quotes.article_id = s.article_id
          AND quotes.start_char = s.start_char
          AND quotes.end_char = s.end_char
        """
    )


def add_loaded(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve the names of the rows just inserted (``batch_mentions``), link the speakers of
    ``batch_quotes`` and recount every entity whose rows changed."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE resolve_names AS "
        "SELECT DISTINCT lower(canonical) AS name_key FROM batch_mentions"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE recount_entities AS "
        "SELECT DISTINCT make_entity_id(label, canonical) AS entity_id FROM batch_mentions"
    )
    _resolve(con)
    link_speakers(con)
    _recount(con)


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve the names of the entities listed in ``affected_entities`` (column entity_id)
    again and recount them from the rows now stored; entities left with no mention are
    dropped."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_names AS
        SELECT name_key FROM entity_names
        WHERE entity_id IN (SELECT entity_id FROM affected_entities)
        UNION
        SELECT lower(canonical) FROM entity_mentions
        WHERE entity_id IN (SELECT entity_id FROM affected_entities)
        """
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE recount_entities AS "
        "SELECT DISTINCT entity_id FROM affected_entities"
    )
    _resolve(con)
    _recount(con)


def _resolve(con: duckdb.DuckDBPyConnection) -> None:
    """Recount the names in ``resolve_names`` (plus the surnames their full names may explain),
    decide the entity of each and move its mentions and quotes there. The entity ids the
    names had before and have now are added to ``recount_entities``."""
    con.execute(
        """
        INSERT INTO resolve_names
        SELECT DISTINCT name_surname(name_key) FROM resolve_names WHERE contains(name_key, ' ')
        EXCEPT SELECT name_key FROM resolve_names
        """
    )
    con.execute(
        """
        INSERT INTO recount_entities
        SELECT DISTINCT entity_id FROM entity_names
        WHERE name_key IN (SELECT name_key FROM resolve_names) AND entity_id IS NOT NULL
        """
    )
    con.execute("DELETE FROM entity_names WHERE name_key IN (SELECT name_key FROM resolve_names)")
    con.execute(
        """
        INSERT INTO entity_names BY NAME
        SELECT name_key, label,
               arg_min(canonical, struct_pack(shouted := canonical = upper(canonical),
                                              spelling := canonical)) AS canonical,
               count(*) AS mentions, count(DISTINCT article_id) AS articles,
               any_value(name_surname(name_key)) AS surname
        FROM (SELECT lower(canonical) AS name_key, * FROM entity_mentions)
        WHERE name_key IN (SELECT name_key FROM resolve_names)
        GROUP BY name_key, label
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE name_majority AS
        SELECT name_key, any_value(surname) AS surname,
               arg_max(label, struct_pack(m := mentions, a := articles, l := label)) AS label,
               arg_max(canonical, struct_pack(m := mentions, a := articles, l := label))
                   AS canonical,
               sum(articles) AS articles
        FROM entity_names
        WHERE name_key IN (SELECT name_key FROM resolve_names)
           OR (contains(name_key, ' ') AND surname IN (SELECT name_key FROM resolve_names))
        GROUP BY name_key
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE name_resolution AS
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
                       AND coalesce(f.share >= $share, false) AS linked
            FROM name_majority n LEFT JOIN full_names f ON f.surname = n.name_key
            WHERE n.name_key IN (SELECT name_key FROM resolve_names)
        )
        """,
        {"share": DOMINANT_SHARE},
    )
    con.execute(
        """
        UPDATE entity_names SET
            entity_id = make_entity_id(r.label, r.canonical),
            entity_canonical = r.canonical,
            entity_label = r.label
        FROM name_resolution r
        WHERE entity_names.name_key = r.name_key
        """
    )
    con.execute(
        "INSERT INTO recount_entities "
        "SELECT DISTINCT make_entity_id(label, canonical) FROM name_resolution"
    )
    con.execute(
        """
        UPDATE entity_mentions SET entity_id = r.entity_id
        FROM (SELECT name_key, make_entity_id(label, canonical) AS entity_id
              FROM name_resolution) r
        WHERE lower(entity_mentions.canonical) = r.name_key
          AND entity_mentions.entity_id IS DISTINCT FROM r.entity_id
        """
    )
    con.execute(
        """
        UPDATE quotes SET speaker_entity_id = r.entity_id
        FROM (SELECT name_key, make_entity_id(label, canonical) AS entity_id
              FROM name_resolution) r
        WHERE lower(quotes.speaker) = r.name_key
          AND quotes.speaker_entity_id IS NOT NULL
          AND quotes.speaker_entity_id <> r.entity_id
        """
    )


def _recount(con: duckdb.DuckDBPyConnection) -> None:
    """Count the entities in ``recount_entities`` from the rows now stored, under their
    resolved name and label; an entity left with no mention is dropped."""
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM recount_entities)")
    con.execute(
        """
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
              FROM entity_names
              WHERE entity_id IN (SELECT entity_id FROM recount_entities)
              GROUP BY entity_id) n ON n.entity_id = m.entity_id
        LEFT JOIN (
            SELECT speaker_entity_id, count(*) AS quotes FROM quotes
            WHERE speaker_entity_id IN (SELECT entity_id FROM recount_entities)
            GROUP BY speaker_entity_id
        ) q ON q.speaker_entity_id = m.entity_id
        WHERE m.entity_id IN (SELECT entity_id FROM recount_entities)
        GROUP BY m.entity_id
        """
    )
    con.execute("DROP TABLE recount_entities")
    con.execute("DROP TABLE resolve_names")
