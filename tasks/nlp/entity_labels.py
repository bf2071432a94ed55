"""Labels of an article's entities once mentions are grouped: the words around a name
(people, places, facilities), the lists it stands in, and dropping names that are no names.

The third labelling stage: these rules judge clusters (a canonical name and its mentions);
they neither find mentions nor decide which ones name the same entity. The first two stages
are ``entity_name_labels`` and ``entity_mention_edits``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

from newsflow.tasks.nlp.entity_filter import FACILITY_HEAD_WORDS
from newsflow.tasks.nlp.entity_forms import (
    _MINOR_WORDS,
    _SURNAME_SHAPE_RE,
    CANDIDATE,
    _key,
    clean_surface,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    KNOWN_ORGS,
    US_STATE_CODES,
    english_words,
    places,
)
from newsflow.tasks.nlp.entity_mention_edits import _PERSON_NOUNS
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS
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


def _plural_end(key: str) -> bool:
    return key.endswith("s") and not key.endswith("'s")


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
