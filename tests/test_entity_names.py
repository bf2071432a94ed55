"""Names cut, run on or merged by the model, and how an article's names are told apart:
behaviours that hold whatever text they meet, checked on sentences written for them."""

from __future__ import annotations

from newsflow.tasks.nlp.entities import name_label
from newsflow.tasks.nlp.entity_clusters import _cluster_labels
from newsflow.tasks.nlp.entity_forms import _is_demonym
from newsflow.tasks.nlp.entity_mention_edits import _companies_by_short_name
from newsflow.tasks.nlp.pipeline import analyze_text, load_pipeline
from newsflow.tasks.records import Mention


def mentions_of(text: str, model: str) -> list[Mention]:
    return analyze_text(text, model=model).mentions


def people(mentions: list[Mention]) -> set[str]:
    return {m.canonical for m in mentions if m.label == "PERSON"}


def test_a_name_cut_on_a_particle_runs_to_its_surname(model: str) -> None:
    text = "Commission President Ursula von der Leyen said the budget would grow next year."
    assert people(mentions_of(text, model)) == {"Ursula von der Leyen"}


def test_a_name_stops_at_a_separator(model: str) -> None:
    text = "Jane Austen - Pride and Prejudice\n\nIt is a truth universally acknowledged."
    assert people(mentions_of(text, model)) == {"Jane Austen"}


def test_a_word_before_a_name_that_is_no_given_name_is_cut(model: str) -> None:
    text = (
        "Many Moroccan Obama fans were let down when Barack Obama spoke in Cairo, "
        "and the crowd waved Kenyan Gay flags."
    )
    mentions = mentions_of(text, model)
    assert people(mentions) == {"Barack Obama"}
    assert {m.text for m in mentions if m.label == "PERSON"} == {"Obama", "Barack Obama"}


def test_different_middle_initials_are_two_people(model: str) -> None:
    text = (
        "President George H.W. Bush appointed the judge in 1990, and President "
        "George W. Bush promoted him in 2005. Donald J. Trump praised him; Donald Trump "
        "called him twice."
    )
    found = people(mentions_of(text, model))
    assert {"George H.W. Bush", "George W. Bush"} <= found
    assert len([name for name in found if name.startswith("Donald")]) == 1


def test_a_short_form_in_capitals_joins_the_name_it_abbreviates(model: str) -> None:
    text = (
        "Volkswagen showed a new electric van on Tuesday. VW says the van will reach "
        "dealers next year, and VW expects it to sell well."
    )
    orgs = {(m.text, m.canonical) for m in mentions_of(text, model) if m.label == "ORG"}
    assert orgs == {("Volkswagen", "Volkswagen"), ("VW", "Volkswagen")}


def test_what_a_person_owns_is_not_part_of_the_name(model: str) -> None:
    text = "Critics mocked Obama’s Tour as a waste of time, but Barack Obama defended the trip."
    mentions = mentions_of(text, model)
    assert people(mentions) == {"Barack Obama"}
    assert "Obama" in {m.text for m in mentions}


def test_words_no_one_is_surnamed_and_towns_are_no_people() -> None:
    assert name_label("Peter Koros Design", "PERSON", set()) == "ORG"
    assert name_label("Jacques Delors Centre", "PERSON", set()) == "ORG"
    assert name_label("Ben Gurion Airport", "PERSON", set()) == "FAC"
    assert name_label("Rio de Janeiro", "PERSON", set()) == "GPE"
    # a given name, a title or a surname that is also a word keep the person
    for person in ("Nathan Hall", "Prince George", "Margaret Court", "Clara Park"):
        assert name_label(person, "PERSON", set()) == "PERSON"


def test_the_canonical_name_spells_out_a_middle_initial(model: str) -> None:
    text = (
        "The novelist John M. Ford wrote many books. Born John Milo Ford in Indiana, he "
        "later moved to Minneapolis. Friends of John M. Ford still miss him."
    )
    assert people(mentions_of(text, model)) == {"John Milo Ford"}


def test_a_given_name_the_model_cut_from_its_surname_gets_it_back(model: str) -> None:
    text = "Riverside (1-0-2): Noah Tillman 1 goal, 1 assist. Carla Nunes 1 goal."
    assert people(mentions_of(text, model)) == {"Noah Tillman", "Carla Nunes"}


PROTEST = """Protesters gathered in the capital on Sunday to oppose a new internet law, organisers \
said, and the police kept their distance from the crowd for most of the afternoon. Several \
speakers criticised the government for rushing the bill through parliament without a debate.

O Ato Contra o Projeto Digital reuniu milhares de pessoas na praça, e o Saia Gilmar convocou \
uma nova marcha para a próxima semana, segundo o jornalista Paulo Mendes.

The organisers said they would return next month, and that more cities would join the \
protests if the law was not withdrawn before the summer recess.
"""


def test_a_paragraph_in_another_language_yields_only_clear_people(model: str) -> None:
    # the English model calls "Projeto Digital" and "Saia Gilmar" people
    assert people(mentions_of(PROTEST, model)) == {"Paulo Mendes"}


