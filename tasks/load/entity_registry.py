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
  entities, and the bare surname stays a third one while it is ambiguous;
- **candidates**: a one-word name an article gave no evidence of a person for (label
  ``CANDIDATE``, tasks/nlp/entities.py) votes for a label only when no article gave it a
  real one, and is linked like a surname; unlinked, it stays a ``CANDIDATE`` entity, which
  rankings of people and organisations leave out.

``entity_names`` holds the counts per (name, label) and the entity each name resolves to; the
entity id is ``make_entity_id(label, canonical)`` of the resolved name (migration 0005), a hash,
so ids never depend on load order; ``name_surname(name_key)`` (migration 0009) gives a name's
surname key.

**Incremental**: a load touches only the names of its batch. Their counts in
``entity_names`` and the counts in ``entities`` change by the batch's delta (MERGE); the
resolution is recomputed for the batch's names and the surnames its full names may explain,
looked up by key in ``entity_names``. The mentions and quotes table is read only for a name
whose entity changed (its older rows move to the new entity, and the two entities are
recounted), so a batch that changes no older name reads nothing but its own rows.
``rebuild`` recomputes everything from the rows (the reference the increments must equal).

On the lake every statement that changes a table writes files, and a table changed twice in
one transaction is read back through them: the names a batch touches are copied once into a
temporary table (``touched_names``), counted and resolved there, and written back with one
MERGE; ``entities`` likewise takes one MERGE per batch (added counts, recounts and drops).

- the loader calls ``insert_batch`` with relations ``batch_mentions`` and ``batch_quotes``
  (the rows to store, not yet inserted) and ``batch_article_dates`` (article_id, seen: the
  date each new article counts from, as stored);
- ``newsflow reprocess`` calls ``replace_batch`` with those and ``batch_ids`` (the articles
  whose rows they replace).
"""

from __future__ import annotations

import hashlib

import duckdb

# A surname joins the full name used in at least this share of the articles that use a full
# name with that surname ("Trump" -> "Donald Trump" despite a few "Ivanka Trump").
DOMINANT_SHARE = 0.9

# The usual spelling of a name: a mixed-case one over a shouted one, then the smallest.
_SPELLING_KEY = "struct_pack(shouted := {0} = upper({0}), spelling := {0})"

_TEMP_TABLES = (
    "name_delta",
    "touched_names",
    "gone_names",
    "recount_rows",
    "resolve_names",
    "old_resolution",
    "name_majority",
    "name_resolution",
    "changed_names",
    "recount_entities",
    "batch_resolved",
    "batch_speakers",
    "entity_delta",
)


def entity_id(label: str, canonical: str) -> str:
    """The stable id of an entity: 16 hex digits of md5("LABEL|canonical"), the same as the
    warehouse's ``make_entity_id(label, canonical)``."""
    return hashlib.md5(f"{label}|{canonical}".encode()).hexdigest()[:16]  # noqa: S324


def insert_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Store ``batch_mentions`` and ``batch_quotes`` (rows of articles new to the warehouse)
    under their resolved entities, and bring ``entity_names`` and ``entities`` up to date by
    the batch's delta."""
    _name_delta(con, replacing=False)
    _resolution(con)
    _write_names(con)
    _insert_rows(con)
    _move_changed_names(con)
    _count_entities(con, replacing=False)
    _drop_temp(con)


