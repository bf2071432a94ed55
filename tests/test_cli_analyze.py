"""`newsflow analyze`: one text or JSON lines in, entities and quotes out, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts `newsflow analyze`, which loads spaCy

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")
ROOT = Path(__file__).resolve().parents[1]

ENTITY_FIELDS = {"text", "label", "canonical", "start_char", "end_char"}
QUOTE_FIELDS = {
    "quote", "speaker", "speaker_label", "kind", "cue", "start_char", "end_char", "verbatim",
    "fragments",
}  # fmt: skip

STORY = """Ministers agree to resume grain talks.

GENEVA (Reuters) — Russian Foreign Minister Sergei Lavrov said on Tuesday that a deal was \
possible within weeks.

"We are not there yet," Lavrov told reporters, "but the gap has narrowed."
"""
OTHER = 'Mayor Ana Ruiz opened the bridge. "It took ten years," Ruiz said.'


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSFLOW, "analyze", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )


def test_analyze_a_file_prints_entities_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY, encoding="utf-8")
    result = run(str(path))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"entities", "quotes"}
    assert all(set(e) == ENTITY_FIELDS for e in out["entities"])
    assert all(set(q) == QUOTE_FIELDS for q in out["quotes"])
    for item in out["entities"]:
        assert STORY[item["start_char"] : item["end_char"]] == item["text"]
    direct = [q for q in out["quotes"] if q["kind"] == "direct"]
    assert [(q["speaker"], q["cue"]) for q in direct] == [("Sergei Lavrov", "told")]
    # the scorers read the quoted words and where each fragment is
    [told] = direct
    assert told["quote"] == " ".join(f["text"] for f in told["fragments"]) == told["verbatim"]
    assert all(STORY[f["start_char"] : f["end_char"]] == f["text"] for f in told["fragments"])
    assert STORY[told["start_char"] : told["end_char"]].startswith('"We are not there yet," Lavrov')
    assert "Lavrov" in {e["text"] for e in out["entities"]}


def test_analyze_jsonl_from_stdin_keeps_ids_and_order() -> None:
    lines = [{"id": "b-2", "text": OTHER}, {"id": 7, "text": STORY}]
    result = run("--jsonl", "-", stdin="".join(json.dumps(line) + "\n" for line in lines))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["b-2", 7]
    assert all(set(r) == {"id", "entities", "quotes"} for r in records)
    ruiz = [q for q in records[0]["quotes"] if q["kind"] == "direct"]
    assert [q["speaker"] for q in ruiz] == ["Ana Ruiz"]
    assert all(set(q) == QUOTE_FIELDS for r in records for q in r["quotes"])


def test_a_lone_surrogate_in_one_line_stops_neither_that_line_nor_the_next() -> None:
    broken = STORY.replace("Lavrov", "Lavrov\ud800", 1)
    stdin = json.dumps({"id": 1, "text": broken}) + "\n" + json.dumps({"id": 2, "text": OTHER})
    result = run("--jsonl", "-", stdin=stdin + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [1, 2]
    assert "Ana Ruiz" in {q["speaker"] for q in records[1]["quotes"]}
    assert records[0]["quotes"], "the line with the bad character is analysed too"


def test_analyze_jsonl_names_the_bad_line() -> None:
    result = run("--jsonl", "-", stdin='{"id": 1, "text": "fine"}\n{"id": 2}\n')
    assert result.returncode == 2
    assert "-:2" in result.stderr and "Traceback" not in result.stderr
