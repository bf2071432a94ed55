"""Rows for the warehouse's tables, built once from the pipeline's records.

The migrations are the one place where a column's type is written: staged Arrow tables take
their schema from the database (``arrow_table``), and the row builders here are shared by the
ingest load and by ``reprocess``, so both write the same rows the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.tasks.records import Analysis, Article, Mention, Quote

_LINEAGE = ["article_id", "extractor_version", "model"]
# The columns each builder fills, derived from the records they are built from.
# Article fields stored elsewhere: the page URL in ``pages``, the credited people in
# ``article_authors``, embedded posts as ``quotes`` (and ``embedded_posts``).
_NOT_ARTICLE_COLUMNS = ("page_url", "authors", "embedded_quotes")
ARTICLE_COLUMNS = [f.name for f in fields(Article) if f.name not in _NOT_ARTICLE_COLUMNS] + [
    "run_id"
]
MENTION_COLUMNS = [f.name for f in fields(Mention)] + _LINEAGE
QUOTE_COLUMNS = [f.name for f in fields(Quote)] + _LINEAGE


def table_schema(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    extra: Mapping[str, pa.DataType] | None = None,
) -> pa.Schema:
    """The Arrow types of ``columns`` as ``table`` declares them; ``extra`` types staging
    columns the table does not have."""
    extra = dict(extra or {})
    declared = con.table(table).limit(0).to_arrow_table().schema
    return pa.schema(
        [pa.field(name, extra[name]) if name in extra else declared.field(name) for name in columns]
    )


def arrow_table(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    extra: Mapping[str, pa.DataType] | None = None,
) -> pa.Table:
    """``rows`` staged as an Arrow table typed like ``table``, ready for ``INSERT ... BY NAME``."""
    return pa.Table.from_pylist(list(rows), schema=table_schema(con, table, columns, extra))


def article_row(article: Article, run_id: str, now: datetime) -> dict[str, object]:
    """An ``articles`` row: the record's fields but the page URL (that is ``pages``'s)."""
    row = asdict(article)
    for name in _NOT_ARTICLE_COLUMNS:
        row.pop(name, None)
    row["fetched_at"] = article.fetched_at or now
    row["run_id"] = run_id
    return row


def analysis_rows(
    analyses: Mapping[str, Analysis], keep: Iterable[str] | None = None
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(``entity_mentions`` rows, ``quotes`` rows) of the analyses of the ``keep`` articles
    (all when None), one per span (the tables' key), each with its lineage."""
    kept = None if keep is None else set(keep)
    mentions: list[dict[str, object]] = []
    quotes: list[dict[str, object]] = []
    for article_id, analysis in analyses.items():
        if kept is not None and article_id not in kept:
            continue
        lineage = {
            "article_id": article_id,
            "extractor_version": analysis.extractor_version,
            "model": analysis.model,
        }
        for target, records in ((mentions, analysis.mentions), (quotes, analysis.quotes)):
            spans: set[tuple[int, int]] = set()
            for record in records:
                span = (record.start_char, record.end_char)
                if span not in spans:
                    spans.add(span)
                    target.append({**asdict(record), **lineage})
    return mentions, quotes
