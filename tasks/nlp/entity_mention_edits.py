"""Mentions relabelled, trimmed or dropped by the article's other mentions, before they are
grouped: an "organisation" whose surname the article gives a person, a two-word name the
sentence makes a person, a word the model read into a name, a name in a paragraph of another
language.

The second labelling stage: it edits the mention list itself, so it runs before names are
clustered (``entity_clusters``).
"""

from __future__ import annotations

import bisect

from spacy.tokens import Doc, Span, Token

from newsflow.tasks.nlp.entity_forms import (
    _SURNAME_SHAPE_RE,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _is_demonym,
    _is_nationality,
    _key,
    looks_like_person,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    KNOWN_ORGS,
    ORG_HEAD_WORDS,
    english_words,
    places,
)
from newsflow.tasks.nlp.entity_name_labels import name_label
from newsflow.tasks.nlp.language import foreign_paragraphs
from newsflow.tasks.nlp.lexicons import word_set
from newsflow.tasks.nlp.names import (
    TITLE_WORDS,
    common_words,
    is_any_first_name,
    is_given_name,
)
from newsflow.tasks.records import Mention


def _people_by_surname(mentions: list[Mention], bases: list[str]) -> None:
    """A two- or three-word name labelled ORG is a person when the article also names that
    surname alone as a person ("Montell Figgins" ORG, then "Figgins" PERSON)."""
    lone_people = {_key(b) for m, b in zip(mentions, bases, strict=True) if m.label == "PERSON"}
    lone_people = {k for k in lone_people if " " not in k}
    for m, base in zip(mentions, bases, strict=True):
        words = base.split(" ")
        if (
            m.label == "ORG"
            and 2 <= len(words) <= 3
            and _key(words[-1]) in lone_people
            and all(w[:1].isupper() for w in words)
            and not any(_key(w) in NOT_PERSON_WORDS | ORG_HEAD_WORDS for w in words)
        ):
            m.label = "PERSON"


def _companies_by_short_name(mentions: list[Mention], bases: list[str], spans: list[Span]) -> None:
    """A name labelled PERSON is a company when the article goes on to call it by its opening
    words alone as an organisation ("Phillips Petroleum" PERSON, then "Phillips" ORG): people
    are shortened to their surname, companies to their first word. Not when another person
    of the article bears that word ("Donald Trump", then "Trump Says He" and "Trump" ORG),
    when it is a given name ("Kevin Yearout", then "Yearout" ORG), or when the rest is a verb
    or a surname (``_not_a_surname``)."""
    first_org: dict[str, int] = {}
    for m, b in zip(mentions, bases, strict=True):
        if m.label == "ORG":
            first_org.setdefault(_key(b), m.start_char)
    people = [
        _key(b).split(" ")
        for m, b in zip(mentions, bases, strict=True)
        if m.label == "PERSON" and " " in b
    ]
    for m, base, span in zip(mentions, bases, spans, strict=True):
        words = base.split(" ")
        if m.label != "PERSON" or not 2 <= len(words) <= 4 or is_any_first_name(words[0]):
            continue
        own = _key(base).split(" ")
        for k in range(1, len(words)):
            short = _key(" ".join(words[:k]))
            rest = {w.lower() for w in words[k:]}
            if (
                first_org.get(short, -1) > m.start_char
                and not any(p != own and short in p for p in people)
                and _not_a_surname(words[k:])
                and not any(
                    t.lower_ in rest and t.pos_ in ("VERB", "AUX", "PRON", "ADV") for t in span
                )
            ):
                m.label = "ORG"
                break


def _not_a_surname(words: list[str]) -> bool:
    """What follows a company's short name: an English word ("Petroleum", "Spa") or a place
    ("North America"), where a person's surname ("Davis") would be."""
    rest = _key(" ".join(words))
    if any(_key(w) in NAME_PARTICLES for w in words):
        return False  # "Alwaleed Bin Talal"
    return (
        any(_key(w) in english_words() for w in words)
        or rest in COUNTRIES
        or (" " in rest and rest in places())  # one-word towns are surnames too ("Davis")
    )


