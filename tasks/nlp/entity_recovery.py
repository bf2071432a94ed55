"""Mentions the model missed or cut short: given name plus surname, surnames that speak, known
organisations, cited outlets, full names of people named by surname, and a place joined to the
team or company name after it.

Separate because these steps add or grow mentions in the article's lists before any label is
revised or any cluster formed.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span

from newsflow.tasks.nlp.entity_forms import (
    _PERSONISH_LABELS,
    _SURNAME_SHAPE_RE,
    CANDIDATE,
    NOT_PERSON_WORDS,
    _key,
    clean_surface,
    looks_like_person,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    KNOWN_ORGS,
    ORG_HEAD_WORDS,
    PLACE_HEAD_WORDS,
    english_words,
    places,
)
from newsflow.tasks.nlp.entity_spans import _leading_place
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS
from newsflow.tasks.nlp.names import (
    TITLE_WORDS,
    common_words,
    is_first_name,
    is_given_name,
    strip_titles,
)
from newsflow.tasks.records import Mention


def _insert_mention(
    mentions: list[Mention],
    bases: list[str],
    spans: list[Span],
    name: str,
    chars: tuple[int, int],
    label: str,
    span: Span,
) -> None:
    """Add a name the model missed, keeping the three parallel lists in text order."""
    start, end = chars
    k = bisect.bisect_left([m.start_char for m in mentions], start)
    mentions.insert(
        k, Mention(text=name, label=label, canonical=name, start_char=start, end_char=end)
    )
    bases.insert(k, name)
    spans.insert(k, span)


def _join_teams(
    doc: Doc, text: str, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """A place name right before a capitalised name is one team or company ("Boston" +
    "Bruins", "Columbus" + "Blue Jackets"); a "person" opening with a place the article
    names is an organisation ("Pittsburgh Steelers"). Not a person after "to", "in" or
    "from" and the country ("ambassador to Britain Liu Xiaming")."""
    places = {_key(b) for m, b in zip(mentions, bases, strict=True) if m.label == "GPE"}
    i = 0
    while i < len(mentions) - 1:
        first, second = mentions[i], mentions[i + 1]
        if (
            first.label == "GPE"
            and second.label in ("ORG", "PERSON", "NORP")
            and text[first.end_char : second.start_char] == " "
            and bases[i + 1][:1].isupper()
            and not looks_like_person(bases[i + 1])
            and not (
                second.label == "PERSON"
                and _leading_place(text, first.start_char, second.end_char) is not None
            )  # "ambassador to Britain Liu Xiaming"
        ):
            span = doc.char_span(first.start_char, second.end_char, alignment_mode="expand")
            if span is not None:
                first.end_char = second.end_char
                first.text = text[first.start_char : first.end_char]
                first.label = "ORG"
                bases[i] = clean_surface(first.text)
                spans[i] = span
                del mentions[i + 1], bases[i + 1], spans[i + 1]
        i += 1
    for m, base in zip(mentions, bases, strict=True):
        words = base.split(" ")
        if (
            m.label == "PERSON"
            and len(words) > 1
            and not is_given_name(words[0])
            and any(_key(" ".join(words[:n])) in places for n in range(1, len(words)))
        ):
            m.label = "ORG"


def _add_missed_people(
    doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """A common given name and a capitalised surname the model left out of every entity
    ("Zach Parise scored twice") or cut from the given name ("Noah" of "Noah Jackson 1
    goal"): a person. The surname must be no common word and no
    head word of a place or an organisation ("Grace Church", "Virginia Tech")."""
    text = doc.text  # built on each access: read it once
    taken = [(m.start_char, m.end_char) for m in mentions]
    raw = [(e.start_char, e.end_char) for e in doc.ents]
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if not (is_given_name(tok.text) and tok.text[:1].isupper() and tok.text[1:].islower()):
            continue
        if not (_SURNAME_SHAPE_RE.fullmatch(nxt.text) and tok.whitespace_ == " "):
            continue
        low = nxt.text.lower()
        if low in common_words() or low in NOT_PERSON_WORDS | ORG_HEAD_WORDS | PLACE_HEAD_WORDS:
            continue
        if low in KNOWN_ORGS or low in COUNTRIES or is_given_name(nxt.text):
            continue
        after = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
        if after is not None and after.text[:1].isupper() and after.is_alpha:
            continue  # part of a longer name
        start, end = tok.idx, nxt.idx + len(nxt.text)
        given = (tok.idx, tok.idx + len(tok.text))
        if any(s < end and start < e and (s, e) != given for s, e in taken + raw):
            continue
        # the given name alone is no name: the model stopped short ("Noah" of "Noah Jackson")
        for j in reversed(range(len(mentions))):
            if (mentions[j].start_char, mentions[j].end_char) == given:
                del mentions[j], bases[j], spans[j]
        name = text[start:end]
        _insert_mention(
            mentions, bases, spans, name, (start, end), "PERSON", doc[tok.i : tok.i + 2]
        )
        taken.append((start, end))


def _add_speaking_surnames(
    doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """The surname of a person the article names in full, alone and the subject of a verb of
    speech, is that person even when it is also a word the model skipped ("Chris Early" ...
    "Early said", "says Moon")."""
    surnames = {
        w
        for m, b in zip(mentions, bases, strict=True)
        if m.label == "PERSON" and " " in b
        for w in (b.split(" ")[0], b.split(" ")[-1])  # "Moon" of "Moon Jae-in" too
        if w.istitle() and not is_given_name(w)
    }
    if not surnames:
        return
    taken = [(m.start_char, m.end_char) for m in mentions]
    for tok in doc[1:-1]:
        if tok.text not in surnames:
            continue
        before, after = doc[tok.i - 1], doc[tok.i + 1]
        says = after.lemma_.lower() in SPEECH_VERBS and after.tag_ in ("VBD", "VBZ")
        said = before.lemma_.lower() in SPEECH_VERBS and after.is_punct  # ", says Early."
        if not (says or said):
            continue
        start, end = tok.idx, tok.idx + len(tok.text)
        if any(s < end and start < e for s, e in taken):
            continue
        _insert_mention(
            mentions, bases, spans, tok.text, (start, end), "PERSON", doc[tok.i : tok.i + 1]
        )
        taken.append((start, end))


def _add_known_orgs(doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]) -> None:
    """Platforms and outlets the model missed ("on Instagram", "told Engadget"): a known
    organisation's name standing alone, written as a name (capitalised; an acronym in
    capitals). One that is also a common word ("Signal", "Slate") needs the article to name
    it an organisation elsewhere."""
    named = {_key(b) for m, b in zip(mentions, bases, strict=True) if m.label == "ORG"}
    taken = sorted((m.start_char, m.end_char) for m in mentions)
    starts = [s for s, _ in taken]
    for tok in doc:
        low = tok.lower_
        if low not in KNOWN_ORGS or not tok.text[:1].isupper():
            continue
        if len(low) <= 4 and not tok.text.isupper() and low not in named:
            continue  # "Fox", "Vice": an acronym-length name must be written in capitals
        if low in common_words() and low not in named:
            continue
        prev = doc[tok.i - 1] if tok.i and not tok.is_sent_start else None
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if any(
            t is not None and t.is_alpha and t.text[:1].isupper() and not t.is_sent_start
            for t in (prev, nxt)
        ):
            continue  # part of a longer name: "Amazon Echo Dot", "Fox News"
        start, end = tok.idx, tok.idx + len(tok.text)
        at = bisect.bisect_left(starts, start)
        if (at > 0 and taken[at - 1][1] > start) or (at < len(taken) and taken[at][0] < end):
            continue
        _insert_mention(
            mentions, bases, spans, tok.text, (start, end), "ORG", doc[tok.i : tok.i + 1]
        )
        taken.insert(at, (start, end))
        starts.insert(at, start)


# Words after which a name is the outlet that reported, printed or was told something:
# "told Reuters", "first appeared on X", "published in the journal X", "Courtesy of X".
_OUTLET_CUE_RE = re.compile(
    r"(?:\b(?:told|tells|seen by|in the journal)|\boriginally (?:published|appeared|posted)"
    r"(?: online)? (?:on|in)|\b(?:published|appeared|posted)(?: online)? on|\b[Cc]ourtesy of"
    r"|\b[Cc]redit:) (?:[Tt]he )?$"
)
_PEOPLE_LABELS = frozenset({"PERSON", CANDIDATE})
# Lower-case words a multi-word title may hold ("Frontiers in Ecology and the Environment").
_TITLE_INNER_WORDS = frozenset({"of", "the", "and", "in", "for", "on"})
_DOMAIN_RE = re.compile(r"[A-Za-z][\w-]*\.(?:com|net|org|info|co\.uk|io)")


def _cited_name(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of the capitalised name starting at token ``i`` (minor words inside)."""
    end = i
    while end < len(doc) and end - i < 8:
        tok = doc[end]
        if (
            tok.text[:1].isupper()
            and (tok.is_alpha or _DOMAIN_RE.fullmatch(tok.text))
            or (
                tok.text in _TITLE_INNER_WORDS
                and end > i
                and (tok.text != "the" or doc[end - 1].text in _TITLE_INNER_WORDS)
                and end + 1 < len(doc)
                and doc[end + 1].text[:1].isupper()
                and doc[end + 1].ent_type_ not in ("DATE", "TIME")  # "Reuters on Monday"
            )
        ):
            end += 1
        else:
            break
    while end > i and doc[end - 1].text in _TITLE_INNER_WORDS:
        end -= 1
    return i, end


