"""Who said what and who is named, on real news of every kind (newsgold format).

    .venv/bin/python bench/news_nlp.py [--gold GOLD.jsonl] [--pred PRED.jsonl] [--out PRED.jsonl]
                                       [--half even|odd|odd-read|odd-unseen] [--all-languages]

Runs ``newsflow analyze --jsonl`` on the gold texts (the scorers' code path) unless --pred
gives its output, and scores it by the rules of the reference scorer
(shared/scorers/news_nlp_eval.py), rule for rule: run both on one --out file and the figures
agree. ``--half`` keeps the pages whose id hashes to even or odd, so rules tuned on one half
can be checked on the other. ``odd-read`` and ``odd-unseen`` cut the odd half in two by the
same hash: once the odd half's errors have been read, only ``odd-unseen`` stays unseen.
Last line: ``news_nlp: key=value ...``.

Figures over the rule versions, per half, are in README's quality section.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import splits

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT.parent / "shared" / "newsgold" / "dev.jsonl"
DEFAULT_NEWSFLOW = ROOT / ".venv" / "bin" / "newsflow"
THRESHOLD = 0.3

Span = tuple[int, int]


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"')):
        s = s.replace(a, b)
    s = re.sub(r"\s+", " ", s).strip().lower()
    s = re.sub(r"^the ", "", s)
    s = re.sub(r"'s$", "", s)
    return s.strip(" .,;:\"'")


def words(s: str | None) -> list[str]:
    return re.findall(r"\w+", norm(s))


def jaccard(a: Span, b: Span) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def in_part(page_id: str, part: str) -> bool:
    """Whether a page belongs to ``part``: the even or odd half, or one of odd's quarters."""
    return splits.in_part(page_id, part, halves=("even", "odd"), digest=hashlib.sha1)


def _gspan(g: dict) -> Span:
    return g["start"], g["end"]


def _pspan(p: dict) -> Span:
    return p["start_char"], p["end_char"]


