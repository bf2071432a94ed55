"""Issue #10/#11: texts shaped to make the quote rules slow (one run-on "sentence" of
100,000 characters, thousands of quotation marks) still give the quotes a reader sees, with
offsets into the text; and a reported clause read off its subtree's bounds is the same
clause listing its tokens gave. Speed itself is measured in bench/hostile_text.py."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc
from test_quotes import GRAIN_TALKS, quotes_of

from newsflow.tasks.nlp.pipeline import analyze_text, load_pipeline
from newsflow.tasks.nlp.quotes import _Subtrees, content_span

# each branch of content_span: a noun of saying, "according to", a parataxis, an object
# complement, an accusation, an xcomp, a statement object
_MORE = [
    "Trump's claim that the election was stolen, which he repeated on Monday, is false.",
    "The vote, officials said, was delayed until May, according to two aides.",
    "She called the talks substantive and accused U.S. forces of controlling the port.",
    "He urged Congress to act, and the company reported a loss of $304.7 million.",
    '"It is over," he said, "and we lost." "Why?" she asked.',
]


def test_reported_clauses_read_off_bounds_equal_those_listed_token_by_token(model: str) -> None:
    doc = load_pipeline(model)("\n".join([GRAIN_TALKS, *_MORE]))
    bounds = _Subtrees(doc)
    listing = _Subtrees(doc)
    listing.runs = [None] * len(doc)  # no runs: every span listed from the subtree's tokens
    assert any(run is not None for run in bounds.runs)
    spans = [(content_span(t, bounds), content_span(t, listing)) for t in doc]
    assert [a for a, _ in spans] == [b for _, b in spans]
    assert sum(a is not None for a, _ in spans) >= 10  # said, told, called, according ...


def test_a_clause_parsed_non_projectively_keeps_only_its_own_tokens(model: str) -> None:
    # "He said , today it rained": the comma hangs on "rained", "today" on "said", so the
    # clause's tokens are not one run; its span starts at "it", not at the foreign "today"
    words = ["He", "said", ",", "today", "it", "rained"]
    doc = Doc(
        load_pipeline(model).vocab,
        words=words,
        heads=[1, 1, 5, 1, 5, 1],
        deps=["nsubj", "ROOT", "punct", "npadvmod", "nsubj", "ccomp"],
        pos=["PRON", "VERB", "PUNCT", "NOUN", "PRON", "VERB"],
        tags=["PRP", "VBD", ",", "NN", "PRP", "VBD"],
        lemmas=["he", "say", ",", "today", "it", "rain"],
    )
    start, end = content_span(doc[1]) or (0, 0)
    assert doc.text[start:end] == "it rained"


@pytest.mark.slow
@pytest.mark.parametrize("repeats", [1, 600])
def test_a_report_in_a_run_on_text_spans_its_whole_clause(model: str, repeats: int) -> None:
    filler = "the roads were repaired and the schools were painted and the parks were cleaned and "
    text = (
        "The mayor said that "
        + filler * repeats
        + "the plan would work, and Ms. Smith told reporters "
        + '"we will build the school next year" on Monday while the council met'
    )
    quotes = quotes_of(text, model)
    reported = [q for q in quotes if q.kind == "indirect"]
    assert len(reported) == 1
    assert reported[0].speaker == "The mayor"
    assert reported[0].start_char == text.index("that the roads")
    assert reported[0].end_char == text.index(", and Ms. Smith")
    smith = [q for q in quotes if q.speaker == "Smith"]
    assert len(smith) == 1 and smith[0].start_char == text.index('"we will')
    assert smith[0].verbatim == "we will build the school next year"


@pytest.mark.slow
def test_thousands_of_quotation_marks_give_rows_inside_the_text(model: str) -> None:
    lead = "The city council met on Monday to discuss the budget for the coming year.\n\n"
    pairs = "".join(f'"word{i} and more" said he, ' for i in range(1_000))
    unbalanced = "".join(f'he said "yes {i} and ' for i in range(200))
    alternating = "".join(("“a ", '" b ', "” c ", "' d ")[i % 4] for i in range(1_000))
    text = lead + pairs + "\n\n" + unbalanced + "\n\n" + alternating
    quotes = analyze_text(text, model=model).quotes
    # quotes are still found all the way to the last pair (as a quote or a reported clause)
    last = text.index('"word999 and more"')
    assert any(q.start_char <= last + 1 < q.end_char for q in quotes)
    for q in quotes:
        assert 0 <= q.start_char < q.end_char <= len(text)
        for f in q.fragments:
            assert text[f.start_char : f.end_char] == f.text
        if q.kind != "direct":
            assert text[q.start_char : q.end_char] == q.quote
