"""Direct quotes hold the speaker's words and nothing else, one row per quote, with the real
spaCy model: split quotes, resumed quotes and reported speech next to quotation marks."""

from __future__ import annotations

import pytest
from test_quotes import containing, quotes_of

from newsflow.tasks.nlp.quote_marks import find_marked_quotes

KEYNOTE = """Apple opened its campus theatre to staff on Tuesday.

"We all miss Steve so much," Benioff said, telling Cook, "since he passed, you have been \
so true to him and his values."

The event ran for two hours.
"""

SON = """Her son, the filmmaker Charlie McDowell, also remembers it as a trying time. “If your \
mom comes to you after surgery, I think it is fair to think that she has gone crazy,” he said. \
“All of a sudden she was picking up random instruments,” McDowell laughed. “When I say all \
this out loud it sounds insane.”
"""

EDITOR = """The novelist died in 2018.

“He could have had a more successful career,” Patrick Hayden, the editor in chief, said, “if he \
had been more disciplined about his writing” and stuck to one genre, or written a series. “But \
Mike wanted to write what he wanted to write.”
"""

AMNESTY = """Security forces fired on crowds in the capital on Friday.

“The authorities must end this deadly crackdown immediately,” said Philip Luther, research \
director for the Middle East at Amnesty International.

“The frequency of lethal force used against peaceful protesters is a clear sign of contempt.”

The government denied the report.
"""


def test_the_person_told_may_stand_in_the_attribution(model: str) -> None:
    quotes = quotes_of(KEYNOTE, model)
    q = containing(quotes, "since he passed")
    assert q.kind == "direct"
    assert q.quote.startswith("We all miss Steve")
    assert "Cook" not in q.quote and "said" not in q.quote
    assert q.speaker == "Benioff"


def test_a_quote_framed_after_itself_starts_a_new_quote(model: str) -> None:
    quotes = [q for q in quotes_of(SON, model) if q.kind == "direct"]
    first = containing(quotes, "If your mom comes")
    assert "random instruments" not in first.quote  # not joined across "he said."
    second = containing(quotes, "random instruments")
    assert "When I say all this" in second.quote  # goes on after "McDowell laughed."
    assert "laughed" not in second.quote
    assert {q.speaker for q in quotes} == {"Charlie McDowell"}


def test_a_quote_resumed_after_the_writers_aside_is_the_same_quote(model: str) -> None:
    quotes = [q for q in quotes_of(EDITOR, model) if q.kind == "direct"]
    assert len(quotes) == 1
    q = quotes[0]
    assert q.quote.endswith("Mike wanted to write what he wanted to write.")
    assert "stuck to one genre" not in q.quote and "said" not in q.quote
    assert len(q.fragments) == 3
    assert q.speaker == "Patrick Hayden"


def test_a_quote_paragraph_after_a_closing_attribution_continues_the_quote(model: str) -> None:
    quotes = [q for q in quotes_of(AMNESTY, model) if q.kind == "direct"]
    assert len(quotes) == 1
    q = quotes[0]
    assert q.quote.startswith("The authorities must end")
    assert q.quote.endswith("a clear sign of contempt.")
    assert "Amnesty" not in q.quote
    assert q.speaker == "Philip Luther"


@pytest.mark.parametrize(
    "text",
    [
        'The board met on Tuesday to discuss the budget. "We won," said \U0001f600. Officials '
        "said the vote was close.",
        'The board met on Tuesday to discuss the budget. "We won," said ***. "It is over," she '
        "said.",
    ],
)
def test_reported_speech_never_runs_across_quotation_marks(text: str, model: str) -> None:
    marks = find_marked_quotes(text)
    for q in quotes_of(text, model):
        if q.kind == "indirect":
            assert not any(m.start < q.end_char and q.start_char < m.end for m in marks), text[
                q.start_char : q.end_char
            ]


def test_a_question_no_one_is_said_to_ask_is_not_a_quote(model: str) -> None:
    text = (
        'Is Google Stadia the future? That is really two questions, I guess. First, "Is '
        'streaming the future of gaming?" Possibly. It is convenient, and even exciting.\n'
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_question_someone_asks_is_a_quote(model: str) -> None:
    text = 'The senator turned to the minister. "Why did you sign it?" Warren asked.\n'
    (q,) = quotes_of(text, model)
    assert q.quote == "Why did you sign it?"
    assert q.speaker == "Warren"


def test_the_verb_after_a_quote_says_how_it_was_spoken(model: str) -> None:
    text = (
        "Jessie Buckley steps onto the stage. “Had to find my own way, make my own mistakes, but "
        "you know that I had to go,” she sings. “Ain’t no yellow brick road running through "
        "Glasgow.”\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "direct"
    assert q.cue == "sings"
    assert q.speaker == "Jessie Buckley"
    assert [f.text for f in q.fragments] == [
        "Had to find my own way, make my own mistakes, but you know that I had to go,",
        "Ain’t no yellow brick road running through Glasgow.",
    ]


EMAILS = """The emails show a friendly tone.

Clinton responds to Mills with, “Why now? That was on my way to Libya?” Mills then writes \
back, “You look cute.”
"""

COUPLE = """The Ebelings have known Clinton since high school.

“Tell her I promised you a picture,” Ebeling said, and her husband cut in. “Don’t forget \
Betsy’s husband Tom -- I’ve been friends with her since high school.”
"""


def test_a_reply_introduced_after_a_quote_is_a_quote_of_its_own(model: str) -> None:
    quotes = [q for q in quotes_of(EMAILS, model) if q.kind == "direct"]
    first = containing(quotes, "Why now?")
    assert "You look cute" not in first.quote
    assert containing(quotes, "You look cute").speaker == "Mills"


def test_a_quote_after_someone_else_cuts_in_is_not_joined_to_the_one_before(model: str) -> None:
    quotes = [q for q in quotes_of(COUPLE, model) if q.kind == "direct"]
    first = containing(quotes, "Tell her I promised")
    assert "Don’t forget" not in first.quote
    assert len(quotes) == 2
