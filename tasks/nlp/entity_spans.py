"""Span repair for spaCy's entity spans: join names the model cut ("Customs and Border
Protection", "St. Joseph"), split spans it ran together ("Jeff Bezos's Blue Origin"), and trim or
extend their edges.

Separate because it works on spans and character offsets before any mention exists; nothing here
clusters mentions.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from newsflow.tasks.nlp.entity_forms import (
    _CLAUSE_WORDS,
    _COMPANY_TAILS,
    _CORPORATE_SUFFIXES,
    _MINOR_WORDS,
    _PLACE_ABBREVIATIONS,
    _POSSESSIVE_RE,
    _SURNAME_SHAPE_RE,
    ALIAS_LABELS,
    ALIASES,
    LEGAL_FORMS,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _key,
    clean_surface,
    looks_like_person,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    KNOWN_ORGS,
    LEGAL_FORM_WORDS,
    ORG_HEAD_WORDS,
    ORG_ONLY_WORDS,
    VENUE_HEAD_WORDS,
    english_words,
)
from newsflow.tasks.nlp.names import TITLE_WORDS, common_words

_DATELINE_AFTER_RE = re.compile(
    r"(?:,\s*[A-Z][A-Za-z. ]{1,20})?\s*(?:\([^)\n]{1,40}\)\s*)?[—–-]+\s"
)
_NEXT_NAME_RE = re.compile(r"\.? [A-Z][a-z]")
_NEXT_WORDS_RE = re.compile(r" ((?:[A-Z][a-z]+)(?: (?:of|and|the|[A-Z][a-z]+)){0,3})")


def _join_and_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """Two organisations around "and" are one name when the article names them so as one
    elsewhere ("Customs" + "Border Protection" beside "Customs and Border Protection"); a
    registered company's name goes back over "and" to the one capitalised word before it
    when that word is no organisation's or person's ("British and" + "Commonwealth Shipping
    Co Plc"; not "Apple and" + "Microsoft Corp")."""
    whole = {clean_surface(s.text) for s in spans if s.label_ == "ORG" and " and " in s.text}
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        lead = _and_lead(doc, span, prev)
        if lead is not None:
            if prev is not None and prev.start == lead:
                out.pop()
            out.append(Span(doc, lead, span.end, label="ORG"))
            continue
        if (
            prev is not None
            and prev.label_ == span.label_ == "ORG"
            and span.start == prev.end + 1
            and doc[prev.end].text == "and"
            and clean_surface(doc[prev.start : span.end].text) in whole
        ):
            out[-1] = Span(doc, prev.start, span.end, label="ORG")
        else:
            out.append(span)
    return out


def _and_lead(doc: Doc, span: Span, prev: Span | None) -> int | None:
    """Where a registered company's name opens when "Word and" comes before it and the word
    is a people's, a place's or no entity's: the word's token, else None."""
    if span.label_ != "ORG" or len(span) < 2 or span[-1].text not in LEGAL_FORM_WORDS:
        return None
    k = span.start - 2
    if k < 0 or doc[k + 1].text not in ("and", "&") or not doc[k + 1].whitespace_:
        return None
    word = doc[k]
    if not (word.is_alpha and word.text[:1].isupper() and word.whitespace_):
        return None
    if not word.ent_type_:  # "Smith and Nephew Plc"; not "Analysts and Merrill Lynch Co"
        return None if word.is_sent_start or word.lower_ in english_words() else k
    own = prev is not None and prev.start == k and prev.end == k + 1
    return k if own and prev.label_ in ("NORP", "GPE") else None


# A stock ticker right after a name: "<SMBS ST>" (the wires' marks), "(NYSE: IBM)",
# "(Nasdaq: AAPL)". What stands before one is a listed company.
_TICKER_RE = re.compile(
    r" ?(?:<[A-Z][A-Z0-9.]{0,7}(?: [A-Z]{1,3})?>"
    r"|\((?:NYSE|NASDAQ|Nasdaq|AMEX|LSE|TSX|ASX|NYSE American|OTC)\s?:\s?[A-Z][A-Z0-9.]{0,7}\))"
)


def _ticker_companies(doc: Doc, spans: list[Span]) -> list[Span]:
    """A name right before a stock ticker is a company's: the capitalised words there, one
    entity's or no entity's, become one organisation ("Swedish" NORP + "Match" before
    "<SMBS ST>"; "Atlas Copco" PERSON before "<ASTS ST>")."""
    marks = list(_TICKER_RE.finditer(doc.text))
    if not marks:
        return spans
    ends = {t.idx + len(t.text): t.i + 1 for t in doc}  # each token's end, looked up once
    found: list[Span] = []
    for mark in marks:
        end = ends.get(mark.start())
        if end is None:
            continue
        start = end
        while start > 0 and end - start < 5 and _name_token(doc[start - 1]):
            start -= 1
        while start < end and (
            doc[start].is_stop or doc[start].is_sent_start and doc[start].lower_ in english_words()
        ):
            start += 1
        if start == end:
            continue
        crossing = any(s.start < start < s.end or s.start < end < s.end for s in spans)
        if not crossing:
            found.append(Span(doc, start, end, label="ORG"))
    if not found:
        return spans
    covered = {i for f in found for i in range(f.start, f.end)}
    kept = [s for s in spans if not covered & set(range(s.start, s.end))]
    return sorted(kept + found, key=lambda s: s.start)


def _name_token(token: Token) -> bool:
    """A word a company's name may hold: capitalised ("Copco", "ASEA") or "&"."""
    return token.text == "&" or (token.text[:1].isupper() and not token.is_punct)


# Lower-case words inside an organisation's name that a name goes on after ("Agency for
# International Development", "Center for Medium-Range Weather Forecasts").
_NAME_CONNECTORS = frozenset({"for", "of", "on"})


def _title_word(token: Token) -> bool:
    """A word a name may go on with: capitalised ("Weather", "Medium-Range") and no entity's."""
    return token.text[:1].isupper() and token.is_alpha and not token.ent_type_


def _join_cut_orgs(doc: Doc, spans: list[Span]) -> list[Span]:
    """An organisation's name the model cut short is whole again: a span that ends on "for",
    "of" or "on" joins the name right after it ("U.S. Agency for" + "International
    Development"), one that ends on an institution's noun the place after "of" ("Federal
    Reserve Bank" + "of New York"); a span with such a word inside goes on over the
    capitalised words that follow it untagged ("European Center for Medium-Range" +
    "Weather Forecasts")."""
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label_ == "ORG"
            and span.label_ in ("ORG", "GPE", "LOC", "NORP", "PERSON")
            and span.start == prev.end
            and doc[prev.end - 1].lower_ in _NAME_CONNECTORS
            and doc[prev.end - 1].text.islower()
        ):
            out[-1] = Span(doc, prev.start, span.end, label="ORG")
            continue
        if (
            prev is not None
            and prev.label_ == "ORG"
            and span.label_ == "GPE"
            and span.start == prev.end + 1
            and doc[prev.end].text == "of"
            and doc[prev.end - 1].lower_ in ORG_HEAD_WORDS | ORG_ONLY_WORDS
        ):  # "Federal Reserve Bank" + "of" + "New York": the bank's name, not where it is
            out[-1] = Span(doc, prev.start, span.end, label="ORG")
            continue
        if span.label_ == "ORG" and any(
            t.text in _NAME_CONNECTORS for t in span[1:-1]
        ):  # a long, phrase-like name: the model may stop before its last words
            end = span.end
            while end < len(doc) and _title_word(doc[end]) and doc[end - 1].whitespace_:
                end += 1
            if end > span.end:
                span = Span(doc, span.start, end, label="ORG")
        out.append(span)
    return out


