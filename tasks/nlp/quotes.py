"""Who said what: direct and reported quotes with their speakers, from one parsed doc.

Quoted passages come from the quotation marks (tasks.quote_marks); reporting verbs and their
subjects come from the dependency parse (tasks.speakers names them). Each passage is tied to
its attribution by the first rule that applies:

1. parse: the passage fills or sits inside the complement of a reporting verb (``she said,
   "..."``; ``Cruz said he wasn't going to "act like a puppy"``). A partial quote inside a
   larger reported clause becomes the whole clause (kind mixed).
2. framing: a reporting verb right after or before it, with only the speaker, the verb's own
   modifiers and punctuation in between (``"...," said X, the minister.``).
3. governor: a partial quote in the object of some other verb takes that verb's subject
   (``Trump called on supporters to "go to your place and vote"``); short phrases only
   under a reporting verb.
4. introduction: the sentence before ends with a colon (``Sanders made this comment:``), or
   with an attribution of its own (``..., Schiff said. "..."``), or a dash names the speaker
   (``"..." ― Ana Ruiz``).
5. continuation: a bare quote paragraph keeps the previous quote's speaker; a quote resumed
   in the same paragraph after a short aside of the writer joins the quote before it.

Not quotes, whatever verb stands next to them: titles, slogans and signs in title case
(``"Less Money on Testing, More Money on Students"``), names given by a naming participle
(``a poem called "..."``, ``entitled '...'``), short passages no one is said to speak
(scare quotes; ``what is predicted to result from "exogenic" processes``), and phrases the
writer's own sentence runs into when nothing in it reports speech or names a speaker
(``terrified to "put yourself out there"``). Nor is speech no one is reported to have made:
negated, counterfactual, merely possible or anyone's (``don't say "..."``, ``would have
said``, ``might tell you``, ``you ask yourself, "..."``), examples (``For example: "..."``),
strings in program text and values (``alert("Saved!");``), titles in reference entries. When
the words between two quotes bring in a second voice (``Mills then writes back, "..."``),
they stay two quotes. An unattributed passage the writer's sentence
runs into otherwise is a mixed quote of that clause. Transcript turns (``PENCE: ...``) are
quotes of the named speaker.

Kinds: ``direct`` holds only the words inside the marks (a quote split around its
attribution is one quote of several fragments); ``mixed`` is a reported clause in the
writer's words with quoted words inside, also when the writer's words run straight into the
quote (``MaT was "fairly secular ..."``), but never after a colon (``X said: "..."`` stays
direct); ``indirect`` is a reporting verb left over with a clausal complement (``X said
(that) ...``, ``according to X, ...``), the charge of an accusation (``accused X of ...``)
or the object of a verb whose object is the statement (``reported a loss``), kept only when
it is speech: not negated or hypothetical, with someone speaking, and something reported.
Speakers are PERSON, ORG or GROUP, by the fullest name the article gives; None when unknown.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from newsflow.tasks.nlp.entities import EntityIndex
from newsflow.tasks.nlp.entity_forms import NOT_PERSON_WORDS
from newsflow.tasks.nlp.lexicons import (
    ANONYMITY_VERBS,
    CLAIM_NOUNS,
    FIELD_LABEL_WORDS,
    FINDING_VERBS,
    GOING_ON_VERBS,
    NAME_GIVING_VERBS,
    NAMING_VERBS,
    ORG_ENDINGS,
    REPLY_VERBS,
    SPEECH_VERBS,
    STATEMENT_OBJECT_VERBS,
    STUDY_NOUNS,
    TITLE_MINOR_WORDS,
    WORK_NOUNS,
)
from newsflow.tasks.nlp.names import name_gender
from newsflow.tasks.nlp.quote_marks import (
    DOUBLE_MARKS,
    Marked,
    find_marked_quotes,
    paragraph_spans,
)
from newsflow.tasks.nlp.speaker_frames import (
    LOOK_AHEAD,
    colon_clause,
    speaker_after,
    speaker_before,
    speaker_of_line,
)
from newsflow.tasks.nlp.speakers import (
    RELATIVE,
    SUBJECT_DEPS,
    SpeakerNamer,
    add_missed_speakers,
    claimant,
    subject_of,
)
from newsflow.tasks.records import Fragment, Quote

_SENT_END = frozenset({".", "!", "?"})
_DASHES = frozenset({"―", "—", "–", "-", "--"})
_QUOTE_CHARS = frozenset("\"“”«»„‘’'")
_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "PROPN"})
_COMPLEMENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "oprd", "prep", "attr", "acomp", "dative"})
# "― Ana Ruiz" closing the quote's line, or alone on the next line under a quote paragraph;
# review sites mask names with asterisks ("– Ali***", "– Ni** My**")
_DASH_NAME_RE = re.compile(
    r"[ \t\u00a0]*(?:\n[ \t\u00a0]*)*[―—–]+[ \t\u00a0]*"
    r"([A-Z][\w.'’*-]*(?:[ \u00a0]+[A-Z][\w.'’*-]*){0,4})[ \t\u00a0.]*(?:\n|$)"
)
_TRANSCRIPT_RE = re.compile(r"[ \t]*[\"“]?([A-Z][A-Z.'\- ]{0,30}[A-Z]):[ \t]+(?=\S)")
# Between the items of a list of quoted phrases: ", ", " and ", ", or " (or a bare space
# after an item that ends with a comma inside its marks: "rigged," "wounded").
# Dependencies that lead from a clause up to the verb it belongs to.
_OWN_REPORT_DEPS = frozenset(
    {"nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "dative", "mark", "prep"}
)
_CLAUSE_UP_DEPS = frozenset({"advcl", "ccomp", "xcomp", "pcomp", "prep", "relcl", "pobj", "dobj"})
_PARAGRAPH_RE = re.compile(r"[^\n]+")
_NAME_WORD_RE = re.compile(r"[A-Z][a-z][\w'’-]*")
_LIST_GAP_RE = re.compile(r"[ \t]*(?:,[ \t]*(?:(?:and|or)[ \t]+)?|(?:and|or)[ \t]+)")
# Entity labels and the rules' own tags, as speaker types (a country speaks as a government).
_SPEAKER_TYPES = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "ORG",
    "NORP": "GROUP",
    "NOUN": "GROUP",
}
_NEGATORS = frozenset({"not", "n't", "never", "nor"})
_HYPOTHETICAL = frozenset({"could", "might", "would", "may", "should", "can", "must", "to"})
# auxiliaries of words not (yet) said, when a condition is on them ("if ..., they will say")
_UNSAID_AUX = frozenset({"will", "'ll", "’ll", "would", "'d", "’d", "could", "might", "may"})
_CONDITIONS = frozenset({"if", "unless", "whenever"})
_MAYBE_AUX = frozenset({"might", "may"})  # "he might tell you ...": possibly, never said
_COUNTERFACTUAL_AUX = frozenset({"would", "could", "should", "'d", "’d"})  # + "have said"
_GENERIC_SUBJECTS = frozenset({"you", "one"})  # "you ask yourself, ...": anyone, no one
# verbs whose negation leaves the report standing: "did not hesitate to say"
_UNNEGATING_VERBS = frozenset({"hesitate", "fail", "stop", "cease"})
_EXAMPLE_BEFORE_RE = re.compile(
    r"(?:\bfor (?:example|instance)|\bexamples?|\be\.g\.|\bsay|\bsuch as)[ \t\u00a0]*[:,]?[ \t\u00a0]*\Z",
    re.IGNORECASE,
)
# program text: braces, a call closed with ");", an arrow or a function literal
_CODE_RE = re.compile(r"[{}]|=>|\bfunction[ \t]*\(|\w\([^()\n]*\);")
_CODE_REACH = 80  # program text right around the string, not anywhere in a long paragraph
_TIME_MARKS = frozenset({"as", "when", "while", "before", "after"})
_MODIFIER_DEPS = frozenset({"relcl", "acl"})
# what opens the writer's comment after a reported clause: ", which ...", " — a ..."
_WRITERS_TAIL_RE = re.compile(
    r",[ \t\u00a0]+(?:which|who|whose)\b|[ \t\u00a0][—–][ \t\u00a0](?!(?:and|or|but)\b)"
)
_FORMS_OF_BE = frozenset({"am", "is", "are", "was", "were", "'m", "’m", "'re", "’re", "'s", "’s"})
_WRITER_PRONOUNS = frozenset({"i", "we", "you", "us", "'s", "’s"})  # "let's say"
MIN_WORDS_UNCUED = 4  # shorter quoted bits with no attribution are scare quotes
MAX_TITLE_WORDS = 6  # "Face the Nation": short title-case passages are titles of works
MAX_MERGE_TOKENS = 60
# Tokens a rule reads back from a quote for the words that open it (spaces and commas among them)
_LOOK_BACK = 16
MAX_ASIDE_TOKENS = 20  # a longer stretch of the writer's words between two quotes parts them
MAX_HEADLINE_WORDS = 20  # a longer first paragraph is the story's own lede
MAX_SLOGAN_WORDS = 10  # longer title-case passages are headlines set in quotes
_CREDIT_RE = re.compile(r"[ \t\u00a0]*by[ \t\u00a0]+(?:the[ \t\u00a0]+)?[A-Z]")
_RELATIVE_AFTER_RE = re.compile(r"[ \t\u00a0]*,?[ \t\u00a0]+(?:who|whom|whose)\b")
_URL_RE = re.compile(r"(?:https?://|www\.)\S+")
# how many words after a quote closing on ? ! … may hold the verb that frames it
_FRAME_AFTER_STOP = 6
# the end of what precedes a cited title: "(Nov 2008). ", "(2017-06-08). ", "^ "
_REFERENCE_BEFORE_RE = re.compile(
    r"(?:\((?:[A-Z][a-z]+\.?[ \u00a0])?(?:\d{1,2}[ \u00a0])?\d{4}(?:-\d\d){0,2}[a-z]?\)\.|\^)"
    r"[ \t\u00a0]*\Z"
)


_RETRIEVED_AFTER_RE = re.compile(
    r"[ \t\u00a0]*[.,][^\n\"“”]{0,160}?\b(?:Retrieved|Archived from the original)\b"
)


@dataclass(slots=True)
class _Attribution:
    cue: str | None
    speaker: str | None
    label: str | None
    how: str  # which rule found it (parse, framing, governor, intro, continuation, ...)
    cue_token: int | None = None


@dataclass(slots=True)
class _Passage:
    start: int
    end: int
    attribution: _Attribution | None = None
    kind: str = "direct"
    extended: bool = False  # grown from the quoted words to the reported clause
    # the quoted runs, marks included (a split quote has two, a list of phrases several)
    marks: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.marks and self.kind != "indirect":
            self.marks = [(self.start, self.end)]


class _DocView:
    """Per-doc lookups shared by the rules below (built once, cheap to query)."""

    def __init__(self, doc: Doc, marked: list[Marked]) -> None:
        self.doc = doc
        self.text = doc.text  # spaCy rebuilds doc.text on each access
        self.paragraphs = paragraph_spans(self.text) or [(0, len(self.text))]
        self.para_starts = [s for s, _ in self.paragraphs]
        self.tok_starts = [t.idx for t in doc]
        self.quote_of_token = [-1] * len(doc)
        for qi, m in enumerate(marked):
            for t in self.tokens_in(m.start, m.end):
                self.quote_of_token[t.i] = qi

    def tokens_in(self, start: int, end: int) -> list[Token]:
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return [self.doc[i] for i in range(lo, hi)]

    def iter_tokens(self, start: int, end: int) -> Iterator[Token]:
        """The tokens of ``start:end`` one by one: a rule that stops at the first sentence
        end must not build the rest of a long paragraph (cost stays linear in quotes)."""
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return (self.doc[i] for i in range(lo, hi))

    def last_tokens(self, start: int, end: int, most: int) -> list[Token]:
        """At most the ``most`` last tokens of ``start:end``: what a rule reads right before
        a quote, without building the whole paragraph before it."""
        lo = bisect.bisect_left(self.tok_starts, start)
        hi = bisect.bisect_left(self.tok_starts, end)
        return [self.doc[i] for i in range(max(lo, hi - most), hi)]

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, char) - 1)

    def quoted(self, tok: Token) -> bool:
        return self.quote_of_token[tok.i] >= 0

    @cached_property
    def subtrees(self) -> _Subtrees:
        return _Subtrees(self.doc)

    @cached_property
    def _sentences(self) -> tuple[list[int], list[Span]]:
        spans = list(self.doc.sents)
        return [s.start for s in spans], spans

    def sentence_of(self, tok: Token) -> Span:
        """``tok.sent`` from bounds found once: ``Token.sent`` walks the whole sentence on
        each call, the square of a long sentence when a rule asks it once a quote."""
        starts, spans = self._sentences
        return spans[bisect.bisect_right(starts, tok.i) - 1]

    @cached_property
    def silent_sentences(self) -> dict[tuple[int, int], bool]:
        """Sentences (token bounds) whose words outside quotation marks report no speech and
        name no one, filled in as rules ask."""
        return {}

    @cached_property
    def words_before(self) -> tuple[list[int], list[int]]:
        """How many words (not punctuation, not blanks) come before each token, and how many
        of them are quoted: a clause's counts in two subtractions, not one walk a passage
        (many passages in one long clause made that the square of the text)."""
        words, quoted = [0], [0]
        for t in self.doc:
            word = not (t.is_punct or t.is_space)
            words.append(words[-1] + word)
            quoted.append(quoted[-1] + (word and self.quoted(t)))
        return words, quoted


def is_cue(tok: Token) -> bool:
    """A reporting verb ("said", "warned", "called"), the "according" of "according to", a
    verb of finding whose subject is a study ("the survey found"), or a noun of saying with
    its owner and a that-clause ("Trump's claim that ...")."""
    if tok.lower_ == "according":
        return tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to"
    lemma = tok.lemma_.lower()
    if tok.pos_ == "NOUN":
        return lemma in CLAIM_NOUNS and _claim_clause(tok) is not None and claimant(tok) is not None
    if lemma == "weigh":  # "Benioff weighed in, telling Cook, ...": spoke up
        return any(c.lower_ == "in" and c.i == tok.i + 1 for c in tok.children)
    if lemma == "put":  # "as a Homeland Security memo put it"
        return any(c.dep_ == "dobj" and c.lower_ == "it" for c in tok.children) and any(
            c.lower_ == "as" for c in tok.children
        )
    if not tok.tag_.startswith("VB"):
        return False
    if lemma in FINDING_VERBS:  # "the study found that ...": a document states it
        subj = subject_of(tok)
        return subj is not None and subj.lemma_.lower() in STUDY_NOUNS
    if not (lemma in SPEECH_VERBS or lemma in NAMING_VERBS):
        return False
    # "so-called", "well-known": part of a hyphenated adjective, not a verb of saying
    return not (tok.i > 0 and tok.nbor(-1).text == "-" and not tok.nbor(-1).whitespace_)


def extract_quotes(doc: Doc, entities: EntityIndex) -> list[Quote]:
    """Direct (incl. partial) and indirect quotes of ``doc`` with speakers, in text order."""
    text = doc.text
    marked = find_marked_quotes(text)
    view = _DocView(doc, marked)
    cues = [t for t in doc if is_cue(t) and not view.quoted(t)]
    contents = {cue.i: content_span(cue, view.subtrees) for cue in cues}
    speaker_tokens: set[int] = set()
    subjects = [s for s in (subject_of(cue, view.quoted) for cue in cues) if s is not None]
    add_missed_speakers(doc, text, entities, subjects, view.quoted)
    for subj in subjects:
        speaker_tokens.add(subj.i)
        speaker_tokens.update(c.i for c in subj.children if c.dep_ in ("compound", "appos"))
    reported = _reported_tokens(view, (span for span in contents.values() if span is not None))
    namer = SpeakerNamer(
        doc, text, entities, view.quoted, view.paragraph_of, speaker_tokens, reported
    )

    turns = _transcript_turns(view, namer)
    turn_paras = {view.paragraph_of(t.start) for t in turns}
    passages = _outside_turns(view, marked, turn_paras)
    passages = _merge_split_quotes(view, namer, passages)

    clauses = _CueClauses.of(view, cues, contents)
    results: list[_Passage] = []
    prev: _Passage | None = None
    for p in passages:
        quoted_text = view.text[p.start : p.end]
        if p.attribution is None:
            p.attribution = (
                _by_framing(view, namer, p, tight=True)
                or _by_parse(view, namer, p, clauses)
                or _by_framing(view, namer, p)
                or _by_governor(view, namer, p)
                or _by_manner(view, namer, p)
                or _by_introduction(view, namer, p)
                or _by_surface(view, namer, p)
                or _by_continuation(view, p, prev)
                or _by_carry_over(view, namer, p)
            )
        how = p.attribution.how if p.attribution else None
        if how is None and (
            _longest_run(view, p) < MIN_WORDS_UNCUED
            or _writers_phrase(view, p)
            or _writers_subject(view, p)
            or _heading(view, p)
            or _headline(view, p)
            or _lone_question(view, p)
            or _cited_after_dash(view, p)
            or _cited_reference(view, p)
        ):
            continue  # scare quotes; a phrase the writer's sentence runs into or is about;
            # a question the writer puts (no one is said to ask it)
        if how in ("parse", "framing") and _unspoken(view, view.doc[p.attribution.cue_token]):
            continue  # 'if ..., they will say "No."': words no one has said
        if _in_code(view, p) or _no_letters(quoted_text):
            continue  # 'alert("Saved!");', 'If-Match: "1"': strings of a program, values
        if how is None and (_example(view, p) or _listed_entry(view, p) or _talked_about(view, p)):
            continue  # 'For example: "..."', 'Bradner, S., "Key words ...", RFC 2119'
        if (
            p.attribution is not None
            and p.attribution.cue_token is not None
            and how != "continuation"
            and _hypothetical(view, view.doc[p.attribution.cue_token])
        ):
            continue  # 'would have said', "don't say", 'you ask yourself': never said
        if not p.extended and _embedded(view, p):
            _grow_to_clause(view, p)  # also unattributed: 'an enterprise "with deep roots"'
        elif how == "framing" and not p.extended and _phrase_after_cue(view, p):
            _grow_after_cue(view, p)  # 'urged "special attention" to Morris': mixed
        if how not in ("parse", "framing") and _is_title(quoted_text):
            continue  # titles of works, headings: "Face the Nation", 'Coal Isn't the Villain
        if (
            _is_slogan(quoted_text)
            or _is_named(view, p)
            or _credited_work(view, p)
            or _work_titled(view, p)
        ):
            continue  # 'signs such as "Less Money on Tests"', 'a poem called "Solstice"',
            # '"The Living Room to close," by Times' Ben Sisario'
        if _described_after(view, p):
            continue  # 'emailed a friend, "Carlos C.D. (spy)," who owned ...': a name
        if _so_called(view, p) or _nickname(view, p):
            continue  # 'this so-called "bridge" financing', 'George "Jay" Keyworth': a term
        if _longest_run(view, p) < MIN_WORDS_UNCUED and _nobody_says(view, p):
            continue  # 'what is predicted to come from "exogenic" processes': no one speaks
        if (
            results
            and prev is results[-1]
            and _same_voice(view, prev, p)
            and _resumes(view, prev, p)
        ):
            p.start = prev.start  # the speaker goes on after the writer's aside: one quote
        if results and p.start < results[-1].end:  # two quotes in one reported clause
            results[-1].end = max(results[-1].end, p.end)
            results[-1].marks.extend(p.marks)
            results[-1].extended = results[-1].extended or p.extended
            continue
        results.append(p)
        prev = p
    results.extend(turns)

    used = {p.attribution.cue_token for p in results if p.attribution is not None}
    for cue in cues:
        span = contents[cue.i]
        if cue.i in used or span is None:
            continue
        start, end = span
        if any(p.start < end and start < p.end for p in results):
            continue
        if any(_crosses(m, start, end) for m in marked):
            continue  # reported speech never runs across quotation marks or inside them
        if len(view.text[start:end].split()) < 3 or not _reports_speech(view, cue, span):
            continue
        speaker, label = namer.speaker_of(cue)
        attribution = _Attribution(_cue_text(cue), speaker, label, "indirect", cue.i)
        results.append(_Passage(start, end, attribution, kind="indirect"))
    results.sort(key=lambda p: p.start)
    quotes = [_to_quote(view, p) for p in results]
    _name_speakers_in_full(quotes, namer, entities, text)
    return quotes


def _name_speakers_in_full(
    quotes: list[Quote], namer: SpeakerNamer, entities: EntityIndex, text: str
) -> None:
    """Each speaker by the fullest name the article gives them, so one person's quotes
    group together: a surname, a given name or a short form becomes the full name."""
    full_names = {**namer.unlisted, **_full_names(entities)}
    for kept in namer.kept.values():  # "Vice President Biden" is not Hunter Biden
        full_names.pop(kept, None)
    given = _given_names(entities, full_names)
    fullest: dict[tuple[str, str | None], str] = {}
    for q in quotes:
        if q.speaker is None:
            continue
        if q.speaker_label in ("PERSON", "GROUP", None):
            fuller = full_names.get(q.speaker)
            if fuller is not None:  # "Parise said" when the article named Zach Parise
                q.speaker, q.speaker_label = fuller, "PERSON"
        if q.speaker_label in ("PERSON", "ORG", None) and q.speaker in given:
            q.speaker, q.speaker_label = given[q.speaker], "PERSON"  # "Dale wrote": Dale Ford
        elif q.speaker_label == "PERSON" and " " not in q.speaker:
            org = _full_org_name(q.speaker, entities)
            if org != q.speaker:  # "McClatchy reported": McClatchy Co., no person
                q.speaker, q.speaker_label = org, "ORG"
        key = (q.speaker, q.speaker_label)
        if key not in fullest:  # each name once, however many quotes it speaks
            if q.speaker_label == "PERSON":
                fullest[key] = _royal_name(_longest_form(q.speaker, entities), text)
            elif q.speaker_label == "ORG":
                fullest[key] = _full_org_name(q.speaker, entities)
            else:
                fullest[key] = q.speaker
        q.speaker = fullest[key]


def _full_org_name(name: str, entities: EntityIndex) -> str:
    """The organisation's fullest name in the article: an acronym spelt out ("WHO" for the
    World Health Organization) or a short form with its legal ending ("McClatchy Co.",
    "Alden Holdings"), when exactly one organisation of the article fits: quotes of one
    company then share one speaker."""
    orgs = {m.canonical for m in entities.mentions if m.label == "ORG"} - {name}
    if name.isupper() and name.isalpha() and 2 <= len(name) <= 6:
        fits = {o for o in orgs if _initials(o) == name}
    else:
        fits = {
            o for o in orgs if o.startswith(name + " ") and o[len(name) :].strip() in ORG_ENDINGS
        }
    return fits.pop() if len(fits) == 1 else name


def _initials(name: str) -> str:
    """The acronym a name is written as: first letters of its words but the minor ones."""
    words = re.findall(r"[A-Za-z][\w'’-]*", name)
    return "".join(w[0] for w in words if w.lower() not in TITLE_MINOR_WORDS).upper()


_ROYAL_TITLES = "Prince|Princess|King|Queen|Pope|Emperor|Empress|Duke|Duchess|Sheikh"


def _royal_name(name: str, text: str) -> str:
    """A lone given name the article writes with a royal or papal title is known by both
    ("Prince Andrew", "Pope Francis"): the title is part of the name, not a job."""
    if " " in name or not name[:1].isupper():
        return name
    titles = set(re.findall(rf"\b({_ROYAL_TITLES}) {re.escape(name)}\b", text))
    return f"{titles.pop()} {name}" if len(titles) == 1 else name


def _given_names(entities: EntityIndex, surnames: dict[str, str]) -> dict[str, str]:
    """A given name -> the one full person name of the article that opens with it (family
    members told apart by first name: "Dale wrote"), unless it is also a surname. Any first
    word counts, in the name lists or not ("Dale"): it is looked up only for a speaker."""
    found: dict[str, set[str]] = {}
    for m in entities.mentions:
        words = m.canonical.split()
        if m.label == "PERSON" and len(words) >= 2 and _NAME_WORD_RE.fullmatch(words[0]):
            found.setdefault(words[0], set()).add(m.canonical)
    return {
        first: names.pop()
        for first, names in found.items()
        if len(names) == 1 and first not in surnames
    }


def _longest_form(name: str, entities: EntityIndex) -> str:
    """The fullest form the article gives of a two-word name: "Joshua Apte" for "Josh
    Apte" when the article writes both (same surname, the given name a longer form); and
    a middle initial spelt out ("John Milo Ford" for "John M. Ford")."""
    words = name.split()
    if len(words) == 3 and re.fullmatch(r"[A-Z]\.", words[1]):
        spelt = {
            m.text
            for m in entities.mentions
            if m.label == "PERSON"
            and len(parts := m.text.split()) == 3
            and (parts[0], parts[2]) == (words[0], words[2])
            and parts[1][:1] == words[1][0]
            and len(parts[1]) > 2
        }
        return spelt.pop() if len(spelt) == 1 else name
    if len(words) != 2:
        return name
    longer = {
        m.text
        for m in entities.mentions
        if m.label == "PERSON"
        and len(parts := m.text.split()) == 2
        and parts[1] == words[1]
        and len(parts[0]) > len(words[0])
        and parts[0].startswith(words[0])
    }
    return longer.pop() if len(longer) == 1 else name


def _name_like(words: list[str]) -> bool:
    """ "Eyamba Sowers", not "Gannett Media": two or three name words, none an org word."""
    return len(words) <= 3 and all(
        _NAME_WORD_RE.fullmatch(w) and w.lower() not in NOT_PERSON_WORDS for w in words
    )


def _full_names(entities: EntityIndex) -> dict[str, str]:
    """A bare surname -> the one full person name of the article that ends with it (a
    two- or three-word name the NER called an organisation counts when no person does)."""
    people: dict[str, set[str]] = {}
    name_like: dict[str, set[str]] = {}
    for m in entities.mentions:
        words = m.canonical.split()
        if len(words) < 2:
            continue
        if m.label == "PERSON":
            people.setdefault(words[-1], set()).add(m.canonical)
        elif m.label == "ORG" and _name_like(words):
            name_like.setdefault(words[-1], set()).add(m.canonical)
    full = {last: names for last, names in name_like.items() if last not in people}
    full.update(people)
    return {last: next(iter(names)) for last, names in full.items() if len(names) == 1}


def _crosses(m: Marked, start: int, end: int) -> bool:
    """Does ``start:end`` overlap the quoted passage ``m`` other than by holding it whole (a
    title inside a reported clause)?"""
    return m.start < end and start < m.end and not (start <= m.start and m.end <= end)


def _reports_speech(view: _DocView, cue: Token, span: tuple[int, int]) -> bool:
    """Is this cue someone's speech reported in a clause, rather than a negated, hypothetical
    or nameless use of the verb, or a verb whose object is not a clause?"""
    if cue.lower_ == "according":
        return True
    if any(c.dep_ == "neg" or c.lower_ in _NEGATORS for c in cue.children):
        return False  # "the companies have not disclosed ...", "we will never know ..."
    if any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL for c in cue.children):
        return False  # "could say", "to tell you", "may suggest"
    if _conditional(cue):
        return False  # "If Trump says the sun rises in the east, ...": no one said it
    if cue.pos_ != "NOUN":
        if cue.tag_ == "VBN" and cue.dep_ in ("acl", "amod") or cue.dep_ == "amod":
            return False  # "a mission called ...", "promising ideas": a name or an adjective
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in cue.children)
        said_what = any(c.dep_ == "ccomp" for c in cue.children)
        if passive and not said_what and not any(c.dep_ == "agent" for c in cue.children):
            return False  # "was called ...", "is described as": a name, no one speaks
        if cue.lower_ == "said" and cue.i == cue.sent.start + 1 and cue.nbor(-1).lower_ == "that":
            return False  # "That said, ...": a discourse marker
    subj = subject_of(cue, view.quoted)
    if subj is None:
        # a headline ("Found: ...") or an imperative ("Get to know what ..."): no one speaks
        return cue.i != cue.sent.start and cue.tag_ != "VB"
    if subj.lower_ in _WRITER_PRONOUNS:
        return False  # the writer's or the reader's own thoughts: "I believe", "you know"
    if cue.lemma_.lower() in STATEMENT_OBJECT_VERBS and any(
        c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN") for c in cue.children
    ):
        return True  # "reported a loss": the object is the statement
    toks = view.tokens_in(*span)
    # a reported clause has a verb of its own; "as the Berm" or "for better pay" has not
    return any(t.pos_ in ("VERB", "AUX") and t.i != cue.i for t in toks)


def _to_quote(view: _DocView, p: _Passage) -> Quote:
    if p.extended and p.kind != "indirect":
        _trim_writers_tail(view, p)
    attr = p.attribution
    fragments = [] if p.kind == "indirect" else _fragments(view.text, p.marks)
    verbatim = " ".join(f.text for f in fragments) or None
    kind = p.kind if p.kind == "indirect" else "mixed" if p.extended else "direct"
    speaker, label = _speaker_type(attr)
    return Quote(
        quote=verbatim if kind == "direct" and verbatim else view.text[p.start : p.end],
        speaker=speaker,
        kind=kind,
        start_char=p.start,
        end_char=p.end,
        cue=attr.cue if attr else None,
        speaker_label=label,
        verbatim=verbatim,
        fragments=fragments,
    )


def _trim_writers_tail(view: _DocView, p: _Passage) -> None:
    """A reported clause ends before a relative clause or a dash aside that follows its
    last quoted words (``he was "sarcastic" in his comments, which raised concerns ...``,
    ``he was "encouraged" by the plan — a modest boost for Obama``): the writer's comment."""
    last = max(e for _, e in p.marks)
    m = _WRITERS_TAIL_RE.search(view.text, last, p.end)
    if m is not None:
        p.end = len(view.text[: m.start()].rstrip())