def match(golds: list[dict], preds: list[dict]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching, best span Jaccard first."""
    pairs = sorted(
        (
            (j, gi, pi)
            for gi, g in enumerate(golds)
            for pi, p in enumerate(preds)
            if (j := jaccard(_gspan(g), _pspan(p))) >= THRESHOLD
        ),
        reverse=True,
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _kind(p: dict) -> str:
    return (p.get("kind") or "").lower()


def score(golds: list[dict], preds: dict[str, dict]) -> dict[str, float | int]:
    """The reference scorer's figures for these gold pages and predictions."""
    c: dict[str, int] = {}

    def add(key: str, n: int | bool) -> None:
        c[key] = c.get(key, 0) + int(n)

    missing = 0
    for d in golds:
        pr = preds.get(d["id"])
        if pr is None:
            missing += 1
            pr = {"quotes": [], "entities": []}
        pq = [p for p in pr.get("quotes", []) if p.get("start_char") is not None]
        gq_quoted = [q for q in d["quotes"] if q["kind"] in ("direct", "mixed")]
        gq_ind = [q for q in d["quotes"] if q["kind"] == "indirect"]

        pq_quoted = [p for p in pq if _kind(p) in ("direct", "mixed")]
        m = match(gq_quoted, pq_quoted)
        matched_p = {pi for _, pi in m}
        add("q_tp", len(m))
        add("q_fn", len(gq_quoted) - len(m))
        add(
            "q_fp",
            sum(
                1
                for i, p in enumerate(pq_quoted)
                if i not in matched_p
                and not any(jaccard(_gspan(g), _pspan(p)) >= THRESHOLD for g in gq_ind)
            ),
        )
        for gi, pi in m:
            add("kind_n", 1)
            add("kind_ok", _kind(pq_quoted[pi]) == gq_quoted[gi]["kind"])
        gold_of = {pi: gq_quoted[gi] for gi, pi in m}
        for i, p in enumerate(pq_quoted):
            if _kind(p) != "direct":
                continue
            add("verb_n", 1)
            g = gold_of.get(i)
            if g:
                vw = {w for f in g["verbatim"] for w in words(f["text"])}
                pw = words(p.get("quote") or "")
                add("verb_ok", bool(pw) and sum(w in vw for w in pw) >= 0.95 * len(pw))

        pq_ind = [p for p in pq if _kind(p) == "indirect"]
        mi = match(gq_ind, pq_ind)
        matched_i = {pi for _, pi in mi}
        add("i_tp", len(mi))
        add("i_fn", len(gq_ind) - len(mi))
        add(
            "i_fp",
            sum(
                1
                for i, p in enumerate(pq_ind)
                if i not in matched_i
                and not any(jaccard(_gspan(g), _pspan(p)) >= THRESHOLD for g in gq_quoted)
            ),
        )

        for gl, pl, mm in ((gq_quoted, pq_quoted, m), (gq_ind, pq_ind, mi)):
            for gi, pi in mm:
                g, p = gl[gi], pl[pi]
                if g.get("speaker_type") not in ("person", "organization") or not g.get("speaker"):
                    continue
                add("sp_n", 1)
                add("sp_exact", norm(g["speaker"]) == norm(p.get("speaker") or ""))
                last = words(g["speaker"])[-1:] or [""]
                add("sp_last", last[0] in words(p.get("speaker") or ""))

        gset = {(norm(e["name"]), e["label"]) for e in d["entities"]}
        pset = {
            (norm(e.get("canonical") or e.get("text")), e["label"])
            for e in pr.get("entities", [])
            if e.get("label") in ("PERSON", "ORG")
        }
        add("e_tp", len(gset & pset))
        add("e_fp", len(pset - gset))
        add("e_fn", len(gset - pset))
        gn, pn = {n for n, _ in gset}, {n for n, _ in pset}
        add("n_tp", len(gn & pn))
        add("n_fp", len(pn - gn))
        add("n_fn", len(gn - pn))
        gp = {n for n, lab in gset if lab == "PERSON"}
        for n, lab in pset:
            if lab == "PERSON":
                add("per_n", 1)
                add("per_tp", n in gp)
        by_form: dict[str, set[str]] = {}
        for e in pr.get("entities", []):
            if e.get("label") in ("PERSON", "ORG"):
                canon = norm(e.get("canonical") or e.get("text"))
                by_form.setdefault(norm(e.get("text")), set()).add(canon)
        for e in d["entities"]:
            canon: set[str] = set()
            for f in e.get("forms", []):
                canon |= by_form.get(norm(f), set())
            if canon:
                add("split_n", 1)
                add("split", len(canon) > 1)

    def g(key: str) -> int:
        return c.get(key, 0)

    def r(x: str, n: str) -> float:
        return g(x) / g(n) if g(n) else 0.0

    qp, qr, qf = prf(g("q_tp"), g("q_fp"), g("q_fn"))
    ip, ir, if1 = prf(g("i_tp"), g("i_fp"), g("i_fn"))
    ep, er, ef = prf(g("e_tp"), g("e_fp"), g("e_fn"))
    _, _, nf = prf(g("n_tp"), g("n_fp"), g("n_fn"))
    return {
        "articles": len(golds),
        "missing": missing,
        "quoted_p": qp,
        "quoted_r": qr,
        "quoted_f1": qf,
        "kind_acc": r("kind_ok", "kind_n"),
        "direct_verbatim": r("verb_ok", "verb_n"),
        "speaker_exact": r("sp_exact", "sp_n"),
        "speaker_last": r("sp_last", "sp_n"),
        "indirect_p": ip,
        "indirect_r": ir,
        "indirect_f1": if1,
        "entity_p": ep,
        "entity_r": er,
        "entity_f1": ef,
        "entity_name_f1": nf,
        "person_p": r("per_tp", "per_n"),
        "split_rate": r("split", "split_n"),
        "quoted_n": g("q_tp") + g("q_fn"),
        "indirect_n": g("i_tp") + g("i_fn"),
        "speaker_n": g("sp_n"),
        "direct_rows": g("verb_n"),
    }


def run_newsflow(golds: list[dict], exe: Path, out: Path) -> None:
    """``newsflow analyze --jsonl`` on the gold texts, its output written to ``out``."""
    with tempfile.TemporaryDirectory(prefix="news_nlp.") as tmp:
        inp = Path(tmp) / "in.jsonl"
        inp.write_text(
            "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n" for d in golds),
            encoding="utf-8",
        )
        with out.open("w", encoding="utf-8") as f:
            proc = subprocess.run(
                [str(exe), "analyze", "--jsonl", str(inp)],
                stdout=f,
                stderr=subprocess.PIPE,
                text=True,
                check=False,
            )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or [""]
        sys.exit(f"newsflow analyze --jsonl failed: {lines[-1][:200]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--pred", type=Path, help="score this analyze --jsonl output")
    parser.add_argument("--out", type=Path, help="keep the predictions here (JSONL)")
    parser.add_argument("--newsflow", type=Path, default=DEFAULT_NEWSFLOW)
    parser.add_argument(
        "--half", choices=("even", "odd", "odd-read", "odd-unseen"), help="only pages of this part"
    )
    parser.add_argument("--all-languages", action="store_true")
    args = parser.parse_args(argv)

    golds = [json.loads(line) for line in args.gold.open(encoding="utf-8") if line.strip()]
    if not args.all_languages:
        golds = [d for d in golds if d.get("language", "en") == "en"]
    if args.half:
        golds = [d for d in golds if in_part(d["id"], args.half)]
    pred_path = args.pred
    if pred_path is None:
        pred_path = args.out or Path(tempfile.mkdtemp(prefix="news_nlp.")) / "pred.jsonl"
        run_newsflow(golds, args.newsflow, pred_path)
    preds = {}
    for line in pred_path.open(encoding="utf-8"):
        if line.strip():
            record = json.loads(line)
            preds[record["id"]] = record
    fig = score(golds, preds)
    print(
        f"quoted speech   n={fig['quoted_n']:5d} P={fig['quoted_p']:.3f} R={fig['quoted_r']:.3f} "
        f"F1={fig['quoted_f1']:.3f} kind={fig['kind_acc']:.3f} "
        f"direct rows verbatim={fig['direct_verbatim']:.3f} ({fig['direct_rows']} rows)"
    )
    print(
        f"reported speech n={fig['indirect_n']:5d} P={fig['indirect_p']:.3f} "
        f"R={fig['indirect_r']:.3f} F1={fig['indirect_f1']:.3f}"
    )
    print(
        f"speakers        n={fig['speaker_n']:5d} exact={fig['speaker_exact']:.3f} "
        f"last-name={fig['speaker_last']:.3f}"
    )
    print(
        f"entities        P={fig['entity_p']:.3f} R={fig['entity_r']:.3f} "
        f"F1={fig['entity_f1']:.3f} PERSON precision={fig['person_p']:.3f} "
        f"split={fig['split_rate']:.3f}"
    )
    shown = {k: v for k, v in fig.items() if not k.endswith(("_n", "_rows"))}
    print(
        "news_nlp: "
        + " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
