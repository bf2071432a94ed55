"""Speakers by the fullest name the article gives, with the real spaCy model: organisations
by their full name, reviewers by the masked name under their review."""

from __future__ import annotations

from test_quotes import quotes_of


def test_a_company_speaks_by_its_full_name(model: str) -> None:
    text = (
        "The hedge fund Alden Holdings owns the chain. On Monday, Alden announced that it would "
        "cut 500 jobs at its newspapers.\n"
    )
    (q,) = quotes_of(text, model)
    assert q.speaker == "Alden Holdings"
    assert q.speaker_label == "ORG"


def test_an_acronym_speaks_by_the_name_it_stands_for(model: str) -> None:
    text = (
        "Those infected often develop symptoms after one to seven days, says the World Health "
        "Organization.\n\nThose suffering from bubonic plague have a 30-60 per cent chance of "
        'dying from the disease.\n\nUntreated pneumonic plague is "always fatal", says WHO.\n'
    )
    q = [q for q in quotes_of(text, model) if q.verbatim == "always fatal"][0]
    assert q.speaker == "World Health Organization"


def test_a_masked_name_under_a_review_is_its_author(model: str) -> None:
    text = (
        "Readers left their reviews.\n\n“The show was really great. We received the tickets at "
        "the entrance.”\n\n– Man**\n\n“Very talented people! Super fun and entertaining!”\n\n"
        "– Ni** My**\n\nThe show runs until May.\n"
    )
    quotes = quotes_of(text, model)
    assert [(q.speaker, q.speaker_label) for q in quotes] == [
        ("Man**", "PERSON"),
        ("Ni** My**", "PERSON"),
    ]


def test_a_footnote_mark_after_a_dash_name_is_not_part_of_the_name(model: str) -> None:
    text = (
        "Readers wrote in.\n\n“The new bridge has changed my commute completely.”\n\n"
        "– Maria Gonzalez*\n\n* Names of readers are printed with their consent.\n"
    )
    (q,) = quotes_of(text, model)
    assert q.speaker == "Maria Gonzalez"


def test_a_company_short_form_speaks_by_the_full_name_with_words_before_its_ending(
    model: str,
) -> None:
    text = (
        "Viacom International Inc said it received two revised merger offers on Monday.\n\n"
        "A special committee will meet later today.\n\n"
        "Viacom said the committee would review both offers before Friday.\n"
    )
    q = [q for q in quotes_of(text, model) if "review both offers" in q.quote][0]
    assert (q.speaker, q.speaker_label) == ("Viacom International Inc", "ORG")
