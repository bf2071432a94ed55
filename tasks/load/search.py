"""Full-text search over article titles and bodies: BM25 over the warehouse's own index.

The index (migration 0013, written by ``search_index`` as each batch is loaded) keeps each
article's stemmed terms with their positions; a query reads the postings of its own terms
only, so its cost follows how many articles match, and new articles are searchable in the
snapshot of the run that stored them. The SQL is the warehouse's: ``search_bm25('words')``
and ``search_phrase('words')``, the same macros analysts call in ``newsflow sql``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from newsflow.warehouse import extensions

SNIPPET_CHARS = 240


class SearchError(RuntimeError):
    """Search cannot run; the message says why in one line."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    article_id: str
    score: float
    title: str | None
    url: str
    day: date
    source: str | None
    snippet: str
    also_in: list[str | None] = field(default_factory=list)  # sources of other copies


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension, whose ``stem()`` the search macros use (read-only too)."""
    try:
        extensions.load_fts(con)
    except extensions.ExtensionMissing as exc:
        raise SearchError(str(exc)) from None


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has the search index's tables (migration 0013)."""
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'search_postings'"
    ).fetchone()
    return bool(row and row[0])


_PHRASE = re.compile(r'"([^"]*)"')


def parse_query(query: str) -> tuple[str, list[str]]:
    """(every word of the query, its quoted phrases): all words score, each phrase must occur."""
    phrases = [" ".join(p.split()) for p in _PHRASE.findall(query) if p.strip()]
    return " ".join(query.replace('"', " ").split()), phrases


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    since: date | None = None,
    limit: int = 10,
    all_copies: bool = False,
) -> list[SearchHit]:
    """Articles matching ``query`` (any of its words, stemmed; each "quoted phrase" as
    written), best BM25 score first.

    ``since`` keeps articles whose day (publication date, else fetch date) is on or after it.
    Syndicated copies of one story (same syndication cluster) count once: the best-scoring
    copy is shown, with the other outlets that ran it, unless ``all_copies``.
    """
    words, phrases = parse_query(query)
    if not words:
        raise SearchError("the search query is empty")
    if not has_index(con):
        raise SearchError("this warehouse has no search index yet (run `newsflow ingest`)")
    load_fts(con)
    params: dict[str, object] = {
        "query": words,
        "since": since,
        "limit": limit,
        "all_copies": all_copies,
    }
    # One read of the query terms' postings serves the scores and every phrase check (the
    # same BM25 as the warehouse's search_bm25 macro, and the same phrase test as
    # search_phrase).
    phrase_ctes = ""
    required = ""
    for number, phrase in enumerate(phrases):
        params[f"phrase{number}"] = phrase
        # only placeholder and CTE names built from a counter are spliced in
        phrase_ctes += f"""
        phrase_terms{number} AS (
            SELECT pos - min(pos) OVER () AS offset_, term FROM search_terms($phrase{number})
        ),
        phrase{number} AS (
            SELECT article_id FROM (
                SELECT h.article_id, unnest(h.positions) - t.offset_ AS start, t.offset_
                FROM hits h JOIN phrase_terms{number} t ON t.term = h.term
            )
            GROUP BY article_id, start
            HAVING count(DISTINCT offset_) = (SELECT count(DISTINCT offset_) FROM phrase_terms{number})
        ),"""  # noqa: S608
        required += f" AND s.article_id IN (SELECT article_id FROM phrase{number})"  # noqa: S608
    rows = con.execute(
        f"""
        WITH query_terms AS (
            SELECT DISTINCT term FROM search_terms($query)
        ),
        hits AS MATERIALIZED (
            SELECT p.term, p.article_id, p.tf, p.positions
            FROM search_postings p SEMI JOIN query_terms t ON t.term = p.term
        ),
        df AS (
            SELECT term, count(*) AS df FROM hits GROUP BY term
        ),
        bm25 AS (
            SELECT h.article_id,
                   sum(
                       log10((st.docs - df.df + 0.5) / (df.df + 0.5) + 1)
                       * h.tf * 2.2
                       / (h.tf + 1.2 * (0.25 + 0.75 * d.length / (st.total_length / st.docs)))
                   ) AS score
            FROM hits h
            JOIN df ON df.term = h.term
            JOIN search_docs d ON d.article_id = h.article_id
            CROSS JOIN search_stats st
            GROUP BY h.article_id
        ),{phrase_ctes}
        matched AS (
            SELECT s.article_id, s.score, CAST(coalesce(a.published_at, a.fetched_at) AS DATE)
                       AS day,
                   coalesce(sig.cluster_id, s.article_id) AS cluster_id
            FROM bm25 s
            JOIN articles a ON a.article_id = s.article_id
            LEFT JOIN article_signatures sig ON sig.article_id = s.article_id
            WHERE ($since IS NULL OR CAST(coalesce(a.published_at, a.fetched_at) AS DATE) >= $since)
            {required}
        ),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY CASE WHEN $all_copies THEN article_id ELSE cluster_id END
                ORDER BY score DESC, day, article_id) AS nth
            FROM matched
        ),
        top AS (
            SELECT * FROM ranked WHERE nth = 1
            ORDER BY score DESC, day DESC, article_id LIMIT $limit
        ),
        copies AS (
            SELECT t.article_id AS hit_id, m.article_id
            FROM top t JOIN matched m ON m.cluster_id = t.cluster_id
            WHERE NOT $all_copies
        )
        SELECT t.article_id, t.score,
               coalesce((SELECT list(c.article_id) FROM copies c WHERE c.hit_id = t.article_id),
                        [t.article_id]) AS copy_ids
        FROM top t
        ORDER BY t.score DESC, t.day DESC, t.article_id
        """,  # noqa: S608 - only placeholders are spliced in
        params,
    ).fetchall()
    info = _hit_details(con, [copy for *_, copy_ids in rows for copy in copy_ids])
    hits = []
    for article_id, score, copy_ids in rows:
        title, url, day, source, text = info[article_id]
        others = sorted(
            ((info[c][2], info[c][3]) for c in copy_ids if c != article_id),
            key=lambda day_source: (day_source[0], day_source[1] is None, day_source[1] or ""),
        )
        hits.append(
            SearchHit(
                article_id=article_id,
                score=float(score),
                title=title,
                url=url,
                day=day,
                source=source,
                snippet=snippet(text, phrases[0] if phrases else words),
                also_in=[] if all_copies else [other for _, other in others],
            )
        )
    return hits