def _speaker_type(attr: _Attribution | None) -> tuple[str | None, str | None]:
    """The speaker and its type (PERSON, ORG or GROUP); (None, None) when unknown or when
    the rules named something that cannot speak (a product, a place, a work), or a "name"
    without a letter (a replacement character or an emoji where the page's name was lost)."""
    if attr is None or not attr.speaker or not any(c.isalpha() for c in attr.speaker):
        return None, None
    if attr.label == "PROPN":  # a proper name the NER missed: "WHO" is an acronym
        return attr.speaker, "ORG" if attr.speaker.isupper() else "PERSON"
    label = _SPEAKER_TYPES.get(attr.label or "")
    if label is None and name_gender(attr.speaker) is not None:
        label = "PERSON"  # "said analyst Joan Park" with the name taken for a place
    return (attr.speaker, label) if label else (None, None)


def _fragments(text: str, marks: list[tuple[int, int]]) -> list[Fragment]:
    """The words inside each pair of quotation marks, without the marks and the blanks next
    to them; a quote running over paragraphs gives one fragment a paragraph."""
    fragments = []
    for lo, hi in sorted(set(marks)):
        for para in _PARAGRAPH_RE.finditer(text, lo, hi):  # one fragment a paragraph
            start, end = para.span()
            while start < end and (text[start] in _QUOTE_CHARS or text[start].isspace()):
                start += 1
            while end > start and (text[end - 1] in _QUOTE_CHARS or text[end - 1].isspace()):
                end -= 1
            if end > start:
                fragments.append(Fragment(text=text[start:end], start_char=start, end_char=end))
    return fragments