def replace_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Swap the stored mentions and quotes of the articles in ``batch_ids`` for
    ``batch_mentions`` and ``batch_quotes``, with the same bookkeeping as ``insert_batch``
    (the old rows count negatively; every entity they or the new rows touch is recounted)."""
    _name_delta(con, replacing=True)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE recount_entities AS
        SELECT DISTINCT entity_id FROM entity_mentions SEMI JOIN batch_ids USING (article_id)
        WHERE entity_id IS NOT NULL
        UNION
        SELECT DISTINCT speaker_entity_id FROM quotes SEMI JOIN batch_ids USING (article_id)
        WHERE speaker_entity_id IS NOT NULL
        """
    )
    con.execute(
        "DELETE FROM entity_mentions WHERE article_id IN (SELECT article_id FROM batch_ids)"
    )
    con.execute("DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM batch_ids)")
    _respell(con)
    _resolution(con)
    _write_names(con)
    _insert_rows(con)
    _move_changed_names(con)
    _count_entities(con, replacing=True)
    _drop_temp(con)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute ``entity_names``, every row's entity and ``entities`` from the stored rows:
    what the increments of ``insert_batch`` and ``replace_batch`` must add up to."""
    con.execute("CREATE OR REPLACE TEMP TABLE touched_names AS FROM entity_names LIMIT 0")
    con.execute(
        f"""
        INSERT INTO touched_names BY NAME
        SELECT lower(canonical) AS name_key, label,
               arg_min(canonical, {_SPELLING_KEY.format("canonical")}) AS canonical,
               count(*) AS mentions, count(DISTINCT article_id) AS articles,
               name_surname(lower(canonical)) AS surname
        FROM entity_mentions GROUP BY ALL
        """  # noqa: S608 (a constant)
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE resolve_names AS SELECT DISTINCT name_key FROM touched_names"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE old_resolution (name_key VARCHAR, entity_id VARCHAR)")
    _resolution(con)
    con.execute("DELETE FROM entity_names")
    con.execute("INSERT INTO entity_names BY NAME SELECT * FROM touched_names")
    con.execute(
        """
        UPDATE entity_mentions SET entity_id = r.entity_id
        FROM name_resolution r
        WHERE lower(entity_mentions.canonical) = r.name_key
          AND entity_mentions.entity_id IS DISTINCT FROM r.entity_id
        """
    )
    con.execute(
        """
        UPDATE quotes SET speaker_entity_id = s.entity_id
        FROM (
            SELECT q.article_id, q.start_char, q.end_char,
                   arg_min(m.entity_id, CASE WHEN m.label = q.speaker_label THEN 0 ELSE 1 END)
                       AS entity_id
            FROM quotes q
            JOIN entity_mentions m ON m.article_id = q.article_id AND m.canonical = q.speaker
            GROUP BY ALL
        ) s
        WHERE quotes.article_id = s.article_id
          AND quotes.start_char = s.start_char AND quotes.end_char = s.end_char
        """
    )
    con.execute("DELETE FROM entities")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE recount_entities AS SELECT NULL::VARCHAR AS entity_id"
    )
    _recount(con, everything=True)
    _drop_temp(con)


def _name_delta(con: duckdb.DuckDBPyConnection, replacing: bool) -> None:
    """``name_delta``: per (name, label), the mentions and articles the batch adds (and, when
    replacing, removes) and its usual spelling; ``resolve_names``: those names and the
    surnames their full names may explain."""
    removed = (
        """
        UNION ALL
        SELECT lower(canonical), label, NULL, -count(*), -count(DISTINCT article_id)
        FROM entity_mentions SEMI JOIN batch_ids USING (article_id)
        GROUP BY ALL
        """
        if replacing
        else ""
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE name_delta AS
        SELECT name_key, label,
               arg_min(spelling, {_SPELLING_KEY.format("spelling")}) AS spelling,
               sum(mentions)::BIGINT AS mentions, sum(articles)::BIGINT AS articles
        FROM (
            SELECT lower(canonical) AS name_key, label, arg_min(
                       canonical, {_SPELLING_KEY.format("canonical")}) AS spelling,
                   count(*) AS mentions, count(DISTINCT article_id) AS articles
            FROM batch_mentions GROUP BY ALL
            {removed}
        )
        GROUP BY ALL
        """  # noqa: S608 (constants)
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE resolve_names AS
        SELECT name_key FROM name_delta
        UNION
        SELECT name_surname(name_key) FROM name_delta WHERE contains(name_key, ' ')
        """
    )
    # The stored rows the batch may change or read: its names and the full names sharing
    # a surname with them (one read of entity_names).
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE touched_names AS
        SELECT * FROM entity_names
        WHERE name_key IN (SELECT name_key FROM resolve_names)
           OR (surname IN (SELECT name_key FROM resolve_names) AND contains(name_key, ' '))
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE old_resolution AS
        SELECT name_key, any_value(entity_id) AS entity_id FROM touched_names
        SEMI JOIN resolve_names USING (name_key)
        GROUP BY name_key
        """
    )
    con.execute(
        f"""
        MERGE INTO touched_names n
        USING name_delta d ON n.name_key = d.name_key AND n.label = d.label
        WHEN MATCHED THEN UPDATE SET
            mentions = n.mentions + d.mentions,
            articles = n.articles + d.articles,
            canonical = CASE
                WHEN d.spelling IS NOT NULL AND {_SPELLING_KEY.format("d.spelling")}
                     < {_SPELLING_KEY.format("n.canonical")}
                THEN d.spelling ELSE n.canonical END
        WHEN NOT MATCHED THEN INSERT (name_key, label, canonical, mentions, articles, surname)
            VALUES (d.name_key, d.label, d.spelling, d.mentions, d.articles,
                    name_surname(d.name_key))
        """  # noqa: S608 (constants)
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE gone_names AS
        SELECT name_key, label FROM touched_names
        WHERE mentions <= 0 AND name_key IN (SELECT name_key FROM name_delta)
        """
    )
    if replacing:
        con.execute(
            "DELETE FROM touched_names WHERE mentions <= 0 "
            "AND name_key IN (SELECT name_key FROM name_delta)"
        )


def _write_names(con: duckdb.DuckDBPyConnection) -> None:
    """Write the batch's names back to ``entity_names``: one MERGE (new counts, spelling and
    resolution), and a DELETE only when a replacement left a name with no mention (DuckLake's
    MERGE takes one UPDATE or DELETE action)."""
    if con.execute("SELECT count(*) FROM gone_names").fetchone() != (0,):
        con.execute("DELETE FROM entity_names WHERE (name_key, label) IN (FROM gone_names)")
    columns = [d[0] for d in con.execute("SELECT * FROM entity_names LIMIT 0").description]
    keys = ("name_key", "label")
    updates = ", ".join(f"{c} = s.{c}" for c in columns if c not in keys)
    values = ", ".join(f"s.{c}" for c in columns)
    con.execute(
        f"""
        MERGE INTO entity_names n USING (
            SELECT * FROM touched_names WHERE name_key IN (SELECT name_key FROM resolve_names)
        ) AS s ON n.name_key = s.name_key AND n.label = s.label
        WHEN MATCHED THEN UPDATE SET {updates}
        WHEN NOT MATCHED THEN INSERT ({", ".join(columns)}) VALUES ({values})
        """  # noqa: S608 (the table's own column names)
    )


def _respell(con: duckdb.DuckDBPyConnection) -> None:
    """After a replacement, the usual spelling of each replaced name from the rows left and
    the new ones (a removed spelling may have been the usual one)."""
    con.execute(
        f"""
        UPDATE touched_names SET canonical = s.spelling
        FROM (
            SELECT name_key, label, arg_min(canonical, {_SPELLING_KEY.format("canonical")})
                       AS spelling
            FROM (
                SELECT lower(canonical) AS name_key, label, canonical FROM entity_mentions
                WHERE lower(canonical) IN (SELECT name_key FROM name_delta)
                UNION ALL
                SELECT lower(canonical), label, canonical FROM batch_mentions
            )
            GROUP BY ALL
        ) s
        WHERE touched_names.name_key = s.name_key AND touched_names.label = s.label
          AND touched_names.canonical <> s.spelling
        """  # noqa: S608 (constants)
    )


def _resolution(con: duckdb.DuckDBPyConnection) -> None:
    """``name_resolution`` (name_key, canonical, label, entity_id) for ``resolve_names``, from
    the counts in ``touched_names``, written back there; ``changed_names``: the
    names that resolved to another entity before (old_id, new_id)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE name_majority AS
        SELECT name_key, any_value(surname) AS surname,
               arg_max(label, struct_pack(named := label <> 'CANDIDATE', m := mentions,
                                          a := articles, l := label)) AS label,
               arg_max(canonical, struct_pack(named := label <> 'CANDIDATE', m := mentions,
                                              a := articles, l := label)) AS canonical,
               sum(articles) AS articles
        FROM touched_names
        WHERE name_key IN (SELECT name_key FROM resolve_names)
           OR (surname IN (SELECT name_key FROM resolve_names) AND contains(name_key, ' '))
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
        SELECT name_key, canonical, label, make_entity_id(label, canonical) AS entity_id
        FROM (
            SELECT name_key,
                   CASE WHEN linked THEN full_name ELSE canonical END AS canonical,
                   CASE WHEN linked THEN 'PERSON' ELSE label END AS label
            FROM (
                SELECT n.name_key, n.canonical, n.label, f.canonical AS full_name,
                       n.label IN ('PERSON', 'CANDIDATE') AND NOT contains(n.name_key, ' ')
                           AND coalesce(f.share >= $share, false) AS linked
                FROM name_majority n LEFT JOIN full_names f ON f.surname = n.name_key
                WHERE n.name_key IN (SELECT name_key FROM resolve_names)
            )
        )
        """,
        {"share": DOMINANT_SHARE},
    )
    con.execute(
        """
        UPDATE touched_names SET
            entity_id = r.entity_id,
            entity_canonical = r.canonical,
            entity_label = r.label
        FROM name_resolution r
        WHERE touched_names.name_key = r.name_key
          AND touched_names.entity_id IS DISTINCT FROM r.entity_id
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE changed_names AS
        SELECT o.name_key, o.entity_id AS old_id, r.entity_id AS new_id
        FROM old_resolution o JOIN name_resolution r USING (name_key)
        WHERE o.entity_id IS DISTINCT FROM r.entity_id
        """
    )


def _insert_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the batch's mentions under their names' entities, and its quotes linked to the
    entity mentioned in the same article under the speaker's name (of the speaker's label
    when there is a choice; unnamed or joint speakers stay NULL)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE batch_resolved AS
        SELECT b.*, r.entity_id
        FROM batch_mentions b JOIN name_resolution r ON r.name_key = lower(b.canonical)
        """
    )
    con.execute("INSERT INTO entity_mentions BY NAME SELECT * FROM batch_resolved")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE batch_speakers AS
        SELECT q.*, s.entity_id AS speaker_entity_id
        FROM batch_quotes q
        LEFT JOIN (
            SELECT q.article_id, q.start_char, q.end_char,
                   arg_min(m.entity_id, CASE WHEN m.label = q.speaker_label THEN 0 ELSE 1 END)
                       AS entity_id
            FROM batch_quotes q
            JOIN batch_resolved m ON m.article_id = q.article_id AND m.canonical = q.speaker
            GROUP BY ALL
        ) s USING (article_id, start_char, end_char)
        """
    )
    con.execute("INSERT INTO quotes BY NAME SELECT * FROM batch_speakers")


def _move_changed_names(con: duckdb.DuckDBPyConnection) -> None:
    """Older rows of a name that now resolves to another entity move there (the only step
    that reads the stored rows, and only when some name changed)."""
    changed = con.execute("SELECT count(*) FROM changed_names").fetchone()
    if not changed or not changed[0]:
        return
    con.execute(
        """
        UPDATE entity_mentions SET entity_id = c.new_id
        FROM changed_names c
        WHERE entity_mentions.entity_id = c.old_id
          AND lower(entity_mentions.canonical) = c.name_key
        """
    )
    con.execute(
        """
        UPDATE quotes SET speaker_entity_id = c.new_id
        FROM changed_names c
        WHERE quotes.speaker_entity_id = c.old_id AND lower(quotes.speaker) = c.name_key
        """
    )


def _count_entities(con: duckdb.DuckDBPyConnection, replacing: bool) -> None:
    """Bring ``entities`` up to date: entities that gained or lost a name (and, when
    replacing, every entity the old or new rows touch) are recounted from their rows; the
    others add the batch's own counts (its articles are new, so counts simply add up). One
    MERGE writes both."""
    if replacing:
        con.execute(
            """
            INSERT INTO recount_entities
            SELECT entity_id FROM batch_resolved
            UNION SELECT old_id FROM changed_names UNION SELECT new_id FROM changed_names
            """
        )
        _recount(con)
        return
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE recount_entities AS
        SELECT old_id AS entity_id FROM changed_names UNION SELECT new_id FROM changed_names
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE entity_delta AS
        SELECT m.entity_id, any_value(r.canonical) AS canonical, any_value(r.label) AS label,
               count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
               coalesce(any_value(q.quotes), 0) AS quotes,
               min(d.seen) AS first_seen, max(d.seen) AS last_seen
        FROM batch_resolved m
        JOIN batch_article_dates d USING (article_id)
        JOIN (SELECT DISTINCT entity_id, canonical, label FROM name_resolution) r
            ON r.entity_id = m.entity_id
        LEFT JOIN (SELECT speaker_entity_id, count(*) AS quotes FROM batch_speakers
                   GROUP BY ALL) q ON q.speaker_entity_id = m.entity_id
        WHERE m.entity_id NOT IN (SELECT entity_id FROM recount_entities WHERE entity_id NOT NULL)
        GROUP BY m.entity_id
        """
    )
    _recount(con, delta=True)


