"""Quote extraction on short news articles written for these tests, with the real spaCy model."""

from __future__ import annotations

from newsflow.tasks.nlp.pipeline import analyze_text
from newsflow.tasks.records import Quote


def quotes_of(text: str, model: str) -> list[Quote]:
    quotes = analyze_text(text, model=model).quotes
    for q in quotes:
        for f in q.fragments:
            assert text[f.start_char : f.end_char] == f.text
            assert q.start_char <= f.start_char < f.end_char <= q.end_char
        if q.kind == "direct":  # only the quoted words, never the attribution
            assert q.quote == q.verbatim == " ".join(f.text for f in q.fragments)
        else:
            assert text[q.start_char : q.end_char] == q.quote
        assert (q.verbatim is None) == (q.kind == "indirect")
    return quotes


def containing(quotes: list[Quote], fragment: str) -> Quote:
    found = [q for q in quotes if fragment in q.quote]
    assert len(found) == 1, (fragment, [q.quote for q in quotes])
    return found[0]


GRAIN_TALKS = """Ministers agree to resume grain talks.

GENEVA (Reuters) — Russian Foreign Minister Sergei Lavrov said on Tuesday that the talks with \
Ukraine had been "substantive" and that a deal was possible within weeks.

"We are not there yet," Lavrov told reporters after the meeting, "but the gap has narrowed."

Ukrainian officials were more guarded. The ministry said the negotiations would continue next \
month.

Secretary of State Antony Blinken, who attended the opening session, called the proposal "a \
serious basis for work."

"It is the first time in a year that both sides have sat at the same table," Blinken said.

"It does not mean the war is over."

According to Blinken, the United States will send observers.

Maria Zakharova, the ministry's spokeswoman, said in a statement: "Moscow is ready to listen."

"We will see," she said.

Lavrov was later quoted as saying "the West must stop lecturing us."
"""


def test_quote_split_around_its_attribution_is_one_quote(model: str) -> None:
    q = containing(quotes_of(GRAIN_TALKS, model), "We are not there yet")
    assert q.quote == "We are not there yet, but the gap has narrowed."  # no attribution
    assert [f.text for f in q.fragments] == ["We are not there yet,", "but the gap has narrowed."]
    assert (
        GRAIN_TALKS[q.start_char : q.end_char]
        == '"We are not there yet," Lavrov told reporters after the meeting, "but the gap has narrowed."'
    )
    assert q.kind == "direct"
    assert q.speaker == "Sergei Lavrov"
    assert q.cue == "told"


def test_partial_quote_spans_the_reported_clause(model: str) -> None:
    q = containing(quotes_of(GRAIN_TALKS, model), '"substantive"')
    assert q.quote.startswith("that the talks with Ukraine had been")
    assert q.kind == "mixed"  # the writer's clause with the minister's word inside
    assert q.verbatim == "substantive"
    assert q.speaker == "Sergei Lavrov"  # title and nationality stripped


def test_naming_verb_with_quoted_label(model: str) -> None:
    q = containing(quotes_of(GRAIN_TALKS, model), "a serious basis for work")
    assert q.speaker == "Antony Blinken"
    assert q.cue == "called"


def test_bare_quote_paragraph_goes_on_with_the_quote_before(model: str) -> None:
    quotes = quotes_of(GRAIN_TALKS, model)
    q = containing(quotes, "both sides have sat")
    assert q.speaker == "Antony Blinken"
    # the paragraph before closes on its attribution: one quote over both paragraphs
    assert [f.text for f in q.fragments] == [
        "It is the first time in a year that both sides have sat at the same table,",
        "It does not mean the war is over.",
    ]


def test_reported_speech_is_indirect(model: str) -> None:
    quotes = quotes_of(GRAIN_TALKS, model)
    ministry = containing(quotes, "negotiations would continue")
    assert ministry.kind == "indirect"
    assert ministry.quote == "the negotiations would continue next month"
    assert ministry.speaker == "The ministry"
    assert ministry.speaker_label == "GROUP"
    according = containing(quotes, "will send observers")
    assert according.kind == "indirect"
    assert according.cue == "according to"
    assert according.speaker == "Antony Blinken"


