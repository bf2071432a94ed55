"""The NLP stage's public API: model loading, batching, truncation and offsets."""

from __future__ import annotations

import pytest

from newsflow.tasks.nlp.pipeline import (
    ModelNotInstalledError,
    analyze_text,
    analyze_texts,
    load_pipeline,
)

STORY = """Port strike ends after deal.

ROTTERDAM (Reuters) — Dock workers ended a week-long strike on Friday. "We got what we came \
for," union leader Pieter de Vries said. The port authority said ships would sail on Saturday.
"""


def test_pipeline_is_loaded_once_per_process(model: str) -> None:
    assert load_pipeline(model) is load_pipeline(model)


def test_missing_model_names_the_model() -> None:
    with pytest.raises(ModelNotInstalledError, match="no_such_model_xx"):
        load_pipeline("no_such_model_xx")


def test_batch_results_follow_input_order_and_match_single_calls(model: str) -> None:
    other = "Angela Merkel visited Paris. Merkel said Europe must stand together."
    texts = [STORY, "", other, "   \n\n  "]
    batch = analyze_texts(texts, model=model, batch_size=2)
    assert len(batch) == 4
    assert batch[0] == analyze_text(STORY, model=model)
    assert batch[1].mentions == [] and batch[1].quotes == []
    assert {m.canonical for m in batch[2].mentions} >= {"Angela Merkel", "Paris"}
    assert batch[2].quotes[0].speaker == "Angela Merkel"


def test_offsets_index_into_the_given_text(model: str) -> None:
    analysis = analyze_text(STORY, model=model)
    assert analysis.mentions and analysis.quotes
    for m in analysis.mentions:
        assert STORY[m.start_char : m.end_char] == m.text
    for q in analysis.quotes:
        for f in q.fragments:
            assert STORY[f.start_char : f.end_char] == f.text
        if q.kind != "direct":
            assert STORY[q.start_char : q.end_char] == q.quote
    direct = [q for q in analysis.quotes if q.kind == "direct"]
    assert [(q.quote, q.speaker) for q in direct] == [
        ("We got what we came for,", "Pieter de Vries")
    ]
    assert STORY[direct[0].start_char : direct[0].end_char] == '"We got what we came for,"'


def test_long_text_is_read_up_to_max_chars(model: str) -> None:
    filler = "The weather was mild. " * 60
    text = "Berlin welcomed the visitors. " + filler + "Angela Merkel visited Paris on Monday."
    analysis = analyze_texts([text], model=model, max_chars=1000)[0]
    # The beginning is read (Berlin), the end past max_chars is not (Merkel, Paris).
    assert [m.canonical for m in analysis.mentions] == ["Berlin"]
    full = analyze_texts([text], model=model, max_chars=100_000)[0]
    merkel = [m for m in full.mentions if m.canonical == "Angela Merkel"]
    assert merkel and text[merkel[0].start_char : merkel[0].end_char] == "Angela Merkel"
