"""Speakers read off the words around a quote when the parse ties no verb to it.

The small model often misparses the attribution after a quote: ``"...," Ramos, 58, told AFP``
(``told`` hung on the quote, ``Ramos`` an adverb), ``"...," Trump barked and a guard ...``,
``"... little deal" announced in October, said Derek Scissors, a China scholar``. These
frames are read on the surface instead: a name (a person or organisation the entity index
knows, or he/she) and a verb of saying in the order news writes them. Only clear frames
count: a wrong speaker is worse than none.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from newsflow.tasks.nlp.lexicons import SPEECH_VERBS
from newsflow.tasks.nlp.names import TITLE_WORDS
from newsflow.tasks.nlp.speakers import SpeakerNamer

Frame = tuple[Token, str, str]  # the verb, the speaker, its label

_SENT_END = frozenset({".", "!", "?"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
_NAMED = frozenset({"PERSON", "ORG"})
_PRONOUNS = frozenset({"he", "she"})
LOOK_AHEAD = 40  # tokens around the quote that a frame may take
_MAX_APPOSITION = 20  # tokens of ", a China scholar with the American ...,"
_MAX_TITLE = 6  # words before a name: "White House press secretary Josh Earnest"
# After a quote closing its sentence ('"We are done." Jones added.') the frame must be the
# whole of the next sentence, give or take where or when: then it says who spoke.
_CLOSING_NEXT = frozenset({".", ",", "in", "on", "at", "during", "after", "before", "of"})


def speaker_after(
    namer: SpeakerNamer,
    quoted: Callable[[Token], bool],
    quote_text: str,
    start: int,
    tokens: list[Token],
) -> Frame | None:
    """The frame right after a quote: ``"...," NAME[, apposition,] VERB`` or ``"...",
    VERB NAME`` ending its sentence. ``tokens`` are the words after the quote to the end of
    its paragraph (at most ``LOOK_AHEAD``); ``quote_text`` is the quote, marks included,
    that starts at ``start``. The name must follow a quote that opens its sentence (not 'On
    ABC's "This Week," Rubio said ...': a show's title)."""
    words: list[Token] = []
    for t in tokens[:LOOK_AHEAD]:
        if quoted(t):
            break
        if not t.is_space:
            words.append(t)
    if not words:
        return None
    closing = quote_text.rstrip(" \t\n\"“”'‘’")[-1:]
    open_sentence = closing in (",", "!", "?", "—", "–") or words[0].text == ","
    if _opens_sentence(namer, start) and (open_sentence or closing in _SENT_END):
        frame = _name_then_verb(namer, words, open_sentence, closing)
        if frame is not None:
            return frame
    if open_sentence or closing not in _SENT_END:
        return _verb_then_name(namer, words, closing)
    return None


def _opens_sentence(namer: SpeakerNamer, start: int) -> bool:
    """Nothing but a sentence end, a colon or a paragraph break before the quote."""
    doc = namer.doc
    i = namer._token_at(start) - 1
    while i >= 0 and doc[i].is_space:
        if "\n" in doc[i].text:
            return True
        i -= 1
    return i < 0 or doc[i].text in _SENT_END or doc[i].text in (":", "\n")


def _name_then_verb(
    namer: SpeakerNamer, words: list[Token], open_sentence: bool, closing: str
) -> Frame | None:
    """``"...," Ramos, 58, told AFP``; ``"...," Trump barked and ...``; after a full stop
    only ``"..." Jones added.``"""
    i = 1 if words[0].text == "," else 0
    head, i = _name_at(namer, words, i)
    if head is None:
        return None
    name_end = i
    if i < len(words) and words[i].text == "(":  # "Cummings (D-Md.)"
        close = next((k for k in range(i, min(len(words), i + 8)) if words[k].text == ")"), None)
        if close is None:
            return None
        i = close + 1
    if i < len(words) and words[i].text == ",":  # an apposition to the next comma
        close = next(
            (
                k
                for k in range(i + 1, min(len(words), i + 2 + _MAX_APPOSITION))
                if words[k].text == ","
            ),
            None,
        )
        if close is None or any(w.text in _SENT_END for w in words[i:close]):
            return None
        i = close + 1
    while i < len(words) and words[i].pos_ == "ADV":  # "Trump quickly added"
        i += 1
    if i >= len(words):
        return None
    verb = words[i]
    if verb.tag_ not in _FINITE and not (
        verb.tag_ == "VBN" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)
    ):
        return None  # ('"...," Trump barked' may be tagged a participle)
    speech = verb.lemma_.lower() in SPEECH_VERBS
    if not open_sentence:
        nxt = words[i + 1].lower_ if i + 1 < len(words) else "."
        if not (speech and nxt in _CLOSING_NEXT):
            return None
    elif not speech and not (
        closing == "," and verb.pos_ == "VERB" and verb.tag_ in ("VBD", "VBN") and i == name_end
    ):
        return None  # a manner verb only right after '"...," NAME': '"Go," Trump barked'
    return _named(namer, head, verb)


