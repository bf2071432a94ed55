"""Which language an article is written in, from its text (py3langid, offline).

Pages often declare the wrong language (a site-wide ``<html lang="en">`` on a Spanish story),
and an English NER model run over Portuguese or Chinese text labels ordinary words as people
and places. The text decides; the page's own declaration is used only when the text is too
short or too mixed to tell.
"""

from __future__ import annotations

from functools import lru_cache

# Enough text for a confident guess; reading more only costs time.
SAMPLE_CHARS = 2_000
# Shorter texts (a caption, a headline) say too little to overrule the page's declaration.
MIN_CHARS = 20
# A guess is taken when it is likelier than all others together, or far ahead of the next
# one (short English texts also look a little like Nigerian Pidgin or Scots).
MIN_CONFIDENCE = 0.5
MIN_LEAD = 3.0


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
    if sum(c.isalpha() for c in sample) < MIN_CHARS:
        return fallback
    (code, first), (_, second) = _identifier().rank(sample)[:2]
    if first < MIN_CONFIDENCE and first < MIN_LEAD * second:
        return fallback
    return str(code)


def _primary_subtag(tag: str | None) -> str | None:
    """ "pt-BR" -> "pt"; anything that is not a language subtag -> None."""
    if not tag:
        return None
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None
