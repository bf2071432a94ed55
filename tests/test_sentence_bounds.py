"""Sentence starts the parser must not make, on sentences written for these tests, with the
real spaCy model as the pipeline loads it."""

from __future__ import annotations

import pytest

from newsflow.tasks.nlp.pipeline import analyze_text, load_pipeline


def sentences(text: str, model: str) -> list[str]:
    """The sentences of one paragraph, parsed as the pipeline parses paragraphs (with the
    line breaks that follow it)."""
    return [s.text.strip() for s in load_pipeline(model)(text + "\n\n").sents]


@pytest.mark.parametrize(
    "text",
    [
        "Among those who backed the bill were Sens. Ted Cruz and Marco Rubio, aides said.",
        "Others to attend include Lt. Col. Mary Jones and Capt. Ray Smith of the Navy.",
        "The award went to Pvt. Ann Lee, said Maj. Tom Hill, who led the unit.",
    ],
)
def test_a_title_before_a_name_does_not_end_the_sentence(text: str, model: str) -> None:
    assert sentences(text, model) == [text]


def test_a_report_about_a_titled_person_keeps_its_source(model: str) -> None:
    text = (
        "The Army released five detainees in exchange for Sgt. Bowe Bergdahl, the Pentagon "
        "said on Friday."
    )
    quotes = analyze_text(text, model=model).quotes
    assert [q.speaker for q in quotes] == ["Pentagon"]
    assert quotes[0].quote.startswith("The Army released five detainees")


def test_the_closing_mark_stays_with_its_quote(model: str) -> None:
    text = (
        "Democrats, led by Rep. Adam Schiff of Calif. and Sen. Dianne Feinstein, said the "
        'report was "a whitewash."'
    )
    assert sentences(text, model) == [text]


@pytest.mark.parametrize(
    "text",
    [
        '"Yessss!" she shouted at the TV when the result was announced.',
        "The governor said \"I'm not a lawyer so I can't tell you what the rules are,\" and left.",
        "He figures that a second hosting gig on “Saturday Night Live” was an adequate reward "
        "for his campaign exertions and so now he can coast.",
    ],
)
def test_a_lower_case_word_does_not_start_a_sentence(text: str, model: str) -> None:
    assert sentences(text, model) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Giuliani trashed Comey on MSNBC’s “Morning Joe,” calling it a “no-brainer” to prosecute.",
        "Sunday on Fox News channel’s “Sunday Morning Futures,” Rep. Darrell Issa said the "
        "probe was over.",
    ],
)
def test_a_possessive_does_not_end_a_sentence(text: str, model: str) -> None:
    assert sentences(text, model) == [text]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        (
            'He called the plan "a disaster." The senator then left.',
            'He called the plan "a disaster."',
        ),
        (
            "They met in Sacramento, Calif. Gov. Jerry Brown attended.",
            "They met in Sacramento, Calif.",
        ),
        ('"It\'s over." J. D. Vance said nothing more.', '"It\'s over."'),
        ('"We won." Then the coach left the field.', '"We won."'),
    ],
)
def test_real_sentence_ends_are_kept(text: str, first: str, model: str) -> None:
    assert sentences(text, model)[0] == first