def test_colon_quote_appositive_speaker_and_pronoun(model: str) -> None:
    quotes = quotes_of(GRAIN_TALKS, model)
    ready = containing(quotes, "Moscow is ready to listen")
    assert ready.quote == "Moscow is ready to listen."
    assert ready.speaker == "Maria Zakharova"
    see = containing(quotes, "We will see")
    assert see.speaker == "Maria Zakharova"  # "she" -> the latest person named before


def test_passive_quoted_as_saying(model: str) -> None:
    q = containing(quotes_of(GRAIN_TALKS, model), "stop lecturing us")
    assert q.speaker == "Sergei Lavrov"
    assert q.kind == "direct"


LIBRARIES = """Council votes to close city library branches.

Mayor Karen Okafor defended the plan at a packed council meeting on Monday night.

“We cannot keep every branch open on the budget we have,” said Okafor. “Nobody wanted this.”

She added that two branches would become community centres.

Councillor David Mensah, the chair of the finance committee, said the cuts were \
“short-sighted and cruel.”

“Libraries are where children learn to read,” he said.

The vote follows a report titled “Libraries for Tomorrow” that recommended merging branches. \
Critics of the so-called “efficiency drive” say it hides deeper cuts.
"""


def test_inverted_attribution_across_sentences(model: str) -> None:
    q = containing(quotes_of(LIBRARIES, model), "every branch open")
    assert q.quote.endswith("Nobody wanted this.")
    assert q.speaker == "Karen Okafor"


def test_pronoun_resolves_to_latest_person_and_titles_drop(model: str) -> None:
    quotes = quotes_of(LIBRARIES, model)
    assert containing(quotes, "short-sighted").speaker == "David Mensah"
    assert containing(quotes, "children learn to read").speaker == "David Mensah"
    added = containing(quotes, "community centres")
    assert (added.kind, added.speaker, added.cue) == ("indirect", "Karen Okafor", "added")


def test_titles_and_scare_quotes_are_not_quotes(model: str) -> None:
    quotes = quotes_of(LIBRARIES, model)
    assert not [q for q in quotes if "Libraries for Tomorrow" in q.quote]
    assert not [q for q in quotes if q.kind == "direct" and "efficiency drive" in q.quote]


RAIL = """Union leaders warn of winter strikes.

Rail union leader Fiona Grant told the BBC that members were ‘running out of patience’.

‘We have asked for talks three times and been ignored three times,’ Ms Grant said.

Transport Secretary Mark Ellis said: « Strikes help nobody. »
"""


def test_uk_single_quotes_and_guillemets(model: str) -> None:
    quotes = quotes_of(RAIL, model)
    talks = containing(quotes, "asked for talks")
    assert talks.quote.startswith("We have") and talks.quote.endswith("times,")
    assert talks.speaker == "Fiona Grant"
    nobody = containing(quotes, "Strikes help nobody")
    assert nobody.quote == "Strikes help nobody."
    assert nobody.speaker == "Mark Ellis"


MULTI = """Senator lays out plan.

Senator Ruth Alvarez described the bill at length on Thursday.

"This bill does three things. It caps rents, it funds repairs and it protects tenants.

"None of that is radical," she said. "It is overdue."

Apartment owners said they would challenge the law in court.
"""


def test_multi_paragraph_quote_is_one_quote(model: str) -> None:
    quotes = quotes_of(MULTI, model)
    q = containing(quotes, "This bill does three things")
    assert q.quote.endswith("It is overdue.")
    assert "\n\n" in MULTI[q.start_char : q.end_char]  # one row over both paragraphs
    assert q.fragments[0].text.startswith("This bill") and len(q.fragments) >= 2
    assert q.speaker == "Ruth Alvarez"
    owners = containing(quotes, "challenge the law")
    assert (owners.kind, owners.speaker_label) == ("indirect", "GROUP")
    assert owners.speaker == "Apartment owners"