def _verb_then_name(namer: SpeakerNamer, words: list[Token], closing: str) -> Frame | None:
    """``"... little deal" announced in October, said Derek Scissors, a China scholar``: the
    sentence the quote is in ends on ``, VERB NAME``. Right after ``"...,"`` any verb in the
    past will do: ``"...," remembered Roy Verley, HP's spokesman``."""
    for k in range(len(words)):
        t = words[k]
        if t.text in _SENT_END:
            return None
        if k == 0:
            if closing != "," or t.tag_ != "VBD" or t.pos_ != "VERB":
                continue
        elif words[k - 1].text != "," or t.lemma_.lower() not in SPEECH_VERBS:
            continue
        if t.tag_ not in ("VBD", "VBZ"):
            continue
        head, end = _name_at(namer, words, k + 1)
        if head is None:
            continue
        if end < len(words) and words[end].text not in (",", ".", "(", ";", "—", "–"):
            continue  # "said Trump's aide ...": the name is not the speaker
        return _named(namer, head, t)
    return None


def _name_at(namer: SpeakerNamer, words: list[Token], i: int) -> tuple[Token | None, int]:
    """The head of a person or organisation named from ``words[i]`` (after at most a few
    title words) or of he/she, and the index after it."""
    if i >= len(words):
        return None, i
    if words[i].lower_ in _PRONOUNS:
        return words[i], i + 1
    ents = namer.entities
    for k in range(i, min(len(words), i + _MAX_TITLE + 1)):
        m = ents.mention_at(words[k].i)
        if m is not None and m.label in _NAMED:
            end = k
            while end + 1 < len(words) and ents.mention_at(words[end + 1].i) is m:
                end += 1
            return words[end], end + 1
        w = words[k]
        if not (w.pos_ in ("PROPN", "NOUN", "ADJ") or w.lower_.rstrip(".") in TITLE_WORDS):
            return None, i  # only a title may stand before the name
    return None, i


def _named(namer: SpeakerNamer, head: Token, verb: Token) -> Frame | None:
    if head.lower_ in _PRONOUNS:
        name, label = namer.resolve_pronoun(head.idx, "m" if head.lower_ == "he" else "f")
    else:
        m = namer.entities.mention_at(head.i)
        if m is None:
            return None
        name, label = namer.own(m).canonical, m.label
    if name is None or label not in _NAMED:
        return None
    return verb, name, label


def speaker_before(
    namer: SpeakerNamer, quoted: Callable[[Token], bool], paragraph: list[Token]
) -> Frame | None:
    """Who a bare quote paragraph goes on from: the one speaker of the last sentence of the
    paragraph before (``Valastro praised Christie's leadership ...`` / ``"We need someone
    who ..."``), when that paragraph quotes no one itself (then continuation decides) and
    its last sentence reports one person or organisation only."""
    if not paragraph or any(quoted(t) for t in paragraph):
        return None
    words = [t for t in paragraph if not t.is_space]
    if not words:
        return None
    sentence = words[-1].sent
    found: dict[str, Frame] = {}
    for t in sentence:
        if t.pos_ != "VERB" or t.lemma_.lower() not in SPEECH_VERBS or t.i < paragraph[0].i:
            continue
        if t.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in t.children):
            continue  # "was told": the one spoken to
        name, label = namer.speaker_of(t)
        if name is None:
            continue
        if label not in _NAMED:
            return None  # a group or a description speaks too: not clear whose words follow
        found.setdefault(name, (t, name, label))
    return next(iter(found.values())) if len(found) == 1 else None


_MAX_LINE_NAME = 12  # tokens of "Rep. Trey Gowdy (R-S.C.)" before the colon


def speaker_of_line(namer: SpeakerNamer, before: list[Token]) -> tuple[str, str] | None:
    """``Rep. Trey Gowdy (R-S.C.): "..."`` / ``Ellis: "..."``: a line of a transcript, a
    name (with its titles and a party in parentheses) and a colon before the quote, and
    nothing else since the paragraph began. ``before`` are those tokens. The name must be a
    person or organisation of the article."""
    words = [t for t in before if not t.is_space]
    if len(words) < 2 or words[-1].text not in (":", "):"):
        return None
    closes = words[-1].text == "):"  # the tokenizer may join the parenthesis and the colon
    words = words[:-1]
    if closes or words[-1].text == ")":  # "(R-S.C.)", "(D-Md.)"
        opening = next((k for k in range(len(words) - 1, -1, -1) if words[k].text == "("), None)
        if opening is None or len(words) - opening > 8:
            return None
        words = words[:opening]
    if not words or len(words) > _MAX_LINE_NAME or any(w.pos_ in ("VERB", "AUX") for w in words):
        return None
    last = words[-1]
    m = namer.entities.mention_at(last.i)
    if m is not None and m.label in _NAMED and m.end_char == last.idx + len(last.text):
        return namer.own(m).canonical, m.label
    if last.text[:1].isupper():
        known = namer.entities.resolve_name(last.text)
        if known is not None:
            return known, "PERSON"
    return None


def colon_clause(
    sentence: list[Token], colon: Token, quoted: Callable[[Token], bool]
) -> Token | None:
    """The head of the clause that a colon closes, when the parse runs it and the quote
    after it into one sentence (``Sanders delivered a snappy retort: "No one ..."``, with
    "delivered" hung under the quote's verb): the highest word outside quotation marks
    before the colon. ``sentence`` are the tokens of that sentence."""
    words = [t for t in sentence if t.i < colon.i and not t.is_space]
    if not words or any(quoted(t) for t in words):
        return None  # a quote before the colon too: not one clause introducing the next
    lo = words[0].i
    heads = [t for t in words if t.head.i == t.i or not lo <= t.head.i < colon.i]
    return heads[0] if len(heads) == 1 else None
