"""Authors and publishers on fresh material no rule was tuned on: a generalisation check.

    .venv/bin/python bench/fresh_metadata.py [--gold bench/fresh_metadata_gold.json] [-v]

``fresh_metadata_gold.json`` was written by hand from the files before any rule was changed
against it: the 15 Global Voices pages of ``../shared/benchdata/feed-article-pairs`` and
the fixture site's 6 pages (each served as from its own site and as from 127.0.0.1 with its
feed's channel title, as a test ingest does), the item author strings of the 23 real feeds
in ``../shared/benchdata/feeds`` (through the byline parser) and their channel titles
(through the channel-title publisher rule). Names compare as lowercase word multisets
("Hines, P. J." is "P. J. Hines"), titles as lowercase word sequences. Last line: ``fresh_metadata: key=value ...``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from shared_data import CHECKOUT, SHARED

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.bylines import credited_authors
from newsflow.tasks.extract.site_names import channel_name
from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.records import Article

DEFAULT_GOLD = Path(__file__).with_name("fresh_metadata_gold.json")
PAIRS = SHARED / "benchdata" / "feed-article-pairs"
FIXTURE = CHECKOUT / "tests" / "fixtures" / "site"
_GV_HOME = "http://globalvoicesonline.org"
_FEED_TITLES = {
    "globalvoices": "Global Voices Online » Feature",
    "fixture": "The Meridian Herald – World",
}
_LOCAL = "http://127.0.0.1:8765"


def _words(name: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKC", name).lower()
    return tuple(sorted(re.findall(r"\w+", folded)))


def _sequence(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower().replace("’", "'"))


def same_names(got: list[str], want: list[str]) -> bool:
    """The same people in any order, each name compared as its multiset of words."""
    return Counter(map(_words, got)) == Counter(map(_words, want))


def same_publisher(got: str | None, want: list[str] | None) -> bool:
    if want is None:
        return got is None
    return got is not None and any(_words(got) == _words(w) for w in want)


def _page(path: str) -> tuple[str, str, str]:
    """HTML, its own URL and the URL a local test server would serve it from."""
    origin, rest = path.split("/", 1)
    if origin == "fixture":
        content = (FIXTURE / rest).read_bytes()
        return decode_html(content), f"https://meridianherald.example/{rest}", f"{_LOCAL}/{rest}"
    raw = (PAIRS / origin / rest).read_bytes()
    name = Path(rest).name.removesuffix(".gz")
    return decode_html(gzip.decompress(raw)), f"{_GV_HOME}/gv/{name}", f"{_LOCAL}/gv/{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each miss")
    args = parser.parse_args(argv)
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()

    def score(key: str, ok: bool, what: str) -> None:
        totals[key] += 1
        hits[key] += ok
        if not ok and args.verbose:
            print(f"MISS {key}: {what}")

    for page in gold["pages"]:
        html, own_url, local_url = _page(page["file"])
        feed = _FEED_TITLES[page["file"].split("/", 1)[0]]
        for mode, url, title in (("own", own_url, None), ("local", local_url, feed)):
            result = extract_article(html, url=url, feed_title=title)
            if not isinstance(result, Article):
                score(f"page_{mode}_authors", False, f"{page['file']} failed")
                score(f"page_{mode}_publisher", False, f"{page['file']} failed")
                continue
            if page["authors"] is not None:
                ok = same_names(result.authors, page["authors"])
                score(f"page_{mode}_authors", ok, f"{page['file']} {result.authors}")
            if page.get("title"):
                ok = _sequence(result.title or "") == _sequence(page["title"])
                score(f"page_{mode}_title", ok, f"{page['file']} {result.title!r}")
            ok = same_publisher(result.publisher, page["publisher"])
            score(f"page_{mode}_publisher", ok, f"{page['file']} {result.publisher!r}")
    for raw, want in gold["bylines"]:
        got = credited_authors([[raw]])
        score("bylines", same_names(got, want), f"{raw!r} -> {got}")
    for title, home, want in gold["channels"]:
        host = urlsplit(home).hostname or ""
        got = channel_name(title, [], host)
        score("channels", same_publisher(got, want), f"{title!r} -> {got!r}")

    figures = " ".join(f"{key}={hits[key] / totals[key]:.3f}" for key in sorted(totals))
    counts = " ".join(f"n_{key}={totals[key]}" for key in sorted(totals))
    print(f"fresh_metadata: {figures} {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
