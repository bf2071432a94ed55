"""Quotation marks around words no one is reported to have said are not quotes, with the
real spaCy model: hypothetical, negated and generic speech, examples, words talked about,
strings in program text, values and reference entries. Real quotes next to them stay."""

from __future__ import annotations

import pytest
from test_quotes import quotes_of

REAL = '"We take every complaint very seriously indeed," the spokesman told reporters.'


def _direct(text: str, model: str) -> list[str]:
    return [q.quote for q in quotes_of(text, model) if q.kind in ("direct", "mixed")]


@pytest.mark.parametrize(
    "sentence",
    [
        # counterfactual: would / could / might have said
        'Critics mean it figuratively. An abuser would have said: "Every time a person uses '
        'that word, a piece of my soul withers and dies."',
        # merely possible
        'A spokesman might tell you, "We take every single complaint very seriously."',
        # negated, on the reporting verb or on the verb that governs it
        'Don\'t say "Courtney, this post is so snobbish it burned up my computer."',
        'You do not need to say "I am so hungry I could literally eat a horse today."',
        # an order to the reader
        'Tell your landlord: "I will not pay for repairs that are your responsibility."',
        # on a condition: words that would be said if it came true
        'If asked, the senator will say "We have done nothing wrong at all here."',
        # anyone at all: the reader asks themself
        "When you shop, you will look at an item and ask yourself, "
        '"Will this just end up in the picture and gather dust?"',
    ],
)
def test_speech_no_one_is_reported_to_have_said_is_no_quote(sentence: str, model: str) -> None:
    text = f"The debate went on for weeks.\n\n{sentence}\n\n{REAL}\n"
    quotes = _direct(text, model)
    assert quotes == ["We take every complaint very seriously indeed,"]


@pytest.mark.parametrize(
    "sentence",
    [
        'He would later say, "We were never told about the plan at all, not once."',
        'He did not hesitate to say, "This is a disaster for the whole country and its people."',
        'I told him, "No way are we going to sign this contract today or any other day."',
    ],
)
def test_reported_speech_with_a_modal_or_negation_nearby_stays(sentence: str, model: str) -> None:
    text = f"The talks ended in March.\n\n{sentence}\n"
    quotes = _direct(text, model)
    assert len(quotes) == 1 and quotes[0].endswith(".")


def test_examples_and_phrases_talked_about_are_no_quotes(model: str) -> None:
    text = (
        "People use the word as a verbal crutch. For example: "
        '"Ugh, I literally tore the house apart looking for my remote control!"\n\n'
        '"I am so hungry I could eat a horse," means you are hungry.\n\n'
        f"{REAL}\n"
    )
    assert _direct(text, model) == ["We take every complaint very seriously indeed,"]


def test_a_quote_framed_by_a_verb_and_its_subject_after_it_stays(model: str) -> None:
    text = (
        "Grassley has been taking heat back home.\n\n"
        '"There are invertebrates that have shown more spine than Sen. Charles Grassley," '
        "reads a Wednesday editorial in The Des Moines Register.\n"
    )
    assert _direct(text, model) == [
        "There are invertebrates that have shown more spine than Sen. Charles Grassley,"
    ]


def test_strings_in_program_text_and_values_are_no_quotes(model: str) -> None:
    text = (
        "Here is how to handle errors with fetch.\n\n"
        'if (res.ok) { alert("Perfect! Your settings are saved."); } else '
        '{ console.log("Looks like the response was not perfect, got status", res.status); }\n\n'
        "Client B can add an 'If-Match: \"1\"' header to the request, said the authors.\n\n"
        f"{REAL}\n"
    )
    assert _direct(text, model) == ["We take every complaint very seriously indeed,"]


def test_a_title_in_a_reference_entry_is_no_quote(model: str) -> None:
    text = (
        "The protocol follows the usual conventions.\n\n"
        'Bradner, S., "Key words for use in RFCs to Indicate Requirement Levels", BCP 14.\n\n'
        f"{REAL}\n"
    )
    assert _direct(text, model) == ["We take every complaint very seriously indeed,"]


def test_a_quote_far_from_inline_code_in_a_long_paragraph_stays(model: str) -> None:
    text = (
        "He copied for me at the usual rate of four cents a folio (one hundred words); then "
        "he typed print(total); into the console, watched the numbers scroll by for a while "
        "and leaned back in his chair by the window of the small office on Wall Street. "
        '"This is much faster than I ever expected it to be," said Bartleby.\n'
    )
    assert _direct(text, model) == ["This is much faster than I ever expected it to be,"]