def _add_cited_outlets(
    doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> set[str]:
    """An outlet the text cites ("told Polygraph.info", "originally appeared on X",
    "published in the journal X", "Courtesy of X") is an organisation, whatever the model
    made of it: a place or a work it guessed becomes ORG, a name it missed is added. Not a
    person: a name the article gives a person (a given name first, or a person's surname)
    stays theirs. Returns the keys of the names cited."""
    text = doc.text  # built on each access: read it once
    cited: set[str] = set()
    people = {
        w for m, b in zip(mentions, bases, strict=True) if m.label == "PERSON" for w in b.split(" ")
    }
    for tok in doc:
        if (
            not tok.text[:1].isupper()
            or tok.i == 0
            or tok.is_sent_start
            or tok.ent_type_
            in (
                "DATE",
                "TIME",
            )
        ):
            continue
        if not _OUTLET_CUE_RE.search(text[max(0, tok.idx - 40) : tok.idx]):
            continue
        first, last = _cited_name(doc, tok.i)
        if last <= first:
            continue
        start, end = doc[first].idx, doc[last - 1].idx + len(doc[last - 1].text)
        name = text[start:end]
        if (
            looks_like_person(name)
            or is_given_name(name.split(" ")[0])
            or people & set(name.split(" "))
        ):
            continue
        if _key(name) in COUNTRIES or name.lower() in places():
            continue
        cited.add(_key(name))
        same = [k for k, m in enumerate(mentions) if m.start_char == start and m.end_char == end]
        if same:
            for k in same:
                if mentions[k].label not in ("PERSON", "ORG", CANDIDATE):
                    mentions[k].label = "ORG"
            continue
        for k, m in enumerate(mentions):  # "Courtesy of Forests News": the cue is no part
            if m.label == "ORG" and m.start_char < start < m.end_char == end:
                m.start_char, m.text, bases[k] = start, name, name
                spans[k] = doc[first:last]
                break
        else:
            inside = [
                k
                for k, m in enumerate(mentions)
                if start <= m.start_char and m.end_char <= end and m.label not in _PEOPLE_LABELS
            ]  # "VICE US": the model's "US" is a word of the outlet's name
            for k in reversed(inside):
                del mentions[k], bases[k], spans[k]
            if any(m.start_char < end and start < m.end_char for m in mentions):
                continue
            _insert_mention(mentions, bases, spans, name, (start, end), "ORG", doc[first:last])
    return cited


def _recover_full_names(
    doc: Doc, text: str, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """A person named by surname alone ("Parise", or "Vogel" the model took for an
    organisation) whose full name the model missed ("Zach Parise" where the text introduces
    him) gets it back: a first name right before the same surname, anywhere in the text, is
    a mention of that person."""
    surnames = {
        b
        for m, b in zip(mentions, bases, strict=True)
        if m.label in _PERSONISH_LABELS
        and _SURNAME_SHAPE_RE.fullmatch(b)
        and _key(b) not in KNOWN_ORGS | COUNTRIES
    }
    found: list[tuple[int, int]] = []
    for surname in surnames:
        pattern = rf"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?) (?:[A-Z]\. )?{re.escape(surname)}\b"
        for match in re.finditer(pattern, text):
            if not is_first_name(match.group(1)):
                continue
            start, end = match.span()
            if any(
                m.start_char < end and start < m.end_char and " " in bases[k]
                for k, m in enumerate(mentions)
            ):
                continue  # already inside a longer name
            found.append((start, end))
    for start, end in found:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        inside = [k for k, m in enumerate(mentions) if start <= m.start_char and m.end_char <= end]
        for k in reversed(inside):
            del mentions[k], bases[k], spans[k]
        _insert_mention(mentions, bases, spans, text[start:end], (start, end), "PERSON", span)


# A word that can only be part of a name: capitalised, the rest lower case (accents and one
# hyphen allowed: "Hernández", "Bien-Aime").
_NAME_WORD_RE = re.compile(r"[A-Z][^\W\d_A-Z]+(?:-[A-Z][^\W\d_A-Z]+)?")


def _name_word(doc: Doc, i: int, taken: list[tuple[int, int]]) -> bool:
    """Whether token ``i`` is a capitalised word the model put in no entity, that is no
    English word and lies in no mention: the rest of a name the model cut short."""
    if not 0 <= i < len(doc):
        return False
    tok = doc[i]
    if tok.ent_type_ or not _NAME_WORD_RE.fullmatch(tok.text) or len(tok.text) < 3:
        return False
    low = tok.text.lower()
    if low in common_words() or low in english_words() or low in NOT_PERSON_WORDS:
        return False
    return not any(s < tok.idx + len(tok) and tok.idx < e for s, e in taken)


def _extend_cut_people(
    doc: Doc, text: str, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """A person's name the model cut short ("Guadalupe Salinas" of "Guadalupe Salinas
    Hernández", "Sultan" of "Dr Aamer Sultan") grows over the capitalised words after it, and
    over one between a title and it, that no entity and no English word claims: they can
    only be more of the same name."""
    taken = [(m.start_char, m.end_char) for m in mentions]
    for k, m in enumerate(mentions):
        if m.label != "PERSON" or spans[k] is None:
            continue
        first, last = spans[k].start, spans[k].end
        if (
            first > 1
            and doc[first - 1].whitespace_ == " "
            and doc[first - 2].text.rstrip(".").lower() in TITLE_WORDS
            and _name_word(doc, first - 1, taken)
        ):
            first -= 1  # "Dr Aamer" + "Sultan"
        while doc[last - 1].whitespace_ == " " and _name_word(doc, last, taken):
            last += 1
        if (first, last) == (spans[k].start, spans[k].end):
            continue
        start = min(m.start_char, doc[first].idx)
        end = max(m.end_char, doc[last - 1].idx + len(doc[last - 1]))
        m.start_char, m.end_char, m.text = start, end, text[start:end]
        bases[k] = strip_titles(clean_surface(m.text))
        spans[k] = doc[first:last]
        taken[k] = (start, end)
