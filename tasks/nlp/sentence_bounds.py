"""Sentence starts the parser must not make, set from token text before it runs.

en_core_web_sm splits sentences with its parser, and news text trips it: it ends a sentence
at a title's dot ("for Sgt. Bowe Bergdahl"), sends the closing quotation mark of a quote
that ends with a full stop into a sentence of its own, and starts sentences at lower-case
words ("…!" he said). A quote then lands in one sentence and its attribution in another.
The parser keeps any ``is_sent_start = False`` set before it runs, so this component marks
the token positions where a sentence start is certainly wrong and leaves every other
decision to the parser. Pure rules on token text: no model, one pass per doc.

The pipeline parses one paragraph per doc (see ``pipeline._parse``), so quotation marks are
counted from the start of the doc.
"""

from __future__ import annotations

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc, Token

from newsflow.tasks.nlp.lexicons import word_set

COMPONENT = "newsflow_sentence_bounds"
# ``SENT_START`` of a token that is certainly no sentence start, as the doc arrays hold it.
_NOT_A_START = numpy.uint64(2**64 - 1)

# Titles written with a dot before a name; the tokenizer keeps some ("Sen.", "Gov.") as one
# token and splits others ("Sgt" + "."), so both spellings are matched, lower-cased, no dot.
TITLE_ABBREVIATIONS = word_set(
    """
    adm amb atty capt cdr cmdr col cpl det dr fr gen gens gov govs insp lt maj messrs mr mrs
    ms msgr pfc pres prof pvt rep reps rev sen sens sgt spc supt
    """
)
# Titles the model's tokenizer splits from their dot ("Sgt" "."), which the parser then reads
# as a full stop: "for Sgt. Bowe Bergdahl, the Pentagon said" loses its subject. Only titles
# the speaker rules know with a dot (names.TITLE_WORDS), so a speaker's name never keeps one;
# the others stay split and only their sentence start is held back.
_UNSPLIT_TITLES = word_set("Capt Cmdr Col Lt Maj Sgt")
# Words a sentence cannot end on, so the word after them cannot start one ("MSNBC's "Morning
# Joe"", "and Tropicana").
_NO_END_WORDS = word_set(
    "'s ’s the a an and or nor but of to from with by at as his her their its our my your"
)
_SENTENCE_ENDS = frozenset({".", "!", "?", "…", "...", "?!", "!?"})
_OPENING_QUOTES = frozenset({"“", "``"})
_CLOSING_QUOTES = frozenset({"”"})
_DOUBLE_QUOTES = frozenset({'"', "''"}) | _OPENING_QUOTES | _CLOSING_QUOTES


@Language.component(COMPONENT)
def sentence_bounds(doc: Doc) -> Doc:
    """Mark ``is_sent_start = False`` where the next sentence certainly does not begin."""
    open_quote = False
    previous: Token | None = None  # the last token that is not white space
    held: list[int] = []
    for token in doc:
        if token.is_space:
            if "\n" in token.text:  # a line break ends whatever was open
                open_quote, previous = False, None
            continue
        if previous is not None and _continues(doc, previous, token, open_quote):
            held.append(token.i)
        if token.text in _OPENING_QUOTES:
            open_quote = True
        elif token.text in _CLOSING_QUOTES:
            open_quote = False
        elif token.text in _DOUBLE_QUOTES:
            open_quote = not open_quote
        previous = token
    if held:
        # One write for the whole doc: ``Token.is_sent_start = False`` checks the doc for
        # a parse each time, a scan of every token.
        starts = doc.to_array([SENT_START])
        starts[held] = _NOT_A_START
        doc.from_array([SENT_START], starts)
    return doc


def _continues(doc: Doc, previous: Token, token: Token, open_quote: bool) -> bool:
    """Whether ``token`` continues the sentence ``previous`` is in."""
    text, before = token.text, previous.text
    closing = text in _DOUBLE_QUOTES and text not in _OPENING_QUOTES
    if closing and open_quote and _ends_sentence(previous):
        return True  # the closing mark of a quote ending in a full stop: 'fronts."'
    if text[:1].islower() and text[:1].isalpha() and before not in _SENTENCE_ENDS:
        return True  # '"…!" he said', 'exertions and so'
    if before.lower() in _NO_END_WORDS:
        return True
    title = _abbreviation(doc, previous)
    return title in TITLE_ABBREVIATIONS and text[:1].isupper()  # "Sgt. Bowe Bergdahl"


def _ends_sentence(token: Token) -> bool:
    return token.text in _SENTENCE_ENDS or (len(token.text) > 1 and token.text.endswith("."))


def _abbreviation(doc: Doc, token: Token) -> str | None:
    """The word abbreviated by ``token`` ("Sen.") or by it and the word before ("Sgt" "."),
    lower-cased without its dot; None when the token does not end in a dot."""
    if token.text == ".":
        if token.i == 0 or doc[token.i - 1].whitespace_:
            return None
        return doc[token.i - 1].text.lower()
    return token.text[:-1].lower() if token.text.endswith(".") else None


def add_to(nlp: Language) -> None:
    """Put the component before an English pipeline's parser (its rules read English
    titles and quotation marks) and keep each title's dot in its token; other pipelines
    are left as they are."""
    if nlp.lang != "en" or "parser" not in nlp.pipe_names or COMPONENT in nlp.pipe_names:
        return
    for title in sorted(_UNSPLIT_TITLES):
        nlp.tokenizer.add_special_case(f"{title}.", [{ORTH: f"{title}."}])
    nlp.add_pipe(COMPONENT, before="parser")