def _cue_text(cue: Token) -> str:
    return "according to" if cue.lower_ == "according" else cue.text


def _attribution(namer: SpeakerNamer, cue: Token, how: str) -> _Attribution:
    return _Attribution(_cue_text(cue), *namer.speaker_of(cue), how, cue.i)


def _is_title(text: str) -> bool:
    """Short and title-case ("Dancing with the Stars"): every word capitalised but the
    short ones and the prepositions and conjunctions titles leave in lower case."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    long_words = [w for w in words if len(w) >= 4 and w.lower() not in TITLE_MINOR_WORDS]
    return 0 < len(words) <= MAX_TITLE_WORDS and all(w[0].isupper() for w in long_words)


def _is_slogan(text: str) -> bool:
    """Title case over several words ("Less Money on Testing, More Money on Students"): a
    slogan, a sign or a title, even next to a verb of saying; a sentence spoken has at most a
    name or two capitalised after its first word ("What a Super Tuesday!")."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
    if not 0 < len(words) <= MAX_SLOGAN_WORDS:
        return False
    long_words = [w for w in words[1:] if len(w) >= 4 and w.lower() not in TITLE_MINOR_WORDS]
    capitalised = {w.lower() for w in long_words if w[0].isupper()}
    return len(capitalised) >= 3 and len(capitalised) == len({w.lower() for w in long_words})


def _is_named(view: _DocView, p: _Passage) -> bool:
    """The passage is a name given by a naming participle right before it (``a poem called
    "..."``, ``an installation entitled '...'``, ``a show dubbed "..."``), not anyone's words:
    no one is said to have called it so (no "by X")."""
    start = p.marks[0][0]  # the opening mark (a mixed quote has grown to its clause)
    lo, _ = view.paragraphs[view.paragraph_of(start)]
    before = [
        t for t in view.last_tokens(lo, start, _LOOK_BACK) if not (t.is_space or t.text in ",:")
    ]
    if not before:
        return False
    if before[-1].pos_ == "DET" and len(before) > 1:  # 'a blog, called the "Feed,"'
        before = before[:-1]
    verb = before[-1]
    if verb.lower_ == "as" and len(before) > 1:  # "known as", "billed as"
        verb = before[-2]
    deps = {c.dep_ for c in verb.children}
    return (
        (verb.tag_ == "VBN" or verb.dep_ == "acl")
        and verb.lemma_.lower() in NAME_GIVING_VERBS
        # "called ... by X" names a speaker; "has called" is X's own active verb, "have been
        # called" a passive again
        and "agent" not in deps
        and ("aux" not in deps or "auxpass" in deps)
    )


def _nickname(view: _DocView, p: _Passage) -> bool:
    """A quoted capitalised word or two between a given name and a surname (``George "Jay"
    Keyworth``): a nickname, part of the name, not anyone's words."""
    if len(p.marks) != 1:
        return False
    start, end = p.marks[0]
    inner = [t for t in view.tokens_in(start, end) if not (t.is_punct or t.is_space)]
    if not inner or len(inner) > 2 or not all(t.text[:1].isupper() for t in inner):
        return False
    lo, hi = view.paragraphs[view.paragraph_of(start)]
    before = [t for t in view.last_tokens(lo, start, 2) if not t.is_space][-1:]
    after = next(([t] for t in view.iter_tokens(end, hi) if not t.is_space), [])
    return (
        bool(before and after)
        and before[0].idx + len(before[0].text) == start - view.text[lo:start].endswith(" ")
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in (*before, *after))
    )


def _work_titled(view: _DocView, p: _Passage) -> bool:
    """Each quoted run comes right after a noun for a work (``the song "Don't Stop
    Believin'"``, ``ran the headline "Mayor quits"``): its title or text, not anyone's words;
    a reported clause around it stays an indirect quote. A comma between (``According to the
    editorial, "..."``) makes the work a source that speaks."""
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]

    def after_work_noun(start: int) -> bool:
        before = [t for t in view.last_tokens(lo, start, 2) if not t.is_space]
        return bool(before) and before[-1].pos_ == "NOUN" and before[-1].lemma_ in WORK_NOUNS

    return bool(p.marks) and all(after_work_noun(start) for start, _ in p.marks)


_COMPLEMENTIZERS = frozenset({"that", "to", "if", "whether"})  # 'told them that "..."': mixed
_WHOM_DEPS = frozenset({"dative", "dobj", "prep", "npadvmod", "advmod"})
_SO_CALLED_RE = re.compile(r"\bso[ -]called[ \t\u00a0]*$", re.IGNORECASE)