READERS = """Readers respond to the stadium vote.

“The city should never have paid for a stadium while schools are falling apart.” ― Maria Delgado
“I have season tickets and I am still against this deal, it is a giveaway.” ― Tom Becker
"""


def test_dash_names_the_speaker_of_each_line(model: str) -> None:
    quotes = quotes_of(READERS, model)
    assert containing(quotes, "schools are falling apart").speaker == "Maria Delgado"
    assert containing(quotes, "season tickets").speaker == "Tom Becker"


TRANSCRIPT = """Debate transcript.

"Both men came well prepared," said analyst Joan Park.

WALLACE: Governor, will you release your tax returns before the election?

HARRIS: I have said many times that I will release them next month.

WALLACE: Thank you, Governor.
"""


def test_transcript_turns_are_quotes_of_the_named_speaker(model: str) -> None:
    quotes = quotes_of(TRANSCRIPT, model)
    prepared = containing(quotes, "well prepared")
    assert (prepared.quote, prepared.kind) == ("Both men came well prepared,", "direct")
    assert prepared.speaker == "Joan Park"
    turns = [(q.speaker, q.quote) for q in quotes if q.cue == ":"]
    assert turns == [
        ("Wallace", "Governor, will you release your tax returns before the election?"),
        ("Harris", "I have said many times that I will release them next month."),
        ("Wallace", "Thank you, Governor."),
    ]


BUDGET = """Budget fight heats up.

Senator Melanie Ortiz and Treasurer Kevin Walsh met on Tuesday. Walsh told the committee that \
the budget was balanced.

"The numbers simply do not add up," she said.

Ortiz later gave a statement:

"We will not sign a budget built on accounting tricks."

Walsh's office told reporters that the mayor expects the council to approve what he called "a \
responsible plan" by Friday.
"""


def test_she_skips_the_latest_speaker_when_his_name_is_male(model: str) -> None:
    quotes = quotes_of(BUDGET, model)
    assert containing(quotes, "budget was balanced").speaker == "Kevin Walsh"
    assert containing(quotes, "do not add up").speaker == "Melanie Ortiz"


def test_colon_at_paragraph_end_introduces_the_next_quote(model: str) -> None:
    q = containing(quotes_of(BUDGET, model), "accounting tricks")
    assert q.quote == "We will not sign a budget built on accounting tricks."
    assert q.speaker == "Melanie Ortiz"


def test_nested_report_belongs_to_the_outer_speaker(model: str) -> None:
    q = containing(quotes_of(BUDGET, model), "a responsible plan")
    assert q.quote.startswith("that the mayor expects the council")
    assert (q.speaker, q.speaker_label, q.cue) == ("Walsh's office", "GROUP", "told")


QUAKE = """Aid reaches cut-off villages.

In the village of Yıldızlı, residents said they had dug out survivors themselves. "We dug \
out our neighbours with our hands," said Mehmet Yılmaz, a 67-year-old farmer.

Yılmaz said the roads were still blocked. Zeynep Kaya, a nurse from Malatya, said the clinic \
had run out of blankets. "We waited three days," he said.
"""


def test_speaker_the_model_missed_becomes_a_person(model: str) -> None:
    analysis = analyze_text(QUAKE, model=model)
    people = {m.canonical for m in analysis.mentions if m.label == "PERSON"}
    assert "Mehmet Yılmaz" in people
    assert containing(analysis.quotes, "We dug out").speaker == "Mehmet Yılmaz"


def test_he_skips_a_nearer_woman_with_a_non_english_name(model: str) -> None:
    assert containing(quotes_of(QUAKE, model), "We waited").speaker == "Mehmet Yılmaz"


