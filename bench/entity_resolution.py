"""What the warehouse-wide entity resolution costs per batch as the warehouse grows.

    .venv/bin/python bench/entity_resolution.py [--sizes 10000,50000] [--batches 6]
                                                [--workdir DIR]

For each size N: a fresh warehouse (all migrations) holding N synthetic articles with about
ten mentions each (people drawn with a Zipf law from 40,000 full names over 4,000 surnames,
mostly named in full and then by surname, sometimes by surname alone, sometimes with the
model's wrong label; organisations and places), resolved by a full recount. Then
``--batches`` batches of 50 new articles of the same kind (a few new people in each, so
names keep changing their resolution) go through the loader's real code path
(``store._insert_articles`` and ``store._insert_analyses``: the mentions, the quotes and the
entity resolution), one transaction each, timed in CPU seconds of the process (all
threads), which the machine's other load disturbs far less than the wall clock. No NLP runs and no shared data is read.

Last line: ``entity_resolution: n=... batch_ms=... ratio=...`` (median batch at each size;
``ratio`` = the largest size over the smallest: 1.0 means the cost does not grow).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from newsflow.tasks.load import store
from newsflow.tasks.load.rows import article_row
from newsflow.tasks.records import Analysis, Article, Mention, ProcessedBatch, Quote
from newsflow.warehouse.db import apply_migrations, transaction

BATCH_ARTICLES = 50
SURNAMES = 4_000
PEOPLE = 40_000
ORGS = 8_000
PLACES = 1_500
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ne",
    "so",
    "tu",
    "vi",
    "de",
    "ba",
    "go",
    "ri",
    "sha",
    "en",
    "al",
    "mor",
    "tan",
    "vel",
    "dor",
    "is",
]


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


class World:
    """The synthetic population of names that articles draw from, Zipf-weighted."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.rng = rng
        surnames = [_word(rng, 3) for _ in range(SURNAMES)]
        given = [_word(rng, 2) for _ in range(2_000)]
        self.people = [f"{rng.choice(given)} {rng.choice(surnames)}" for _ in range(PEOPLE)]
        heads = ["Group", "Council", "Party", "Bank"]
        self.orgs = [f"{_word(rng, 3)} {rng.choice(heads)}" for _ in range(ORGS)]
        self.places = [_word(rng, 3) for _ in range(PLACES)]
        self.new_people = 0

    def pick(self, pool: list[str]) -> str:
        # Zipf-like: index = floor(n ** u) for u uniform, so few names dominate
        return pool[min(len(pool) - 1, int(len(pool) ** self.rng.random()) - 1)]

    def article(self, article_id: str) -> Analysis:
        """One article's mentions and quotes as the NLP stage would hand them over."""
        rng = self.rng
        mentions: list[Mention] = []
        quotes: list[Quote] = []
        pos = 0

        def add(text: str, label: str, canonical: str) -> None:
            nonlocal pos
            mentions.append(
                Mention(
                    text=text,
                    label=label,
                    canonical=canonical,
                    start_char=pos,
                    end_char=pos + len(text),
                )
            )
            pos += len(text) + 20

        for _ in range(rng.randint(2, 5)):
            if rng.random() < 0.02:  # someone the warehouse has not seen
                self.new_people += 1
                person = f"{_word(rng, 2)} {self.pick(self.people).split(' ')[-1]}"
            else:
                person = self.pick(self.people)
            label = "PERSON" if rng.random() > 0.05 else "ORG"
            if rng.random() < 0.15:  # the article names them by surname only
                surname = person.split(" ")[-1]
                add(surname, label, surname)
                continue
            add(person, label, person)
            for _ in range(rng.randint(0, 3)):
                add(person.split(" ")[-1], label, person)
            if rng.random() < 0.3:
                quotes.append(
                    Quote(
                        quote="words",
                        speaker=person,
                        kind="direct",
                        start_char=pos,
                        end_char=pos + 5,
                        cue="said",
                        speaker_label=label,
                        verbatim="words",
                    )
                )
                pos += 30
        for _ in range(rng.randint(1, 3)):
            org = self.pick(self.orgs)
            add(org, "ORG" if rng.random() > 0.1 else "PERSON", org)
        for _ in range(rng.randint(1, 3)):
            place = self.pick(self.places)
            add(place, "GPE", place)
        return Analysis(mentions=mentions, quotes=quotes, extractor_version="bench", model="bench")


def _articles(ids: list[str], start: datetime) -> list[Article]:
    return [
        Article(
            article_id=aid,
            url=f"https://bench.example/{aid}",
            page_url=f"https://bench.example/{aid}",
            title=aid,
            text="text",
            published_at=start + timedelta(minutes=i),
            fetched_at=start + timedelta(minutes=i),
        )
        for i, aid in enumerate(ids)
    ]


