"""Direct rows hold speech and only its words; speakers by their fullest name. Cases found on
pages the rules were never tuned on (feed articles, blog round-ups, PolNeAR train), written
anew for these tests, with the real spaCy model."""

from __future__ import annotations

import pytest
from test_quotes import containing, quotes_of

from newsflow.tasks.nlp.quote_marks import find_marked_quotes


def test_a_title_credited_to_its_author_is_not_a_quote(model: str) -> None:
    text = (
        "Here is what we are reading this week.\n\n"
        'FAREWELL—"The Living Room to close at the end of December," by Times\' Ben Sisario: '
        '"The Living Room, a no-frills nightclub, will close after almost 18 years."\n'
    )
    quotes = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert not any("to close at the end" in q.quote for q in quotes)
    assert any(q.quote.startswith("The Living Room, a no-frills") for q in quotes)


def test_a_name_given_in_the_passive_perfect_is_not_a_quote(model: str) -> None:
    text = (
        "Thousands marched in Sao Paulo on Saturday against the bill.\n\n"
        "These protests have been called “Against the Digital Censorship” after a decree of "
        "the military government in 1968.\n"
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_an_opening_single_mark_closed_by_a_double_mark_ends_there(model: str) -> None:
    text = (
        "Square updated its card case app on Monday.\n\n"
        "Merchants can add more to the loyalty cards, which Square’s Megan Quinn calls ‘dynamic "
        "representations of the business.” While previously you could see the merchants’ names, "
        "Square has added menus.\n"
    )
    (m,) = find_marked_quotes(text)
    assert text[m.start : m.end] == "‘dynamic representations of the business.”"
    q = containing(quotes_of(text, model), "dynamic representations")
    assert "While previously" not in q.quote
    assert q.verbatim == "dynamic representations of the business."


def test_a_curly_inch_mark_does_not_close_a_quote() -> None:
    text = (
        "“I admit, he’s taller than me; he’s like 6’2”,” Rubio said. “Which is why I don’t "
        "understand his hands,” he added.\n"
    )
    spans = [text[m.start : m.end] for m in find_marked_quotes(text)]
    assert spans == [
        "“I admit, he’s taller than me; he’s like 6’2”,”",
        "“Which is why I don’t understand his hands,”",
    ]


def test_the_fields_of_a_form_are_not_transcript_turns(model: str) -> None:
    text = (
        "Meet this week's featured blogger.\n\n"
        "NAME: Julie Anne Schwarz\n\n"
        "BLOG: The Conscious Kitchen\n\n"
        "WHY YOU'LL LOVE IT: From kitchen to blog, chef Julie Anne Schwarz helps you cook "
        "healthy meals.\n\n"
        "FOLLOW: Typepad | Twitter\n"
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_transcript_still_gives_each_speaker_their_turns(model: str) -> None:
    text = (
        "Partial transcript as follows:\n\n"
        "TAPPER: Do you think Donald Trump has campaigned as a racial healer?\n\n"
        "FALLIN: I think he is trying to campaign as a racial healer.\n"
    )
    quotes = [q for q in quotes_of(text, model) if q.kind == "direct"]
    assert [q.speaker for q in quotes] == ["Tapper", "Fallin"]


def test_a_link_between_stray_marks_is_not_a_quote(model: str) -> None:
    text = (
        'The museum reopens in March. "The galleries are larger," the director said." '
        "http://nyti.ms/1RHiWiu.\n"
    )
    quotes = quotes_of(text, model)
    assert not any("nyti.ms" in q.quote for q in quotes)
    assert containing(quotes, "galleries are larger").kind == "direct"


FAMILY = """The family of John Milo Ford disputed the account. John M. Ford died in 2006.

"Mike's personal life was his own business," Dale wrote. Dale Ford is his brother.

"It is a loss," John M. Ford said of the war in 2005.
"""


def test_a_speaker_named_by_first_name_is_the_one_person_it_opens(model: str) -> None:
    q = containing(quotes_of(FAMILY, model), "personal life")
    assert (q.speaker, q.speaker_label) == ("Dale Ford", "PERSON")


def test_a_middle_initial_is_spelt_out_when_the_article_does(model: str) -> None:
    q = containing(quotes_of(FAMILY, model), "It is a loss")
    assert q.speaker == "John Milo Ford"


def test_a_company_the_parser_took_for_a_person_speaks_by_its_full_name(model: str) -> None:
    text = (
        "Sacramento-based McClatchy Co. is a chain of 30 newspapers. McClatchy reported a loss "
        "of $304.7 million on revenue of $167.4 million in the third quarter.\n"
    )
    q = containing(quotes_of(text, model), "a loss of")
    assert q.speaker_label == "ORG"
    assert q.speaker.startswith("McClatchy Co")


@pytest.mark.parametrize(
    "cited",
    [
        "One of the habits – “Put first things first, then the rest of the list”, keeps the "
        "important things at the top.",
        "He came then to offer a kiss… “a kiss of death for the old order” to the region.",
    ],
)
def test_words_cited_after_a_dash_with_no_one_speaking_are_not_a_quote(
    cited: str, model: str
) -> None:
    text = (
        "I plan my day around a few rules.\n\n"
        f"{cited}\n\n"
        "“It works for me every single day,” Dana Ortiz said.\n"
    )
    quotes = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert [q.quote for q in quotes] == ["It works for me every single day,"]