def _so_called(view: _DocView, p: _Passage) -> bool:
    """``so-called "bridge" financing``: the writer names a term, no one is quoted."""
    start = p.marks[0][0]  # the opening mark (a mixed quote has grown to its clause)
    lo, _ = view.paragraphs[view.paragraph_of(start)]
    return _SO_CALLED_RE.search(view.text, max(lo, start - 12), start) is not None


def _described_after(view: _DocView, p: _Passage) -> bool:
    """A relative clause right after the closing mark describes what the marks hold
    (``a friend, "Carlos C.D. (spy)," who owned a shop``): a name, not words spoken."""
    if p.kind == "indirect" or p.extended or _RELATIVE_AFTER_RE.match(view.text, p.end) is None:
        return False
    # in apposition to a noun ("a friend, "), not words after a verb ('Silverman
    # interjected, "Ladies and gentlemen, Mr. Paul Simon," who ...')
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = [t for t in view.last_tokens(lo, p.start, 4) if not (t.is_punct or t.is_space)]
    return bool(before) and before[-1].pos_ in ("NOUN", "PROPN")


def _credited_work(view: _DocView, p: _Passage) -> bool:
    """A title credited to its author right after the closing mark (``"Met accused of
    whitewashing baby Jesus," by Post's Kathianne Boniello``): a work's name, not speech.
    Without the comma of a title in a list, only a title-case one ('called "strategic
    ambiguity" by Joshua Hendrick' names who called it so)."""
    if _CREDIT_RE.match(view.text, p.end) is None:
        return False
    return _closing_mark(view, p) == "," or _is_title(view.text[p.start : p.end])


# ---------------------------------------------------------------- what a cue reports


