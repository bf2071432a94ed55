"""Kinds the words around a name decide: works, products, streets, and held-back names.

The model mistakes such names only in longer pages; the rule-level tests give each rule the
label the model gave on a real page ("Star Trek" ORG) beside sentences written for it, and
the end-to-end tests run the real model on sentences where it misjudges the name.
"""

from __future__ import annotations

from newsflow.tasks.nlp.entities import name_label
from newsflow.tasks.nlp.entity_kinds import places_by_use, streets_by_context, works_by_context
from newsflow.tasks.nlp.pipeline import analyze_text
from newsflow.tasks.records import Mention


def _labelled(text: str, names: dict[str, str]) -> tuple[list[Mention], list[str], dict]:
    """Every occurrence of each name as a mention with the label the model gave it."""
    mentions: list[Mention] = []
    for name, label in names.items():
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            mentions.append(
                Mention(text=name, label=label, canonical=name, start_char=start, end_char=end)
            )
            start = text.find(name, end)
    mentions.sort(key=lambda m: m.start_char)
    canon = [m.canonical for m in mentions]
    labels = {m.canonical.lower(): m.label for m in mentions}
    return mentions, canon, labels


def _kinds(text: str, model: str) -> set[tuple[str, str]]:
    return {(m.text, m.label) for m in analyze_text(text, model=model).mentions}


def test_a_title_the_text_writes_as_a_work_is_no_organisation() -> None:
    text = (
        "Ford opted to write two Star Trek novels for Pocket Books, and the Star Trek "
        "novels stayed in print. Viewers watched the third season of The Crown; the final "
        "season of The Crown airs next year. Pocket Books films and Pocket Books novels sold."
    )
    mentions, canon, labels = _labelled(
        text, {"Star Trek": "ORG", "Crown": "ORG", "Pocket Books": "ORG"}
    )
    works_by_context(text, mentions, canon, labels)
    assert labels["star trek"] == "WORK_OF_ART"
    assert labels["crown"] == "WORK_OF_ART"
    assert labels["pocket books"] == "ORG"  # named otherwise too: the publisher stays


def test_a_name_before_a_release_number_is_a_product_and_a_studio_stays() -> None:
    text = "Mercurial 5.2 was released in November. Maintainers of Mercurial said so."
    mentions, canon, labels = _labelled(text, {"Mercurial": "ORG"})
    works_by_context(text, mentions, canon, labels)
    assert labels["mercurial"] == "PRODUCT"
    text = "Pixar Studios films led the year, Pixar Studios said; Pixar shares rose 2.5%."
    mentions, canon, labels = _labelled(text, {"Pixar Studios": "ORG", "Pixar": "ORG"})
    works_by_context(text, mentions, canon, labels)
    assert labels == {"pixar studios": "ORG", "pixar": "ORG"}  # a company; a share price


def test_a_street_of_an_address_is_a_place() -> None:
    text = (
        "Police searched a garage behind 2134 Caldwell Place, and a man who lives at 2134 "
        "Caldwell Place was held. Protesters met at Nachtigalplatz. Grant Place said 12 "
        "people came; Dean Street Partners, 40 Dean Street, declined."
    )
    mentions, canon, labels = _labelled(
        text,
        {
            "Caldwell Place": "ORG",
            "Nachtigalplatz": "ORG",
            "Grant Place": "PERSON",
            "Dean Street Partners": "ORG",
        },
    )
    streets_by_context(text, mentions, canon, labels)
    assert labels["caldwell place"] == "FAC"
    assert labels["nachtigalplatz"] == "FAC"
    assert labels["grant place"] == "PERSON"  # no house number before it
    assert labels["dean street partners"] == "ORG"


def test_a_street_written_before_its_number_is_a_place_not_a_person(model: str) -> None:
    text = (
        "During the design week, the Flos Showroom in Corso Monforte 15 shows a light "
        "installation by Ronan Bouroullec. The showroom in Corso Monforte 15 opens daily."
    )
    kinds = _kinds(text, model)
    assert ("Corso Monforte", "FAC") in kinds and ("Corso Monforte", "PERSON") not in kinds
    assert ("Ronan Bouroullec", "PERSON") in kinds


