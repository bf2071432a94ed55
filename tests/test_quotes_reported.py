"""Only speech is reported speech, with the real spaCy model: verbs of saying that mean
something else in context give no `indirect` row, and the reported clause is whole."""

from __future__ import annotations

from test_quotes import quotes_of

SIGNALS = """Trade talks resumed in Beijing on Monday.

But Mr. Trump continues to give mixed signals about whether he actually wants a deal. The \
economic outlook for farmers has continued to become more dismal as exports fall.

Brad Marchand added three assists to lead Boston to a win over New Jersey.
"""

INSISTS = """Trade talks resumed in Beijing on Monday.

Mr. Trump continues to insist his tariffs will be worth it for American farmers.
"""

SUGGESTED = """Few residents have left the camp since the evacuation began.

Simpson suggested the most likely reason Rukban residents are refusing to leave the camp is \
fear of Syrian retribution.
"""

LETS_SAY = """Building a business takes time.

You are going to have some moments that cause you to … well, let’s say they cause you to grow \
as a person.
"""


def test_going_on_with_an_infinitive_is_not_speech(model: str) -> None:
    assert [q for q in quotes_of(SIGNALS, model) if q.kind == "indirect"] == []


def test_going_on_with_a_verb_of_saying_is_speech(model: str) -> None:
    (q,) = [q for q in quotes_of(INSISTS, model) if q.kind == "indirect"]
    assert "his tariffs will be worth it" in q.quote
    assert q.speaker == "Trump"


def test_a_reported_clause_keeps_the_subject_the_parser_split_off(model: str) -> None:
    (q,) = [q for q in quotes_of(SUGGESTED, model) if q.kind == "indirect"]
    assert q.quote == (
        "the most likely reason Rukban residents are refusing to leave the camp is fear of "
        "Syrian retribution"
    )
    assert q.speaker == "Simpson"


def test_lets_say_is_the_writers_own_words(model: str) -> None:
    assert [q for q in quotes_of(LETS_SAY, model) if q.kind == "indirect"] == []


def test_a_request_for_anonymity_is_not_what_the_source_said(model: str) -> None:
    text = (
        "The camp has had no aid for weeks.\n\nA Syrian refugee who feared regime retaliation and "
        "asked not to be identified said that the ministry lied.\n"
    )
    (q,) = [q for q in quotes_of(text, model) if q.kind == "indirect"]
    assert q.quote == "that the ministry lied"
    assert q.cue == "said"


def test_a_clause_before_going_on_is_not_reported_by_it(model: str) -> None:
    text = (
        "Hong Kong is burning.\n\nBut it is not merely that Beijing will not take a step back; "
        "they continue to escalate the crisis.\n"
    )
    assert [q for q in quotes_of(text, model) if q.kind == "indirect"] == []