class _Subtrees:
    """Each token's subtree as a run of tokens, from one pass over a doc's heads, so a cue's
    clause is read off two bounds instead of by listing its tokens: with clauses nested in
    each other ("A said that B said that ...") listing costs the square of the text. A
    subtree that is not one run (a non-projective parse), or that spaCy's own edges would
    walk differently, has no run: its span is taken from its tokens as before."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        n = len(doc)
        heads = [t.head.i for t in doc]
        children: list[list[int]] = [[] for _ in range(n)]
        order = [i for i, h in enumerate(heads) if h == i]
        for i, h in enumerate(heads):
            if h != i:
                children[h].append(i)
        for i in order:  # roots first, then breadth first: a head before its children
            order.extend(children[i])
        lo, hi, size = list(range(n)), list(range(n)), [1] * n
        for i in reversed(order):
            h = heads[i]
            if h != i:
                lo[h], hi[h], size[h] = min(lo[h], lo[i]), max(hi[h], hi[i]), size[h] + size[i]
        # spaCy walks a subtree between its stored edges: where they are not the true
        # bounds of a token or of one below it, its walk is what counts
        edges = [(t.left_edge.i, t.right_edge.i) for t in doc]
        same = [edges[i] == (lo[i], hi[i]) for i in range(n)]
        for i in reversed(order):
            if not same[i]:
                same[heads[i]] = False
        reached = [False] * n
        for i in order:
            reached[i] = True
        self.runs: list[tuple[int, int] | None] = [
            (lo[i], hi[i]) if reached[i] and same[i] and size[i] == hi[i] - lo[i] + 1 else None
            for i in range(n)
        ]
        kept = [not (t.is_space or t.is_punct and t.text not in _QUOTE_CHARS) for t in doc]
        self.next_kept, self.prev_kept = [n] * (n + 1), [-1] * n
        for i in range(n - 1, -1, -1):
            self.next_kept[i] = i if kept[i] else self.next_kept[i + 1]
        for i in range(n):
            self.prev_kept[i] = i if kept[i] else self.prev_kept[i - 1] if i else -1

    def holds(self, root: Token, tok: Token) -> bool:
        """Is ``tok`` in the subtree of ``root``?"""
        run = self.runs[root.i]
        if run is None:
            return any(t.i == tok.i for t in root.subtree)
        return run[0] <= tok.i <= run[1]

    def kept_within(self, first: int, last: int) -> tuple[int, int] | None:
        """The first and the last token of ``first..last`` that ``_span_of`` keeps."""
        if first > last or self.next_kept[first] > last:
            return None
        return self.next_kept[first], self.prev_kept[last]

    def span_over(self, roots: list[Token]) -> tuple[int, int] | None:
        """``_span_of`` the subtrees of ``roots``, from their runs."""
        runs = [self.runs[r.i] for r in roots]
        if any(run is None for run in runs):
            return _span_of([t for r in roots for t in r.subtree])
        return self._chars([self.kept_within(*run) for run in runs if run is not None])

    def span_outside(self, head: Token, own: Token) -> tuple[int, int] | None:
        """``_span_of`` the subtree of ``head`` without that of ``own``, one of its children."""
        outer, inner = self.runs[head.i], self.runs[own.i]
        if outer is None or inner is None:
            mine = {t.i for t in own.subtree}
            return _span_of([t for t in head.subtree if t.i not in mine])
        return self._chars(
            [self.kept_within(outer[0], inner[0] - 1), self.kept_within(inner[1] + 1, outer[1])]
        )

    def span_beside(self, head: Token, own: Token) -> tuple[int, int] | None:
        """``span_outside``, but without a participle the parser hangs on the head after a
        parenthetical attribution (``"Far too much anger," the mayor said, blaming ...``):
        the writer describing the speaker, not more of the words reported."""
        outer, inner = self.runs[head.i], self.runs[own.i]
        if outer is None or inner is None or head.i > own.i:
            return self.span_outside(head, own)
        after = next((t for t in self.doc[inner[1] + 1 : outer[1] + 1] if not t.is_punct), None)
        if after is None or after.tag_ != "VBG" or after.dep_ not in ("acl", "advcl"):
            return self.span_outside(head, own)
        return self._chars([self.kept_within(outer[0], inner[0] - 1)])

    def _chars(self, kept: list[tuple[int, int] | None]) -> tuple[int, int] | None:
        found = [k for k in kept if k is not None]
        if not found:
            return None
        first, last = self.doc[min(k[0] for k in found)], self.doc[max(k[1] for k in found)]
        return first.idx, last.idx + len(last.text)


def _reported_tokens(view: _DocView, spans: Iterator[tuple[int, int]]) -> set[int]:
    """The indexes of the tokens in any of ``spans``, each token added once: nested reported
    clauses cover the same tokens again and again."""
    ranges = sorted(
        (bisect.bisect_left(view.tok_starts, s), bisect.bisect_left(view.tok_starts, e))
        for s, e in spans
    )
    tokens: set[int] = set()
    reach = 0
    for lo, hi in ranges:
        if max(lo, reach) < hi:
            tokens.update(range(max(lo, reach), hi))
        reach = max(reach, hi)
    return tokens


def content_span(cue: Token, trees: _Subtrees | None = None) -> tuple[int, int] | None:
    """Characters of what the cue reports: its clausal complement, or the clause it modifies.
    ``trees``: the doc's subtree runs, built once for all its cues."""
    if trees is None:
        trees = _Subtrees(cue.doc)
    if cue.lower_ == "according":
        head = cue.head
        if head.i == cue.i:
            return None
        return trees.span_outside(head, cue)
    if cue.pos_ == "NOUN":
        clause = _claim_clause(cue)
        return None if clause is None else trees.span_over([clause])
    if cue.lemma_.lower() in GOING_ON_VERBS and any(
        c.dep_ == "xcomp" and not is_cue(c) for c in cue.children
    ):
        return None  # "they continue to escalate the crisis": going on, not saying
    if any(_anonymity(c) for c in cue.children):
        return None  # "asked not to be identified": a condition of speaking, not speech
    comps = [c for c in cue.children if c.dep_ == "ccomp"]
    if _quote_then_misplaced_clause(cue, comps):
        comps = [c for c in comps if c.i < cue.i]
    objs = [c for c in cue.children if c.dep_ == "dobj" and c.i > cue.i]
    if comps and objs and objs[0].i < comps[0].i and not _has_subject(comps[0]):
        # "suggested the likely reason residents stay is fear": the object is the clause's
        # subject, split off by the parser
        comps = objs[:1] + comps
    if not comps:
        # "called the talks substantive", "condemned the test as provocative"
        named = [c for c in cue.children if c.dep_ == "oprd" or c.lower_ == "as"]
        if named:
            comps = [c for c in cue.children if c.dep_ == "dobj"] + named
        elif cue.lemma_ == "call":  # "called for a vote"
            comps = [c for c in cue.children if c.dep_ == "prep" and c.lower_ == "for"]
        else:  # "accused U.S. forces of controlling ...", "criticized Sanders for stealing ..."
            objs = [c for c in cue.children if c.dep_ == "dobj"]
            charge = [c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("of", "for")]
            # the parser often hangs the charge on the object: "forces of controlling"
            charge += [
                c
                for o in objs
                for c in o.children
                if c.dep_ == "prep"
                and c.lower_ in ("of", "for")
                and any(g.tag_ == "VBG" for g in c.children)
            ]
            if objs and charge and objs[0].i < charge[0].i:
                comps = objs + charge[:1]
    if not comps:
        # "urged Congress to act", "continues to insist"; not "continues to give" or "added
        # three assists to lead Boston"
        going_on = cue.lemma_.lower() in GOING_ON_VERBS
        comps = [
            c
            for c in cue.children
            if c.dep_ == "xcomp" and c.i > cue.i and (not going_on or is_cue(c))
        ]
    if not comps and cue.lemma_.lower() in STATEMENT_OBJECT_VERBS:
        # "reported a loss of $304.7 million", "claimed responsibility for ...": what is
        # announced or claimed is the object itself
        comps = [c for c in cue.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")]
    if not comps and cue.dep_ == "parataxis" and cue.head.i != cue.i:
        return trees.span_beside(cue.head, cue)
    if not comps:
        return None
    return trees.span_over(comps)


def _quote_then_misplaced_clause(cue: Token, comps: list[Token]) -> bool:
    """'"...," Trump said of Carrier, whose parent relocated jobs': a quoted clause closes
    right before the verb and the parser hangs a clause after it too, with no quotation
    mark between (a quote split around its verb, ''...,'' he said, ''that ...'', is one) or
    with another speaker's verb of saying between."""
    before = [c for c in comps if c.i < cue.i]
    after = [c for c in comps if c.i > cue.i]
    if not before or not after:
        return False
    doc = cue.doc
    closes = doc[before[-1].right_edge.i + 1 : cue.i]
    reopens = doc[cue.i + 1 : after[0].left_edge.i]
    if any(c.dep_ == "mark" for c in after[0].children):
        return False  # '"It's our bad luck," he said, that both men ...': his words go on
    if not any(_is_mark(t) for t in closes):
        return False
    # '"...," Cruz said as the heckler yelled: "You suck!"': another voice's words after
    return not any(_is_mark(t) for t in reopens) or any(
        is_cue(t) and _has_subject(t) for t in reopens
    )


def _is_mark(tok: Token) -> bool:
    return tok.text in ('"', "“", "”", "''", "``") or tok.tag_ in ("''", "``")


def _anonymity(comp: Token) -> bool:
    """ "(asked) not to be identified / named": the request for anonymity."""
    return (
        comp.dep_ == "xcomp"
        and comp.lemma_.lower() in ANONYMITY_VERBS
        and any(c.dep_ == "auxpass" for c in comp.children)
    )


def _has_subject(verb: Token) -> bool:
    """The clause states its own subject (else the parser may have split it off)."""
    return any(c.dep_ in SUBJECT_DEPS or c.dep_ == "expl" for c in verb.children)


def _claim_clause(noun: Token) -> Token | None:
    """The that-clause a noun of saying introduces (not a relative clause: "the claim that
    he made")."""
    for child in noun.children:
        if child.dep_ not in ("acl", "ccomp", "relcl") or child.i < noun.i:
            continue
        if any(g.dep_ == "mark" and g.lower_ == "that" for g in child.children):
            return child
    return None


def _span_of(toks: list[Token]) -> tuple[int, int] | None:
    toks = sorted(toks, key=lambda t: t.i)
    while toks and (toks[-1].is_space or toks[-1].is_punct and toks[-1].text not in _QUOTE_CHARS):
        toks.pop()
    while toks and (toks[0].is_space or toks[0].is_punct and toks[0].text not in _QUOTE_CHARS):
        toks.pop(0)
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def _quoted_share(view: _DocView, span: tuple[int, int]) -> float:
    lo = bisect.bisect_left(view.tok_starts, span[0])
    hi = bisect.bisect_left(view.tok_starts, span[1])
    words, quoted = view.words_before
    if words[hi] <= words[lo]:
        return 1.0
    return (quoted[hi] - quoted[lo]) / (words[hi] - words[lo])


def _extend(view: _DocView, p: _Passage, span: tuple[int, int]) -> None:
    """Grow a partial quote to its reported clause when the clause is mostly not quoted."""
    if view.text[: p.start].rstrip().endswith(":"):
        return  # 'She sings ...: "Ain't no place like home"': a colon introduces direct words
    if _quoted_share(view, span) < 0.75 and span[1] - span[0] > p.end - p.start:
        lo, hi = view.paragraphs[view.paragraph_of(p.start)]
        p.start, p.end = max(lo, min(p.start, span[0])), min(hi, max(p.end, span[1]))
        p.extended = True


def _longest_run(view: _DocView, p: _Passage) -> int:
    """Words in the passage's longest quoted run: a list of quoted phrases ("stronger" and
    "more viable") is as short as its longest item."""
    return max((len(view.text[s:e].split()) for s, e in p.marks), default=0)


def _embedded(view: _DocView, p: _Passage) -> bool:
    """The writer's words run straight into the quote (``MaT was "fairly secular ..."``,
    ``an "end to the violence"``): a mixed quote, not the speaker's words on their own."""
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = view.text[lo : p.start].rstrip()
    if not before or not (before[-1].isalnum() or before[-1] in "’'%)"):
        return False
    # 'quoted as saying "the West must ..."': a reporting verb itself opens the quote
    last = [t for t in view.last_tokens(lo, p.start, _LOOK_BACK) if not t.is_space]
    return not (last and (is_cue(last[-1]) or _told_whom_then_sentence(view, p, last)))


def _told_whom_then_sentence(view: _DocView, p: _Passage, last: list[Token]) -> bool:
    """``told Reuters "We have concluded the talks."``: the reporting verb and whom it was
    told open a whole quoted sentence (a capital first word, a full stop inside the marks),
    with no colon or comma between; the words before the marks are the attribution."""
    inner = view.text[p.start : p.end].strip("".join(_QUOTE_CHARS) + " \t")
    if not inner[:1].isupper() or inner[-1:] not in _SENT_END or len(inner.split()) < 3:
        return False
    if not any(t.pos_ in ("VERB", "AUX") for t in view.tokens_in(p.start, p.end)):
        return False  # 'under subject line "DOS participation at CGI."': a title, no sentence
    for k in range(len(last) - 1, -1, -1):
        tok = last[k]
        if tok.is_punct or view.quoted(tok) or tok.pos_ in ("VERB", "AUX") and not is_cue(tok):
            return False
        if is_cue(tok):
            if tok.lemma_.lower() in NAMING_VERBS:
                return False  # 'called it "A disaster."': a name the writer reports
            gap = last[k + 1 :]
            inside = {t.i for t in tok.subtree}
            return (
                bool(gap)
                and all(t.i in inside and t.lower_ not in _COMPLEMENTIZERS for t in gap)
                and all(t.dep_ in _WHOM_DEPS for t in gap if t.head.i == tok.i)
            )
    return False


def _same_voice(view: _DocView, prev: _Passage, p: _Passage) -> bool:
    """``p`` goes on with ``prev``'s speaker: it keeps it by continuation, or the sentence
    before it is ``prev``'s own or gives the very cue that framed ``prev``; and ``p`` has no
    framing of its own after it (``"...," McDowell laughed``)."""
    attr, before = p.attribution, prev.attribution
    if attr is None or before is None or _framed_after(view, p):
        return False
    if attr.how == "continuation":
        return True
    if attr.how != "intro":
        return False
    if attr.cue_token is not None and attr.cue_token == before.cue_token:
        return True
    # '"...," McDowell laughed. "..."': the sentence that introduces p is prev's own
    gap = [t for t in view.tokens_in(prev.end, p.start) if not t.is_space]
    inner = view.tokens_in(prev.start, prev.end)
    return (
        bool(gap and inner)
        and gap[-1].sent.start == inner[-1].sent.start
        and attr.speaker is not None
        and attr.speaker == before.speaker
    )


def _framed_after(view: _DocView, p: _Passage) -> bool:
    """The quote closes on a comma (or ? ! …) and the writer's words go on after it in the
    same line: ``"...," McDowell laughed`` is attributed by what follows it, not by what
    came before."""
    mark = _closing_mark(view, p)
    if mark not in (",", "?", "!", "…"):
        return False
    after = _words_after(view, p, to_comma=False)
    # a verb of the words after with its subject there too ("a detail that fits" is an aside);
    # after ? ! … a new sentence may start, so only a reporting verb right after the quote
    # frames it ('"...?" Maddow repeated', not '"...!" Not long after, she bought a house')
    if mark != ",":
        after = after[:_FRAME_AFTER_STOP]
    return any(
        t.pos_ == "VERB"
        and t.dep_ not in ("relcl", "acl")
        and (mark == "," or is_cue(t))
        and any(c.dep_ in SUBJECT_DEPS and c.idx >= p.end for c in t.children)
        for t in after
    )


def _closing_mark(view: _DocView, p: _Passage) -> str:
    """The punctuation the quoted words end on inside their marks ("," of ``"...," she
    said``): a comma leaves the sentence open for the words after the quote."""
    return view.text[p.start : p.end].rstrip(" \t\"“”'‘’")[-1:]


def _words_after(view: _DocView, p: _Passage, *, to_comma: bool) -> list[Token]:
    """The writer's words after the quote in its sentence, up to the next quotation or
    sentence end (and the next comma when ``to_comma``): where a framing after it is."""
    _, hi = view.paragraphs[view.paragraph_of(p.start)]
    after: list[Token] = []
    for t in view.iter_tokens(p.end, hi):
        if view.quoted(t) or t.text in _SENT_END or (to_comma and after and t.text == ","):
            break
        if not t.is_space:
            after.append(t)
    return after


def _resumes(view: _DocView, prev: _Passage, p: _Passage) -> bool:
    """``"...," she said. "So I called ...," a detail that fits the film. "So I ..."``: a
    direct quote resumed in the same paragraph after at most a short aside of the writer; or
    in the next paragraph, wholly quoted, when the one before closes on the attribution
    (``"...," said Philip Luther, director at Amnesty.`` / ``"The frequency ..."``)."""
    if prev.extended or p.extended:
        return False
    if _single_marked(view, prev) != _single_marked(view, p):
        return False  # '"...," she said.' then "'A fight from start to finish.'": a heading
    pi, prev_pi = view.paragraph_of(p.start), view.paragraph_of(prev.end)
    gap = [t for t in view.tokens_in(prev.end, p.start) if not t.is_space]
    if sum(t.text in _SENT_END for t in gap) > 1:
        return False
    if pi == prev_pi:
        return len(gap) <= MAX_ASIDE_TOKENS and not _another_acts(gap)
    lo, hi = view.paragraphs[pi]
    closing = view.text[prev.end : view.paragraphs[prev_pi][1]]
    return (
        pi == prev_pi + 1
        and not view.text[lo : p.start].strip()
        and view.text[p.end : hi].strip() == ""
        and any(c.isalpha() for c in closing)
        and not any(c in DOUBLE_MARKS for c in closing)
    )


def _single_marked(view: _DocView, p: _Passage) -> bool:
    """The passage opens with a single mark: a speaker's quote goes on in one style of marks."""
    start = p.marks[0][0]
    return view.text[start] in "'‘’" and view.text[start + 1 : start + 2] not in ("'", "’")


def _another_acts(gap: list[Token]) -> bool:
    """Someone acts in a clause joined to the attribution (``Ebeling said, and her husband
    cut in.``): the quote after it may be anyone's, so it is not resumed."""
    return any(
        t.dep_ in SUBJECT_DEPS
        and t.head.dep_ == "conj"
        and t.head in gap
        and t.head.head in gap
        and is_cue(t.head.head)  # not "advancing upon me, and whom I knew to be ..."
        for t in gap
    )


def _nobody_says(view: _DocView, p: _Passage) -> bool:
    """The attribution names no one and its verb has no subject or is a passive with no
    "by" ("what is predicted to result from ...", "terrified to say ..."): a phrase, not
    someone's words."""
    attr = p.attribution
    if attr is None or attr.speaker:
        return attr is None
    if attr.cue_token is None:
        return True
    cue = view.doc[attr.cue_token]
    deps = {c.dep_ for c in cue.children}
    passive = bool(deps & {"auxpass", "nsubjpass"}) and "agent" not in deps
    return passive or subject_of(cue, view.quoted) is None


def _writers_phrase(view: _DocView, p: _Passage) -> bool:
    """The writer's own sentence runs into the quote (``terrified to "put yourself out
    there"``) and nothing in it outside the marks reports speech or names someone who could
    have said it: a phrase in quotation marks, not a quote."""
    if not _embedded(view, p):
        return False
    inner = view.tokens_in(p.start, p.end)
    if not inner:
        return False
    sent = view.sentence_of(inner[0])
    known = view.silent_sentences  # one walk a sentence, however many quotes it holds
    if (sent.start, sent.end) not in known:
        known[sent.start, sent.end] = not any(
            is_cue(t) or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            for t in sent
            if not view.quoted(t)
        )
    return known[sent.start, sent.end]


def _writers_subject(view: _DocView, p: _Passage) -> bool:
    """The quoted words are the subject of the writer's own verb (``"Become an online
    leader" sounds like a tall order``): words talked about, not someone's quote."""
    inner = [t for t in view.tokens_in(p.start, p.end) if not (t.is_punct or t.is_space)]
    roots = [t for t in inner if not p.start <= t.head.idx < p.end]
    if len(roots) != 1 or roots[0].dep_ not in SUBJECT_DEPS or roots[0].head.i < roots[0].i:
        return False
    if view.text[p.start : p.end].rstrip(" \"“”'‘’")[-1:] == ",":
        return False  # '"Very good reporter," Trump, the front-runner, ...': speech going on
    sent = view.sentence_of(roots[0])
    opens = all(t.is_punct or t.is_space for t in view.tokens_in(sent.start_char, p.start))
    return opens and not any(is_cue(t) for t in sent if not view.quoted(t))


def _talked_about(view: _DocView, p: _Passage) -> bool:
    """The writer's next word is a verb in the present, not one of saying, that governs the
    quoted words (``"I could eat a horse," means you're hungry``): the comma closes a phrase
    talked about, not speech that goes on. A subject after that verb makes it a framing
    (``"...," reads a Wednesday editorial``)."""
    inner = [t for t in view.tokens_in(p.start, p.end) if not (t.is_punct or t.is_space)]
    roots = {t.head.i for t in inner if not p.start <= t.head.idx < p.end}
    after = next((t for t in view.iter_tokens(p.end, len(view.text)) if not t.is_space), None)
    return (
        after is not None
        and roots == {after.i}
        and after.tag_ == "VBZ"
        and after.text.islower()
        and not is_cue(after)
        and not any(c.dep_ in SUBJECT_DEPS and c.i > after.i for c in after.children)
    )


def _heading(view: _DocView, p: _Passage) -> bool:
    """A short paragraph that is nothing but a quotation with no closing punctuation
    inside the marks (``"We write with urgency"``): a heading that cites, not a quote."""
    lo, hi = view.paragraphs[view.paragraph_of(p.start)]
    if view.text[lo:hi].strip() != view.text[p.start : p.end].strip():
        return False
    words = view.text[p.start : p.end].strip(" \"“”'‘’").rstrip()
    if _single_marked(view, p) and len(words.split()) <= MAX_TITLE_WORDS:
        return True  # 'A fight from start to finish.': a heading set in single marks
    return len(words.split()) <= MAX_TITLE_WORDS * 2 and words[-1:] not in ".!?,…"


def _headline(view: _DocView, p: _Passage) -> bool:
    """A quotation in a short first paragraph that nobody is said to speak (``'We are in
    shock, horrified': A mosque feels the spotlight``): the story's headline citing it."""
    if view.paragraph_of(p.start) != 0:
        return False
    lo, hi = view.paragraphs[0]
    return len(view.text[lo:hi].split()) <= MAX_HEADLINE_WORDS


def _cited_after_dash(view: _DocView, p: _Passage) -> bool:
    """The writer's words, a dash or an ellipsis, then the quotation, and no one said to
    speak it (``One of the habits – "Put first things first"``, ``then it hits you — "Oh,
    ..."``, ``to offer a kiss… "a kiss of death"``): a maxim, a slogan or a thought the
    writer cites, not a quote."""
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = view.text[lo : p.start].rstrip()
    return before[-1:] in ("—", "–", "―", "…") and any(c.isalpha() for c in before)


def _cited_reference(view: _DocView, p: _Passage) -> bool:
    """The title in an entry of a reference list (``Hinton, G.E. (Nov 2008). "Visualizing
    Data Using t-SNE". Journal of ...``, ``^ "K-means clustering ...". Cross Validated.``):
    right after the entry's date in parentheses or a back-link caret, no one speaks it."""
    lo, hi = view.paragraphs[view.paragraph_of(p.start)]
    if _REFERENCE_BEFORE_RE.search(view.text, lo, p.start) is not None:
        return True
    # '"Rising seas threaten the coast". The Daily Planet. Retrieved 6 May 2018.': the
    # title closes on the entry's full stop and the entry says when the page was fetched
    return _RETRIEVED_AFTER_RE.match(view.text, p.end, hi) is not None


def _lone_question(view: _DocView, p: _Passage) -> bool:
    """A single quoted question no one is said to ask (``First, "Is streaming the future of
    gaming?"``, ``you will always wonder, "What would have happened ...?"``): the writer's
    question, not a quote."""
    words = view.text[p.start : p.end].strip(" \t\n\"“”'‘’«»„")
    return words.endswith("?") and not re.search(r"[.!?…](?=\s)", words[:-1])


def _conditional(cue: Token) -> bool:
    """The reporting verb is itself the condition (``If Trump says ...``)."""
    return any(c.dep_ == "mark" and c.lower_ in _CONDITIONS for c in cue.children)


def _unspoken(view: _DocView, cue: Token) -> bool:
    """Words someone would say if something happened: a reporting verb in the future or a
    modal (``will say``, ``is going to say``) with a condition on it (``If Trump says ...,
    they will say "No."``). Without the condition a future report is often a speech released
    in advance (``"...," he will say``), a modal one often said (``could only quip``)."""
    if _conditional(cue):
        return True  # 'if he says "I quit," ...'
    own = [c for c in cue.children if not view.quoted(c)]  # '"hard not to," he said'
    head = cue
    if (
        cue.dep_ == "xcomp"
        and cue.head.lower_ == "going"
        and any(c.dep_ == "aux" and c.lower_ in _FORMS_OF_BE for c in cue.head.children)
    ):
        head = cue.head  # "you're going to say"
    elif not any(
        c.dep_ == "aux" and c.tag_ == "MD" and c.text.islower() and c.lower_ in _UNSAID_AUX
        for c in own
    ):
        return False  # "Will" in "Will urged" is George Will
    return any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _CONDITIONS for m in c.children)
        for c in head.children
    )


