"""Which language an article is written in, from its text (py3langid, offline).

Pages often declare the wrong language (a site-wide ``<html lang="en">`` on a Spanish story),
and an English NER model run over Portuguese or Chinese text labels ordinary words as people
and places. The text decides; the page's own declaration is used only when the text is too
short or too mixed to tell, and without one a short text whose words are all common English
words is English (a one-line caption or test sentence is analysed, not skipped).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from newsflow.tasks.nlp.names import common_words

# Enough text for a confident guess; reading more only costs time.
SAMPLE_CHARS = 2_000
# Shorter texts (a caption, a headline) say too little to overrule the page's declaration.
MIN_CHARS = 20
# A guess is taken when it is likelier than all others together, or far ahead of the next
# one (short English texts also look a little like Nigerian Pidgin or Scots).
MIN_CONFIDENCE = 0.5
MIN_LEAD = 3.0
# A short text is taken at the identifier's word only when it is all but certain ("習近平が
# 北京で演説した。" is Japanese however short).
SHORT_CONFIDENCE = 0.95
ENGLISH = "en"
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@lru_cache(maxsize=1)
def _identifier():  # noqa: ANN202 - py3langid ships no type hints
    """The language identifier, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The ISO 639-1 code of ``text``'s language ("en", "pt"), else ``declared`` (the page's
    own claim, normalised to its primary subtag), else None when nobody can tell."""
    fallback = _primary_subtag(declared)
    sample = " ".join(text[:SAMPLE_CHARS].split())
    letters = sum(c.isalpha() for c in sample)
    if letters >= MIN_CHARS:
        (code, first), (_, second) = _identifier().rank(sample)[:2]
        if first >= MIN_CONFIDENCE or first >= MIN_LEAD * second:
            return str(code)
    elif letters and fallback is None:
        code, first = _identifier().rank(sample)[0]
        if first >= SHORT_CONFIDENCE:
            return str(code)
    if fallback is not None:
        return fallback
    return ENGLISH if reads_as_english(sample) else None


def reads_as_english(text: str) -> bool:
    """Whether a text too short for the identifier ("Apple hired Tim Cook.") is English by
    its own words: Latin letters only, and every word it writes in lower case, one of three
    letters or more among them, is a common English word. Names alone ("Oslo, 3 May") or a
    word of another language ("Macron à Berlin") say nothing, so no."""
    if any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in text):
        return False
    words = [re.split("['’]", w)[0] for w in _WORD_RE.findall(text) if w[0].islower()]
    vocabulary = common_words()
    return any(len(w) >= 3 for w in words) and all(
        w.isascii() and (w in vocabulary or w.removesuffix("n") in vocabulary)  # "didn't"
        for w in words
    )


def _primary_subtag(tag: str | None) -> str | None:
    """ "pt-BR" -> "pt"; anything that is not a language subtag -> None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


# A paragraph long enough to tell, and a guess that sure, before the English pipeline's names
# in it are doubted.
PARAGRAPH_CHARS = 60
PARAGRAPH_CONFIDENCE = 0.9


def foreign_paragraphs(text: str, language: str) -> list[tuple[int, int]]:
    """The character ranges of the paragraphs of ``text`` plainly written in another
    language than ``language`` (a Portuguese protest call quoted in an English story): a
    pipeline for ``language`` reads their capitalised words as names."""
    out = []
    start = 0
    for paragraph in text.split("\n"):
        end = start + len(paragraph)
        sample = " ".join(paragraph[:SAMPLE_CHARS].split())
        if sum(c.isalpha() for c in sample) >= PARAGRAPH_CHARS:
            code, first = _identifier().rank(sample)[0]
            if code != language and first >= PARAGRAPH_CONFIDENCE:
                out.append((start, end))
        start = end + 1
    return out
