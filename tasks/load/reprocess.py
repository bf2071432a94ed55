"""Re-run entity and quote extraction on the article text already in the warehouse.

After the rules (``newsflow.tasks.nlp.pipeline.EXTRACTOR_VERSION``) or the spaCy model change, stored rows are
out of date; nothing needs refetching, the text is in ``articles.text``. Articles are read
and analysed in batches; each batch's mentions and quotes are then replaced in one short
transaction (delete the batch's rows, insert the new ones, recount the entities they touch),
so a reader or a crash never sees an article with half of its rows, and a run stopped
half-way can simply be started again (``only_outdated`` skips what is already current).

Embedded social posts come from the HTML, which is not kept: the load stores them in
``embedded_posts``, and their direct quotes are rebuilt from those rows and the stored text,
then merged with the NLP stage's quotes exactly as ingestion does.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pyarrow as pa

from newsflow.config.settings import NlpSettings
from newsflow.tasks.extract.embeds import EmbeddedPost, merge_quotes, post_quotes
from newsflow.tasks.load import entity_registry
from newsflow.tasks.load.rows import MENTION_COLUMNS, QUOTE_COLUMNS, analysis_rows, arrow_table
from newsflow.tasks.records import Analysis, Quote
from newsflow.warehouse.db import transaction

DEFAULT_BATCH_ARTICLES = 200

_ARTICLES = """
    SELECT a.article_id FROM articles a
    WHERE ($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since)
    ORDER BY coalesce(a.published_at, a.fetched_at), a.article_id
"""
_OUTDATED_ARTICLES = """
    SELECT a.article_id FROM articles a
    WHERE ($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since)
      AND (
        EXISTS (SELECT 1 FROM entity_mentions m WHERE m.article_id = a.article_id
                AND (m.extractor_version IS DISTINCT FROM $version
                     OR m.model IS DISTINCT FROM $model))
        OR EXISTS (SELECT 1 FROM quotes q WHERE q.article_id = a.article_id
                   AND (q.extractor_version IS DISTINCT FROM $version
                        OR q.model IS DISTINCT FROM $model))
        OR NOT EXISTS (SELECT 1 FROM entity_mentions m WHERE m.article_id = a.article_id)
      )
    ORDER BY coalesce(a.published_at, a.fetched_at), a.article_id
"""


@dataclass(frozen=True, slots=True)
class ReplacedRows:
    """What replacing one batch changed."""

    articles: int = 0
    mentions_before: int = 0
    mentions_after: int = 0
    quotes_before: int = 0
    quotes_after: int = 0


@dataclass(slots=True)
class ReprocessSummary:
    """What a reprocess run did; printed by the CLI."""

    articles: int = 0
    batches: int = 0
    mentions_before: int = 0
    mentions_after: int = 0
    quotes_before: int = 0
    quotes_after: int = 0
    extractor_version: str = ""
    model: str = ""
    seconds: float = 0.0

    def add(self, replaced: ReplacedRows) -> None:
        self.articles += replaced.articles
        self.batches += 1
        self.mentions_before += replaced.mentions_before
        self.mentions_after += replaced.mentions_after
        self.quotes_before += replaced.quotes_before
        self.quotes_after += replaced.quotes_after


def articles_to_reprocess(
    con: duckdb.DuckDBPyConnection,
    *,
    since: datetime | None = None,
    only_outdated: bool = False,
    extractor_version: str | None = None,
    model: str | None = None,
) -> list[str]:
    """Ids of the stored articles to analyse again, oldest first.

    ``since``: only articles whose day (publication time, else fetch time) is on or after
    it. ``only_outdated``: skip articles whose every row already carries ``extractor_version``
    and ``model`` (articles with no row at all are always redone: nothing says they are
    current).
    """
    query = _OUTDATED_ARTICLES if only_outdated else _ARTICLES
    params = {"since": since}
    if only_outdated:
        params |= {"version": extractor_version, "model": model}
    rows = con.execute(query, params).fetchall()
    return [row[0] for row in rows]


def article_texts(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, str]:
    """The stored text of each article, by id."""
    if not article_ids:
        return {}
    marks = ", ".join("?" * len(article_ids))  # looked up in the key's index, not scanned
    rows = con.execute(
        f"SELECT article_id, text FROM articles WHERE article_id IN ({marks})",  # noqa: S608
        list(article_ids),
    ).fetchall()
    return dict(rows)


def embedded_quotes(
    con: duckdb.DuckDBPyConnection, texts: dict[str, str]
) -> dict[str, list[Quote]]:
    """The direct quotes of each article's stored embedded posts, found in its stored text."""
    if not texts:
        return {}
    rows = con.execute(
        "SELECT article_id, speaker, text FROM embedded_posts "
        "WHERE article_id IN (SELECT unnest($ids)) ORDER BY article_id, position",
        {"ids": list(texts)},
    ).fetchall()
    posts: dict[str, list[EmbeddedPost]] = {}
    for article_id, speaker, text in rows:
        posts.setdefault(article_id, []).append(EmbeddedPost(text=text, speaker=speaker, handle=""))
    return {i: post_quotes(found, texts[i]) for i, found in posts.items()}


