"""Spellings of entity names shared by every entity stage: cleaned surfaces, match keys, surname
forms, the alias table and the word lists that say a name is no person.

Separate so the span, recovery, label and cluster modules share one copy and never import each
other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsflow.tasks.nlp.entity_lexicons import COUNTRIES, LEGAL_FORM_WORDS, english_words
from newsflow.tasks.nlp.lexicons import word_set
from newsflow.tasks.nlp.names import common_words, is_first_name, is_given_name

# Labels the rules below judge as names; places and nationalities keep the model's label.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "PRODUCT", "LOC", "FAC"})

# The label of a one-word name the article gives no evidence of a person for ("Oakes said"):
# stored, not counted as a person; the warehouse makes it one when its full names tell who.
CANDIDATE = "CANDIDATE"
_SURNAME_SHAPE_RE = re.compile(r"(?:Mc|Mac|O'|D')?[A-Z][a-z]+(?:[-'][A-Z][a-z]+)?")
# Labels whose one-word mentions may be a person's surname the model mislabelled ("Trump" ORG).
_PERSONISH_LABELS = frozenset({"PERSON", "ORG", "GPE"})


ALIASES: dict[str, str] = {
    "us": "United States",
    "usa": "United States",
    "united states": "United States",
    "united states of america": "United States",
    "america": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "great britain": "United Kingdom",
    "united kingdom": "United Kingdom",
    "un": "United Nations",
    "united nations": "United Nations",
    "eu": "European Union",
    "european union": "European Union",
    "uae": "United Arab Emirates",
    "ussr": "Soviet Union",
    "soviet union": "Soviet Union",
    "prc": "China",
    "people's republic of china": "China",
    "dprk": "North Korea",
    "russian federation": "Russia",
    "isis": "Islamic State",
    "isil": "Islamic State",
    "daesh": "Islamic State",
    "islamic state": "Islamic State",
    "islamic state of iraq and syria": "Islamic State",
    "islamic state of iraq and the levant": "Islamic State",
    "gop": "Republican Party",
    "republican party": "Republican Party",
    "democratic party": "Democratic Party",
}

ALIAS_LABELS: dict[str, str] = {
    "United States": "GPE",
    "United Kingdom": "GPE",
    "United Arab Emirates": "GPE",
    "Soviet Union": "GPE",
    "China": "GPE",
    "North Korea": "GPE",
    "Russia": "GPE",
}  # the rest are ORG

_EDGE_JUNK_RE = re.compile(r"^[^\w(]+|[^\w.)]+$")
_POSSESSIVE_RE = re.compile(r"(?:['’]s|(?<=s)['’])$")

_ABBREV_RE = re.compile(r"^(?:[A-Z]\.)+[A-Z]?\.?$")

MIN_FUZZY_NAME = 7  # shorter names are too alike ("Kahn", "Khan") to forgive a typo
_MINOR_WORDS = frozenset({"of", "the", "and", "for", "to", "in", "on", "de", "&"})
# Lower-case words that open a surname ("Pieter van Dam", "Ursula von der Leyen").
NAME_PARTICLES = word_set(
    """
    van von der den de da das do dos del della di du la le bin ibn bint al el abu ben ter ten
    zu st
    """
)
_ARABIC_ARTICLE_RE = re.compile(r"^(?:al|el|ad|as|ash|at|az|ar)-", re.IGNORECASE)
# Head words of organisations, places and works that a "<given name> X" may still be
# ("Victoria Station", "Virginia Tech", "Grace Church"): such mentions keep the model's label.
NOT_PERSON_WORDS = word_set(
    """
    university college school academy institute party station tech street road avenue square
    county city town village bank group house hall park river lake mountain mount airport
    hospital church cathedral foundation fund trust center centre times post news herald
    journal company corp corporation inc ltd llc plc council committee ministry department
    agency line bridge island islands bay valley state states republic club fc united
    association union league cup award awards prize festival show series film records music
    media press network bureau office court hotel tower stadium arena theatre theater museum
    gallery library studio studios project program programme initiative campaign movement
    army navy force forces brigade police service services holdings partners capital energy
    airlines airways motors systems labs laboratories pharmaceuticals sciences medical health
    care clinic society federation alliance coalition front corps falls beach democrats
    democratic republicans republican socialists conservatives liberals greens
    """
)


def _one_edit_apart(a: str, b: str) -> bool:
    """One inserted, deleted or replaced letter turns ``a`` into ``b``."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


def clean_surface(text: str) -> str:
    """Drop possessive, a leading article and stray punctuation from a mention's text.

    Typographic apostrophes become straight ones, so "O’Neill" and "O'Neill" are one name in
    this article and across outlets that typeset them differently.
    """
    text = " ".join(text.split()).replace("’", "'")
    text = _POSSESSIVE_RE.sub("", text)
    text = text.strip(",;:!?\"“”‘'()[]—–- ")
    text = _EDGE_JUNK_RE.sub("", text)  # ">Sanders" from stray markup
    if not _ABBREV_RE.match(text.split(" ")[-1] if text else ""):
        text = text.rstrip(".")
    if text[:4].lower() == "the ":
        text = text[4:]
    return text