def test_a_held_back_surname_written_as_people_in_a_results_line_is_a_person(
    model: str,
) -> None:
    text = (
        "Palm Grove (1-0): Tolivert 25 points. Davis 17 points. Burgher 10 points. Andre "
        "Bozeman 10 points. Keon Jackson 8 points. Marcus Hill 4 points."
    )
    assert ("Davis", "PERSON") in _kinds(text, model)
    text = "Cocoa (0-1): Blakely 15 points. Devoe 2 points. Baker 6 points. Tyrell Upshaw 3 points."
    assert ("Devoe", "CANDIDATE") in _kinds(text, model)  # one person so written: no evidence


def test_a_held_back_name_joined_to_organisations_or_called_one_is_an_organisation(
    model: str,
) -> None:
    text = (
        "The merger of the big newspaper chains Gannett and GateHouse Media became final "
        "Tuesday. Public companies such as Gannett and McClatchy have resisted such cuts."
    )
    assert ("Gannett", "ORG") in _kinds(text, model)
    text = "The Davis Cup is run by the federation and Kosmos, a group co-founded by Gerard Pique."
    assert ("Kosmos", "ORG") in _kinds(text, model)
    text = "Gannett said profits fell. Gannett and GateHouse Media merged last year."
    assert ("Gannett", "CANDIDATE") in _kinds(text, model)  # joined to one only once


def test_a_leagues_section_named_by_a_compass_point_is_no_organisation(model: str) -> None:
    assert name_label("Central Division", "ORG", set()) is None
    assert name_label("Criminal Division", "ORG", set()) == "ORG"  # a body's own unit
    text = (
        "The Wild still rank at the bottom of the Central Division, and the Jets lead the "
        "Central Division by three points, coach Bruce Boudreau said."
    )
    assert not any(m.text == "Central Division" for m in analyze_text(text, model=model).mentions)


def test_one_word_only_ever_used_or_played_is_a_product() -> None:
    text = "I use Tasklane to track chores, and using Tasklane daily keeps me on time."
    mentions, canon, labels = _labelled(text, {"Tasklane": "ORG"})
    works_by_context(text, mentions, canon, labels)
    assert labels["tasklane"] == "PRODUCT"
    text = "Astronomers used the Keck Observatory. I use Tasklane; Tasklane said it grew."
    mentions, canon, labels = _labelled(text, {"Keck Observatory": "ORG", "Tasklane": "ORG"})
    works_by_context(text, mentions, canon, labels)
    assert labels == {"keck observatory": "ORG", "tasklane": "ORG"}  # a name; used once only


def test_a_person_the_text_only_uses_as_a_location_is_a_place(model: str) -> None:
    text = (
        "Two rescue helicopters landed near Kara Dagh mountain late on Tuesday, officials "
        "said. The crew of a cargo plane that went down near Ellis Marron were picked up by "
        "a navy ship headed to Ellis Marron. The singer was rushed to Mary Borden hospital "
        "on Friday night, her manager Tom Ruiz said. Tom Ruiz later called the Mary Borden "
        "hospital staff heroes."
    )
    kinds = _kinds(text, model)
    assert ("Kara Dagh", "LOC") in kinds  # a mountain
    assert ("Ellis Marron", "LOC") in kinds  # near it, headed to it
    assert ("Mary Borden", "FAC") in kinds  # a hospital
    assert ("Tom Ruiz", "PERSON") in kinds  # speaks: still a person


def test_a_one_word_organisation_only_ever_in_a_place_is_a_town(model: str) -> None:
    text = (
        "Tourists were marooned in Kelpto for days, and hotels in Kelpto were full, the "
        "ministry said."
    )
    assert _kinds(text, model) == {("Kelpto", "GPE")}


