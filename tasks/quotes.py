"""Who said what: direct and reported quotes with their speakers, from one parsed doc.

Quoted passages come from the quotation marks (tasks.quote_marks); reporting verbs and their
subjects come from the dependency parse. A quote is tied to the verb whose complement it is
(``she said, "..."``, ``"...," said X``) or, when the parse is broken by the quote, to a
reporting verb right next to it. A quote inside a larger reported clause (``Cruz said he
wasn't going to "act like a puppy" and back Trump``) becomes the whole clause, kind direct.
Reported clauses with no quotation marks (``X said (that) ...``, ``according to X, ...``)
become kind indirect. Speakers are canonical names from tasks.entities; pronouns go to the
most salient earlier person; a bare quote paragraph inherits the previous quote's speaker.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from tasks.entities import EntityIndex
from tasks.quote_marks import Marked, find_marked_quotes, paragraph_spans
from tasks.records import Quote
from tasks.reporting_verbs import NAMING_VERBS, SPEECH_VERBS

_SENT_END = frozenset({".", "!", "?"})
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "pcomp", "conj", "prep", "acl", "ccomp"})
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_PERSON_PRONOUNS = _MALE | _FEMALE
_MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "father"})
_FEMALE_TITLES = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen"})
MIN_WORDS_UNCUED = 4  # shorter quoted bits with no speech cue are scare quotes or titles


@dataclass(slots=True)
class _Attribution:
    cue: Token
    speaker: str | None
    label: str | None


@dataclass(slots=True)
class _Passage:
    start: int
    end: int
    attribution: _Attribution | None = None
    kind: str = "direct"


class _DocView:
    """Per-doc lookups shared by the steps below (built once, cheap to query)."""

    def __init__(self, doc: Doc, entities: EntityIndex, marked: list[Marked]) -> None:
        self.doc = doc
        self.text = doc.text
        self.entities = entities
        self.paragraphs = paragraph_spans(doc.text)
        self.para_starts = [s for s, _ in self.paragraphs]
        self.tok_starts = [t.idx for t in doc]
        self.marked = marked
        self.quote_of_token = [-1] * len(doc)
        for qi, m in enumerate(marked):
            for t in self.tokens_in(m.start, m.end):
                self.quote_of_token[t.i] = qi
        self.genders = _known_genders(doc, entities)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return [self.doc[i] for i in range(lo, hi)]

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def quoted(self, tok: Token) -> bool:
        return self.quote_of_token[tok.i] >= 0


def extract_quotes(doc: Doc, entities: EntityIndex) -> list[Quote]:
    """Direct (incl. partial) and indirect quotes of ``doc`` with speakers, in text order."""
    marked = find_marked_quotes(doc.text)
    view = _DocView(doc, entities, marked)
    cues = [t for t in doc if _is_cue(t) and not view.quoted(t)]
    contents = {cue.i: _content_span(cue) for cue in cues}

    passages = _merge_split_quotes(view, [_Passage(m.start, m.end) for m in marked], cues)
    used_cues: set[int] = set()
    results: list[_Passage] = []
    prev: _Passage | None = None
    for passage in passages:
        attributed = _attribute_by_parse(view, passage, cues, contents)
        if attributed is None:
            attributed = _attribute_by_adjacency(view, passage, cues)
        if passage.attribution is None and attributed is not None:
            passage.attribution = attributed
        if passage.attribution is None:
            passage.attribution = _carry_over(view, passage, prev)
        words = len(view.text[passage.start : passage.end].split())
        if passage.attribution is None and words < MIN_WORDS_UNCUED:
            continue  # scare quotes, titles of works
        if passage.attribution is not None:
            used_cues.add(passage.attribution.cue.i)
        if results and passage.start < results[-1].end:  # two quotes in one reported clause
            results[-1].end = max(results[-1].end, passage.end)
            continue
        results.append(passage)
        prev = passage

    for cue in cues:
        if cue.i in used_cues or contents[cue.i] is None:
            continue
        start, end = contents[cue.i]
        if any(p.start < end and start < p.end for p in results):
            continue
        if len(view.text[start:end].split()) < 3:
            continue
        speaker, label = _speaker_of(view, cue)
        results.append(_Passage(start, end, _Attribution(cue, speaker, label), kind="indirect"))
    results.sort(key=lambda p: p.start)
    return [_to_quote(view, p) for p in results]


def _to_quote(view: _DocView, p: _Passage) -> Quote:
    attr = p.attribution
    cue = None
    if attr is not None:
        cue = "according to" if attr.cue.lower_ == "according" else attr.cue.text
    return Quote(
        quote=view.text[p.start : p.end],
        speaker=attr.speaker if attr else None,
        kind="indirect" if p.kind == "indirect" else "direct",
        start_char=p.start,
        end_char=p.end,
        cue=cue,
        speaker_label=attr.label if attr else None,
    )


def _is_cue(tok: Token) -> bool:
    if tok.lower_ == "according":
        return (
            any(c.lower_ == "to" for c in tok.children) or tok.nbor(1).lower_ == "to"
            if (tok.i + 1 < len(tok.doc))
            else False
        )
    lemma = tok.lemma_.lower()
    if not (lemma in SPEECH_VERBS or lemma in NAMING_VERBS) or not tok.tag_.startswith("VB"):
        return False
    # "so-called", "well-known": part of a hyphenated adjective, not a verb of saying
    return not (tok.i > 0 and tok.nbor(-1).text == "-" and not tok.nbor(-1).whitespace_)


def _content_span(cue: Token) -> tuple[int, int] | None:
    """Characters of what the cue reports: its clausal complement, or the clause it modifies."""
    doc = cue.doc
    if cue.lower_ == "according":
        head = cue.head
        if head.i == cue.i:
            return None
        own = {t.i for t in cue.subtree}
        toks = [t for t in head.subtree if t.i not in own and not t.is_punct]
        return _span_of(toks)
    comps = [c for c in cue.children if c.dep_ == "ccomp"]
    if not comps and cue.lemma_ in NAMING_VERBS:
        # "called the talks substantive", "described it as a disaster", "called for a vote"
        named = [c for c in cue.children if c.dep_ == "oprd" or c.lower_ == "as"]
        if named:
            comps = [c for c in cue.children if c.dep_ == "dobj"] + named
        else:
            comps = [c for c in cue.children if c.dep_ == "prep" and c.lower_ == "for"]
    if not comps:
        comps = [c for c in cue.children if c.dep_ == "xcomp" and c.i > cue.i]
    if not comps and cue.dep_ in ("parataxis",) and cue.head.i != cue.i:
        own = {t.i for t in cue.subtree}
        toks = [t for t in cue.head.subtree if t.i not in own]
        return _span_of(toks)
    if not comps:
        return None
    toks = [t for c in comps for t in c.subtree]
    del doc
    return _span_of(toks)


def _span_of(toks: list[Token]) -> tuple[int, int] | None:
    toks = sorted(toks, key=lambda t: t.i)
    while toks and toks[-1].is_punct and toks[-1].text not in DOUBLE_QUOTE_CHARS:
        toks.pop()
    while toks and toks[0].is_punct and toks[0].text not in DOUBLE_QUOTE_CHARS:
        toks.pop(0)
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


DOUBLE_QUOTE_CHARS = frozenset("\"“”«»„‘’'")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _attribute_by_parse(
    view: _DocView, p: _Passage, cues: list[Token], contents: dict[int, tuple[int, int] | None]
) -> _Attribution | None:
    """Tie the quote to the reporting verb whose complement contains it (or that it fills)."""
    para = view.paragraph_of(p.start)
    best: tuple[float, Token, tuple[int, int]] | None = None
    for cue in cues:
        span = contents[cue.i]
        if span is None or view.paragraph_of(cue.idx) not in (para, view.paragraph_of(p.end)):
            continue
        ov = _overlap(p.start, p.end, span[0], span[1])
        if ov <= 0:
            continue
        score = ov / (span[1] - span[0])
        if best is None or score > best[0]:
            best = (score, cue, span)
    if best is None:
        return None
    score, cue, span = best
    quoted_share = _quoted_share(view, span)
    if quoted_share < 0.75 and span[1] - span[0] > (p.end - p.start):
        # a partial quote inside reported speech: the whole reported clause is the quote
        p.start, p.end = min(p.start, span[0]), max(p.end, span[1])
    speaker, label = _speaker_of(view, cue)
    return _Attribution(cue, speaker, label)


def _quoted_share(view: _DocView, span: tuple[int, int]) -> float:
    toks = [t for t in view.tokens_in(*span) if not t.is_punct]
    if not toks:
        return 1.0
    return sum(1 for t in toks if view.quoted(t)) / len(toks)


def _attribute_by_adjacency(view: _DocView, p: _Passage, cues: list[Token]) -> _Attribution | None:
    """A reporting verb framing the quote: ``"...," X said`` or ``X said: "..."``.

    Only the speaker, the verb's own modifiers and punctuation may stand between the quote and
    the verb, so a scare quote inside some other clause is not mistaken for speech.
    """
    lo, hi = view.paragraphs[view.paragraph_of(p.end)]
    after = view.tokens_in(p.end, hi)[:14]
    for t in after:
        if view.quoted(t) or t.text in _SENT_END:
            break
        if _is_cue(t):
            if _frames(view, t, p, after=True):
                return _Attribution(t, *_speaker_of(view, t))
            break
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = view.tokens_in(lo, p.start)[-25:]
    for t in reversed(before):
        if view.quoted(t) or t.text in _SENT_END:
            break
        if _is_cue(t):
            if _frames(view, t, p, after=False):
                return _Attribution(t, *_speaker_of(view, t))
            break
    # "X said:" closing the previous paragraph
    if not before or all(t.is_space for t in before):
        pi = view.paragraph_of(p.start)
        if pi > 0:
            plo, phi = view.paragraphs[pi - 1]
            if view.text[plo:phi].rstrip().endswith(":"):
                for t in reversed(view.tokens_in(plo, phi)[-25:]):
                    if view.quoted(t) or t.text in _SENT_END:
                        break
                    if _is_cue(t):
                        return _Attribution(t, *_speaker_of(view, t))
    return None


def _frames(view: _DocView, cue: Token, p: _Passage, *, after: bool) -> bool:
    """Is ``cue`` the attribution of quote ``p`` rather than a verb of a neighbouring clause?"""
    subj = _subject_of(cue)
    if subj is not None:
        head = subj.head if subj.lower_ in _RELATIVE and cue.dep_ == "relcl" else subj
        span = _subtree_span(head)
        if span[0] < p.end and p.start < span[1]:
            return False  # the quote is part of the speaker phrase: "the so-called 'x' say"
    if after:
        between = view.tokens_in(p.end, cue.idx)
        allowed = _subtree_ids(subj) if subj is not None else set()
        return all(
            t.is_punct or t.is_space or t.i in allowed or t.pos_ in ("ADV", "AUX", "PART")
            for t in between
        )
    between = [t for t in view.tokens_in(cue.idx + len(cue.text), p.start) if not t.is_space]
    if not between:
        return True
    return len(between) <= 10 and between[-1].text in (":", ",", "that", "—", "–", "-")


def _subtree_span(tok: Token) -> tuple[int, int]:
    left, right = tok.left_edge, tok.right_edge
    return left.idx, right.idx + len(right.text)


def _subtree_ids(tok: Token) -> set[int]:
    return {t.i for t in tok.subtree}


def _carry_over(view: _DocView, p: _Passage, prev: _Passage | None) -> _Attribution | None:
    """A bare quote paragraph continues the previous quote's speaker."""
    if prev is None or prev.attribution is None:
        return None
    if view.paragraph_of(p.start) - view.paragraph_of(prev.end) > 1:
        return None
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    if view.text[lo : p.start].strip() and view.paragraph_of(p.start) != view.paragraph_of(
        prev.end
    ):
        return None
    return prev.attribution


