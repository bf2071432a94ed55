"""Clean text once, where it enters the pipeline from the internet.

Feeds and pages can carry anything: lone UTF-16 surrogates (``&#xD800;`` or ``"\\ud800"`` in
JSON), NUL and terminal escapes, megabyte titles. Such values cannot be encoded as UTF-8
(Arrow and DuckDB refuse them, which would fail a whole batch) or are unsafe to print, so
every field built from fetched data passes through ``clean_text`` with its cap from
``CAPS``; what leaves the boundary is valid UTF-8 with no control character but newline and
tab.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Per-field caps in characters: generous for real data, small enough that a hostile value
# cannot bloat a row.
CAPS: Final[dict[str, int]] = {
    "title": 1_000,
    "summary": 5_000,
    "description": 5_000,
    "author": 500,
    "sitename": 300,
    "guid": 2_000,
    "url": 4_096,
    "language": 35,
    "text": 1_000_000,
    "metadata": 2_000,  # any other short metadata value (keywords, section, image URL...)
}

# C0 and C1 controls except tab and newline, DEL, and the two noncharacters U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
# Bidi embeddings, overrides and isolates: invisible, and they reverse or split how a name
# is shown, so "\u202eJohn" and "John" would be two people.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Direction marks (LRM, RLM, ALM) go the same way, except near right-to-left letters, where
# writers put them to keep numbers and punctuation on the right side ("(123)\u200f").
_DIRECTION_MARK = re.compile(r"[\u061c\u200e\u200f]")
_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_RTL_REACH = 12  # characters each side of a mark looked at for a right-to-left letter
# Word joiner and BOM (zero-width no-break space) only forbid a break: dropping them never
# joins or splits a word, in any script.
_NO_BREAK = re.compile(r"[\u2060\ufeff]")
# Scripts written without spaces, where a zero-width space marks the word boundary: Thai,
# Lao, Tibetan, Myanmar, Khmer, Balinese, Javanese, Chinese and Japanese.
_UNSPACED = (
    "\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u1b00-\u1b7f\u2e80-\u2fdf"
    "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\ua980-\ua9ff\uaa60-\uaa7f\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
# A zero-width space is dropped unless it sits next to a letter of such a script: between
# Latin, Cyrillic, Greek or Arabic letters it only hides inside a word ("Jo\u200bhn").
_ZWSP = re.compile(rf"(?<![{_UNSPACED}])\u200b(?![{_UNSPACED}])")


def drop_invisible(text: str) -> str:
    """``text`` without the invisible marks that make one word or name two.

    Bidi embeddings, overrides and isolates, word joiners and BOMs go everywhere; direction
    marks stay only near right-to-left letters, and a zero-width space only where its
    script needs it as a word boundary (Thai, Khmer, CJK...).
    The joiners scripts spell with (ZWJ, ZWNJ) stay.
    """
    if not _MAYBE_INVISIBLE.search(text):
        return text
    text = _ZWSP.sub("", _NO_BREAK.sub("", _BIDI.sub("", text)))
    return _DIRECTION_MARK.sub(lambda m: _direction_mark(text, m.start()), text)


def _direction_mark(text: str, at: int) -> str:
    """The mark at ``at`` when a right-to-left letter is near it (it orders what is around
    it there), else nothing."""
    near = text[max(0, at - _RTL_REACH) : at + _RTL_REACH + 1]
    return text[at] if _RTL.search(near) else ""


_MAYBE_INVISIBLE = re.compile(r"[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def fold_accents(text: str) -> str:
    """``text`` lower-cased without its accents ("Inovação" is "inovacao"): one key for the
    spellings of a name with and without them."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def join_surrogates(text: str) -> str:
    """Surrogate pairs (two code units side by side) as the character they encode, lone
    halves as U+FFFD: a lone half cannot be encoded as UTF-8, so spaCy, DuckDB and any
    writer would fail on it. Text without surrogates comes back as it is."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_text(value: object, max_chars: int, *, one_line: bool = False) -> str | None:
    """``value`` as valid, printable text of at most ``max_chars`` characters, or None.

    Surrogate pairs written as two escapes are joined, lone surrogates become U+FFFD,
    carriage returns become newlines, other control characters and invisible marks
    (``drop_invisible``) are dropped; other whitespace is kept as it is (body offsets stay
    meaningful). ``one_line`` also folds every run of whitespace into one space and drops
    every direction mark (titles, names). A blank result is None. Never raises for a ``str``, ``bytes`` or None.
    """
    if value is None:
        return None
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    text = join_surrogates(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = drop_invisible(_CONTROL.sub("", text))
    if one_line:  # a name or title is a key: no mark may make two of one
        text = _SPACES.sub(" ", _DIRECTION_MARK.sub("", text)).strip()
    if len(text) > max_chars:
        text = text[:max_chars]
    return text if text.strip() else None


def clean_field(value: object, field: str) -> str | None:
    """``clean_text`` on one line with the cap of ``field`` (a key of ``CAPS``)."""
    return clean_text(value, CAPS[field], one_line=True)


def is_clean(value: str | None) -> bool:
    """True when ``value`` is what ``clean_text`` lets through (for tests and checks)."""
    if value is None:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return not _CONTROL.search(value) and "\r" not in value
