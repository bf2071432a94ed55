"""Full-text search over article titles and bodies: DuckDB's FTS extension (BM25 ranking).

DuckDB cannot download extensions here, so the extension is loaded from the pinned PyPI
package ``duckdb-extension-fts`` (its file sits inside the installed package). The index is
rebuilt in the flow's private file after each load, before the snapshot is published, so
the published warehouse always carries an index that covers every article in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

INDEX_SCHEMA = "fts_main_articles"
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


def fts_extension_path() -> Path:
    """The FTS extension file shipped by the installed ``duckdb-extension-fts`` package."""
    try:
        import duckdb_extension_fts
    except ImportError:
        raise SearchError(
            "the duckdb-extension-fts package is not installed (pip install -e .)"
        ) from None
    package = Path(next(iter(duckdb_extension_fts.__path__)))
    path = package / "extensions" / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if not path.is_file():
        found = sorted(p.name for p in (package / "extensions").glob("v*"))
        raise SearchError(
            f"no FTS extension for DuckDB {duckdb.__version__} in {package} (has: {found}); "
            "install duckdb-extension-fts of the same version as duckdb"
        )
    return path


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension into this connection (read-only connections too)."""
    path = str(fts_extension_path())
    # LOAD takes no parameters; the path comes from the installed package, not from input.
    con.execute("LOAD '" + path.replace("'", "''") + "'")


def rebuild_index(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the BM25 index over ``articles`` (title + text); return the articles indexed.

    DuckDB's FTS index is not updated incrementally, so it is rebuilt whole: about a second
    per few thousand articles (see bench/search.py).
    """
    load_fts(con)
    con.execute(
        "PRAGMA create_fts_index('articles', 'article_id', 'title', 'text', "
        "stemmer = 'porter', stopwords = 'english', strip_accents = 1, lower = 1, "
        "overwrite = 1)"
    )
    row = con.execute(f"SELECT count(*) FROM {INDEX_SCHEMA}.docs").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def index_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the index covers exactly the stored articles, so a run that added none
    can skip the rebuild (articles are only ever inserted, never edited)."""
    if not has_index(con):
        return False
    row = con.execute(
        f"""
        SELECT (SELECT count(*) FROM articles) = (SELECT count(*) FROM {INDEX_SCHEMA}.docs)
           AND NOT EXISTS (
               SELECT 1 FROM articles a ANTI JOIN {INDEX_SCHEMA}.docs d ON d.name = a.article_id
           )
        """  # noqa: S608 - a constant schema name
    ).fetchone()
    return bool(row and row[0])


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'docs'",
        [INDEX_SCHEMA],
    ).fetchone()
    return bool(row and row[0])


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    since: date | None = None,
    limit: int = 10,
    all_copies: bool = False,
) -> list[SearchHit]:
    """Articles matching ``query`` (any of its words, stemmed), best BM25 score first.

    ``since`` keeps articles whose day (publication date, else fetch date) is on or after it.
    Syndicated copies of one story (same syndication cluster) count once: the best-scoring
    copy is shown, with the other outlets that ran it, unless ``all_copies``.
    """
    if not query.strip():
        raise SearchError("the search query is empty")
    if not has_index(con):
        raise SearchError("this warehouse has no search index yet (run `newsflow ingest`)")
    load_fts(con)
    rows = con.execute(
        f"""
        WITH hits AS (
            SELECT article_id, {INDEX_SCHEMA}.match_bm25(article_id, $query) AS score
            FROM articles
        ),
        matched AS (
            SELECT h.article_id, h.score, ai.title, ai.url, ai.day, ai.source,
                   coalesce(s.cluster_id, h.article_id) AS cluster_id
            FROM hits h
            JOIN article_info ai ON ai.article_id = h.article_id
            LEFT JOIN article_signatures s ON s.article_id = h.article_id
            WHERE h.score IS NOT NULL AND ($since IS NULL OR ai.day >= $since)
        ),
        ranked AS (
            SELECT *,
                row_number() OVER copies AS nth,
                list(source ORDER BY day, source) OVER (PARTITION BY cluster_id) AS sources
            FROM matched
            WINDOW copies AS (PARTITION BY cluster_id ORDER BY score DESC, day, article_id)
        )
        SELECT r.article_id, r.score, r.title, r.url, r.day, r.source, r.sources, a.text
        FROM ranked r JOIN articles a ON a.article_id = r.article_id
        WHERE $all_copies OR r.nth = 1
        ORDER BY r.score DESC, r.day DESC, r.article_id
        LIMIT $limit
        """,  # noqa: S608 - the schema name is a constant
        {"query": query, "since": since, "limit": limit, "all_copies": all_copies},
    ).fetchall()
    hits = []
    for article_id, score, title, url, day, source, sources, text in rows:
        others = list(sources)
        others.remove(source)
        hits.append(
            SearchHit(
                article_id=article_id,
                score=float(score),
                title=title,
                url=url,
                day=day,
                source=source,
                snippet=snippet(text, query),
                also_in=[] if all_copies else others,
            )
        )
    return hits


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
