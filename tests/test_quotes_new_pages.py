"""Direct rows hold only speech, and only the words inside the marks. Cases found on pages
and wire copy the rules were never tuned on (news text with its paragraphs run together, a
reference list, PolNeAR train), written anew for these tests, with the real spaCy model."""

from __future__ import annotations

from test_quotes import containing, quotes_of

from newsflow.tasks.nlp.quote_marks import find_marked_quotes

RUN_TOGETHER = (
    'Pakistan answered on Thursday. "Pakistan regrets the decision to cut the embassy staff," '
    'ministry spokesman Omar Khan said. "Such steps will only raise the tension and we are '
    'forced to answer. "We will cut their staff here and close our airspace to them." As the '
    "row deepened, the Indian minister announced new measures on Friday.\n"
)


def test_a_quote_running_over_paragraphs_run_together_closes_at_its_sentence() -> None:
    spans = [RUN_TOGETHER[m.start : m.end] for m in find_marked_quotes(RUN_TOGETHER)]
    assert spans == [
        '"Pakistan regrets the decision to cut the embassy staff,"',
        '"Such steps will only raise the tension and we are forced to answer.',
        '"We will cut their staff here and close our airspace to them."',
    ]


def test_the_writers_words_after_a_run_together_quote_stay_out_of_it(model: str) -> None:
    direct = [q for q in quotes_of(RUN_TOGETHER, model) if q.kind == "direct"]
    assert not any("row deepened" in q.quote for q in direct)
    assert containing(direct, "close our airspace").speaker == "Omar Khan"


def test_a_title_in_a_reference_list_is_not_a_quote(model: str) -> None:
    text = (
        "The method is widely used to show clusters in large data sets.\n\n"
        "References\n"
        '- ^ Okafor, N.; Lindqvist, P. (Mar 2011). "Drawing Maps of Large Data Sets Without '
        'Losing Their Neighbourhoods". Journal of Data Studies. 12: 101–130.\n'
        '- ^ "Picking the number of clusters after the map is drawn". Data Forum. '
        "Retrieved 2019-04-16.\n"
    )
    assert [q for q in quotes_of(text, model) if q.kind != "indirect"] == []


def test_a_question_is_credited_to_the_named_asker_after_it(model: str) -> None:
    text = (
        "The candidate kept repeating the line at the rally.\n\n"
        "“But why?” reporter Dana Whitfield asked him.\n\n"
        "“Because it works,” he said.\n"
    )
    q = containing(quotes_of(text, model), "But why?")
    assert (q.kind, q.speaker) == ("direct", "Dana Whitfield")


def test_a_second_quote_with_its_own_speaker_after_it_is_not_joined_to_the_first(
    model: str,
) -> None:
    text = (
        "The interview turned to the campaign.\n\n"
        '"I am going to look at a lot of different people…" Clinton said. "Grizzly Adams?" '
        "Maddow repeated.\n"
    )
    quotes = quotes_of(text, model)
    first = containing(quotes, "different people")
    assert "Grizzly" not in first.quote
    assert containing(quotes, "Grizzly Adams?").speaker == "Maddow"


def test_a_new_sentence_after_a_quote_closing_on_a_bang_does_not_split_it(model: str) -> None:
    text = (
        "She nearly gave up after the first rehearsal.\n\n"
        "“I was back at it the next morning,” she said. “I told myself: ‘I am going to sing it "
        "if it kills me!’” Not long after that, Lena Ward bought a house in Nashville.\n"
    )
    q = containing(quotes_of(text, model), "back at it")
    assert q.kind == "direct"
    assert "sing it if it kills me" in q.quote


def test_a_clause_the_parser_hangs_after_the_attribution_stays_out_of_the_quote(
    model: str,
) -> None:
    text = (
        "The candidate owns shares in several manufacturers.\n\n"
        "“We are going to tax you when those fridges come back,” Harlan said in March of "
        "fridge maker Coldline Inc., whose parent company Polar Holdings moved 900 jobs to "
        "Monterrey, Mexico. He no longer owns the stock.\n"
    )
    q = containing(quotes_of(text, model), "tax you")
    assert (q.kind, q.speaker) == ("direct", "Harlan")
    assert "Polar Holdings" not in q.quote


def test_a_quote_split_by_an_attribution_with_a_relative_clause_is_one_quote(
    model: str,
) -> None:
    text = (
        "Neither candidate is inclined to attack the front-runner.\n\n"
        '"You make mistakes along the way," Marlow said in Dover, referring to a radio town '
        "hall - one of his biggest events - where he declined to criticize Hale. "
        '"If I could do that one again, I would have said it plainly."\n'
    )
    (q,) = [q for q in quotes_of(text, model) if q.kind == "direct"]
    assert q.speaker == "Marlow"
    assert [f.text for f in q.fragments] == [
        "You make mistakes along the way,",
        "If I could do that one again, I would have said it plainly.",
    ]


def test_a_mixed_quote_ends_before_the_writers_relative_clause(model: str) -> None:
    text = (
        "The remarks drew criticism all week.\n\n"
        'The nominee later said he was "joking" in his remarks, which alarmed several '
        "security experts in both parties.\n"
    )
    q = containing(quotes_of(text, model), "joking")
    assert (q.kind, q.quote, q.verbatim) == ("mixed", 'he was "joking" in his remarks', "joking")


def test_a_that_clause_after_the_attribution_goes_on_with_the_speakers_words(
    model: str,
) -> None:
    text = (
        "Worshippers were still in shock on Friday.\n\n"
        '"It is our bad luck," he said, that both violent men had ties to this little '
        "mosque.\n"
    )
    q = containing(quotes_of(text, model), "bad luck")
    assert q.kind == "mixed"
    assert q.quote.endswith("had ties to this little mosque")