def _hypothetical(view: _DocView, cue: Token) -> bool:
    """Words no one is reported to have said: the reporting verb negated (``Don't say
    "..."``, ``You don't need to say "..."``), counterfactual (``would have said``), merely
    possible (``he might tell you``), an order to the reader (``Say "cheese"``) or anyone's
    at all (``you ask yourself, "..."``). A bare future or ``would`` stays (a speech
    released in advance, ``would later say``), and so does ``may have said it best``."""
    if cue.pos_ == "NOUN" or cue.lower_ == "according" or not is_cue(cue):
        return False  # '... doesn't surprise pollster Shaw: "..."' is no verb of saying
    chain = [cue]  # "need to say": the verb that governs the infinitive carries the negation
    while chain[-1].dep_ == "xcomp" and chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    own = {t.i for t in chain}
    for verb in chain:
        deps = [c for c in verb.children if not view.quoted(c) and c.i not in own]
        if any(c.dep_ == "neg" for c in deps) and verb.lemma_.lower() not in _UNNEGATING_VERBS:
            return True
        modals = {c.lower_ for c in deps if c.dep_ == "aux" and c.tag_ == "MD" and c.text.islower()}
        perfect = any(c.dep_ == "aux" and c.lower_ == "have" for c in deps)
        if modals & (_COUNTERFACTUAL_AUX if perfect else _MAYBE_AUX):
            return True  # "would have said", "might tell"
    top = chain[-1]
    if top.tag_ == "VB" and top.dep_ == "ROOT" and top.i == top.sent.start:
        return True  # "Say ...", "Tell them ...": the writer's order, not a report
    subj = subject_of(cue, view.quoted)
    return (
        subj is not None
        and subj.lower_ in _GENERIC_SUBJECTS
        and not any(True for _ in subj.children)  # "one of her ads" is someone
        and all(v.tag_ not in ("VBD", "VBN") for v in chain)
    )


def _example(view: _DocView, p: _Passage) -> bool:
    """A quotation given as an example (``For example: "..."``, ``such as "..."``, ``don't
    say "..."``): words shown, not someone's speech."""
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    return _EXAMPLE_BEFORE_RE.search(view.text, max(lo, p.start - 40), p.start) is not None


def _listed_entry(view: _DocView, p: _Passage) -> bool:
    """A title in a list entry or reference, after its author and a comma or full stop
    (``Bradner, S., "Key words for use in RFCs"``), with no verb in the entry outside the
    marks: no sentence frames the quote, so no one is said to speak it."""
    lo, hi = view.paragraphs[view.paragraph_of(p.start)]
    before = view.text[lo : p.start].rstrip(" \t\u00a0")
    if before[-1:] not in (",", ".") or len(before.split()) > 12:
        return False
    outside = [t for t in view.tokens_in(lo, hi) if not view.quoted(t) and not t.is_space]
    return not any(t.pos_ in ("VERB", "AUX") for t in outside)


def _no_letters(text: str) -> bool:
    """``"1"``, ``"404"``: a value or a number in marks, no words anyone spoke."""
    return not any(c.isalpha() for c in text)


def _in_code(view: _DocView, p: _Passage) -> bool:
    """The quoted string sits in a line of program text (``console.log("Fetch failed!");``,
    ``it("should greet", function() {``): a string literal, not speech."""
    lo, hi = view.paragraphs[view.paragraph_of(p.start)]
    lo, hi = max(lo, p.start - _CODE_REACH), min(hi, p.end + _CODE_REACH)
    return _CODE_RE.search(view.text, lo, hi) is not None


def _phrase_after_cue(view: _DocView, p: _Passage) -> bool:
    """The reporting verb before the quote takes it as a phrase of the writer's clause, not
    as words spoken on their own: the sentence goes on after the closing mark (``urged
    "special attention" to Stella Morris``), or a naming verb's object stands between
    (``called the massacre by his son, "the act of a terrorist."``). Mixed, as ``He called
    the plan "a disaster."``"""
    cue = view.doc[p.attribution.cue_token] if p.attribution and p.attribution.cue_token else None
    if cue is None or cue.idx > p.start:
        return False
    between = [t for t in view.tokens_in(cue.idx + len(cue.text), p.start) if not t.is_space]
    if between and between[-1].text == ":":
        return False  # 'described the scene: "..."' introduces the speaker's own words
    if cue.lemma_.lower() in NAMING_VERBS and any(
        t.dep_ == "dobj" and t.head.i == cue.i for t in between
    ):
        return True
    if between or _closing_mark(view, p) in (",", ".", "!", "?", ":", ";", "…"):
        return False
    _, hi = view.paragraphs[view.paragraph_of(p.end)]
    rest = view.text[p.end : hi].lstrip(" \t\u00a0")
    return rest[:1].isalnum()


def _grow_after_cue(view: _DocView, p: _Passage) -> None:
    """Span the reporting verb's complement, from its first word after the verb to the end
    of what the verb governs after the quote (its own coordinated verbs left out)."""
    cue = view.doc[p.attribution.cue_token]
    toks = [
        t
        for c in cue.children
        if c.i > cue.i and c.dep_ not in ("conj", "cc", "punct")
        for t in c.subtree
        if not view.quoted(t) or p.start <= t.idx < p.end
    ]
    words = [t for t in view.tokens_in(cue.idx + len(cue.text), p.start) if not t.is_space]
    start = words[0].idx if words else p.start
    sent = view.sentence_of(cue)
    end = max([p.end] + [t.idx + len(t.text) for t in toks if sent.start <= t.i < sent.end])
    lo, hi = view.paragraphs[view.paragraph_of(p.start)]
    start, end = max(lo, min(start, p.start)), min(hi, end)
    if (start, end) != (p.start, p.end):  # 'He said "The Hispanics" and swears ...': direct
        p.start, p.end, p.extended = start, end, True


def _grow_to_clause(view: _DocView, p: _Passage) -> None:
    """A mixed quote spans the clause it sits in, from the clause's first word (after the
    reporting verb when that verb comes first) to the end of the quote."""
    inner = [t for t in view.tokens_in(p.start, p.end) if not (t.is_punct or t.is_space)]
    if not inner:
        return
    verb = inner[0]
    while (view.quoted(verb) or verb.pos_ not in ("VERB", "AUX")) and verb.head.i != verb.i:
        verb = verb.head
    sent = view.sentence_of(inner[0])
    start = max(verb.left_edge.idx, sent.start_char)
    cue = p.attribution.cue_token if p.attribution else None
    if cue is not None and start <= view.doc[cue].idx < p.start:
        after = view.tokens_in(view.doc[cue].idx + 1, p.start)
        after = [t for t in after if not (t.is_punct or t.is_space or t.lower_ == "that")]
        start = after[0].idx if after else p.start
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    p.start = max(lo, min(start, p.start))
    p.extended = True


# ---------------------------------------------------------------- attribution rules


def _by_parse(
    view: _DocView, namer: SpeakerNamer, p: _Passage, clauses: _CueClauses
) -> _Attribution | None:
    """The reporting verb whose complement holds the passage (or that the passage fills).

    When reports nest (``X told CBS that the campaign expects Holt to call out Trump's
    "lies"``) the outermost one is the attribution, as in news attribution corpora.
    """
    paras = (view.paragraph_of(p.start), view.paragraph_of(p.end))
    best: tuple[float, int, Token, tuple[int, int]] | None = None
    near = (
        (clauses.starts < p.end)
        & (clauses.ends > p.start)
        & ((clauses.paragraphs == paras[0]) | (clauses.paragraphs == paras[1]))
    )
    for k in np.flatnonzero(near):  # only these can overlap: the rest cost the square
        cue, span = clauses.cues[k], clauses.spans[k]
        ov = _overlap(p.start, p.end, span[0], span[1])
        if ov <= 0:
            continue
        coverage = round(ov / (p.end - p.start), 1)
        key = (coverage, span[1] - span[0], cue, span)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    _, _, cue, span = best
    _extend(view, p, span)
    return _attribution(namer, cue, "parse")


@dataclass(frozen=True)
class _CueClauses:
    """The cues with a reported clause, each clause's start, end and the cue's paragraph as
    arrays: built once per doc, so a passage picks the few clauses it overlaps without
    walking every cue."""

    cues: list[Token]
    spans: list[tuple[int, int]]
    starts: np.ndarray
    ends: np.ndarray
    paragraphs: np.ndarray

    @classmethod
    def of(
        cls, view: _DocView, cues: list[Token], contents: dict[int, tuple[int, int] | None]
    ) -> _CueClauses:
        spoken = [(c, span) for c in cues if (span := contents[c.i]) is not None]
        return cls(
            cues=[c for c, _ in spoken],
            spans=[span for _, span in spoken],
            starts=np.array([s for _, (s, _) in spoken], dtype=np.int64),
            ends=np.array([e for _, (_, e) in spoken], dtype=np.int64),
            paragraphs=np.array([view.paragraph_of(c.idx) for c, _ in spoken], dtype=np.int64),
        )


