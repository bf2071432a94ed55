"""Speakers the words around a quote name, with the real spaCy model: a colon's clause the
parser ran into the quote, "the company" and "it" for the organisation that spoke, "they"
opening a paragraph, the sex of an unlisted first name, and titles before a name."""

from __future__ import annotations

import pytest

from newsflow.tasks.nlp.names import guessed_gender, name_gender, strip_titles
from newsflow.tasks.nlp.pipeline import analyze_text
from newsflow.tasks.records import Quote


def quote_with(text: str, model: str, fragment: str) -> Quote:
    found = [q for q in analyze_text(text, model=model).quotes if fragment in q.quote]
    assert len(found) == 1, [q.quote for q in analyze_text(text, model=model).quotes]
    return found[0]


def test_a_quote_after_she_went_on_colon_is_hers(model: str) -> None:
    text = (
        "Health bill passes\n\nMayor Ana Ruiz voted for the bill on Tuesday and took questions "
        'from reporters afterwards.\n\nShe went on: "It is like fixing a roof in the rain. '
        'Nobody wants to do it, but it has to be done."\n'
    )
    q = quote_with(text, model, "fixing a roof")
    assert (q.speaker, q.speaker_label, q.kind) == ("Ana Ruiz", "PERSON", "direct")


def test_a_quote_after_a_retort_colon_is_the_senators(model: str) -> None:
    text = (
        "Debate night\n\nThe two senators clashed over health care for most of the evening.\n\n"
        'Senator Paul Grady delivered a sharp retort: "No one is tearing this up. We are going '
        'forward."\n'
    )
    assert quote_with(text, model, "tearing this up").speaker == "Paul Grady"


def test_the_company_is_the_one_that_spoke_not_the_last_one_named(model: str) -> None:
    text = (
        "Harbor Foods Inc said it received revised offers from Delta Capital Corp and Crane "
        "Holdings Ltd.\n\nThe company said its board would meet on Friday to review both "
        "offers.\n"
    )
    q = quote_with(text, model, "board would meet")
    assert (q.speaker, q.speaker_label) == ("Harbor Foods Inc", "ORG")


def test_it_said_after_the_company_said_is_that_company(model: str) -> None:
    text = (
        "Harbor Foods Inc said its first quarter profit may fall below last year's.\n\n"
        "The company said any decline would be due to the cost of two acquisitions.\n\n"
        "Because of these acquisitions, it said, sales will be much higher than last year.\n"
    )
    q = quote_with(text, model, "sales will be much higher")
    assert (q.speaker, q.speaker_label) == ("Harbor Foods Inc", "ORG")


def test_they_opening_a_paragraph_are_the_sources_of_the_one_before(model: str) -> None:
    text = (
        "Gulf oil sources said Saudi output fell to 3.5 million barrels a day last month.\n\n"
        "They said exports from the main terminals fell because of lower liftings by some "
        "customers.\n"
    )
    q = quote_with(text, model, "exports from the main terminals")
    assert (q.speaker, q.speaker_label) == ("Gulf oil sources", "GROUP")


def test_he_skips_a_woman_whose_first_name_the_lists_leave_out(model: str) -> None:
    text = (
        "School board meets\n\nElise Marlow introduced Jeb Carter at the rally on Saturday.\n\n"
        '"We need better roads and we need them now," he said.\n'
    )
    assert quote_with(text, model, "better roads").speaker == "Jeb Carter"


@pytest.mark.parametrize(
    ("name", "gender"),
    [("Elise Marlow", "f"), ("Jeb Carter", "m"), ("Rand Paul", "m"), ("Mika Brzezinski", "f")],
)
def test_unlisted_first_names_give_a_sex_and_news_names_override_the_guesser(
    name: str, gender: str
) -> None:
    assert guessed_gender(name) == gender


def test_a_surname_alone_or_a_two_way_name_gives_no_sex() -> None:
    assert guessed_gender("Clinton") is None
    assert guessed_gender("Laurence Tribe") is None
    assert name_gender("Elise Marlow") is None  # the strict lists stay as they were


@pytest.mark.parametrize(
    "titled",
    [
        "Det. Mary Lane",
        "Sens. Mary Lane",
        "Pvt. Mary Lane",
        "Atty. Gen. Mary Lane",
        "Amb. Mary Lane",
    ],
)
def test_abbreviated_and_plural_titles_are_stripped(titled: str) -> None:
    assert strip_titles(titled) == "Mary Lane"