def _key(text: str) -> str:
    return text.replace(".", "").lower()


def surname_forms(full_name: str) -> list[str]:
    """Shorter forms that name the same person later in an article, longest first.

    "Pieter van Dam" -> ["van Dam", "Dam"]; "Rafael Ortiz Mendes" -> ["Ortiz Mendes",
    "Mendes", "Ortiz"]; "Bashar al-Assad" -> ["al-Assad", "Assad"]. The first word (a given
    name) is never a surname form; middle initials are skipped. The middle of three words is
    one (a first surname, used alone in Spanish) unless it is a given name ("John Paul
    Jones") or an English word.
    """
    words = [w for w in full_name.split(" ") if not re.fullmatch(r"[A-Z]\.?", w)]
    forms = [" ".join(words[k:]) for k in range(1, len(words))]
    last = _ARABIC_ARTICLE_RE.sub("", words[-1]) if words else ""
    if last and last not in forms:
        forms.append(last)
    if len(words) == 3 and _first_surname(words[1]):
        forms.append(words[1])
    return forms


def _first_surname(word: str) -> bool:
    """Whether the middle word of a three-word name can be a surname by itself."""
    low = word.lower()
    return (
        word[:1].isupper()
        and word[1:].isalpha()
        and word[1:].islower()
        and not is_given_name(word)
        and low not in english_words()
        and low not in common_words()
    )


def looks_like_person(name: str) -> bool:
    """A common given name then one or two capitalised words (particles and initials
    allowed), none of them the head word of an organisation or place."""
    words = name.split(" ")
    if not 2 <= len(words) <= 4 or not is_first_name(words[0]) or _key(name) in ALIASES:
        return False
    for w in words[1:]:
        low = w.lower().rstrip(".")
        if low in NAME_PARTICLES or re.fullmatch(r"[A-Z]\.?", w):
            continue
        if not (w[:1].isupper() and w[1:2].islower()) or low in NOT_PERSON_WORDS:
            return False
        if not all(c.isalpha() or c in "-'’" for c in w):
            return False
    return not re.fullmatch(r"[A-Z]\.?", words[-1]) and words[-1].lower() not in NAME_PARTICLES


# Abbreviations that open a place's name ("St. Joseph", "Ft. Myers", "Mt. Hood").
_PLACE_ABBREVIATIONS = frozenset({"st", "ste", "ft", "mt", "pt"})

# Lower-case words that join a clause, never a name: a title-case headline ran into one span.
_CLAUSE_WORDS = frozenset({"to", "after", "with", "from", "by", "as", "vs", "at", "into", "over"})


def _is_acronym(word: str) -> bool:
    """ "NATO", "WHO", "U.N.": capitals too short to be a shouted word ("TERROR")."""
    return bool(_ABBREV_RE.match(word)) or (word.isupper() and len(word) <= 5)


# Words that end a company's name when written after it: the model often stops short of them.
_COMPANY_TAILS = frozenset(
    {"media", "interactive", "entertainment", "studios", "holdings", "technologies", "inc"}
    | {"corp", "corporation", "ltd", "llc", "plc", "group", "networks", "communications"}
)


@lru_cache(maxsize=1)
def _country_stems() -> frozenset[str]:
    """The first four letters of each country's name or one-word alias ("moro" of Morocco,
    "amer" of America, "brit" of Britain): a people's word opens with one."""
    names = COUNTRIES | {alias for alias in ALIASES if " " not in alias}
    return frozenset(name[:4] for name in names if len(name) >= 4)


def _is_demonym(word: str) -> bool:
    """ "Moroccan", "American", "Chinese": a people's word made from a country's name, so
    not "Morgan", "Devan" or "Bindi", which only end like one."""
    low = word.lower()
    return _is_nationality(word) and low not in COUNTRIES and low[:4] in _country_stems()


# The legal forms that are no English word once lower-cased ("spa", "gmbh", "oyj"; not "as",
# "se" or "pt"): a company's ending whatever its case.
_LEGAL_FORM_KEYS = frozenset(
    w.replace(".", "").lower() for w in LEGAL_FORM_WORDS if len(w.replace(".", "")) > 2
) | {"sa", "ag", "ab", "nv", "bv", "kk", "co", "oy", "lp"}

# Last words of a registered company's name ("Suffield Financial Corp", "Montedison Spa"):
# the rest of a story calls it by its opening words or their initials.
LEGAL_FORMS = _LEGAL_FORM_KEYS | {"corporation"}

# Last words a company's short name may drop: its legal form or a word for a body of firms.
_CORPORATE_SUFFIXES = LEGAL_FORMS | {"group", "company", "holdings"}


def _is_nationality(words: str) -> bool:
    """ "Afghan", "Chinese", "Nigerian": one capitalised word of a people."""
    return (
        " " not in words
        and words[:1].isupper()
        and words.lower().endswith(("an", "ese", "ish", "i", "ian"))
    )