def _by_framing(
    view: _DocView, namer: SpeakerNamer, p: _Passage, *, tight: bool = False
) -> _Attribution | None:
    """A reporting verb just after the quote (same sentence) or just before it.

    ``tight``: only a verb right before the quote with nothing but ``:`` or ``,`` between
    (``X said: "..."``), which beats the parse; looser frames only follow it.
    """
    lo, hi = view.paragraphs[view.paragraph_of(p.end)]
    after = [] if tight else list(islice(view.iter_tokens(p.end, hi), 16))
    for t in after:
        if view.quoted(t) or t.text in _SENT_END:
            break
        if is_cue(t):
            if _frames(view, t, p, after=True):
                return _attribution(namer, t, "framing")
            break
    dash = None if tight else _dash_attribution(view, namer, p)
    if dash is not None:
        return dash
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = view.last_tokens(lo, p.start, 25)
    for t in reversed(before):
        if view.quoted(t) or t.text in _SENT_END:
            break
        if is_cue(t):
            if _frames(view, t, p, after=False, tight=tight):
                return _attribution(namer, t, "framing")
            break
    return None


def _frames(
    view: _DocView,
    cue: Token,
    p: _Passage,
    *,
    after: bool,
    tight: bool = False,
    resumes_at: int | None = None,
) -> bool:
    """Is ``cue`` the attribution of ``p`` rather than a verb of a neighbouring clause?

    ``resumes_at``: where the same quote goes on after the attribution (a clause there is
    the quote's second half, not another report)."""
    subj = subject_of(cue, view.quoted)
    if subj is not None:
        head = subj.head if subj.lower_ in RELATIVE and cue.dep_ == "relcl" else subj
        # the parser may hang the quote's closing mark on the speaker phrase ("” reporter
        # Jane Roe asked"): only words count
        words = [t for t in head.subtree if not t.is_punct] or [head]
        left, right = words[0], words[-1]
        if left.idx < p.end and p.start < right.idx + len(right.text):
            return False  # the quote is part of the speaker phrase: "the so-called 'x' say"
    if after:
        own = [c for c in cue.children if c.dep_ in ("ccomp", "intj") and c.i > cue.i]
        if any(resumes_at is None or c.idx < resumes_at for c in own):
            return False  # the verb reports what follows it ("said yes"), not the quote
        allowed = {t.i for t in subj.subtree} if subj is not None else set()
        between = view.tokens_in(p.end, cue.idx)
        depth, ok = 0, True
        for t in between:  # anything in parentheses may stand there: "Cummings (D-Md.)"
            depth += t.text == "("
            ok = ok and (
                depth > 0
                or t.is_punct
                or t.is_space
                or t.i in allowed
                or t.pos_ in ("ADV", "AUX", "PART")
                or (t.dep_ == "mark" and t.head.i == cue.i)  # "as a memo put it"
            )
            depth -= t.text == ")" and depth > 0
        return ok
    between = [t for t in view.tokens_in(cue.idx + len(cue.text), p.start) if not t.is_space]
    if not between:
        return not tight  # 'he said "budget reforms" would ...' may be a partial quote
    if tight:
        return between[-1].text in (":", ",") and all(
            t.is_punct or t.pos_ in ("ADV", "PROPN", "NOUN", "ADP", "DET", "NUM") for t in between
        )
    return len(between) <= 10 and between[-1].text in (":", ",", "that", "—", "–", "-")