PAGEANT = """Candidate attacks former pageant winner.

Senator Mark Ellison tweeted in the early morning hours that Mendes was “disgusting” and “a \
fraud” and encouraged voters to “look closely” at her record.

When Harper noted that Ellison has occasionally not paid anything in federal income taxes ― as \
was true for the few years his tax returns were made public ― Ellison boasted, “That makes me \
smart.” Ellison was similarly defensive when forced to defend not paying an architect who said \
he was stiffed after he designed a clubhouse at one of Ellison’s hotels, saying, “Maybe he \
didn’t do a good job, and I wasn’t satisfied with his work.”
"""


def test_a_list_of_quoted_phrases_is_one_quote_of_the_reporter(model: str) -> None:
    q = containing(quotes_of(PAGEANT, model), "disgusting")
    assert "a fraud" in [f.text for f in q.fragments]
    assert q.speaker == "Mark Ellison"  # who tweeted it, not the subject of "was"


def test_a_closing_participle_belongs_to_the_main_clause_subject(model: str) -> None:
    q = containing(quotes_of(PAGEANT, model), "good job")
    assert q.speaker == "Mark Ellison"  # not the architect of the relative clause


BANK = """Senators grill bank chief over fake accounts.

Senator after senator joined Warren in the attack on Tuesday. Stumpf’s repeated insistence \
that only 1 percent of the bank’s sales force had been involved did little to calm them.

Ana Ruiz and Tom Becker both called the closures “a betrayal of every customer.”

The hearing also heard from Tyresha McClenney, a former teller from Ohio, and Bryan \
Anderson, a branch manager. McLenney said Stumpf doesn’t show any remorse for what happened.

“It’s not something that he ever says,” she said.
"""


def test_a_noun_of_saying_with_its_owner_reports_a_clause(model: str) -> None:
    q = containing(quotes_of(BANK, model), "only 1 percent")
    assert (q.kind, q.speaker, q.cue) == ("indirect", "Stumpf", "insistence")
    assert q.quote.startswith("that only 1 percent")


def test_joint_speakers_are_both_named(model: str) -> None:
    assert containing(quotes_of(BANK, model), "betrayal").speaker == "Ana Ruiz and Tom Becker"


def test_a_misspelt_surname_is_the_person_it_nearly_spells(model: str) -> None:
    quotes = quotes_of(BANK, model)
    assert containing(quotes, "remorse").speaker == "Tyresha McClenney"
    assert containing(quotes, "ever says").speaker == "Tyresha McClenney"


WATCHDOG = """Watchdog sues developers over visa scheme.

The developers engaged in a "massive eight-year fraudulent scheme" to divert investor money, \
according to a 52-count civil complaint filed by the Securities and Exchange Commission.

Clinton's campaign is seeking to contrast her approach with what they call Republican Donald \
Trump's "self-centered message."

Small groups of protesters circled the stadium - where the Charlotte Panthers played the \
Minnesota Vikings - while chanting, "Hands up, don't shoot."
"""


def test_a_document_speaks_for_its_author(model: str) -> None:
    q = containing(quotes_of(WATCHDOG, model), "fraudulent scheme")
    assert q.speaker == "Securities and Exchange Commission"


def test_they_stands_for_the_group_named_before(model: str) -> None:
    assert containing(quotes_of(WATCHDOG, model), "self-centered").speaker == "Clinton's campaign"


def test_a_participle_skips_a_where_clause(model: str) -> None:
    q = containing(quotes_of(WATCHDOG, model), "Hands up")
    assert q.speaker == "Small groups of protesters"


def test_a_surname_speaker_finds_the_full_name_the_model_missed(model: str) -> None:
    text = 'Mayor Ana Ruiz opened the bridge. "It took ten years," Ruiz said.'
    analysis = analyze_text(text, model=model)
    assert containing(analysis.quotes, "ten years").speaker == "Ana Ruiz"
    assert {m.canonical for m in analysis.mentions if m.label == "PERSON"} == {"Ana Ruiz"}


def test_his_aides_says_whose_aides(model: str) -> None:
    text = (
        "Senator Bobby Scott is weighing a run for governor. His aides said it was too early "
        "to discuss strategy."
    )
    q = containing(quotes_of(text, model), "too early")
    assert q.speaker == "Bobby Scott's aides"