def _merge_split_quotes(
    view: _DocView, passages: list[_Passage], cues: list[Token]
) -> list[_Passage]:
    """Join ``"We will," she said, "win."``: two quotes with only an attribution between."""
    merged: list[_Passage] = []
    for p in passages:
        if merged and _only_attribution_between(view, merged[-1], p):
            last = merged[-1]
            cue = next(t for t in view.tokens_in(last.end, p.start) if _is_cue(t))
            last.end = p.end
            last.attribution = _Attribution(cue, *_speaker_of(view, cue))
            continue
        merged.append(p)
    return merged


def _only_attribution_between(view: _DocView, first: _Passage, second: _Passage) -> bool:
    gap = view.text[first.end : second.start]
    if not (0 < len(gap) <= 90) or "\n" in gap:
        return False
    toks = [t for t in view.tokens_in(first.end, second.start) if not t.is_space]
    if not toks or len(toks) > 16 or any(t.text in _SENT_END for t in toks[:-1]):
        return False
    cues = [t for t in toks if _is_cue(t)]
    if not cues or not _frames(view, cues[0], first, after=True):
        return False
    subj = _subject_of(cues[0])
    allowed = _subtree_ids(subj) if subj is not None else set()
    allowed |= {
        c.i
        for t in cues
        for c in t.subtree
        if c.dep_ in ("prep", "pobj", "det", "amod", "dobj", "compound", "npadvmod", "advmod")
    }
    return all(
        t.is_punct or t.i in allowed or t.pos_ in ("ADV", "AUX", "PART", "ADP") or _is_cue(t)
        for t in toks
    )


