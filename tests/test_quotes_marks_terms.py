"""Quoted rows hold only words inside real quotation marks, with the real spaCy model: an
apostrophe typed as a double mark, a quote opened right after whom it was told, and terms the
writer sets in quotation marks inside reported speech."""

from __future__ import annotations

from test_quotes import containing, quotes_of

from newsflow.tasks.nlp.quote_marks import find_marked_quotes

APOSTROPHES = """The minister spoke to a local daily on Sunday.

The company"s chairman said there were no plans to cut the dividend this year.

"We expect sales to recover by the summer," he said.

Analysts said the group"s shares had fallen since the report was published.
"""

TOLD_WHOM = """The bank finished its review on Friday.

A company spokesman told Reuters "We have finished the talks and we now await approval from \
the regulators." He declined to comment further.
"""

SO_CALLED = """The bank will lend 279 mln dlrs to the buyers.

This so-called "bridge" financing will be replaced later with long-term debt, the bank said.
"""


def test_an_apostrophe_typed_as_a_double_mark_opens_no_quote() -> None:
    marked = find_marked_quotes(APOSTROPHES)
    texts = [APOSTROPHES[m.start : m.end] for m in marked]
    assert texts == ['"We expect sales to recover by the summer,"']


def test_reported_speech_around_such_apostrophes_stays_indirect(model: str) -> None:
    quotes = quotes_of(APOSTROPHES, model)
    chairman = containing(quotes, "no plans to cut the dividend")
    assert chairman.kind == "indirect"
    assert chairman.verbatim is None
    direct = containing(quotes, "We expect sales")
    assert direct.kind == "direct"
    assert direct.quote == "We expect sales to recover by the summer,"


def test_a_quote_opened_right_after_whom_it_was_told_is_direct(model: str) -> None:
    q = containing(quotes_of(TOLD_WHOM, model), "We have finished the talks")
    assert q.kind == "direct"
    assert q.quote.startswith("We have finished")
    assert "Reuters" not in q.quote and "told" not in q.quote
    assert q.speaker == "A company spokesman"


def test_a_so_called_term_inside_reported_speech_is_not_quoted(model: str) -> None:
    q = containing(quotes_of(SO_CALLED, model), "financing will be replaced")
    assert q.kind == "indirect"
    assert q.verbatim is None
    assert q.cue == "said"


HEADING = """Fiorina ran the company for six years.

"What kept me going during that time," she said, "is the fact that I knew these people \
were capable of greatness." But it was also a chance for her to show her own.

'A fight from start to finish.'

The merger was not her idea.
"""


def test_a_single_quoted_heading_does_not_go_on_with_a_double_quoted_quote(model: str) -> None:
    quotes = quotes_of(HEADING, model)
    q = containing(quotes, "What kept me going")
    assert q.kind == "direct"
    assert q.quote.endswith("capable of greatness.")
    assert "fight from start" not in q.quote and "chance for her" not in q.quote
    assert not any("fight from start" in x.quote for x in quotes)  # a heading, no row


ADDING = """Car sales fell again in March.

"Buyers are a little more cautious about new vehicles," dealer group head Dan McDowell \
said, adding, "this year is just not as strong as last year."

The average loan rate went up.
"""

WEIGHED_IN = """The staff filled the campus theatre on Tuesday.

"We all miss him so much," Marc Benioff weighed in, telling the crowd, "since he left, you \
have stayed true to his values."
"""


CARSON = """The candidate says he is under attack because of his rise in the polls.

"There is no question I am getting special scrutiny," the candidate told a TV show on \
Sunday, saying that people -- unnamed -- "are very threatened" by his lead.
"""


def test_saying_that_starts_a_report_of_its_own(model: str) -> None:
    quotes = quotes_of(CARSON, model)
    first = containing(quotes, "special scrutiny")
    assert first.kind == "direct"
    assert first.quote == "There is no question I am getting special scrutiny,"
    second = containing(quotes, "very threatened")
    assert second.kind == "mixed"
    assert second.quote.startswith("that people")


def test_said_adding_goes_on_with_one_quote(model: str) -> None:
    quotes = [q for q in quotes_of(ADDING, model) if q.kind == "direct"]
    assert len(quotes) == 1
    q = quotes[0]
    assert [f.text for f in q.fragments] == [
        "Buyers are a little more cautious about new vehicles,",
        "this year is just not as strong as last year.",
    ]
    assert "adding" not in q.quote and "said" not in q.quote
    assert q.speaker == "Dan McDowell"


def test_weighed_in_is_an_attribution_that_joins_a_split_quote(model: str) -> None:
    quotes = [q for q in quotes_of(WEIGHED_IN, model) if q.kind == "direct"]
    assert len(quotes) == 1
    assert quotes[0].quote.startswith("We all miss him so much,")
    assert quotes[0].quote.endswith("stayed true to his values.")
    assert "weighed" not in quotes[0].quote and "crowd" not in quotes[0].quote
    assert quotes[0].speaker == "Marc Benioff"


HEADLINE = """'We are in shock, horrified': A mosque feels the spotlight

Two days after the shooting, the mosque was quiet and its doors were locked.

"We pray for the families," the imam said.
"""

TWEET_MARKUP = """The senator thanked her on Tuesday.

<tweet tweet-author="@tedcruz" tweet-date="January 19, 2016
">Without her support, I would not be in the Senate today.<tweet/>

The race goes on.
"""


def test_a_quote_in_a_short_first_paragraph_with_no_speaker_is_the_headline(model: str) -> None:
    quotes = quotes_of(HEADLINE, model)
    assert not any("in shock" in q.quote for q in quotes)
    assert containing(quotes, "We pray for the families").speaker == "the imam"


def test_a_mark_closing_a_markup_value_opens_no_quote() -> None:
    marked = find_marked_quotes(TWEET_MARKUP)
    assert not any("Without her support" in TWEET_MARKUP[m.start : m.end] for m in marked)


NAMES = """The plan came from the longest-serving director, George "Jay" Keyworth, the company \
said on Monday.

Officials said the gang leader, known as "El Chapo," had escaped from prison again.
"""


def test_a_nickname_inside_reported_speech_is_no_quote(model: str) -> None:
    q = containing(quotes_of(NAMES, model), "The plan came from")
    assert q.kind == "indirect"
    assert q.verbatim is None


def test_a_name_given_by_known_as_inside_reported_speech_is_no_quote(model: str) -> None:
    q = containing(quotes_of(NAMES, model), "had escaped")
    assert q.kind == "indirect"
    assert q.verbatim is None
    assert q.speaker == "Officials"


CALLED = """The campaign runs a blog, called the "Feed," anchored by five full-time writers, \
the aide said.

Rivals placed national newspaper ads calling the deal a "$25 billion mistake."
"""


def test_a_name_after_called_the_is_no_quote(model: str) -> None:
    assert not any(q.verbatim and "Feed" in q.verbatim for q in quotes_of(CALLED, model))


def test_calling_something_a_quoted_phrase_is_a_mixed_quote(model: str) -> None:
    q = containing(quotes_of(CALLED, model), "billion mistake")
    assert q.kind == "mixed"
    assert q.verbatim == "$25 billion mistake."