def _join_abbreviated_places(doc: Doc, spans: list[Span]) -> list[Span]:
    """A place abbreviation the model cut off as a place of its own ("ST" + "JOSEPH" of
    "ST. JOSEPH, Mich.") joins the place it opens: one town, not two."""
    text = doc.text  # built on each access: read it once
    out: list[Span] = []
    for span in spans:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label_ in ("GPE", "LOC")
            and span.label_ in ("GPE", "LOC", "ORG", "PERSON")
            and prev.text.lower().rstrip(".") in _PLACE_ABBREVIATIONS
            and text[prev.end_char : span.start_char] in (". ", " ")
            and (prev.text.rstrip(".").isupper() == span.text.isupper())
        ):
            out[-1] = Span(doc, prev.start, span.end, label="GPE")
        else:
            out.append(span)
    return out


# A state's bodies named by its place or people: "the Afghan government", "U.S. military".
_STATE_BODY_RE = re.compile(r" (?:government|military|police|army|navy)\b")
# A corporate suffix written as one ("Corp.", "Inc.,", "Ltd."): where a company's name ends.
_CORPORATE_END_RE = re.compile(r"(?:Inc|Corp|Co|Ltd|LLC|PLC)\.,?")
_POSSESSIVE_INSIDE_RE = re.compile(r"['’]s ")