_ENTITY_COLUMNS = (
    "entity_id",
    "canonical",
    "label",
    "mentions",
    "articles",
    "quotes",
    "first_seen",
    "last_seen",
)


def _recount(con: duckdb.DuckDBPyConnection, everything: bool = False, delta: bool = False) -> None:
    """Count the entities in ``recount_entities`` (all with ``everything``) from the rows now
    stored, under their resolved name and label; an entity left with no mention is dropped.
    With ``delta``, ``entity_delta``'s counts are added to the other entities in the same
    statement."""
    chosen = "" if everything else "WHERE entity_id IN (SELECT entity_id FROM recount_entities)"
    speakers = chosen.replace("WHERE entity_id", "AND speaker_entity_id")
    counted = f"""
        SELECT m.entity_id, any_value(n.entity_canonical) AS canonical,
               any_value(n.entity_label) AS label,
               count(*) AS mentions, count(DISTINCT m.article_id) AS articles,
               coalesce(any_value(q.quotes), 0) AS quotes,
               min(coalesce(a.published_at, a.fetched_at)) AS first_seen,
               max(coalesce(a.published_at, a.fetched_at)) AS last_seen
        FROM (SELECT * FROM entity_mentions {chosen}) m
        JOIN articles a ON a.article_id = m.article_id
        JOIN (SELECT entity_id, any_value(entity_canonical) AS entity_canonical,
                     any_value(entity_label) AS entity_label
              FROM entity_names {chosen}
              GROUP BY entity_id) n ON n.entity_id = m.entity_id
        LEFT JOIN (
            SELECT speaker_entity_id, count(*) AS quotes FROM quotes
            WHERE speaker_entity_id IS NOT NULL {speakers}
            GROUP BY speaker_entity_id
        ) q ON q.speaker_entity_id = m.entity_id
        GROUP BY m.entity_id
        """  # noqa: S608 (constants)
    if everything:
        con.execute("DELETE FROM entities")
        con.execute(f"INSERT INTO entities BY NAME {counted}")  # noqa: S608 (constants)
        return
    recount = con.execute("SELECT count(*) FROM recount_entities").fetchone() != (0,)
    parts = []
    if recount:
        con.execute(f"CREATE OR REPLACE TEMP TABLE recount_rows AS {counted}")  # noqa: S608
        parts.append("SELECT *, true AS recounted FROM recount_rows")
        # Entities left with no mention (DuckLake's MERGE takes one UPDATE or DELETE action).
        dropped = con.execute(
            "SELECT list(entity_id) FROM recount_entities "
            "WHERE entity_id NOT IN (SELECT entity_id FROM recount_rows)"
        ).fetchone()[0]
        if dropped:
            con.execute("DELETE FROM entities WHERE list_contains(?, entity_id)", [dropped])
    if delta:
        parts.append("SELECT *, false AS recounted FROM entity_delta")
    if not parts:
        return
    columns = ", ".join(_ENTITY_COLUMNS)
    values = ", ".join(f"s.{c}" for c in _ENTITY_COLUMNS)
    con.execute(
        f"""
        MERGE INTO entities e USING ({" UNION ALL BY NAME ".join(parts)}) AS s
        ON e.entity_id = s.entity_id
        WHEN MATCHED THEN UPDATE SET
            canonical = CASE WHEN s.recounted THEN s.canonical ELSE e.canonical END,
            label = CASE WHEN s.recounted THEN s.label ELSE e.label END,
            mentions = CASE WHEN s.recounted THEN 0 ELSE e.mentions END + s.mentions,
            articles = CASE WHEN s.recounted THEN 0 ELSE e.articles END + s.articles,
            quotes = CASE WHEN s.recounted THEN 0 ELSE e.quotes END + s.quotes,
            first_seen = CASE WHEN s.recounted THEN s.first_seen
                              ELSE least(e.first_seen, s.first_seen) END,
            last_seen = CASE WHEN s.recounted THEN s.last_seen
                             ELSE greatest(e.last_seen, s.last_seen) END
        WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({values})
        """  # noqa: S608 (constants)
    )


def _drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    for name in _TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {name}")
