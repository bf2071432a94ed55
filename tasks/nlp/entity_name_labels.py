"""A mention's label from its own words and sentence, as the model found it: the words of a
name (``name_label``), a clause or a defined term inside it, an acronym modifying a noun, a
plural team, a town followed by the place it lies in.

The first labelling stage: these rules see one mention at a time, before any other mention
of the article is known.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from newsflow.tasks.nlp.entity_forms import (
    _CLAUSE_WORDS,
    _CORPORATE_SUFFIXES,
    _MINOR_WORDS,
    ALIASES,
    NAME_LABELS,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _is_acronym,
    _key,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    EVENT_HEAD_WORDS,
    KNOWN_ORGS,
    LAW_HEAD_WORDS,
    LEGAL_FORM_WORDS,
    MODEL_SUFFIXES,
    NON_NAME_ABBREVIATIONS,
    ORG_HEAD_WORDS,
    ORG_ONLY_WORDS,
    PLACE_HEAD_WORDS,
    PLACE_ONLY_WORDS,
    PRODUCT_WORDS,
    US_STATE_CODES,
    VENUE_HEAD_WORDS,
    places,
)
from newsflow.tasks.nlp.names import (
    TITLE_WORDS,
    common_words,
    is_given_name,
)

# Last words of an outlet's or a company's division ("NBC Sports", "ESPN Radio").
_OUTLET_HEADS = frozenset({"sports", "radio", "tv", "television", "channel", "cloud", "research"})


def name_label(name: str, label: str, lower_words: set[str]) -> str | None:
    """The label a mention's own words allow, or None for a non-name.

    Dropped: lower-case words ("marijuana"), names with digits (scores, model numbers:
    "Jets 2", "777x"), abbreviations that name no one ("USB", "GMT", "CEO") and one-word
    mentions that the article also uses as a lower-case word ("Plan" beside "plan"). Gadgets
    become PRODUCT; outlets and known platforms ORG; a "person" named like a place LOC.
    """
    if label not in NAME_LABELS:
        return label
    words = name.split(" ")
    low = [_key(w) for w in words]
    if name == name.lower() or any(c.isdigit() for c in name):
        return None
    if (
        label in ("PERSON", "ORG")
        and len(words) > 1
        and "," not in name
        and any(w in LEGAL_FORM_WORDS for w in words[1:])
    ):
        return "ORG"  # "Montedison Spa", "Forvaltnings AB Providentia": a registered company
    if label == "PERSON" and any(w.islower() and w not in NAME_PARTICLES for w in words):
        return None  # "Palm Bay d. Rockledge", "Man shot"
    if (
        label in ("PERSON", "ORG")
        and any(w in _CLAUSE_WORDS for w in words[1:-1])
        and not any(w in _MINOR_WORDS - _CLAUSE_WORDS for w in words)
    ):  # a headline's clause: "Thibaut Courtois to Real Madrid"; a name's own "of", "for
        return None  # the" keep it one ("Society for the Prevention of Cruelty to Children")
    if label in ("PERSON", "ORG") and any(re.fullmatch(r"[a-z]{1,2}\.", w) for w in words[1:-1]):
        return None  # two names a result line joins: "Melbourne d. Cocoa"
    if label in ("PERSON", "ORG") and len(words) > 1 and re.fullmatch(r"[A-Z]", words[-1]):
        return None  # a category: "Group A", "Path C"
    if "-" in name and all(_key(p) in COUNTRIES or _key(p) in ALIASES for p in name.split("-")):
        return None  # "U.S.-Mexico" (border, talks): two places, no organisation
    if len(words) == 1 and name in US_STATE_CODES:
        return "GPE"  # "Holmdel, NJ"
    if (
        label == "PERSON"
        and len(words) > 1
        and not is_given_name(words[0])
        and all(w in common_words() for w in low)
    ):
        return None  # common words in title case: "Grocery Store", "Fact Checker"
    if (
        len(words) == 1
        and label in ("PERSON", "ORG")
        and low[0] in common_words()
        and low[0] not in KNOWN_ORGS
        and not _is_acronym(name)
    ):
        return None  # a capitalised common word: "Terror", "Streets"
    if label in ("PERSON", "ORG") and len(words) > 1 and _written_lower(name, lower_words):
        return None  # "Intensive Care Units", "Monthly Fee": the text writes each word lower-case
    if len(words) == 1 and (
        low[0] in NON_NAME_ABBREVIATIONS or (low[0] in lower_words and not _is_acronym(name))
    ):
        return None
    if any(w in PRODUCT_WORDS for w in low) or (len(words) > 1 and low[-1] in MODEL_SUFFIXES):
        return "PRODUCT"
    if _key(name) in KNOWN_ORGS:
        return "ORG"
    if (
        label == "ORG"
        and len(words) > 1
        and low[0] in KNOWN_ORGS
        and low[-1] not in ORG_HEAD_WORDS | _CORPORATE_SUFFIXES | NOT_PERSON_WORDS | _OUTLET_HEADS
    ):
        return "PRODUCT"  # a company's name before a product's: "Apple Arcade", "Amazon Music"
    if _key(name) in COUNTRIES and label in ("ORG", "PERSON"):
        return "GPE"  # a national team, or "Jordan"/"Georgia" guessed as a person
    if any(c in name for c in ",:;|@/") or "_" in name:
        return None  # two names run together, a headline, a handle
    if label == "ORG" and len(words) > 1 and low[-1] in EVENT_HEAD_WORDS:
        return "EVENT"
    if (
        label in ("PERSON", "ORG")
        and len(words) == 2
        and low[-1] in _SECTION_WORDS
        and low[0] in _COMPASS_WORDS
    ):
        return None  # "Central Division", "Eastern Conference": a league's section
    if label == "PERSON" and len(words) > 1 and low[-1] in _EVENT_ONLY_WORDS:
        return "EVENT"  # "Davis Cup": a given name first, but no one is surnamed "Cup"
    if label == "ORG" and len(words) > 1 and low[-1] in LAW_HEAD_WORDS:
        return "LAW"  # "Hong Kong Human Rights and Democracy Act"
    if label == "PERSON" and low[-1] in ORG_HEAD_WORDS:
        return "ORG"
    if label == "PERSON" and len(words) > 1 and low[-1] in ORG_ONLY_WORDS:
        return "ORG"  # "Jacques Delors Centre": a given name first, but no one is surnamed so
    if label == "PERSON" and len(words) > 1 and low[-1] in PLACE_ONLY_WORDS:
        return "FAC"  # "Ben Gurion Airport"
    if (
        label == "PERSON"
        and len(words) > 1
        and not is_given_name(words[0])
        and low[0] not in TITLE_WORDS
        and name.lower().replace("’", "'") in places()
    ):
        return "GPE"  # "Santa Clara", "Rio de Janeiro": a town of the world, no given name
    if label == "ORG" and low[-1] in _DIVISION_WORDS and name.lower() in places():
        return "GPE"  # "Osun State", "Sichuan Province": a country's division, named so
    if label == "PERSON" and low[-1] in PLACE_HEAD_WORDS and not is_given_name(words[0]):
        return "LOC"  # "Yobe North", "Palm Drive"; "Kanye West" and "Nathan Lane" stay
    if label in ("PERSON", "ORG") and low[-1] in VENUE_HEAD_WORDS:
        return "FAC"  # "PNC Music Pavilion", "KeyBank Arena": a building, not its owner
    return label


# What a country's division is called after its name ("Osun State", "Sichuan Province").
_DIVISION_WORDS = frozenset({"state", "province", "region"})


# A league's sections, named by a compass point: no organisation of their own.
_SECTION_WORDS = frozenset({"division", "conference"})
_COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western"}
    | {"northeast", "northwest", "southeast", "southwest", "midwest", "atlantic", "pacific"}
    | {"metropolitan"}
)


# Event words that are nobody's surname (unlike "Show", "Fair", "Week" or "Open").
_EVENT_ONLY_WORDS = frozenset(
    {"cup", "awards", "festival", "championship", "championships", "tournament", "olympics"}
    | {"summit", "expo", "marathon", "prix"}
)


def _written_lower(name: str, lower_words: set[str]) -> bool:
    """Every word of ``name`` (hyphen parts too) is written lower-case elsewhere in the text."""
    parts = [p for p in re.split(r"[\s-]+", name) if p.lower() not in _MINOR_WORDS]
    return bool(parts) and all(
        p.isalpha() and not p.isupper() and p.lower() in lower_words and p.lower() not in KNOWN_ORGS
        for p in parts
    )


# Tags of words that make a clause, not a name: verbs, modals, adverbs, pronouns.
_CLAUSE_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD", "RB", "PRP", "WDT", "WP"})


def _clause_inside(span: Span, start: int, end: int) -> bool:
    """A title-case headline or label the model took for an organisation ("Dallas Gas
    Station Dies", "Streaming Quality Seems To Be Mostly Excellent", "Up Next"): past its
    first word, a verb, adverb or pronoun."""
    inside = [t for t in span if start <= t.idx < end]
    return len(inside) > 1 and any(t.tag_ in _CLAUSE_TAGS for t in inside[1:])


_DEFINED_AFTER_RE = re.compile(r"(?<![\w'-])((?:[\w'-]+[ ,]+){1,8})\(\s*([A-Z]{2,6})s?\s*\)")
_DEFINED_BEFORE_RE = re.compile(r"\b([A-Z]{2,6})\s*\(([^()\n]{3,80})\)")


def _defined_terms(text: str) -> set[str]:
    """Acronyms the text spells out in lower-case words: "binge eating disorder (BED)",
    "FIRE (financial independence, retire early)". Terms, not organisations."""
    terms = set()
    for match in _DEFINED_AFTER_RE.finditer(text):
        acronym = match.group(2)
        words = re.findall(r"[A-Za-z][\w'-]*", match.group(1))[-len(acronym) :]
        if _spells(acronym, words):
            terms.add(acronym)
    for match in _DEFINED_BEFORE_RE.finditer(text):
        acronym = match.group(1)
        words = re.findall(r"[A-Za-z][\w'-]*", match.group(2))[: len(acronym)]
        if _spells(acronym, words):
            terms.add(acronym)
    return terms


def _spells(acronym: str, words: list[str]) -> bool:
    """``words``' initials spell ``acronym`` and most of them are lower-case."""
    return (
        len(words) == len(acronym)
        and "".join(w[0] for w in words).upper() == acronym
        and 2 * sum(w.islower() for w in words) > len(words)
    )


def _modifier_acronym(span: Span, base: str) -> bool:
    """An acronym used as a modifier of a common noun ("AWD system", "IPO filing"): a
    feature or a term, unless it is a known organisation or alias ("FBI agents")."""
    tokens = [t for t in span if t.text == base]
    return (
        len(tokens) == 1
        and _is_acronym(base)
        and _key(base) not in KNOWN_ORGS
        and _key(base) not in ALIASES
        and tokens[0].dep_ in ("compound", "amod", "nmod")
        and tokens[0].head.text.islower()
    )


# Labels a plural one-word name gets wrong: teams and bands are neither places nor products.
_TEAM_LABELS = frozenset({"PERSON", "PRODUCT", "LOC", "GPE"})


def _plural_name(span: Span, base: str) -> bool:
    """A one-word plural proper noun ("Redskins", "Clippers") that is no country
    ("Philippines") or known alias."""
    words = [t for t in span if t.text[:1].isupper()]
    return (
        " " not in base
        and len(words) == 1
        and words[0].tag_ == "NNPS"
        and base.endswith("s")
        and _key(base) not in COUNTRIES
        and _key(base) not in ALIASES
    )


_STATE_CODE_AFTER_RE = re.compile(r", ([A-Z]{2})\b")


def _placed_in(text: str, start: int, end: int, places: set[int]) -> bool:
    """One word followed by the place it lies in is a town ("Holmdel, NJ", "BAAR,
    SWITZERLAND"), not an organisation: ", " then a state code or a place the model found."""
    if " " in text[start:end] or _key(text[start:end]) in KNOWN_ORGS:
        return False
    code = _STATE_CODE_AFTER_RE.match(text, end)
    return (code is not None and code.group(1) in US_STATE_CODES) or (
        text[end : end + 2] == ", " and end + 2 in places
    )