def _hit_details(
    con: duckdb.DuckDBPyConnection, article_ids: list[str]
) -> dict[str, tuple[str | None, str, date, str | None, str]]:
    """Title, URL, day, source and text of the hits and their copies, read for those ids only.

    A join with ``article_info`` would build the view (every page's feeds) for the whole
    warehouse before the join keeps ten rows; a constant id list is pushed into its scans.
    """
    if not article_ids:
        return {}
    rows = con.execute(
        """
        SELECT ai.article_id, ai.title, ai.url, ai.day, ai.source, a.text
        FROM article_info ai JOIN articles a ON a.article_id = ai.article_id
        WHERE list_contains($ids, ai.article_id) AND list_contains($ids, a.article_id)
        """,
        {"ids": sorted(set(article_ids))},
    ).fetchall()
    return {article_id: tuple(rest) for article_id, *rest in rows}


_WORD = re.compile(r"\w+")


def snippet(text: str, query: str, width: int = SNIPPET_CHARS) -> str:
    """About ``width`` characters of ``text`` around the query's first match, on one line.

    The exact phrase wins; else the first word that starts like a query word (so "talks"
    finds "talking"); else the opening of the text.
    """
    flat = " ".join(text.split())
    lowered = flat.lower()
    at = lowered.find(" ".join(query.lower().split()))
    if at < 0:
        stems = [w[: max(4, len(w) - 2)] for w in _WORD.findall(query.lower()) if len(w) > 2]
        starts = [
            m.start()
            for stem in stems
            if (m := re.search(r"\b" + re.escape(stem), lowered)) is not None
        ]
        at = min(starts, default=0)
    begin = max(0, at - width // 3)
    if begin:
        space = flat.rfind(" ", 0, begin + 1)
        begin = space + 1 if space >= 0 else begin
    end = min(len(flat), begin + width)
    if end < len(flat):
        space = flat.rfind(" ", begin, end)
        end = space if space > begin else end
    return ("…" if begin else "") + flat[begin:end] + ("…" if end < len(flat) else "")


def parse_day(value: str) -> date:
    """A ``YYYY-MM-DD`` date (the form every --since takes)."""
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None