# ---------------------------------------------------------------- speakers


def _subject_of(cue: Token) -> Token | None:
    """The speaker token of a reporting verb, climbing through "went on to say" chains."""
    if cue.lower_ == "according":
        for to in cue.children:
            if to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        return obj
        nxt = cue.nbor(1) if cue.i + 1 < len(cue.doc) else None
        if nxt is not None:
            for obj in nxt.children:
                if obj.dep_ == "pobj":
                    return obj
        return None
    tok = cue
    for _ in range(4):
        for child in tok.children:
            if child.dep_ in _SUBJECT_DEPS:
                if child.lower_ in _RELATIVE and tok.dep_ == "relcl":
                    return tok.head
                return child
            if child.dep_ == "agent":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ in _CLIMB_DEPS and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


def _speaker_of(view: _DocView, cue: Token) -> tuple[str | None, str | None]:
    subj = _subject_of(cue)
    if subj is None:
        return None, None
    return _name_of(view, subj, cue)


def _name_of(view: _DocView, subj: Token, cue: Token) -> tuple[str | None, str | None]:
    ents = view.entities
    low = subj.lower_
    if subj.pos_ == "PRON" or low in _PERSON_PRONOUNS:
        if low in ("he", "she"):
            return _resolve_pronoun(view, subj, low)
        return None, "PRON"
    # a name in the subject itself or in an apposition ("the minister, Jean Dupont,")
    best = None
    names = [subj] + [t for c in subj.children if c.dep_ == "appos" for t in c.subtree]
    for tok in names:
        m = ents.mention_at(tok.i)
        if m is None:
            continue
        rank = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}.get(m.label, 4) - (tok.i == subj.i)
        if best is None or rank < best[0]:
            best = (rank, m)
    if best is not None:
        return best[1].canonical, best[1].label
    if subj.pos_ == "PROPN":
        run = [t for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [subj]
        surface = " ".join(t.text for t in run)
        resolved = ents.resolve_name(surface)
        if resolved:
            return resolved, "PERSON"
        return surface, "PROPN"
    # a description ("Kerry's aides", "a spokesman for the ministry"): keep its words
    toks = [t for t in subj.lefts for t in t.subtree] + [subj]
    for right in subj.rights:
        if right.dep_ not in ("prep", "compound") or right.i > subj.i + 6:
            break
        toks.extend(right.subtree)
    toks = [t for t in toks if not t.is_punct]
    if not toks:
        return None, None
    first, last = toks[0], toks[-1]
    return view.text[first.idx : last.idx + len(last.text)], "NOUN"


def _known_genders(doc: Doc, entities: EntityIndex) -> dict[str, str]:
    """Gender of a person cluster when a title says it ("Mrs. Clinton")."""
    genders: dict[str, str] = {}
    for m in entities.mentions:
        if m.label != "PERSON":
            continue
        before = doc.text[max(0, m.start_char - 6) : m.start_char].strip().lower().split()
        word = before[-1] if before else ""
        inner = m.text.split()[0].lower() if m.text.split() else ""
        for w in (word, inner):
            if w in _MALE_TITLES:
                genders.setdefault(m.canonical, "m")
            elif w in _FEMALE_TITLES:
                genders.setdefault(m.canonical, "f")
    return genders


def _resolve_pronoun(view: _DocView, pron: Token, low: str) -> tuple[str | None, str | None]:
    """Most recent person outside quotes, skipping ones whose known gender disagrees."""
    want = "m" if low in _MALE else "f"
    limit = pron.idx
    for m in reversed(view.entities.mentions):
        if m.start_char >= limit or m.label != "PERSON":
            continue
        if limit - m.start_char > 3000:
            break
        toks = view.tokens_in(m.start_char, m.end_char)
        if toks and view.quoted(toks[0]):
            continue
        gender = view.genders.get(m.canonical)
        if gender is not None and gender != want:
            continue
        return m.canonical, "PERSON"
    return None, "PRON"
