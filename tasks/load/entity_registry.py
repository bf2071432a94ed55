"""The warehouse-wide ``entities`` table: one stable id per canonical entity, with its counts.

Mentions get ``entity_id`` from their label and canonical name (a hash, so the same entity
has the same id in every run and every rebuild); a quote's ``speaker_entity_id`` is the id
of the mention in the same article that carries the speaker's canonical name. Everything
here is set-based SQL run inside the caller's transaction, on relations the caller has
registered under fixed names: ``batch_mentions`` and ``batch_quotes`` (the rows it just
inserted) and, for ``refresh``, the table ``affected_entities`` (ids to recount). The loader
calls ``add_loaded`` right after inserting a batch; ``newsflow reprocess`` calls
``link_speakers`` and ``refresh`` after replacing rows. The SQL macro ``make_entity_id``
(migration 0005) computes ids in the database.
"""

from __future__ import annotations

import hashlib

import duckdb


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
    """Count the rows just inserted from ``batch_mentions`` and ``batch_quotes`` into
    ``entities``: their articles are new to the warehouse, so counts simply add up."""
    link_speakers(con)
    con.execute(
        """
        INSERT INTO entities AS e BY NAME
        SELECT m.entity_id, any_value(m.canonical) AS canonical, any_value(m.label) AS label,
               count(*) AS mentions, count(DISTINCT m.article_id) AS articles, 0 AS quotes,
               min(coalesce(a.published_at, a.fetched_at)) AS first_seen, max(coalesce(a.published_at, a.fetched_at)) AS last_seen
        FROM entity_mentions m
        SEMI JOIN batch_mentions b
            ON b.article_id = m.article_id AND b.start_char = m.start_char
           AND b.end_char = m.end_char
        JOIN articles a ON a.article_id = m.article_id
        GROUP BY m.entity_id
        ON CONFLICT (entity_id) DO UPDATE SET
            mentions = e.mentions + excluded.mentions,
            articles = e.articles + excluded.articles,
            first_seen = least(e.first_seen, excluded.first_seen),
            last_seen = greatest(e.last_seen, excluded.last_seen)
        """
    )
    con.execute(
        """
        UPDATE entities SET quotes = entities.quotes + n.quotes
        FROM (
            SELECT q.speaker_entity_id, count(*) AS quotes
            FROM quotes q
            SEMI JOIN batch_quotes b
                ON b.article_id = q.article_id AND b.start_char = q.start_char
               AND b.end_char = q.end_char
            WHERE q.speaker_entity_id IS NOT NULL
            GROUP BY q.speaker_entity_id
        ) n
        WHERE entities.entity_id = n.speaker_entity_id
        """
    )


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Recount the entities listed in ``affected_entities`` (column entity_id) from the rows
    now stored; entities left with no mention are dropped."""
    con.execute("DELETE FROM entities WHERE entity_id IN (SELECT entity_id FROM affected_entities)")
    con.execute(
        """
        INSERT INTO entities BY NAME
        SELECT m.entity_id, any_value(m.canonical) AS canonical, any_value(m.label) AS label,
               count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
               coalesce(any_value(q.quotes), 0) AS quotes,
               min(coalesce(a.published_at, a.fetched_at)) AS first_seen, max(coalesce(a.published_at, a.fetched_at)) AS last_seen
        FROM entity_mentions m
        JOIN articles a ON a.article_id = m.article_id
        LEFT JOIN (
            SELECT speaker_entity_id, count(*) AS quotes FROM quotes
            WHERE speaker_entity_id IN (SELECT entity_id FROM affected_entities)
            GROUP BY speaker_entity_id
        ) q ON q.speaker_entity_id = m.entity_id
        WHERE m.entity_id IN (SELECT entity_id FROM affected_entities)
        GROUP BY m.entity_id
        """
    )