def test_a_place_word_before_a_name_is_no_evidence_of_a_place_by_itself() -> None:
    text = (
        "She has confidence in Nora Hale, and aides met in Nora Hale's office. Rivo bought "
        "a stake in Zorbix; Zorbix later sold shares in Rivo. The bill was debated in "
        "Congress. Talks in Brelland ended, and Brelland said so."
    )
    mentions, canon, labels = _labelled(
        text,
        {
            "Nora Hale": "PERSON",
            "Zorbix": "ORG",
            "Rivo": "ORG",
            "Congress": "ORG",
            "Brelland": "ORG",
        },
    )
    places_by_use(text, mentions, canon, labels)
    assert labels == {
        "nora hale": "PERSON",  # "in" is no place for a person; a possessive is no evidence
        "zorbix": "ORG",  # a stake in a company; and it sells
        "rivo": "ORG",
        "congress": "ORG",  # a word English writes in lower case
        "brelland": "ORG",  # once in a place, once a speaker
    }


def test_an_organisation_only_in_lists_of_unnamed_things_is_a_product(model: str) -> None:
    text = (
        "She learned Java, Python, JavaScript, and MySQL in college. The deal was backed by "
        "Microsoft, Sony and Nintendo, the report said."
    )
    kinds = _kinds(text, model)
    assert ("JavaScript", "PRODUCT") in kinds  # among languages the model left untagged
    assert {("Microsoft", "ORG"), ("Sony", "ORG"), ("Nintendo", "ORG")} <= kinds


def test_a_given_name_the_text_gives_a_relative_is_a_person(model: str) -> None:
    text = (
        "The singer thanked her husband, Dustin, and Apple for the support. Later a man "
        "known as Nick told Channel Nine he knew the driver."
    )
    kinds = _kinds(text, model)
    assert {("Dustin", "PERSON"), ("Nick", "PERSON")} <= kinds
    assert ("Apple", "ORG") in kinds  # no relative: stays an organisation


def test_a_list_the_sentence_calls_organisations_keeps_its_one_tagged_name(model: str) -> None:
    text = (
        "The startup raised $40 million. Its investors include Sequoia, Accel and Benchmark, "
        "the company said."
    )
    kinds = _kinds(text, model)
    names = {name for name, _ in kinds}
    tagged = names & {"Sequoia", "Accel", "Benchmark"}
    assert tagged, kinds  # the model tags at least one of the three
    assert {(name, "ORG") for name in tagged} <= kinds


def test_an_unknown_place_written_as_a_business_is_an_organisation(model: str) -> None:
    def labels(text: str) -> set[tuple[str, str]]:
        return {(m.text, m.label) for m in analyze_text(text, model=model).mentions}

    business = labels(
        "Staff were told to contact travel company Mavora about support. Mavora has announced "
        "it is cutting jobs. In a report on Tuesday, Mavora analyst Joan Matus said it was sold."
    )
    assert ("Mavora", "ORG") in business and ("Mavora", "GPE") not in business
    held_back = labels("Staff were hit by job cuts at regional pay TV operator Ostaro.")
    assert held_back == {("Ostaro", "ORG")}
    # written once as a town ("live in Mavora"), the name stays a place
    town = labels(
        "Staff were told to contact travel company Mavora about support. Most of them live in "
        "Mavora."
    )
    assert ("Mavora", "ORG") not in town


def test_a_place_given_a_sports_role_is_a_team(model: str) -> None:
    texts = (
        "Denver coach Mike Harlan said the team had played its best game of the season.",
        "Reed, a former player at Cincinnati, has been critical of the conference all year.",
        "As No. 3 Oregon prepares to face No. 1 Georgia in the semifinal, fans packed the stadium.",
    )
    found = {
        (m.canonical, m.label) for text in texts for m in analyze_text(text, model=model).mentions
    }
    assert {
        ("Denver", "ORG"),
        ("Cincinnati", "ORG"),
        ("Oregon", "ORG"),
        ("Georgia", "ORG"),
    } <= found
    home = "Harlan moved to Denver in 2010 and still lives in Denver."
    assert ("Denver", "GPE") in {
        (m.canonical, m.label) for m in analyze_text(home, model=model).mentions
    }