# Titles that may close an organisation's span before the person who holds them.
_TRAILING_TITLES = TITLE_WORDS | {"rt", "hon"}


def _joined_parts(text: str, start: int, end: int, label: str) -> list[tuple[int, int, str]]:
    """The names one span of the model runs together, each with its label: an owner and
    what it owns or runs ("Tufts University's Feinstein International Center", "Jeff
    Bezos's Blue Origin"; not a company named so, "Moody's Analytics Inc."), a list
    ("Bleacher Report, Uber Eats"), a headline's clause ("Thibaut Courtois to Real Madrid")."""
    if label not in ("PERSON", "ORG"):
        return [(start, end, label)]
    surface = text[start:end]
    place = _leading_place(text, start, end)
    if place is not None:  # "ambassador to Britain Liu Xiaming": the place, then the person
        return [(start, place, "GPE"), (place + 1, end, "PERSON")]
    owner = _POSSESSIVE_INSIDE_RE.search(surface)
    if owner is not None:
        head, tail = surface[: owner.start()], surface[owner.end() :]
        one_word = " " not in head.strip()
        common_owner = one_word and _key(head) in common_words()
        registered = one_word and _key(tail.split(" ")[-1]).rstrip(",") in LEGAL_FORMS
        if registered and label == "ORG":
            return [(start, end, label)]  # "Moody's Investors Service Inc": one company
        if (
            tail[:1].isupper()
            and (" " in head.strip() or " " in tail.strip())
            and not common_owner  # "People's Liberation Army": one name
        ):
            head_label = _owner_label(head)
            parts = [(start, start + owner.start(), head_label)] if head_label else []
            return parts + _joined_parts(text, start + owner.end(), end, "ORG")
        if label == "PERSON" and tail[:1].isupper() and not common_owner:
            return [(start, start + owner.start(), "PERSON")]  # "Obama's Tour": his, no name
    items = [m.span() for m in re.finditer(r"[^,\s][^,]*", surface)]
    if (
        len(items) > 1
        and not any(w.islower() for w in re.split(r"[\s,]+", surface))
        and not any(_key(surface[s:e]).strip() in _CORPORATE_SUFFIXES for s, e in items)
    ):
        return [(start + s, start + e, _part_label(surface[s:e], label)) for s, e in items]
    words = surface.split(" ")
    lower = [k for k, w in enumerate(words) if w.islower()]
    if len(lower) == 1 and words[lower[0]] in _CLAUSE_WORDS and 2 <= lower[0] <= len(words) - 3:
        k = lower[0]  # two names of two words or more each side of the one lower-case word
        left_end = start + len(" ".join(words[:k]))
        right = left_end + len(words[k]) + 2
        return [
            (start, left_end, _part_label(text[start:left_end], label)),
            (right, end, _part_label(text[right:end], label)),
        ]
    return [(start, end, label)]


_TO_PLACE_RE = re.compile(r"\b(?:to|in|from)\s$")


