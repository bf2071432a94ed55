"""Labels from the name and its context: the words of a name (``name_label``), the words around
it (people, places, facilities), lists it stands in, and dropping mentions that are no names.

Separate because these rules judge mentions already found (their label, or that they are no name);
they neither find mentions nor decide which ones name the same entity.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict

from spacy.tokens import Doc, Span, Token

from newsflow.tasks.nlp.entity_filter import FACILITY_HEAD_WORDS
from newsflow.tasks.nlp.entity_forms import (
    _CLAUSE_WORDS,
    _CORPORATE_SUFFIXES,
    _MINOR_WORDS,
    _SURNAME_SHAPE_RE,
    ALIASES,
    CANDIDATE,
    NAME_LABELS,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _is_acronym,
    _is_demonym,
    _is_nationality,
    _key,
    clean_surface,
    looks_like_person,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    EVENT_HEAD_WORDS,
    KNOWN_ORGS,
    LAW_HEAD_WORDS,
    MODEL_SUFFIXES,
    NON_NAME_ABBREVIATIONS,
    ORG_HEAD_WORDS,
    ORG_ONLY_WORDS,
    PLACE_HEAD_WORDS,
    PLACE_NOUNS,
    PLACE_ONLY_WORDS,
    PRODUCT_WORDS,
    US_STATE_CODES,
    VENUE_HEAD_WORDS,
    english_words,
    places,
)
from newsflow.tasks.nlp.language import foreign_paragraphs
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS, word_set
from newsflow.tasks.nlp.names import (
    KIN_WORDS,
    TITLE_WORDS,
    common_words,
    is_any_first_name,
    is_first_name,
    is_given_name,
    strip_titles,
)
from newsflow.tasks.records import Mention

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
    if label == "PERSON" and low[-1] in PLACE_HEAD_WORDS and not is_given_name(words[0]):
        return "LOC"  # "Yobe North", "Palm Drive"; "Kanye West" and "Nathan Lane" stay
    if label in ("PERSON", "ORG") and low[-1] in VENUE_HEAD_WORDS:
        return "FAC"  # "PNC Music Pavilion", "KeyBank Arena": a building, not its owner
    return label


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


_DEFINED_AFTER_RE = re.compile(r"((?:[\w'-]+[ ,]+){1,8})\(\s*([A-Z]{2,6})s?\s*\)")
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


def _people_with_articles(
    doc: Doc, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A "person" the text mostly writes as "the X" heading its phrase ("the Steelers", "the
    Davis Cup") is no person: a plural is a team or a band (ORG), the rest things (dropped).
    One plural word after "the" is enough for a name ending in it ("the Browns").
    "The Trump administration" is no evidence: there the name modifies a noun."""
    headed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    teams: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "PERSON":
            continue
        total[key] += 1
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None or span.start == 0:
            continue
        if doc[span.start - 1].lower_ == "the" and span[-1].dep_ not in ("compound", "amod"):
            headed[key] += 1
            if len(span) == 1 and _plural_end(key) and span.text.endswith("s"):
                teams.add(key)  # "the Browns" of "Cleveland Browns": a team, not a Mr. Browns
    for key, n in headed.items():
        if 2 * n >= total[key] or key in teams:
            labels[key] = "ORG" if _plural_end(key) else ""


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


def _plural_end(key: str) -> bool:
    return key.endswith("s") and not key.endswith("'s")


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
        ):
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


# A short quotation in title case: the title of a work ("“Mary Poppins”", "'Melvin and Howard'").
_QUOTED_RE = re.compile(r"[\"“‘]([^\"“”‘’\n]{2,60}?)[,.!?]?[\"”’](?!\w)")
_TITLE_MINOR = _MINOR_WORDS | {"a", "an", "at", "with", "from", "by", "or"}


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    """Spans of short title-case quotations: titles of films, songs, books, shows."""
    out = []
    for match in _QUOTED_RE.finditer(text):
        words = match.group(1).split()
        if 1 <= len(words) <= 6 and all(
            w[:1].isupper() or w.lower() in _TITLE_MINOR or not w[:1].isalpha() for w in words
        ):
            out.append(match.span(1))
    return out


