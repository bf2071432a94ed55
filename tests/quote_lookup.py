"""Find the one quote of an analysed text that holds a given fragment (shared by speaker tests)."""

from __future__ import annotations

from newsflow.tasks.nlp.pipeline import analyze_text
from newsflow.tasks.records import Quote


def quote_with(text: str, model: str, fragment: str) -> Quote:
    found = [q for q in analyze_text(text, model=model).quotes if fragment in q.quote]
    assert len(found) == 1, [q.quote for q in analyze_text(text, model=model).quotes]
    return found[0]
