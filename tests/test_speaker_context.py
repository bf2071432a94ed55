"""Speakers the words around a quote name, with the real spaCy model: a colon's clause the
parser ran into the quote, "the company" and "it" for the organisation that spoke, "it" for
the report that spoke, "they" opening a paragraph; and titles before a name."""

from __future__ import annotations

import pytest
from quote_lookup import quote_with

from newsflow.tasks.nlp.names import strip_titles


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


def test_a_surname_the_parser_took_for_a_noun_is_the_person(model: str) -> None:
    text = (
        "Health debate\n\nHillary Clinton defended the law and Bernie Sanders listened.\n\n"
        'Sanders delivered a snappy retort: "No one is tearing this up. We are going forward."\n'
    )
    q = quote_with(text, model, "tearing this up")
    assert (q.speaker, q.speaker_label) == ("Bernie Sanders", "PERSON")


def test_the_company_is_the_one_that_spoke_not_the_last_one_named(model: str) -> None:
    text = (
        "Harbor Foods Inc said it received revised offers from Delta Capital Corp and Crane "
        "Holdings Ltd.\n\nThe company said its board would meet on Friday to review both "
        "offers.\n"
    )
    q = quote_with(text, model, "board would meet")
    assert (q.speaker, q.speaker_label) == ("Harbor Foods Inc", "ORG")


def test_the_group_after_a_named_group_described_so_is_the_name(model: str) -> None:
    text = (
        "Oil policy\n\nThe Aspen Institute, a private group, called for new research on oil "
        "exploration.\n\nBut the group did not back either option, saying there were benefits "
        "to both.\n"
    )
    q = quote_with(text, model, "benefits to both")
    assert (q.speaker, q.speaker_label) == ("Aspen Institute", "ORG")


def test_it_said_after_the_company_said_is_that_company(model: str) -> None:
    text = (
        "Harbor Foods Inc said its first quarter profit may fall below last year's.\n\n"
        "The company said any decline would be due to the cost of two acquisitions.\n\n"
        "Because of these acquisitions, it said, sales will be much higher than last year.\n"
    )
    q = quote_with(text, model, "sales will be much higher")
    assert (q.speaker, q.speaker_label) == ("Harbor Foods Inc", "ORG")


def test_it_says_after_the_report_says_is_the_report(model: str) -> None:
    text = (
        "Trade outlook\n\nThe embassy report says growth in the region slowed last year.\n\n"
        '"Exports fell in every quarter," the report says. It says that farm output rose by '
        "two percent despite the drought.\n"
    )
    q = quote_with(text, model, "farm output rose")
    assert (q.speaker, q.kind) == ("the report", "indirect")


def test_they_opening_a_paragraph_are_the_sources_of_the_one_before(model: str) -> None:
    text = (
        "Gulf oil sources said Saudi output fell to 3.5 million barrels a day last month.\n\n"
        "They said exports from the main terminals fell because of lower liftings by some "
        "customers.\n"
    )
    q = quote_with(text, model, "exports from the main terminals")
    assert (q.speaker, q.speaker_label) == ("Gulf oil sources", "GROUP")


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