def _drop_quoted_titles(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A person or organisation named only inside a quoted title is part of a work's
    title ("the “Melvin and Howard” star"), not a name in the news."""
    titles = _quoted_titles(text)
    if not titles:
        return
    outside: set[str] = set()
    inside: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        quoted = any(s <= m.start_char and m.end_char <= e for s, e in titles)
        (inside if quoted else outside).add(c.lower())
    for key in inside - outside:
        if labels.get(key) in ("PERSON", "ORG"):
            labels[key] = ""


def _drop_unnamed_people(
    mentions: list[Mention], canon: list[str], labels: dict[str, str], spans: list[Span]
) -> None:
    """A "person" whose first word is no one's first name and who has a common word in the
    name ("Echo Dot", "Fact Checker", "Hosting Cook") or opens with a word English writes in
    lower case ("Tomb Raider", "Nighttime Supplement") names no one, unless the article also
    calls them by the surname alone ("Magic Johnson" ... "Johnson") or the sentence tells of
    a person (a title before it, "said" after it, "a lawyer" beside it)."""
    lone = {c.lower() for m, c in zip(mentions, canon, strict=True) if " " not in m.text.strip()}
    lone |= {
        c.lower()
        for m, c, span in zip(mentions, canon, spans, strict=True)
        if " " in c and _told_of_as_person(span)
    }
    for key, label in labels.items():
        words = key.split(" ")
        if label != "PERSON" or len(words) < 2 or key in lone:
            continue
        if is_any_first_name(words[0]) or is_first_name(words[0]):
            continue
        if any(_key(w) in common_words() for w in words) or _thing_word(words[0]):
            labels[key] = ""


def _told_of_as_person(span: Span) -> bool:
    """A title just before the name ("President Evo Morales"), the name the subject of a verb
    of speech ("Zippy Duvall said") or described as a person ("Zippy Duvall, the president")."""
    head = span.root
    before = span.doc[span.start - 1] if span.start else None
    titled = before is not None and before.text.istitle() and _key(before.text) in TITLE_WORDS
    speaks = head.dep_ == "nsubj" and head.head.lemma_.lower() in SPEECH_VERBS
    described = any(
        c.dep_ == "appos" and c.text.islower() and c.lemma_ in _PERSON_NOUNS for c in head.children
    )
    return titled or speaks or described


def _thing_word(word: str) -> bool:
    """A word English writes mostly in lower case ("Tomb", "Nighttime"), not an initial."""
    return word.isalpha() and word.lower() in english_words()


_NEXT_WORD_RE = re.compile(r"['’]?s? ?([a-z]+)")
_POSSESSORS = frozenset({"his", "her", "their", "my", "our", "your"})
# Nouns a leader's surname heads: "the Trump administration", "the Assad regime".
_LEADER_OF = frozenset({"administration", "regime", "presidency"})


# After a one-word name, what makes it part of another word or name: a hyphenated modifier
# ("Oscar-winning") or an owner's name before a capitalised name ("Tom's Guide").
_PART_OF_A_NAME_RE = re.compile(r"-[a-z]|['’]s [A-Z]")


def _revise_lone_names(
    doc: Doc, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """One-word "people" that no full name in the article explains need evidence: a title in
    front ("President Trump", "Mr. Assad"), a relative's role ("his wife Kali"), a government
    they head ("the Assad regime") or a given name; known organisations become ORG; a name
    only ever written as part of a word or another name ("Oscar-winning", "Tom's Guide") is
    no person.
    The rest may be a surname the warehouse knows from other articles ("Jansen said") or a
    platform, a town, a common word the model guessed at: one shaped like a surname becomes
    a ``CANDIDATE`` (not a person here, linked across articles when the warehouse's full
    names make it unambiguous), others are dropped (label "")."""
    text = doc.text  # built on each access: read it once
    titled: set[str] = set()
    canonical_of = {c.lower(): c for c in canon}
    for m, c in zip(mentions, canon, strict=True):
        if labels[c.lower()] != "PERSON" or " " in c:
            continue
        before = text[max(0, m.start_char - 40) : m.start_char].split()
        prev = before[-1].lower().rstrip(".") if before else ""
        after = _NEXT_WORD_RE.match(text, m.end_char)
        if (
            prev in TITLE_WORDS
            or strip_titles(clean_surface(m.text)) != clean_surface(m.text)
            or (prev in KIN_WORDS and len(before) > 1 and before[-2].lower() in _POSSESSORS)
            or (after is not None and after.group(1) in _LEADER_OF)
        ):  # "President Trump", "his wife Kali", "the Assad regime"
            titled.add(c.lower())
    modifier: dict[str, bool] = {}
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        modifier[key] = modifier.get(key, True) and bool(_PART_OF_A_NAME_RE.match(text, m.end_char))
    for c, label in labels.items():
        if label != "PERSON" or " " in c:
            continue
        if _key(c) in KNOWN_ORGS:
            labels[c] = "ORG"
        elif modifier.get(c) and c not in titled:
            labels[c] = ""  # "Oscar-winning", "Tom's Guide": a word of another name
        elif c not in titled and not is_given_name(c):
            labels[c] = CANDIDATE if _SURNAME_SHAPE_RE.fullmatch(canonical_of[c]) else ""


# What joins the members of a list of names: commas, then "and" or "or" before the last.
_LIST_COMMA = ", "
_LIST_ENDS = frozenset({" and ", ", and ", " or ", ", or "})
# Guesses a list of people or organisations may overrule: a "place", "product" or "work" the
# model guessed for an unknown word. A lone surname-shaped word
# (``CANDIDATE``) stays: streets and towns listed beside mistagged ones are shaped so too.
_WEAK_LABELS = frozenset({"GPE", "PRODUCT", "WORK_OF_ART"})


def _labels_from_lists(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A name in a list of three or more ("Sony Pictures, Quarrix and Paramount") is of the
    kind of the others when at least two of them are people, or two organisations, and its
    own label was a guess: a "place" that no gazetteer knows, a "product" or a "work"."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start_char)
    runs: list[list[int]] = []
    run: list[int] = []
    for i in order:
        if run:
            gap = text[mentions[run[-1]].end_char : mentions[i].start_char]
            if gap == _LIST_COMMA or gap in _LIST_ENDS:
                run.append(i)
                if gap in _LIST_ENDS:
                    runs.append(run)
                    run = []
                continue
        run = [i]
    for members in runs:
        if len(members) < 3:
            continue
        kinds = Counter(labels.get(canon[i].lower(), "") for i in members)
        for i in members:
            key = canon[i].lower()
            own = labels.get(key, "")
            if own not in _WEAK_LABELS:
                continue
            if own == "GPE" and (_key(canon[i]) in COUNTRIES or canon[i].lower() in places()):
                continue
            others = kinds.copy()
            others[own] -= 1
            for kind in ("PERSON", "ORG"):
                if others[kind] >= 2 and others[kind] > sum(others.values()) - others[kind]:
                    labels[key] = kind


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


# What the text writes around a one-word name that places it: "in Senkata", "near Logar",
# "32, of Franklin" (where someone lives); after it, a place noun ("Logar province").
_PLACED_BEFORE_RE = re.compile(r"(?:\b(?:in|near|outside)|\d, of) $")
_PLACE_NOUN_AFTER_RE = re.compile(r" ([a-z]+)\b")
_MODIFIED_NOUN_AFTER_RE = re.compile(r" (?:[a-z]+ )?([a-z]+)\b")


def _places_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A one-word "organisation" the text places is a place: a lower-case place noun after it
    ("Logar province", "the Rukban camp", also in a place's name elsewhere), or a known town
    written "in X" or "32, of X", or modifying a noun ("the Burbank entertainment giant"), in
    at least half its mentions (a club's town stays the club); or followed by a place it lies
    in ("Sarkh, Logar"). A known town the text never places ("Barcelona won") stays."""
    placed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for m, c in zip(mentions, canon, strict=True):  # "Logar province" names the place "Logar"
        name, _, noun = c.lower().rpartition(" ")
        if m.label in ("GPE", "LOC") and noun in PLACE_NOUNS and name and " " not in name:
            placed[name] += 1
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "ORG" or " " in c or _key(c) in KNOWN_ORGS or _is_acronym(c):
            continue
        seen[key] += 1
        placed[key] += _placed_mention(text, m, c)
    for key, n in placed.items():
        if labels.get(key) == "ORG" and 2 * n >= seen[key]:
            labels[key] = "GPE"
    towns = {
        m.start_char for m, c in zip(mentions, canon, strict=True) if labels[c.lower()] == "GPE"
    }
    for m, c in zip(mentions, canon, strict=True):  # "Sarkh, Logar" once Logar is a place
        key = c.lower()
        after = text[m.end_char : m.end_char + 2]
        if seen[key] and labels[key] == "ORG" and after == ", " and m.end_char + 2 in towns:
            labels[key] = "GPE"


# Building words that may end an organisation's name too ("Pew Research Center", "Budget
# Office"): only where the text uses the name as a location is it a facility.
_FACILITY_WORDS = FACILITY_HEAD_WORDS - {"house", "court", "courts", "camp", "base", "plant"}
_AT_BEFORE_RE = re.compile(r"(?:\b(?:at|in|inside|outside)(?: the)?|@) $")
# A role before "at" makes it a workplace, an organisation: "a senior fellow at the ... Center".
_ROLE_AT_RE = re.compile(r"(\w+)s? at (?:the )?$")
_PLACE_AFTER_RE = re.compile(r",? (?:in |at )?[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?, ([A-Z]{2})\b")


def _facilities_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """An "organisation" named for a building ("KeyBank Center", "Budweiser Stage", "Oval
    Office") that the text only ever uses as a location is a facility (OntoNotes' FAC):
    after "at", "in" or "@", or followed by its town and state ("..., Irving, TX")."""
    where: dict[str, list[bool]] = defaultdict(list)
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        words = key.split(" ")
        if labels.get(key) != "ORG" or len(words) < 2 or words[-1] not in _FACILITY_WORDS:
            continue
        before = text[max(0, m.start_char - 40) : m.start_char]
        state = _PLACE_AFTER_RE.match(text, m.end_char)
        role = _ROLE_AT_RE.search(before)
        where[key].append(
            (_AT_BEFORE_RE.search(before) is not None and not (role and _is_role(role.group(1))))
            or (state is not None and state.group(1) in US_STATE_CODES | _PROVINCE_CODES)
        )
    for key, located in where.items():
        if all(located):
            labels[key] = "FAC"


def _is_role(word: str) -> bool:
    """ "fellow", "professors", "analyst": what a person is at an organisation."""
    low = word.lower()
    return low in _PERSON_NOUNS or low.rstrip("s") in _PERSON_NOUNS


# Canada's province codes, written like US states' after a town ("Toronto, ON").
_PROVINCE_CODES = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC"})


def _placed_mention(text: str, m: Mention, name: str) -> bool:
    """Whether the words around this mention of a one-word name make it a place."""
    noun = _PLACE_NOUN_AFTER_RE.match(text, m.end_char)
    if noun is not None and noun.group(1) in PLACE_NOUNS:
        return True
    if _key(name) not in places():
        return False
    before = text[max(0, m.start_char - 12) : m.start_char]
    if _PLACED_BEFORE_RE.search(before):
        return True
    after = _MODIFIED_NOUN_AFTER_RE.match(text, m.end_char)
    return (
        before.endswith("the ")
        and after is not None
        and after.group(1) not in _CLAUSE_WORDS | _MINOR_WORDS
    )
