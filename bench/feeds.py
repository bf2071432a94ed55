"""Feed-parsing benchmark: does ``parse_feed`` find every item of 23 real-world feeds?

    .venv/bin/python bench/feeds.py [--data DIR]

Parses every file of DIR (default ``../shared/benchdata/feeds``) with
``tasks.feeds.parse_feed`` (the function the ingest flow uses) and compares the number of
items with ``manifest.json``'s ``n_items`` (feedparser's entry count). An item is "found"
when parse_feed returns it with an absolute, canonical http(s) URL; entries skipped for lack
of a link, or collapsed as duplicates of another entry, count as missing and the note
column says why. ``dated`` counts items with a publication date.

Each file's URL is its path under the placeholder origin ``http://bench.invalid`` (a
``file://`` URL would turn the relative links of gv_test.rss into local paths, which the
pipeline rightly refuses to fetch).

Last line: ``feeds: files=N items=N found=N missing=N dated=N seconds=S``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from shared_data import SHARED

from newsflow.tasks.fetch.feeds import parse_feed

DEFAULT_DATA = SHARED / "benchdata/feeds"
BASE = "http://bench.invalid"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with manifest.json")
    args = parser.parse_args(argv)
    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    files = sorted(
        path for path in args.data.iterdir() if path.is_file() and path.name != "manifest.json"
    )

    totals = {"items": 0, "found": 0, "missing": 0, "dated": 0}
    started = time.perf_counter()
    print(f"{'file':42} {'items':>5} {'found':>5} {'miss':>4} {'dated':>5} {'ms':>6}  note")
    for path in files:
        expected = int(manifest.get(path.name, {}).get("n_items", 0))
        t0 = time.perf_counter()
        items, note = parse_feed(path.read_bytes(), BASE + str(path.resolve()))
        ms = (time.perf_counter() - t0) * 1000
        absolute = [item for item in items if item.url.startswith(("http://", "https://"))]
        found = min(len(absolute), expected)
        missing = expected - found
        dated = sum(item.published_at is not None for item in absolute)
        for key, value in (
            ("items", expected),
            ("found", found),
            ("missing", missing),
            ("dated", dated),
        ):
            totals[key] += value
        if path.name not in manifest:
            note = f"not in manifest; {note or ''}".rstrip("; ")
        print(
            f"{path.name:42} {expected:5} {found:5} {missing:4} {dated:5} {ms:6.1f}  {note or ''}"
        )
    seconds = time.perf_counter() - started
    print(
        f"feeds: files={len(files)} items={totals['items']} found={totals['found']} "
        f"missing={totals['missing']} dated={totals['dated']} seconds={seconds:.2f}"
    )
    return 0 if totals["missing"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