CREDITS = """The new show opens at the city theatre next week, and tickets are on sale now for \
all the evening performances in the spring season.

STAFF
Choreographer_Jeong Hye Jin, Director_Oh Kyeong Taek, Art Director_Park Dong Woo
"""


def test_a_role_glued_to_a_name_by_an_underscore_is_cut_off(model: str) -> None:
    found = {m.canonical for m in mentions_of(CREDITS, model)}  # the label is the model's
    assert {"Jeong Hye Jin", "Oh Kyeong Taek"} <= found
    assert not any("_" in name or name in ("Hye Jin", "Kyeong Taek") for name in found)


def test_a_people_word_is_made_from_a_country_name_not_only_shaped_like_one() -> None:
    # one check for both uses: cutting "Moroccan" off "Moroccan Obama" and joining
    # "Senate" to "Nigerian Senate"; given names ending like a people's word are neither
    for word in ("Moroccan", "Nigerian", "American", "British", "Chinese", "Israeli"):
        assert _is_demonym(word), word
    for word in ("Morgan", "Devan", "Bindi", "Brian", "Susan", "Christian", "Oman"):
        assert not _is_demonym(word), word


def test_an_organisation_cut_inside_its_name_is_whole_again(model: str) -> None:
    cut_on_for = (
        "A grant from the U.S. Agency for International Development’s food program reached "
        "the village."
    )
    cut_before_of = "Rates will stay low, the president of the Federal Reserve Bank of Dallas said."
    cut_before_last_words = (
        "According to Reed, storms over the Atlantic release heat. “The coast, in particular, "
        "has seen well above average rain through June so far,” said Tom Reed, a senior "
        "scientist working on storm surges at the Canadian Center for Medium-Range Weather "
        "Forecasts."
    )
    orgs = {
        m.canonical
        for text in (cut_on_for, cut_before_of, cut_before_last_words)
        for m in mentions_of(text, model)
        if m.label == "ORG"
    }
    assert "U.S. Agency for International Development" in orgs
    assert "Federal Reserve Bank of Dallas" in orgs
    assert "Canadian Center for Medium-Range Weather Forecasts" in orgs
    assert not orgs & {"U.S. Agency for", "International Development", "Federal Reserve Bank"}


def test_a_guessed_place_listed_among_organisations_is_an_organisation(model: str) -> None:
    games = "Games from Ubisoft, Bandai Namco and Krafton topped the chart this week."
    found = {(m.canonical, m.label) for m in mentions_of(games, model)}
    assert ("Ubisoft", "ORG") in found
    trade = "Exports from Apple, Samsung and China rose while Sony and Nintendo slowed."
    found = {(m.canonical, m.label) for m in mentions_of(trade, model)}
    assert ("China", "GPE") in found  # a country the gazetteer knows stays a place


def test_an_outlet_the_text_cites_is_an_organisation(model: str) -> None:
    texts = (
        "A farmer near the river told Tidewatch.info the claims were false.",
        "“We were not warned,” party spokesman Omar Reyes told RZ on Sunday.",
        "Courtesy of Harbour Ledger\nWritten by: Ann Cole\nThe river rose again this week, and "
        "farmers moved their cattle to higher ground.",
        "The mayor told Dana Whitfield that the road would reopen.",
    )
    found = {(m.canonical, m.label) for text in texts for m in mentions_of(text, model)}
    assert {("Tidewatch.info", "ORG"), ("RZ", "ORG"), ("Harbour Ledger", "ORG")} <= found
    assert ("Dana Whitfield", "PERSON") in found  # a person told something stays a person


def test_a_company_goes_by_the_words_its_registered_name_opens_with(model: str) -> None:
    text = (
        "Harlow Instruments Corp said it bought a stake in Kestrel Data Systems Inc for 12 "
        "mln dlrs. Harlow said the deal would close in May, and Kestrel said its board had "
        "approved it."
    )
    found = {(m.text, m.canonical) for m in mentions_of(text, model) if m.label == "ORG"}
    assert ("Kestrel", "Kestrel Data Systems Inc") in found
    owner = "Dana Pruitt, chief executive of Pruitt Mechanical Inc., said orders rose. Pruitt said."
    pruitt = {m.canonical for m in mentions_of(owner, model) if m.text == "Pruitt"}
    assert pruitt == {"Dana Pruitt"}  # a surname stays the person's


def test_a_person_the_article_shortens_to_a_company_name_is_a_company(model: str) -> None:
    text = (
        "Six months ago, Talbert Petroleum delayed its plan to build a pipeline. But today "
        "Talbert has announced a deal with the government. A Talbert spokesman says the deal "
        "must be ratified."
    )
    labels = {m.label for m in mentions_of(text, model) if m.canonical == "Talbert Petroleum"}
    assert labels == {"ORG"}


def test_an_acronym_of_a_registered_name_leaves_out_its_legal_form(model: str) -> None:
    text = (
        "Shares of Northfield Business Machines Corp. rose 3 pct on Tuesday after the company "
        "raised its forecast. NBM said demand for its servers was strong."
    )
    found = {m.canonical for m in mentions_of(text, model) if m.text == "NBM"}
    assert found == {"Northfield Business Machines Corp"}