def _full_recount(con: duckdb.DuckDBPyConnection) -> None:
    """The warehouse-wide resolution from scratch (migration 0009's statements)."""
    sql = (
        Path(store.__file__).parents[2] / "warehouse/migrations/0009_entity_names.sql"
    ).read_text()
    body = sql[sql.index("INSERT INTO entity_names") :]
    con.execute("DELETE FROM entity_names")
    for statement in body.split(";"):
        if statement.strip():
            con.execute(statement)


def build(db: Path, world: World, n: int) -> None:
    """A warehouse of ``n`` synthetic articles, resolved from scratch."""
    con = duckdb.connect(str(db))
    apply_migrations(con)
    start = datetime(2024, 1, 1)
    chunk = 5_000
    for first in range(0, n, chunk):
        ids = [f"a{i:07d}" for i in range(first, min(n, first + chunk))]
        con.register(
            "new_articles",
            pa.table(
                {
                    "article_id": ids,
                    "url": [f"https://bench.example/{a}" for a in ids],
                    "text": ["text"] * len(ids),
                    "published_at": [start + timedelta(minutes=int(a[1:])) for a in ids],
                    "fetched_at": [start + timedelta(minutes=int(a[1:])) for a in ids],
                }
            ),
        )
        con.execute("INSERT INTO articles BY NAME SELECT * FROM new_articles")
        rows: dict[str, list] = {k: [] for k in ("article_id", "text", "label", "canonical")}
        rows |= {"start_char": [], "end_char": []}
        qrows: dict[str, list] = {k: [] for k in ("article_id", "quote", "speaker", "kind")}
        qrows |= {"speaker_label": [], "start_char": [], "end_char": []}
        for aid in ids:
            analysis = world.article(aid)
            for m in analysis.mentions:
                for key in ("text", "label", "canonical", "start_char", "end_char"):
                    rows[key].append(getattr(m, key))
                rows["article_id"].append(aid)
            for q in analysis.quotes:
                for key in ("quote", "speaker", "kind", "speaker_label", "start_char", "end_char"):
                    qrows[key].append(getattr(q, key))
                qrows["article_id"].append(aid)
        con.register("new_mentions", pa.table(rows))
        con.execute(
            "INSERT INTO entity_mentions BY NAME "
            "SELECT *, make_entity_id(label, canonical) AS entity_id FROM new_mentions"
        )
        con.register("new_quotes", pa.table(qrows))
        con.execute(
            "INSERT INTO quotes BY NAME "
            "SELECT *, make_entity_id(speaker_label, speaker) AS speaker_entity_id "
            "FROM new_quotes"
        )
    _full_recount(con)
    con.execute("CHECKPOINT")
    con.close()


def time_batches(db: Path, world: World, n: int, batches: int) -> list[float]:
    """CPU milliseconds (all threads) of the loader's mention/quote/entity step for each new
    batch: on a shared machine the wall time mostly measures the neighbours."""
    con = duckdb.connect(str(db))
    out = []
    for b in range(batches):
        ids = [f"b{b:03d}-{i:03d}" for i in range(BATCH_ARTICLES)]
        articles = _articles(ids, datetime(2026, 1, 1) + timedelta(days=b))
        batch = ProcessedBatch(articles=articles, analyses={a: world.article(a) for a in ids})
        with transaction(con):
            rows = [article_row(a, f"run-{b}", datetime(2026, 2, 1)) for a in articles]
            inserted = store._insert_articles(con, rows)
            seen = {r["article_id"]: r["published_at"] or r["fetched_at"] for r in rows}
            started = time.process_time()
            store._insert_analyses(con, batch, inserted, seen)
            out.append((time.process_time() - started) * 1000)
    mentions = con.execute("SELECT count(*) FROM entity_mentions").fetchone()
    print(
        f"  n={n}: {mentions[0] if mentions else 0} mentions, batches (CPU ms): "
        + " ".join(f"{t:.0f}" for t in out)
    )
    con.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="entity_resolution."))
    medians = {}
    for n in sizes:
        world = World()
        db = workdir / f"n{n}.duckdb"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        build(db, world, n)
        print(f"  n={n}: built in {time.perf_counter() - started:.0f} s")
        times = time_batches(db, world, n, args.batches)
        medians[n] = statistics.median(times[1:] or times)  # the first one warms the caches
        db.unlink()
    ratio = medians[sizes[-1]] / medians[sizes[0]]
    print(
        "entity_resolution: "
        + " ".join(f"batch_ms_{n}={medians[n]:.0f}" for n in sizes)
        + f" ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
