"""Cost of the analyst-facing work done at each load: syndication clusters and the search index.

Builds a warehouse of synthetic stories (Zipf-distributed words, 250-700 words each), a fifth
of them republished by 1-3 other outlets with another headline, a byline, a few edited words
or up to 40 % of the ending cut. Loads them in batches like the flow does, then measures:

* cluster assignment per article, and its accuracy against the known copies (a copy found
  in its story's cluster is a hit; an article put in another story's cluster a false merge);
* the load of each batch, its search index entries included, and a search over the index.

Last line: ``analyst: key=value ...``.

Usage: .venv/bin/python bench/analyst.py [--stories 4000] [--batch 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from newsflow.tasks.load import (
    search,
    store,
    syndication,
)
from newsflow.tasks.records import Article, ProcessedBatch
from newsflow.warehouse.db import open_ingest

VOCABULARY = [f"w{n}" for n in range(20_000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def _story(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, weights=WEIGHTS, k=rng.randint(250, 700))
    sentences = [" ".join(words[i : i + 18]).capitalize() + "." for i in range(0, len(words), 18)]
    return " ".join(sentences)


def _copy(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    change = rng.choice(["byline", "edits", "trim"])
    if change == "byline":
        return "By our wire staff. " + text
    if change == "edits":
        for _ in range(5):
            words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
        return " ".join(words)
    return " ".join(words[: int(len(words) * rng.uniform(0.6, 0.95))])


def build(stories: int, seed: int = 7) -> tuple[list[Article], dict[str, int]]:
    """Articles in publication order and the story number of each (the truth)."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    articles: list[Article] = []
    truth: dict[str, int] = {}
    for number in range(stories):
        text = _story(rng)
        versions = [text]
        if rng.random() < 0.2:
            versions += [_copy(rng, text) for _ in range(rng.randint(1, 3))]
        for copy, body in enumerate(versions):
            article_id = f"s{number}-c{copy}"
            truth[article_id] = number
            articles.append(
                Article(
                    article_id=article_id,
                    url=f"https://outlet{copy}.example/{number}",
                    page_url=f"https://outlet{copy}.example/{number}",
                    title=f"Headline {number} from outlet {copy}",
                    text=body,
                    published_at=start + timedelta(minutes=10 * number + copy),
                    fetched_at=start + timedelta(minutes=10 * number + copy),
                )
            )
    return articles, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=4000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()

    articles, truth = build(args.stories)
    db = Path(tempfile.mkdtemp(prefix="newsflow-bench-")) / "news.duckdb"
    assign_seconds = load_seconds = 0.0
    with open_ingest(db) as con:
        for begin in range(0, len(articles), args.batch):
            batch = ProcessedBatch(articles=articles[begin : begin + args.batch])
            started = time.perf_counter()
            counts = store.store_batch(con, batch, [], run_id="bench")  # indexes for search too
            load_seconds += time.perf_counter() - started
            started = time.perf_counter()
            syndication.assign_clusters(con, counts.article_ids)
            assign_seconds += time.perf_counter() - started
        indexed = con.execute("SELECT docs FROM search_stats").fetchone()[0]
        started = time.perf_counter()
        search.search(con, "w12 w345 w6789", limit=10)
        search_seconds = time.perf_counter() - started
        clusters = dict(
            con.execute("SELECT article_id, cluster_id FROM article_signatures").fetchall()
        )

    copies = [a for a in truth if not a.endswith("-c0")]
    found = sum(truth[clusters[a]] == truth[a] for a in copies)
    false_merges = sum(truth[clusters[a]] != truth[a] for a in truth)
    per_article_ms = 1000 * assign_seconds / len(articles)
    print(f"articles: {len(articles)} ({len(copies)} syndicated copies), batches of {args.batch}")
    print(f"cluster assignment: {assign_seconds:.2f} s in all, {per_article_ms:.2f} ms per article")
    print(f"copies found: {found}/{len(copies)}; false merges: {false_merges}")
    load_ms = 1000 * load_seconds / len(articles)
    print(f"load with search indexing: {load_ms:.2f} ms per article ({indexed} indexed)")
    print(f"one search: {1000 * search_seconds:.0f} ms")
    print(
        f"analyst: articles={len(articles)} assign_ms_per_article={per_article_ms:.2f} "
        f"copy_recall={found / max(len(copies), 1):.3f} false_merges={false_merges} "
        f"load_ms_per_article={load_ms:.2f} search_ms={1000 * search_seconds:.0f}"
    )


if __name__ == "__main__":
    main()