def test_a_company_named_with_a_possessive_keeps_it(model: str) -> None:
    text = (
        "“Hiring has been slow,” said Mark Ellis, chief economist at Brandt's Analytics Inc. "
        "in West Chester, Pennsylvania. Trump's Justice Department opened an inquiry."
    )
    orgs = {m.canonical for m in mentions_of(text, model) if m.label == "ORG"}
    assert "Brandt's Analytics Inc" in orgs
    assert "Justice Department" in orgs  # an owner before a department is still cut off


def test_a_headline_on_a_person_is_no_company(model: str) -> None:
    # the labels the model gave on a real page: the headline's words a PERSON, "Trump" ORG
    text = (
        "Trump Says He Will Skip The Debate.\n\nDonald Trump said on Monday that he would not "
        "attend. Instead, Trump told reporters he would hold a rally."
    )
    doc = load_pipeline(model)(text)
    named = [("Trump Says He", "PERSON", 0), ("Donald Trump", "PERSON", 0), ("Trump", "ORG", 80)]
    mentions, spans = [], []
    for surface, label, after in named:
        start = text.index(surface, after)
        end = start + len(surface)
        mentions.append(
            Mention(text=surface, label=label, canonical=surface, start_char=start, end_char=end)
        )
        spans.append(doc.char_span(start, end))
    _companies_by_short_name(mentions, [m.text for m in mentions], spans)
    assert [m.label for m in mentions] == ["PERSON", "PERSON", "ORG"]


def test_a_foreign_legal_form_makes_a_company(model: str) -> None:
    text = (
        "The shares were sold by Montedison Spa, the Italian chemicals group, and "
        "Forvaltnings AB Providentia said on Monday it had bought them."
    )
    labels = {m.canonical: m.label for m in mentions_of(text, model)}
    assert labels.get("Montedison Spa") == "ORG"
    assert "PERSON" not in labels.values()


def test_a_founder_stays_apart_from_his_registered_company(model: str) -> None:
    text = "Michael R. Bloomberg founded Bloomberg L.P. in 1981. Bloomberg said he would not run."
    by_text = {m.text: (m.canonical, m.label) for m in mentions_of(text, model)}
    assert by_text["Bloomberg L.P."] == ("Bloomberg L.P.", "ORG")
    assert by_text["Michael R. Bloomberg"] == ("Michael R. Bloomberg", "PERSON")


def test_a_country_s_state_is_a_place(model: str) -> None:
    text = (
        "Farmers in Mato Grosso said the rain came late this year. Protesters marched in "
        "Abuja against the outcome of the Osun State governorship election."
    )
    labels = {m.canonical: m.label for m in mentions_of(text, model)}
    assert labels.get("Mato Grosso") == "GPE"
    assert labels.get("Osun State") == "GPE"


def test_a_registered_company_keeps_the_word_before_its_and(model: str) -> None:
    text = (
        "Shares in British and Commonwealth Shipping Co Plc rose 10 pence, while shares "
        "of Apple and Microsoft Corp fell."
    )
    orgs = {m.canonical for m in mentions_of(text, model) if m.label == "ORG"}
    assert "British and Commonwealth Shipping Co Plc" in orgs
    assert {"Apple", "Microsoft Corp"} <= orgs


def test_a_person_cluster_named_with_a_legal_form_is_a_company() -> None:
    # the labels the model gave a Swedish holding company's mentions in a wire story
    mentions = [
        Mention(
            text="Forvaltnings AB Providentia",
            label="PERSON",
            canonical="",
            start_char=0,
            end_char=27,
        ),
        Mention(text="Providentia", label="PERSON", canonical="", start_char=60, end_char=71),
        Mention(text="Erik Penser", label="PERSON", canonical="", start_char=90, end_char=101),
    ]
    canon = ["Forvaltnings AB Providentia", "Forvaltnings AB Providentia", "Erik Penser"]
    labels = _cluster_labels(mentions, canon)
    assert labels == {"forvaltnings ab providentia": "ORG", "erik penser": "PERSON"}


def test_a_name_before_a_stock_ticker_is_a_company(model: str) -> None:
    text = (
        "The Wallenbergs bought Swedish Match <SMBS ST> and sold Atlas Copco <ASTS ST> "
        "last year, while Kevin Smith said Acme Widgets (NYSE: ACW) would follow."
    )
    labels = {m.canonical: m.label for m in mentions_of(text, model)}
    assert labels.get("Swedish Match") == "ORG"
    assert labels.get("Atlas Copco") == "ORG"
    assert labels.get("Acme Widgets") == "ORG"
    assert labels.get("Kevin Smith") == "PERSON"


def test_a_company_s_country_arm_that_acts_stays_a_company(model: str) -> None:
    text = (
        "Texaco Canada said it lowered the contract price it will pay for crude oil. "
        "Texaco Canada last changed its crude oil postings on Feb 19."
    )
    labels = {m.canonical: m.label for m in mentions_of(text, model)}
    assert labels == {"Texaco Canada": "ORG"}