def _leading_place(text: str, start: int, end: int) -> int | None:
    """Where a country the model glued in front of a personal name ends: after "to", "in" or
    "from" ("ambassador to Britain Liu Xiaming"), when two or three capitalised words with no
    common word or organisation's head word follow."""
    if not _TO_PLACE_RE.search(text[max(0, start - 6) : start]):
        return None
    words = text[start:end].split(" ")
    for n in (1, 2):
        if _key(" ".join(words[:n])) not in COUNTRIES and _key(" ".join(words[:n])) not in ALIASES:
            continue
        rest = words[n:]
        if 2 <= len(rest) <= 3 and all(
            _SURNAME_SHAPE_RE.fullmatch(w)
            and _key(w) not in common_words() | ORG_HEAD_WORDS | KNOWN_ORGS | NOT_PERSON_WORDS
            for w in rest
        ):
            return start + len(" ".join(words[:n]))
    return None


def _owner_label(name: str) -> str | None:
    """The label of a name before "'s" that owns or runs what follows: a person, a place,
    an organisation; None for one word that says nothing ("Trump's Justice Department")."""
    name = name.strip()
    if looks_like_person(name):
        return "PERSON"
    if _key(name) in COUNTRIES or _key(name) in ALIASES:
        return ALIAS_LABELS.get(ALIASES.get(_key(name), ""), "GPE")
    if " " in name or _key(name) in KNOWN_ORGS:
        return "ORG"
    return None


def _part_label(name: str, label: str) -> str:
    """A part of a run-together span: a person when named like one, else the span's label."""
    return "PERSON" if looks_like_person(name.strip()) else label


# Bodies that news names in lower case after their proper name ("the Communist party").
_BODY_WORDS = frozenset({"party", "ministry", "council", "committee"})
_HYPHENATED_GIVEN_RE = re.compile(r"-[a-z]{1,4}(?![\w-])")
_COMPANY_TAIL_RE = re.compile(r" ([A-Z][A-Za-z]+\.?)(?![\w'’-])")
# One or two capitalised words after a name, the last of them a venue's head word.
_VENUE_TAIL_RE = re.compile(r"(?: [A-Z][a-z]+)? ([A-Z][a-z]+)(?![\w'’-])")


