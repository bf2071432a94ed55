"""Quoted words that are nobody's speech: a work's title or text after a noun for the work,
a question put to the one who answers it, a scare quote as the object of a plain verb.
Sentences written for these tests, run with the real spaCy model."""

from __future__ import annotations

from test_quotes import quotes_of


def test_a_song_title_in_a_reported_clause_leaves_an_indirect_quote(model: str) -> None:
    text = "Jones said he loved the song \"Don't Stop Believin'\" as a boy.\n"
    quotes = quotes_of(text, model)
    assert [q.kind for q in quotes] == ["indirect"]
    assert quotes[0].speaker == "Jones"
    assert quotes[0].verbatim is None


def test_a_headline_a_paper_ran_is_not_a_quote(model: str) -> None:
    text = (
        "The council met again on Monday night.\n\n"
        'The Post ran the headline "Mayor quits over budget scandal" on its front page.\n'
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_question_put_to_the_one_who_answers_is_not_his_words(model: str) -> None:
    text = (
        "The guide was questioned by the court for two hours.\n\n"
        'To the question, "Have you made any mistakes?", Mr Friedli replied: '
        '"No, I don\'t think so".\n'
    )
    direct = [q for q in quotes_of(text, model) if q.kind == "direct"]
    assert [(q.quote, q.speaker) for q in direct] == [("No, I don't think so", "Friedli")]


def test_a_scare_quote_a_company_launches_is_not_a_quote(model: str) -> None:
    text = (
        "Qantas unveiled a new airline on Tuesday, launching its single-class "
        '"leisure carrier" in March.\n'
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_named_speaker_who_calls_a_plan_something_is_still_quoted(model: str) -> None:
    text = 'The senator described the budget plan as "a disaster for families" on Monday.\n'
    (q,) = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert q.kind == "mixed"
    assert q.verbatim == "a disaster for families"


def test_a_question_the_speaker_repeats_before_answering_is_his(model: str) -> None:
    text = (
        "The senator was asked about his plans at the diner.\n\n"
        '"Have I started writing my victory speech?" Smith replied. "Well, the answer is yes."\n'
    )
    (q,) = [q for q in quotes_of(text, model) if q.kind == "direct"]
    assert q.verbatim == "Have I started writing my victory speech? Well, the answer is yes."
    assert q.speaker == "Smith"


def test_a_phrase_quoted_before_its_attribution_stays_direct(model: str) -> None:
    text = (
        "The vote was close.\n\n"
        '"Far too much anger," the mayor said, blaming some of it on the council.\n'
    )
    (q,) = [q for q in quotes_of(text, model) if q.kind != "indirect"]
    assert (q.kind, q.verbatim, q.speaker) == ("direct", "Far too much anger,", "the mayor")


def test_a_reporters_words_on_both_sides_of_a_parenthetical_said_stay_one_quote(
    model: str,
) -> None:
    text = (
        "The talks resumed in Geneva.\n\nThe goal, the envoy said, is to forge a durable truce.\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "indirect"
    assert q.quote.startswith("The goal") and q.quote.endswith("a durable truce")


def test_a_reference_entry_with_its_retrieval_date_is_not_a_quote(model: str) -> None:
    text = (
        "The town grew quickly after the railway opened.\n\n"
        "References\n\n"
        '"Rising seas threaten the coast". The Daily Planet. 5 May 2018. Retrieved 6 May 2018.\n'
        '"Council approves new harbour plan for the next decade". Coastal News. Retrieved '
        "12 March 2019.\n"
    )
    assert quotes_of(text, model) == []


def test_a_hecklers_words_after_the_speakers_attribution_are_the_hecklers(model: str) -> None:
    text = (
        "The rally went on for an hour.\n\n"
        "\"It seems there's a gentleman who's having a hard night,\" Warren said as the "
        'heckler yelled: "You lie!"\n'
    )
    direct = [(q.quote, q.speaker) for q in quotes_of(text, model) if q.kind != "indirect"]
    assert direct == [
        ("It seems there's a gentleman who's having a hard night,", "Warren"),
        ("You lie!", "the heckler"),
    ]
