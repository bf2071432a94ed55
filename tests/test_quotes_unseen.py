"""A `direct` row is speech and only its words. Cases found on pages never used for the quote
rules (extraction libraries' test pages), written anew for these tests, with the real model."""

from __future__ import annotations

from test_quotes import containing, quotes_of

from newsflow.tasks.nlp.quote_marks import find_marked_quotes


def test_a_phrase_a_reporting_verb_runs_into_is_mixed_with_its_clause(model: str) -> None:
    text = (
        "The mayor spoke at the harbour on Friday.\n\n"
        'Ms. Okafor urged "immediate repairs" to the sea wall before the winter storms.\n'
    )
    q = containing(quotes_of(text, model), "immediate repairs")
    assert q.kind == "mixed"
    assert q.verbatim == "immediate repairs"
    assert "to the sea wall" in q.quote
    assert q.speaker == "Okafor"


def test_a_naming_verbs_object_before_the_quote_makes_it_mixed(model: str) -> None:
    text = (
        "The talks ended on Monday.\n\n"
        "The union leader called the company's latest offer on wages, "
        '"an insult to every worker here."\n'
    )
    q = containing(quotes_of(text, model), "an insult")
    assert q.kind == "mixed"
    assert q.verbatim == "an insult to every worker here."
    assert q.quote.startswith("the company's latest offer")


def test_a_quote_said_on_its_own_after_the_verb_stays_direct(model: str) -> None:
    text = (
        "The minister arrived late.\n\n"
        'Then Ms. Okafor said, "We will rebuild the sea wall before the winter." '
        "She left soon after.\n"
    )
    q = containing(quotes_of(text, model), "rebuild the sea wall")
    assert q.kind == "direct"


def test_words_someone_would_say_if_something_happened_are_not_a_quote(model: str) -> None:
    text = (
        "Prices rose again in March.\n\n"
        'If the bank raises rates, the critics will say "The economy cannot take it." '
        "And if prices keep rising, shoppers are going to say "
        '"Everything costs too much these days." The bank meets next week.\n'
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_speech_released_before_it_is_given_is_a_quote(model: str) -> None:
    text = (
        "The governor speaks in Albany tonight.\n\n"
        "“No family in this state should choose between heat and food,” she will say, "
        "according to excerpts released by her office.\n"
    )
    q = containing(quotes_of(text, model), "heat and food")
    assert q.kind == "direct"


def test_a_saying_someone_liked_to_repeat_is_still_a_quote(model: str) -> None:
    text = (
        "The founder died in 1990.\n\n"
        'As her grandmother liked to say, "Nothing worth having comes without a fight." '
        "The family kept the shop open.\n"
    )
    q = containing(quotes_of(text, model), "Nothing worth having")
    assert q.kind == "direct"


def test_a_quote_split_around_a_clause_of_when_it_was_said_is_one_quote(model: str) -> None:
    text = (
        "The hearing ran late.\n\n"
        "“For small farmers,” Ms. Adeyemi said as she concluded her remarks to the panel, "
        "“the new rules are simply too expensive.”\n"
    )
    q = containing(quotes_of(text, model), "For small farmers")
    assert q.kind == "direct"
    assert q.quote == "For small farmers, the new rules are simply too expensive."
    assert q.speaker == "Adeyemi"


def test_a_doubled_opening_mark_opens_the_quote_it_stands_before(model: str) -> None:
    text = (
        "The witness was asked about the deal.\n\n"
        "Before the break, Mr. Brandt spoke up. “”This deal was fair to everyone involved,” "
        "he said.\n"
    )
    (m,) = find_marked_quotes(text)
    assert text[m.start : m.end] == "“”This deal was fair to everyone involved,”"
    q = containing(quotes_of(text, model), "fair to everyone")
    assert q.quote == "This deal was fair to everyone involved,"
    assert q.speaker == "Brandt"


def test_marks_a_relative_clause_describes_hold_a_name_not_speech(model: str) -> None:
    text = (
        "The archive was leaked in May.\n\n"
        'For the job, Reyes wrote to an old contact, "Tomas B. (locksmith)," who ran a small '
        "hardware store in Valencia.\n\n"
        '"We will not back down," said Ana Ruiz, who leads the union.\n'
    )
    quotes = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert not any("locksmith" in q.quote for q in quotes)
    assert containing(quotes, "not back down").speaker == "Ana Ruiz"


def test_words_a_verb_introduces_before_a_relative_clause_are_still_a_quote(model: str) -> None:
    text = (
        "The gala ran past midnight.\n\n"
        'The host announced, "Ladies and gentlemen, the one and only Ms. Carla Reyes," who '
        "then walked on stage to sing.\n"
    )
    quotes = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert containing(quotes, "Ladies and gentlemen").kind == "direct"


def test_a_reporting_verb_that_is_a_condition_reports_nothing_said(model: str) -> None:
    text = (
        "The council meets on Tuesday.\n\n"
        "If the mayor says the budget is balanced, the auditors will check it again. "
        'And if she says "We have no money left for the parks," the vote fails.\n'
    )
    assert quotes_of(text, model) == []