def _by_manner(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """``"...," McDowell laughed.`` / ``"...," she sings.``: a quote that closes on a comma
    (or ! or ?) inside its marks, then a name or a pronoun and the verb of the sentence,
    and nothing more than its adverbs: the verb says how the words were spoken."""
    if _closing_mark(view, p) not in (",", "!", "?"):
        return None
    after = _words_after(view, p, to_comma=True)
    verbs = [t for t in after if t.pos_ == "VERB"]
    if len(verbs) != 1:
        return None
    verb = verbs[0]
    if verb.dep_ not in ("ROOT", "parataxis") and not view.quoted(verb.head):
        return None  # the verb of a clause of its own, not the sentence's
    subj = subject_of(verb, view.quoted)
    if subj is None or subj.pos_ not in ("PRON", "PROPN") or not p.end <= subj.idx < verb.idx:
        return None
    allowed = {t.i for t in subj.subtree} | {verb.i}
    if not all(t.i in allowed or t.pos_ in ("ADV", "PART", "PUNCT") for t in after):
        return None
    return _attribution(namer, verb, "framing")


def _dash_attribution(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """``"..." ― Ana Ruiz``: a dash and a short name closing the line (or on a line of its
    own right under the quote)."""
    m = _DASH_NAME_RE.match(view.text, p.end)
    if not m:
        return None
    name_start, name_end = m.span(1)
    name = m.group(1)
    if name.endswith("*") and name.count("*") == 1:  # "― Ana Ruiz*": a footnote, not a mask
        name, name_end = name[:-1], name_end - 1
    mention = namer.entities.mention_overlapping(name_start, name_end)
    if mention is not None and "*" not in name:  # a masked name is written as it is
        return _Attribution("―", mention.canonical, mention.label, "dash")
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        name = name[:-1]  # "― Christina Lastra." (the sentence's full stop)
    return _Attribution("―", name, "PROPN", "dash")


def _by_governor(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """A partial quote in the object of a verb under a reporting verb, or of a verb whose
    subject is a named speaker (then only a real passage: "controlling "bandit formations""
    is the writer's phrase)."""
    inner = [t for t in view.tokens_in(p.start, p.end) if not (t.is_punct or t.is_space)]
    roots = [t for t in inner if not (p.start <= t.head.idx < p.end) or t.head.i == t.i]
    if not roots or roots[0].head.i == roots[0].i:
        return None
    child, verb = roots[0], roots[0].head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        child, verb = verb, verb.head
    if verb.pos_ not in ("VERB", "AUX") or view.quoted(verb) or child.i < verb.i:
        return None
    cue = verb
    while cue.dep_ in _CLAUSE_UP_DEPS and cue.head.i != cue.i and not is_cue(cue):
        if cue.dep_ == "advcl" and not _that_clause(cue):
            break  # "as Trump went on about "...", Melanie said yes": Trump's words
        cue = cue.head
    if cue.i != verb.i and is_cue(cue) and not view.quoted(cue):
        # "tweeted that Machado was "disgusting"" (parsed as an adverbial clause),
        # "blasted the media for being "unbelievably dishonest""
        _extend_in_clause(view, p, verb, child)
        return _attribution(namer, cue, "governor")
    if verb.lemma_ == "be" and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None  # "Machado was "disgusting"": the subject of a copula says nothing
    if _scare_object(view, p, roots[0], child, verb):
        return None  # 'Qantas launched its "leisure carrier"': the writer's scare quote
    subj = subject_of(verb, view.quoted)
    if subj is None or subj.i > verb.i:
        return None
    speaker, label = namer.name_of(subj)
    if label not in _NAMED_LABELS:
        return None
    _extend_in_clause(view, p, verb, child)
    return _Attribution(verb.text, speaker, label, "governor", verb.i)


def _scare_object(view: _DocView, p: _Passage, root: Token, child: Token, verb: Token) -> bool:
    """A few quoted words that are the object of a verb not of saying, or a word in front of
    its noun (``carries out more "targeted" killings``): the writer's scare quote. Quoted words
    in a phrase hung on the object (``release the videos "without delay"``) can be someone's."""
    return (
        child.dep_ == "dobj"
        and (root.i == child.i or (root.head.i == child.i and root.dep_ in ("amod", "compound")))
        and not is_cue(verb)
        and _longest_run(view, p) < MIN_WORDS_UNCUED
    )


def _that_clause(verb: Token) -> bool:
    """A clause opened by "that" (a reported clause, however the parser labelled it)."""
    return any(c.lower_ == "that" and c.i < verb.i for c in verb.children)


def _extend_in_clause(view: _DocView, p: _Passage, verb: Token, child: Token) -> None:
    """Grow a partial quote to the verb's complements up to it ("the bank's drive to ...")."""
    rights = [c for c in verb.rights if c.dep_ in _COMPLEMENT_DEPS and c.i <= child.i]
    first = rights[0] if rights else child
    span = _span_of([t for c in (first, child) for t in c.subtree] + [first.left_edge])
    if span is not None:
        _extend(view, p, (span[0], max(span[1], p.end)))


def _by_introduction(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """The sentence before the quote introduces it: ``X said:`` / ``..., X said. "..."``."""
    pi = view.paragraph_of(p.start)
    lo, _ = view.paragraphs[pi]
    before = [t for t in view.last_tokens(lo, p.start, _LOOK_BACK) if not t.is_space]
    if not before and pi > 0:  # the previous paragraph ends with "X made this comment:"
        plo, phi = view.paragraphs[pi - 1]
        before = [t for t in view.last_tokens(plo, phi, _LOOK_BACK) if not t.is_space]
        if not before or before[-1].text != ":":
            return None
    if not before or view.quoted(before[-1]):
        return None
    sentence = view.sentence_of(before[-1])
    if before[-1].text == ":":
        cues = [t for t in sentence if is_cue(t) and t.i < before[-1].i and not view.quoted(t)]
        clause = None
        if not cues and sentence.root.i > before[-1].i:  # "She went on: "It's like ...""
            clause = colon_clause(list(sentence), before[-1], view.quoted)
        own = subject_of(clause, view.quoted) if clause is not None else None
        if own is not None:
            speaker, label = namer.name_of(own)
            if label in ("PERSON", "ORG"):
                return _Attribution(None, speaker, label, "intro", None)
        verb = cues[-1] if cues else sentence.root
        subj = subject_of(verb, view.quoted)
        if subj is None:
            named = _name_before_colon(view, namer, before)
            if named is not None:  # "Continued Stone:", "- Michael P. McDonald:"
                return _Attribution(":", *named, "intro", None)
            return None
        speaker, label = namer.name_of(subj)
        return _Attribution(_cue_text(verb), speaker, label, "intro", verb.i)
    if before[-1].text not in _SENT_END:
        return None
    # "..., Schiff said. "..."" or "Smith called him a master. "He ...": the sentence before
    # is about the speaker; its reporting verb, else its subject, names them
    cues = [t for t in sentence if is_cue(t) and not view.quoted(t)]
    if cues:
        # the main clause's verb, not one in a clause under it ("X said after Y was called")
        main = min(reversed(cues), key=lambda t: len(list(t.ancestors)))
        attribution = _attribution(namer, main, "intro")
    else:
        subj = subject_of(sentence.root, view.quoted)
        if subj is None:
            return None
        attribution = _Attribution(None, *namer.name_of(subj), "intro", None)
    return attribution if attribution.label in _NAMED_LABELS else None


def _name_before_colon(
    view: _DocView, namer: SpeakerNamer, before: list[Token]
) -> tuple[str, str] | None:
    """A person or organisation closing the words before the colon, with no verb of their
    own to be the subject of: ``Continued Stone:``, ``- Michael P. McDonald:``, ``More
    from Jones:``."""
    if len(before) < 2:
        return None
    last = before[-2]
    m = namer.entities.mention_at(last.i)
    if m is None or m.label not in ("PERSON", "ORG") or view.quoted(last):
        return None
    if m.end_char != last.idx + len(last.text):
        return None
    first = view.tokens_in(m.start_char, m.end_char)[0]
    if first.pos_ == "VERB" and first.i < last.i:  # "Stated Stone": the verb is no name
        rest = view.text[first.idx + len(first.text) : m.end_char].strip()
        return namer.entities.resolve_name(rest) or rest, m.label
    return namer.own(m).canonical, m.label


def _by_surface(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """A frame the parse missed, read on the surface (speaker_frames): a transcript line
    (``Rep. Trey Gowdy (R-S.C.): "..."``) or a name and a verb after the quote."""
    lo, _ = view.paragraphs[view.paragraph_of(p.start)]
    before = view.last_tokens(lo, p.start, LOOK_AHEAD)
    if before and not view.text[lo : before[0].idx].strip():  # all of the line before it
        line = speaker_of_line(namer, before)
        if line is not None:
            return _Attribution(":", *line, "intro", None)
    _, hi = view.paragraphs[view.paragraph_of(p.end)]
    after = list(islice(view.iter_tokens(p.end, hi), LOOK_AHEAD))
    frame = speaker_after(namer, view.quoted, view.text[p.start : p.end], p.start, after)
    if frame is None:
        return None
    verb, speaker, label = frame
    return _Attribution(_cue_text(verb), speaker, label, "surface", verb.i)


def _by_continuation(view: _DocView, p: _Passage, prev: _Passage | None) -> _Attribution | None:
    """A bare quote paragraph continues the previous quote's speaker."""
    if prev is None or prev.attribution is None:
        return None
    pi, prev_pi = view.paragraph_of(p.start), view.paragraph_of(prev.end)
    if pi - prev_pi > 1:
        return None
    lo, _ = view.paragraphs[pi]
    if pi != prev_pi and view.text[lo : p.start].strip():
        return None
    if pi == prev_pi and _embedded(view, p):
        return None  # the writer's sentence quoting a phrase, not the speaker going on
    if _single_marked(view, prev) != _single_marked(view, p):
        return None  # "...," she said. / 'A fight from start to finish.': a heading
    attr = prev.attribution
    return _Attribution(attr.cue, attr.speaker, attr.label, "continuation", None)


def _by_carry_over(view: _DocView, namer: SpeakerNamer, p: _Passage) -> _Attribution | None:
    """A bare quote paragraph after a paragraph that reports one speaker (speaker_frames)."""
    pi = view.paragraph_of(p.start)
    lo, hi = view.paragraphs[pi]
    if pi == 0 or len(p.marks) > 1 or view.text[lo : p.start].strip():
        return None
    if view.text[p.end : hi].strip():
        return None
    before = view.text[slice(*view.paragraphs[pi - 1])]
    if _single_marked(view, p) and any(c in DOUBLE_MARKS for c in before):
        return None  # '"...," she said.' / 'A fight from start to finish.': a heading
    frame = speaker_before(namer, view.quoted, view.tokens_in(*view.paragraphs[pi - 1]))
    if frame is None:
        return None
    verb, speaker, label = frame
    return _Attribution(_cue_text(verb), speaker, label, "carry-over", None)


# ---------------------------------------------------------------- passages


def _transcript_turns(view: _DocView, namer: SpeakerNamer) -> list[_Passage]:
    """``PENCE: Well, look, ...``: a paragraph opening with a shouted name and a colon."""
    turns: list[_Passage] = []
    names: set[str] = set()
    for lo, hi in view.paragraphs:
        m = _TRANSCRIPT_RE.match(view.text, lo, hi)
        if not m or len(m.group(1)) < 2 or m.group(1).startswith("DEAR "):  # advice letters
            continue
        if _field_label(m.group(1)):
            continue  # "NAME: Julie Schwarz", "WHY YOU'LL LOVE IT: ...": a form, not a turn
        end = hi - (len(view.text[lo:hi]) - len(view.text[lo:hi].rstrip(' \t"”')))
        if end - m.end() < 2:
            continue
        name = " ".join(w.capitalize() for w in m.group(1).split())
        speaker = namer.entities.resolve_name(name) or name
        turns.append(_Passage(m.end(), end, _Attribution(":", speaker, "PERSON", "turn")))
        names.add(name)
    # a transcript has at least two speakers ("CLARIFICATION: ..." alone is a note)
    return turns if len(names) >= 2 else []


def _field_label(label: str) -> bool:
    """A label in capitals that is no one's name: a form's field ("BLOG", "MEMBER SINCE") or
    words no name is made of ("WHY YOU'LL LOVE IT")."""
    words = re.findall(r"[a-z][\w'’-]*", label.lower())
    return any(w in FIELD_LABEL_WORDS or w in STOP_WORDS or "'" in w or "’" in w for w in words)


def _outside_turns(view: _DocView, marked: list[Marked], turn_paras: set[int]) -> list[_Passage]:
    passages = []
    for m in marked:
        first, last = view.paragraph_of(m.start), view.paragraph_of(m.end - 1)
        if first in turn_paras:
            continue
        if _URL_RE.fullmatch(view.text[m.start : m.end].strip(" \t\n\"“”'‘’«».,")):
            continue  # a link left between stray marks: 'said." http://nyti.ms/1RH.'
        end = m.end
        for pi in range(first + 1, last + 1):
            if pi in turn_paras:
                end = view.paragraphs[pi - 1][1]
                break
        passages.append(_Passage(m.start, end))
    return passages


def _merge_split_quotes(
    view: _DocView, namer: SpeakerNamer, passages: list[_Passage]
) -> list[_Passage]:
    """Join ``"We will," she said, "win."``: two quotes with only an attribution between;
    and a list of quoted phrases (``"rigged," "wounded" and "struggling"``)."""
    merged: list[_Passage] = []
    for p in passages:
        if merged and _is_list_gap(view.text, merged[-1].end, p.start):
            merged[-1].end = p.end  # "disgusting" and "a con": one list of quoted words
            merged[-1].marks.extend(p.marks)
            continue
        cue = _attribution_between(view, merged[-1], p) if merged else None
        if cue is not None and _sentence_between(view, merged[-1], p) and _framed_after(view, p):
            cue = None  # '"...," he said. "...," McDowell laughed.': the second has its own
        if cue is not None and _put_to_replier(view, merged[-1], cue):
            merged[-1] = p  # 'To the question, "...?", Friedli replied: "No"': not his words
            continue
        if cue is not None:
            merged[-1].end = p.end
            merged[-1].marks.extend(p.marks)
            merged[-1].attribution = _attribution(namer, cue, "framing")
            continue
        merged.append(p)
    return merged


def _put_to_replier(view: _DocView, question: _Passage, cue: Token) -> bool:
    """A quoted question to "you", then a verb of answering before the next quote: the
    question was put to the one who answers, not asked by them ("Have I ...?" Sanders replied
    is his own question, repeated)."""
    words = view.text[question.start : question.end].rstrip(" \t\n\"“”'‘’»«„")
    to_you = re.search(r"\byou\b", words, re.I) is not None
    own = re.search(r"\b(?:I|me|my)\b", words) is not None
    return words.endswith("?") and to_you and not own and cue.lemma_.lower() in REPLY_VERBS


def _sentence_between(view: _DocView, first: _Passage, second: _Passage) -> bool:
    """The attribution between two quotes is a sentence of its own (``"...," he said. "..."``)."""
    return view.text[first.end : second.start].rstrip()[-1:] in _SENT_END


def _goes_on(cue: Token, first: Token, resumes_at: int) -> bool:
    """ "said, adding later," or "said, telling Cook," goes on with the same quote: a
    participle of the first cue with no subject, clause or "that" of its own before the
    quote resumes; the resumed quote may be its clause. ``said, adding, "..."`` is one quote
    with two fragments, as newsgold's guidelines have it (PolNeAR annotates two)."""
    if cue.head.i != first.i or cue.tag_ != "VBG":
        return False
    told = [
        c
        for c in cue.children
        if c.dep_ in ("dobj", "dative") and c.pos_ in ("PROPN", "PRON", "NOUN")
    ]
    return not any(
        c.dep_ in _OWN_REPORT_DEPS
        and c not in told
        and not (c.dep_ == "ccomp" and c.left_edge.idx >= resumes_at)
        for c in cue.children
    )


def _time_clause(cue: Token, first: Token, resumes_at: int) -> bool:
    """ "said as she concluded her arguments," tells when the first cue's words were said:
    a clause of time under it (or, as the parser hangs it, under the resumed quote) with no
    report of its own, not a second attribution."""
    return (
        cue.dep_ == "advcl"
        and (cue.head.i == first.i or cue.head.idx >= resumes_at)
        and any(c.dep_ == "mark" and c.lower_ in _TIME_MARKS for c in cue.children)
        and not any(c.dep_ in ("ccomp", "xcomp") for c in cue.children)
    )


def _in_modifier(cue: Token, first: Token) -> bool:
    """A verb inside a relative clause within the first cue's clause (``said in Concord,
    referring to a town hall where he declined to criticize Clinton``): a detail of the
    attribution, not a report of its own (``said before adding:`` stays two reports)."""
    if first not in cue.ancestors:
        return False
    t = cue
    while t.i != first.i:
        if t.dep_ in _MODIFIER_DEPS:
            return True
        t = t.head
    return False


def _second_speaker(view: _DocView, toks: list[Token], cues: list[Token], first: _Passage) -> bool:
    """The gap between two quotes brings in another voice: a later verb of saying ends it on a
    colon (``Cruz said as the heckler yelled: "..."``), someone else acts in a clause joined
    to the attribution (``Ebeling said, and her husband cut in.``), or the first quote was
    already introduced before it and the gap's verb has a subject of its own (``Clinton
    responds with, "...?" Mills then writes back, "..."``)."""
    if toks[-1].text == ":" and cues[-1].i != cues[0].i and _named_subject(cues[-1], toks):
        return True  # not 'she said, recalling her own experience: "..."': hers still
    if _another_acts(toks):
        return True
    lo, _ = view.paragraphs[view.paragraph_of(first.start)]
    before = [t for t in view.last_tokens(lo, first.start, 12) if not t.is_space]
    introduced = bool(before) and before[-1].text in (",", ":") and any(is_cue(t) for t in before)
    return introduced and _named_subject(cues[0], toks)


def _named_subject(cue: Token, toks: list[Token]) -> bool:
    """The verb has a subject of its own in the gap, and not a pronoun (``Mills then writes
    back``, ``the heckler yelled``; ``he said, adding`` may well be the same speaker)."""
    return any(c.dep_ in SUBJECT_DEPS and c in toks and c.pos_ != "PRON" for c in cue.children)


def _is_list_gap(text: str, end: int, start: int) -> bool:
    if _LIST_GAP_RE.fullmatch(text, end, start):
        return True
    return not text[end:start].strip(" \t") and text[end - 2 : end - 1] == ","


def _attribution_between(view: _DocView, first: _Passage, second: _Passage) -> Token | None:
    """The cue of a gap that holds nothing but an attribution, else None."""
    gap = view.text[first.end : second.start]
    if not gap.strip() or "\n" in gap:
        return None
    toks = [t for t in view.tokens_in(first.end, second.start) if not t.is_space]
    if not toks or len(toks) > MAX_MERGE_TOKENS or any(t.text in _SENT_END for t in toks[:-1]):
        return None
    cues = [t for t in toks if is_cue(t)]
    if not cues or not _frames(view, cues[0], first, after=True, resumes_at=second.start):
        return None
    if not all(
        _goes_on(cue, cues[0], second.start)
        or _time_clause(cue, cues[0], second.start)
        or _in_modifier(cue, cues[0])
        for cue in cues[1:]
    ):
        return None  # '"...," Blige sings to Clinton before asking her, "..."': two reports
    if _second_speaker(view, toks, cues, first):
        return None  # '"...," Cruz said as the heckler yelled: "..."': two voices
    # everything in the gap belongs to the attribution: the speaker phrase, or the cue's own
    # modifiers ("in an interview", "referring to the excuse", "in Everett, Wash.")
    subj = subject_of(cues[0], view.quoted)
    owners = [subj, *cues] if subj is not None else cues
    ok = all(
        t.is_punct
        or any(view.subtrees.holds(o, t) for o in owners)
        or t.pos_ in ("ADV", "AUX", "PART", "CCONJ")
        or is_cue(t)
        for t in toks
    )
    # '..., adding that "..."' starts a report of its own; '..., adding, "..."' goes on
    return cues[0] if ok and (toks[-1].is_punct or toks[-1].pos_ == "CCONJ") else None