def analyze_articles(texts: dict[str, str], nlp: NlpSettings) -> dict[str, Analysis]:
    """Entities and quotes of each article: the ingest flow's own code path."""
    from newsflow.tasks.nlp.pipeline import analyze_texts

    ids = list(texts)
    analyses = analyze_texts(
        [texts[i] for i in ids],
        model=nlp.model,
        models=nlp.models,
        batch_size=nlp.batch_size,
        max_chars=nlp.max_chars,
    )
    return dict(zip(ids, analyses, strict=True))


def replace_rows(con: duckdb.DuckDBPyConnection, analyses: dict[str, Analysis]) -> ReplacedRows:
    """Swap the stored mentions and quotes of these articles for ``analyses``, atomically.

    One transaction: the old rows are deleted, the new ones inserted (the ingest load's own
    rows, with their lineage and entity ids), and every entity they touch, before or after,
    is recounted.
    """
    ids = list(analyses)
    mentions, quotes = analysis_rows(analyses)
    with transaction(con):
        con.register("batch_ids", pa.table({"article_id": pa.array(ids, pa.string())}))
        con.register(
            "batch_mentions", arrow_table(con, "entity_mentions", mentions, MENTION_COLUMNS)
        )
        con.register("batch_quotes", arrow_table(con, "quotes", quotes, QUOTE_COLUMNS))
        before = con.execute(
            """
            SELECT (SELECT count(*) FROM entity_mentions SEMI JOIN batch_ids USING (article_id)),
                   (SELECT count(*) FROM quotes SEMI JOIN batch_ids USING (article_id))
            """
        ).fetchone()
        entity_registry.replace_batch(con)
        for name in ("batch_ids", "batch_mentions", "batch_quotes"):
            con.unregister(name)
    mentions_before, quotes_before = before if before else (0, 0)
    return ReplacedRows(
        articles=len(ids),
        mentions_before=int(mentions_before),
        mentions_after=len(mentions),
        quotes_before=int(quotes_before),
        quotes_after=len(quotes),
    )


def batches(article_ids: Sequence[str], size: int = DEFAULT_BATCH_ARTICLES) -> Iterator[list[str]]:
    for start in range(0, len(article_ids), size):
        yield list(article_ids[start : start + size])


def reprocess_batch(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], nlp: NlpSettings
) -> ReplacedRows:
    """Analyse a batch of stored articles again and replace their rows."""
    texts = article_texts(con, article_ids)
    analyses = analyze_articles(texts, nlp)
    for article_id, quotes in embedded_quotes(con, texts).items():
        if quotes:
            analyses[article_id].quotes = merge_quotes(analyses[article_id].quotes, quotes)
    return replace_rows(con, analyses)
