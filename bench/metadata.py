"""Article-metadata benchmark: headline, authors, publication time, publisher, language.

    .venv/bin/python bench/metadata.py [--gold FILE] [--data DIR] [--half all|a|b|b-read|b-unseen]
                                       [--out PRED.jsonl] [--scorer PATH] [--local-url]

Runs ``tasks.extract.extract_article`` (what ``newsflow ingest`` stores) on each page of the
extraction benchmark that ``--gold`` annotates, writes one prediction per line in the
scorer's format and runs the scorer (``../shared/scorers/metadata_eval.py``) on it.
``--half`` keeps the pages whose id hashes to that half, so rules tuned on one half can be
checked on the other. ``b-read`` and ``b-unseen`` cut half b in two by the same hash: once
half b's errors have been read, only ``b-unseen`` stays unseen. Last line: the scorer's
``metadata: key=value ...`` figures.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import splits
from shared_data import SHARED

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.nlp.language import detect_language
from newsflow.tasks.records import Article

DEFAULT_GOLD = SHARED / "newsgold" / "metadata_dev.jsonl"
DEFAULT_DATA = SHARED / "benchdata" / "extraction"
DEFAULT_SCORER = SHARED / "scorers" / "metadata_eval.py"


def in_part(page_id: str, part: str) -> bool:
    """Whether a page belongs to ``part``: all, half a or b, or one of half b's quarters."""
    return splits.in_part(page_id, part, halves=("a", "b"), digest=hashlib.sha256)


def predict(html: str, url: str, page_id: str) -> dict:
    """The scorer's prediction record for one page (empty fields when nothing is extracted)."""
    result = extract_article(html, url=url)
    if not isinstance(result, Article):
        return {
            "id": page_id,
            "title": None,
            "authors": [],
            "published_at": None,
            "publisher": None,
            "language": None,
        }
    return {
        "id": page_id,
        "title": result.title,
        "authors": list(result.authors),
        "published_at": result.published_at.isoformat() if result.published_at else None,
        "publisher": result.publisher,
        # as stored: the text's language, the page's claim when the text cannot tell
        "language": detect_language(result.text, declared=result.language),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    parser.add_argument("--half", choices=("all", "a", "b", "b-read", "b-unseen"), default="all")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--local-url",
        action="store_true",
        help="pass each page as served from http://127.0.0.1:8765/ID (as a test ingest does)",
    )
    args = parser.parse_args(argv)

    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    golds = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    golds = [g for g in golds if in_part(g["id"], args.half)]
    out = args.out or Path(tempfile.mkdtemp()) / "metadata_pred.jsonl"
    gold_out = out.with_suffix(".gold.jsonl")
    with out.open("w", encoding="utf-8") as preds, gold_out.open("w", encoding="utf-8") as gold:
        for g in golds:
            key = g["id"].split("__", 1)[1]
            with gzip.open(args.data / "html" / f"{key}.html.gz", "rt", encoding="utf8") as f:
                html = f.read()
            url = f"http://127.0.0.1:8765/{key[:16]}" if args.local_url else truth[key]["url"]
            preds.write(json.dumps(predict(html, url, g["id"])) + "\n")
            gold.write(json.dumps(g) + "\n")
    done = subprocess.run(
        [sys.executable, str(args.scorer), str(gold_out), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stdout.write(done.stdout)
    if done.returncode:
        sys.stderr.write(done.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