SPEECH_ONLY = """Port strike enters second week.

Union leader Karen Okafor said the strike would go on until wages rose. Okafor also knows that \
the dockers cannot hold out for long. The shipping companies have not disclosed how much cargo \
is waiting. Analysts believe the dispute could last another month.

Harbour master Tom Lindqvist, 56, said the port was running at half capacity. The 56-year-old \
said he had never seen the quays so empty.

Okafor had warned the employers that their offer was "an insult to every docker" and would \
be rejected.

Nordhavn Shipping Inc. said it would reroute vessels to Antwerp. The company said the \
delays would cost millions.
"""


def test_verbs_of_knowing_or_believing_are_not_speech(model: str) -> None:
    quotes = quotes_of(SPEECH_ONLY, model)
    assert not [q for q in quotes if "cannot hold out" in q.quote]  # "knows that ..."
    assert not [q for q in quotes if "another month" in q.quote]  # "believe ..."
    strike = containing(quotes, "the strike would go on")
    assert (strike.kind, strike.speaker, strike.speaker_label) == (
        "indirect",
        "Karen Okafor",
        "PERSON",
    )


def test_negated_speech_is_not_a_quote(model: str) -> None:
    assert not [q for q in quotes_of(SPEECH_ONLY, model) if "cargo" in q.quote]


def test_a_description_speaker_is_resolved_to_the_full_name(model: str) -> None:
    quotes = quotes_of(SPEECH_ONLY, model)
    assert containing(quotes, "never seen the quays").speaker == "Tom Lindqvist"
    company = containing(quotes, "cost millions")
    assert (company.speaker, company.speaker_label) == ("Nordhavn Shipping Inc", "ORG")


def test_the_target_of_a_quote_is_not_its_speaker(model: str) -> None:
    q = containing(quotes_of(SPEECH_ONLY, model), "an insult to every docker")
    assert q.speaker == "Karen Okafor"  # who warned, not the employers it was aimed at
    assert q.kind == "mixed" and q.verbatim == "an insult to every docker"


def test_speaker_labels_are_entity_types_never_parts_of_speech(model: str) -> None:
    texts = [SPEECH_ONLY, GRAIN_TALKS, MULTI, PAGEANT]
    labels = {q.speaker_label for text in texts for q in quotes_of(text, model)}
    assert labels <= {"PERSON", "ORG", "GROUP", None}
    for text in texts:
        for q in quotes_of(text, model):
            assert (q.speaker is None) == (q.speaker_label is None)


THREAT = """Man charged over threats.

A Minnesota man was charged on Friday after he called the office of Rep. Ilhan Omar, saying \
he would "put a bullet in her skull."
"""


def test_a_threat_is_not_attributed_to_the_person_it_targets(model: str) -> None:
    q = containing(quotes_of(THREAT, model), "put a bullet in her skull")
    assert q.speaker != "Ilhan Omar" and "Omar" not in (q.speaker or "")
    assert q.speaker_label in ("GROUP", None)  # an unnamed man, not the state he lives in


TITLES_AND_SLOGANS = """Writer Michael Ford dies at 61.

Ford wrote fantasy for four decades. One of his holiday cards, a poem called “Winter \
Solstice, Camelot Station,” went on to win the World Fantasy Award.

The actor James Van Der Beek has been eliminated from “Dancing with the Stars.”

Thousands of teachers rallied at the Statehouse on Tuesday. They chanted “Less Money on \
Testing, More Money on Students” as they marched.

“We are out of patience,” union president Keith Gambill said.
"""


def test_titles_slogans_and_names_are_not_quotes_even_beside_a_verb(model: str) -> None:
    quotes = quotes_of(TITLES_AND_SLOGANS, model)
    for title in ("Winter Solstice", "Dancing with the Stars", "Less Money on Testing"):
        assert not [q for q in quotes if title in q.quote], title
    said = containing(quotes, "out of patience")  # the speech beside them is still found
    assert (said.kind, said.speaker) == ("direct", "Keith Gambill")