def _trim_lead_words(
    text: str, mentions: list[Mention], bases: list[str], spans: list[Span], lower_words: set[str]
) -> None:
    """Cut a word the model read into a person's name from before it: a verb ("Citing
    Togo's"), a people's adjective ("Moroccan Obama fans"). Only when the word is nobody's
    first name anywhere ("Free" is, so "Free Aung San Suu Kyi" stays) and the rest is a
    name on its own: a name the article gives alone too, or, after a verb in -ing,
    anything. What is left is judged like any mention ("Kenyan Gay" leaves a common word:
    dropped)."""
    named = {_key(b) for b in bases}
    for k in reversed(range(len(mentions))):
        m, words = mentions[k], bases[k].split(" ")
        lead = words[0]
        if m.label != "PERSON" or len(words) < 2 or is_any_first_name(lead):
            continue  # "Mark de Graaf", "Will Smith": a word that is someone's name too
        rest = " ".join(words[1:])
        word = lead.lower() in english_words() and lead.isalpha()
        people = _is_demonym(lead)
        gerund = word and len(lead) > 5 and lead.lower().endswith("ing")
        alone = _key(rest) in named and (len(words) > 2 or people)
        if not (gerund or ((word or people) and alone) or (people and len(words) == 2)):
            continue
        at = text.find(rest, m.start_char, m.end_char)
        label = name_label(rest, "PERSON", lower_words) if at > m.start_char else None
        if label is None:
            del mentions[k], bases[k], spans[k]
            continue
        m.start_char, m.label, bases[k] = at, label, rest
        m.text = text[at : m.end_char]


def _drop_foreign_names(
    doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """In a paragraph in another language than the pipeline's, the model reads capitalised
    words as people ("Ato contra a Ditabranda", "de Sarkozy"): a person there must have a
    given name and a surname ("Pierre Péan") or be named in the article's own language too."""
    foreign = foreign_paragraphs(doc.text, doc.lang_)
    if not foreign:
        return

    starts = [s for s, _ in foreign]  # in text order: one bisection a mention, not a scan

    def inside(m: Mention) -> bool:
        k = bisect.bisect_right(starts, m.start_char) - 1
        return k >= 0 and m.start_char < foreign[k][1]

    named = {_key(b) for m, b in zip(mentions, bases, strict=True) if not inside(m)}
    for k in reversed(range(len(mentions))):
        m = mentions[k]
        if m.label != "PERSON" or not inside(m):
            continue
        if not looks_like_person(bases[k]) and _key(bases[k]) not in named:
            del mentions[k], bases[k], spans[k]


# Nouns of an appositive that make its name a person's ("Eswar Prasad, a trade professor").
_PERSON_NOUNS = TITLE_WORDS | word_set(
    """
    professor analyst economist researcher scientist author writer editor reporter player
    actor actress singer rapper artist founder executive official student teacher doctor
    lawyer attorney manager spokesman spokeswoman resident owner partner fellow
    """
)


def _people_by_context(mentions: list[Mention], bases: list[str], spans: list[Span]) -> None:
    """A two-word "organisation" shaped like a personal name (no common word, no
    organisation's head word) is a person when the sentence says so: joined by "and" to a
    person ("Eric Robinson and Boone Jenner"), or described as one ("Eswar Prasad, a trade
    professor at Cornell")."""
    people = {
        tok.i
        for m, span in zip(mentions, spans, strict=True)
        if m.label == "PERSON"
        for tok in span
    }
    for m, base, span in zip(mentions, bases, spans, strict=True):
        words = base.split(" ")
        if (
            m.label != "ORG"
            or len(words) != 2
            or not all(_SURNAME_SHAPE_RE.fullmatch(w) for w in words)
            or any(_key(w) in common_words() | KNOWN_ORGS | ORG_HEAD_WORDS for w in words)
            or any(_key(w) in NOT_PERSON_WORDS for w in words)
            or (_key(words[-1]) in COUNTRIES and not is_given_name(words[0]))
        ):  # "Texaco Canada": a company's arm in a country, not a surname
            continue
        head = span[-1]
        joined = (head.dep_ == "conj" and head.head.i in people) or any(
            c.dep_ == "conj" and c.i in people for c in head.children
        )
        described = any(
            c.dep_ == "appos" and c.lemma_.lower() in _PERSON_NOUNS for c in head.children
        )
        people_shaped = not _is_nationality(words[0]) or is_given_name(words[0])
        if joined or described or (people_shaped and _acts(head)):
            m.label = "PERSON"


def _acts(head: Token) -> bool:
    """The name is the subject of a past-tense verb in its sentence ("Vasek Pospisil edged
    Reilly Opelka")."""
    return head.dep_ == "nsubj" and head.head.tag_ == "VBD"