def _reshape(text: str, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Cut what the model glued onto a name: an owner ("Jeff Bezos's Blue Origin" -> "Blue
    Origin"), a player's position ("DL Myles Garrett") or a hashtag ("#Browns Greedy
    Williams"), trailing lower-case words ("Sabres
    and")."""
    if label not in ("PERSON", "ORG"):
        return start, end, label
    given = _HYPHENATED_GIVEN_RE.match(text, end)
    if label == "PERSON" and given is not None and text[start:end].split(" ")[-1].istitle():
        end = given.end()  # "Moon Jae" + "-in": a hyphenated given name the model cut
    if label == "PERSON":
        end = _person_end(text, start, end)
    start = _name_start(text, start, end)
    tail = _COMPANY_TAIL_RE.match(text, end)
    if label == "ORG" and tail is not None and _key(tail.group(1)) in _COMPANY_TAILS:
        end = tail.end()  # "GateHouse" + "Media", "Take-Two" + "Interactive": the full name
    venue = _VENUE_TAIL_RE.match(text, end)
    if venue is not None and venue.group(1).lower() in VENUE_HEAD_WORDS:
        end = venue.end()  # "Mohegan Sun" + "Arena": a building the model cut short
    words = text[start:end].split(" ")
    position = words[0].isupper() and len(words[0]) <= 3 and "." not in words[0]
    hashtag = text[start - 1 : start] == "#"  # "#Browns Greedy Williams": a tag, then the name
    if label == "PERSON" and len(words) >= 3 and (position or hashtag):
        start += len(words[0]) + 1
        words = words[1:]
    while (
        len(words) > 1
        and words[-1].islower()
        and words[-1] not in NAME_PARTICLES
        and not (label == "ORG" and words[-1] in _BODY_WORDS)  # "the Communist party"
    ):
        end -= len(words[-1]) + 1
        words = words[:-1]
    if label == "ORG":  # "Dutta Corp. Fair Hill International": a company, then another name
        cut = next(
            (k for k, w in enumerate(words[:-1]) if k and _CORPORATE_END_RE.fullmatch(w)), None
        )
        if cut is not None:
            end = start + len(" ".join(words[: cut + 1]))
            words = words[: cut + 1]
    while (
        label == "ORG"
        and len(words) > 2
        and words[-1].lower().rstrip(".") in _TRAILING_TITLES
        and words[-2].lower() not in _MINOR_WORDS
        and _NEXT_NAME_RE.match(text, end)
    ):  # "House of Representatives Speaker" + "Yakubu Dogara": the title is the person's
        end -= len(words[-1]) + 1
        words = words[:-1]
    return start, end, label


_BRACKETS_RE = re.compile(r"[()\[\]]")
_SEPARATOR_RE = re.compile(r"\s+[-–—|]\s+|\s*\n")
_PARTICLES_THEN_NAME_RE = re.compile(
    r"(?: (?:" + "|".join(sorted(NAME_PARTICLES)) + r"))* [A-Z][\w'’-]*[a-zA-Z]", re.IGNORECASE
)


_GLUED_BEFORE_RE = re.compile(r"[A-Za-z]_([A-Z][a-z]+) $")


def _name_start(text: str, start: int, end: int) -> int:
    """Where a name really starts in a credits line that glues a role to it with
    an underscore ("Director_Oh Kyeong Taek"): after the underscore, whether the model took
    the role in or left the glued surname out."""
    inside = text.rfind("_", start, end)
    if inside >= 0:
        return inside + 1
    glued = _GLUED_BEFORE_RE.search(text, max(0, start - 40), start)
    return glued.start(1) if glued is not None else start


def _person_end(text: str, start: int, end: int) -> int:
    """Where a person's name really ends: before a separator the model read through
    ("Herman Melville - Moby-Dick", a name then a title), and never on a surname particle
    ("Ursula von" + "der Leyen": the model stopped inside the surname)."""
    separator = _SEPARATOR_RE.search(text, start, end)
    if separator is not None and separator.start() > start:
        return separator.start()
    words = text[start:end].split(" ")
    if len(words) > 1 and words[-1].lower() in NAME_PARTICLES:
        rest = _PARTICLES_THEN_NAME_RE.match(text, end)
        if rest is not None and rest.group(0).split(" ")[-1][:1].isupper():
            return rest.end()
    return end


def _alias_extension(text: str, start: int, end: int) -> tuple[int, str] | None:
    """End and label of a known multi-word name that the model cut short, if any."""
    match = _NEXT_WORDS_RE.match(text, end)
    if not match:
        return None
    words = match.group(1).split(" ")
    for n in range(len(words), 0, -1):
        tail = " ".join(words[:n])
        canonical = ALIASES.get(_key(text[start:end] + " " + tail))
        if canonical is not None and " " in canonical:
            return end + 1 + len(tail), ALIAS_LABELS.get(canonical, "ORG")
    return None


def _is_dateline(text: str, start: int, end: int) -> bool:
    """A shouted place opening a paragraph: "MOSCOW (AP) —", "BEIRUT, Lebanon —"."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start].strip()  # "ST." of "ST. JOSEPH, Mich. (AP) —"
    return (
        (not before or (before.isupper() and len(before) <= 12))
        and text[start:end].isupper()
        and _DATELINE_AFTER_RE.match(text, end) is not None
    )


def _trim_span(span: Span, doc_text: str) -> tuple[int, int] | None:
    """Character offsets of the span without possessive endings or edge punctuation."""
    tokens = list(span)
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct and tokens[-1].text != "."):
        tokens.pop()
    while tokens and (tokens[0].is_punct or tokens[0].lower_ == "the" or _lower_lead(tokens)):
        tokens.pop(0)  # "the", "federal Securities and Exchange Commission"
    if not tokens:
        return None
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    text = doc_text[start:end]
    if "(" in text and ")" not in text:  # "Federal Bureau of Investigation (FBI"
        end = start + len(text[: text.index("(")].rstrip())
        text = doc_text[start:end]
    match = _POSSESSIVE_RE.search(text)
    if match and match.start() > 0:
        end = start + match.start()
    return start, end


def _lower_lead(tokens: list) -> bool:
    """A lower-case word opening a longer name ("federal" in "federal Securities and Exchange
    Commission"), not a name particle ("de Blasio")."""
    first = tokens[0].text
    return (
        len(tokens) > 1
        and first.isalpha()
        and first.islower()
        and first not in NAME_PARTICLES
        and tokens[1].text[:1].isupper()
    )