def test_the_writers_own_phrase_in_quotation_marks_is_not_a_quote(model: str) -> None:
    text = (
        "You have expertise to share, but you are secretly terrified to “put yourself out "
        "there” with a new offer.\n\n"
        "The observed volume is much higher than what is predicted to result from "
        '"exogenic" processes at the surface.\n'
    )
    assert quotes_of(text, model) == []


def test_a_quote_after_a_colon_stays_direct_and_verbatim(model: str) -> None:
    text = (
        "The minister spoke for the whole government at the summit: “We will not give up "
        "the port, whatever it costs us.”\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "direct"
    assert q.quote == "We will not give up the port, whatever it costs us."


def test_a_split_quote_with_an_ellipsis_stays_verbatim(model: str) -> None:
    text = "“We will not … give up on this city,” Mayor Ana Ruiz said, “not now, not ever.”\n"
    (q,) = quotes_of(text, model)
    assert q.kind == "direct"
    assert q.quote == "We will not … give up on this city, not now, not ever."
    assert q.speaker == "Ana Ruiz"


def test_a_quote_resumed_after_the_writers_aside_is_one_quote(model: str) -> None:
    text = (
        "“Anything we wrote had to have a fond hint of Scotland,” Mary Steenburgen said. "
        "“So I called one of my best friends,” a detail that fits the film. “She talked to "
        "me in her accent for an hour.”\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "direct"
    assert "a detail" not in q.quote and "Steenburgen" not in q.quote
    assert len(q.fragments) == 3
    assert q.speaker == "Mary Steenburgen"


def test_an_accusation_reports_the_charge(model: str) -> None:
    text = (
        "The Russian and Syrian defense ministries accused U.S. forces of controlling "
        "“bandit formations” and disrupting a plan to return refugees.\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "mixed"
    assert q.quote.startswith("U.S. forces of controlling")
    assert q.verbatim == "bandit formations"


def test_an_announced_object_is_reported_speech(model: str) -> None:
    text = "McClatchy reported a loss of $304.7 million in the third quarter.\n"
    (q,) = quotes_of(text, model)
    assert q.kind == "indirect"
    assert q.cue == "reported"
    assert q.quote.startswith("a loss of $304.7 million")
    assert q.speaker == "McClatchy"


def test_an_unattributed_quote_inside_the_writers_clause_is_mixed(model: str) -> None:
    text = (
        "The merger of Gannett and GateHouse Media will create a print and digital news "
        "enterprise “with deep local roots and national scale.”\n"
    )
    (q,) = quotes_of(text, model)
    assert q.kind == "mixed"  # the writer's words are not marked verbatim
    assert q.quote.startswith("The merger of Gannett")
    assert q.verbatim == "with deep local roots and national scale."


CITED_WORDS = """Doctors offer flu shots to detained migrants

"We write with urgency"

In a letter to the agency, seven physicians offered to vaccinate detainees for free. \
"Flu season has already begun in many parts of the country," the doctors wrote.

Most small businesses never grow past their first year.

"Become an online leader" sounds like a tall order. But it does not have to be.
"""


def test_cited_words_as_heading_or_subject_are_not_quotes(model: str) -> None:
    quotes = quotes_of(CITED_WORDS, model)
    assert [q.quote for q in quotes] == [
        "Flu season has already begun in many parts of the country,"
    ]


def test_a_speaker_without_a_letter_is_no_speaker(model: str) -> None:
    """A name lost to a replacement character ('\ufffd said') names nobody."""
    text = (
        "The harbour board met on Monday to discuss the dredging plan. "
        '"We will dredge the harbour before winter," \ufffd\ufffd said. '
        "Mayor John Smith said the plan was fine."
    )
    quotes = quotes_of(text, model)
    assert containing(quotes, "dredge the harbour").speaker is None
    assert containing(quotes, "the plan was fine").speaker == "John Smith"
