"""Turn the bytes of a web page into text without mojibake.

Order of evidence, strongest first: a byte-order mark, the HTTP ``charset``, the document's
own ``<meta charset>`` / XML declaration, valid UTF-8. A page with no usable label is
decoded the way browsers do for Western pages: windows-1252 (so an undeclared page with
“smart quotes” and é reads correctly), unless charset_normalizer is sure it is a
non-Latin encoding such as GBK or windows-1251.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
# Labels that browsers (WHATWG Encoding) read as windows-1252: servers say latin-1 or ascii
# but send curly quotes from 0x80-0x9F.
_AS_CP1252 = frozenset({"ascii", "us-ascii", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1"})
# charset_normalizer guesses between these single-byte Latin code pages are unreliable on
# short texts (it picks cp1257 for French); windows-1252 is the better bet for all of them.
_LATIN_GUESSES = frozenset(
    {
        "cp1250",
        "cp1252",
        "cp1254",
        "cp1257",
        "cp1258",
        "latin_1",
        "iso8859_2",
        "iso8859_3",
        "iso8859_4",
        "iso8859_9",
        "iso8859_10",
        "iso8859_13",
        "iso8859_14",
        "iso8859_15",
        "iso8859_16",
        "mac_roman",
        "mac_latin2",
        "mac_iceland",
        "mac_turkish",
        "cp850",
        "cp437",
        "ascii",
        "utf_8",
    }
)
_REFUSED = frozenset({"utf-7", "utf_7", "undefined"})  # "undefined" raises on any input
_SNIFF_BYTES = 4096
_MAX_BAD_SHARE = 0.01  # share of U+FFFD tolerated when a declared charset is a little wrong


def decode_html(content: bytes, declared: str | None = None) -> str:
    """Decode a page; ``declared`` is the charset from the HTTP Content-Type, if any."""
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    labels = [codec for codec in (_codec(declared), _codec(meta_charset(content))) if codec]
    for codec in labels:
        try:
            return content.decode(codec)
        except UnicodeError:  # UnicodeDecodeError, or a codec that refuses its input
            continue
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for codec in [*labels, "utf-8"]:  # right charset, a few stray bytes: keep it
        try:
            text = content.decode(codec, errors="replace")
        except UnicodeError:  # a codec that raises even when asked to replace (idna...)
            continue
        bad = text.count("\ufffd")
        if codec == "utf-8" and not _has_real_non_ascii(text):
            continue  # no valid multi-byte sequence at all: not UTF-8
        if bad <= _MAX_BAD_SHARE * max(1, len(text)):
            return text
    return content.decode(_guess_codec(content), errors="replace")


def meta_charset(content: bytes) -> str | None:
    """The charset named by ``<meta charset>`` or an XML declaration in the first 4 KB."""
    match = _META_CHARSET.search(content[:_SNIFF_BYTES])
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    # A byte stream that can carry an ASCII <meta> tag cannot be UTF-16 (WHATWG rule).
    return "utf-8" if label.startswith("utf-16") else label


def _codec(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _AS_CP1252:
        return "cp1252"
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # unknown, or not even a name ("\x00")
        return None
    # rot13, base64, zlib... are not text encodings (str.decode refuses them), and browsers
    # refuse UTF-7: it turns "+ADw-script+AD4-" into markup.
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def _has_real_non_ascii(text: str) -> bool:
    return any(ord(char) > 127 and char != "\ufffd" for char in text)


def _guess_codec(content: bytes) -> str:
    best = charset_normalizer.from_bytes(content[:65536]).best()
    if best is not None and best.encoding not in _LATIN_GUESSES:
        return best.encoding
    return "cp1252"
