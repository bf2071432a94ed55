"""Speakers read off the words around a quote when the parse ties no verb to it
(tasks/nlp/speaker_frames.py), with the real spaCy model."""

from __future__ import annotations

from test_speakers import quote_with

from newsflow.tasks.nlp.pipeline import analyze_text


def test_a_name_and_a_manner_verb_after_the_quote_name_the_speaker(model: str) -> None:
    text = (
        "The mayor lost patience with the protesters on Friday.\n\n"
        "“Sit down and wait your turn,” Mayor Ruth Hale snapped and a police officer led the "
        "man out.\n"
    )
    q = quote_with(text, model, "wait your turn")
    assert (q.speaker, q.speaker_label, q.cue) == ("Ruth Hale", "PERSON", "snapped")


def test_said_and_a_name_closing_the_quotes_sentence_name_the_speaker(model: str) -> None:
    text = (
        "Talks with China\n\nOfficials briefed on the talks said the president wanted deeper "
        'concessions.\n\n"The president wants the option of a bigger deal. Bigger than the '
        'small deal" announced in October, said Derek Sand, a trade scholar with the Cato '
        "Institute in Washington.\n"
    )
    q = quote_with(text, model, "bigger deal")
    assert (q.speaker, q.speaker_label) == ("Derek Sand", "PERSON")


def test_a_bare_quote_paragraph_goes_on_from_the_one_speaker_before_it(model: str) -> None:
    text = (
        "Chef backs mayor\n\nCelebrity chef Buddy Valastro spoke at the rally in Newark on "
        "Tuesday.\n\nValastro praised Mayor Ras Baraka's handling of the flood and his ability "
        "to get things done.\n\n“We need someone who is going to cut through the noise and "
        "bring people together.”\n"
    )
    q = quote_with(text, model, "cut through the noise")
    assert (q.speaker, q.speaker_label) == ("Buddy Valastro", "PERSON")


def test_a_title_before_a_name_and_said_is_no_quote_of_that_name(model: str) -> None:
    text = (
        "Senator Ann Brooks appeared on television on Sunday.\n\n"
        'On ABC\'s "This Week," Brooks said that the bill would pass in the spring.\n'
    )
    quotes = analyze_text(text, model=model).quotes
    assert all("This Week" not in q.quote for q in quotes), [q.quote for q in quotes]


def test_a_bare_quote_after_two_speakers_is_no_ones(model: str) -> None:
    text = (
        "Budget talks\n\nSenator Ann Brooks said the talks had stalled, and Governor Tim Ross "
        "said they would go on.\n\n“Nobody wants a shutdown before the holidays.”\n"
    )
    q = quote_with(text, model, "shutdown")
    assert q.speaker is None and q.speaker_label is None


def test_a_transcript_line_names_its_speaker_before_the_colon(model: str) -> None:
    text = (
        "Hearing on emails\n\nThe committee questioned the former secretary on Thursday.\n\n"
        'Rep. Trey Gowdy (R-S.C.): "I have not heard anyone other than you ever cite that '
        'figure. Who told you that?"\n\nSenator Mark Ellis spoke next.\n\n'
        'Ellis: "We will not accept cuts to the schools, and we will say so on the floor."\n'
    )
    assert quote_with(text, model, "cite that figure").speaker == "Trey Gowdy"
    assert quote_with(text, model, "cuts to the schools").speaker == "Mark Ellis"


def test_a_past_verb_and_a_name_right_after_the_quote_name_the_speaker(model: str) -> None:
    text = (
        "Fiorina at HP\n\nCarly Fiorina took over Hewlett-Packard in 1999 and pushed for the "
        "Compaq merger.\n\n\"An awful lot of analysts said, 'No, don't do this,' and she took "
        "it upon herself to prove them wrong,\" remembered Roy Verley, the company's former "
        "chief spokesman.\n"
    )
    q = quote_with(text, model, "prove them wrong")
    assert (q.speaker, q.speaker_label) == ("Roy Verley", "PERSON")


def test_a_name_owning_the_speakers_title_after_the_verb_does_not_speak(model: str) -> None:
    text = (
        "Rally\n\nHillary Clinton spoke in Los Angeles on Friday.\n\n\"It's about time that "
        "we had a woman running this country,\" exhorted Clinton's introducer, actress Jamie "
        "Lee Curtis.\n"
    )
    q = quote_with(text, model, "woman running")
    assert q.speaker is None and q.speaker_label is None
