"""Find quoted passages by their quotation marks, before any parsing.

Pairs straight and curly double quotes and guillemets within a paragraph, continues a quote
whose paragraph ends open into the next paragraph when that one opens with a quotation mark
(the news convention for multi-paragraph quotes), and finds UK-style single quotes outside
double-quoted text, telling them apart from apostrophes by the characters around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_MARKS = frozenset('"“”«»„')
_DOUBLE_OPENERS = frozenset("“«„")
_DOUBLE_CLOSERS = frozenset("”»")
_SINGLE_MARKS = frozenset("'‘’")
_OPEN_CONTEXT = frozenset(" \t\n([{—–-/\u00a0")
_PARAGRAPH_RE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Marked:
    """A quoted passage including its marks; ``paragraphs`` > 1 for continued quotes."""

    start: int
    end: int
    single: bool = False
    paragraphs: int = 1


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line: extracted article text has one paragraph a line."""
    return [(m.start(), m.end()) for m in _PARAGRAPH_RE.finditer(text) if m.group().strip()]


def _opens_here(text: str, i: int, lo: int) -> bool:
    prev = text[i - 1] if i > lo else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return (prev in _OPEN_CONTEXT or prev in DOUBLE_MARKS) and not nxt.isspace()


def _closes_here(text: str, i: int, hi: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < hi else " "
    return not prev.isspace() and (nxt.isspace() or not nxt.isalnum())


def _is_measure_or_markup(text: str, i: int, lo: int) -> bool:
    """A double quote that is an inch mark (6'3", 6’2”) or a straight one around an attribute
    value (a="b")."""
    if i - lo >= 2 and text[i - 1].isdigit() and text[i - 2] in "'’":
        return True
    if text[i] != '"':
        return False
    if i > lo and text[i - 1] == "=" or text[i + 1 : i + 2] == ">":
        return True  # a="b", and the end of a value whose tag ran over lines: ...2016\n">
    close = text.rfind('="', lo, i)
    return close != -1 and '"' not in text[close + 2 : i] and "<" in text[lo:close]


_APOSTROPHE_ENDINGS = ("s", "t", "d", "m", "ll", "re", "ve")


def _is_apostrophe(text: str, i: int, hi: int) -> bool:
    """A straight or closing double mark typed for an apostrophe (``Kuwait"s``, ``don"t``):
    a letter before it and a possessive or contraction ending right after it. A quotation
    mark never sits between a word and its own ending, so pairing it would swallow the
    writer's sentences up to the next real mark."""
    if text[i] not in '"”' or i == 0 or not text[i - 1].isalpha():
        return False
    for ending in _APOSTROPHE_ENDINGS:
        end = i + 1 + len(ending)
        if text[i + 1 : end].lower() == ending and (end >= hi or not text[end].isalpha()):
            return True
    return False


def _reopens_inline(text: str, i: int, open_at: int, lo: int) -> bool:
    """A straight mark that opens, met while a straight quote is open, right after the end
    of a sentence (``...retaliatory actions. "We will ...``): text whose paragraphs were run
    together keeps the convention of a multi-paragraph quote (no closing mark at the end of
    a paragraph, an opening one at the next) on one line. The open quote ends with its
    sentence and the next one starts here; a closing mark sits against the word before it."""
    if text[i] != '"' or text[open_at] != '"' or i + 1 >= len(text):
        return False
    before = text[lo:i]
    stripped = before.rstrip(" \t\u00a0")
    return (
        len(stripped) < len(before)
        and stripped[-1:] in (".", "!", "?", "…")
        and text[i + 1].isalnum()
        and len(text[open_at + 1 : len(stripped) + lo].split()) >= 2
    )


def find_marked_quotes(text: str) -> list[Marked]:
    """All quoted passages of ``text`` in order (double-quoted first, then single-quoted)."""
    paragraphs = paragraph_spans(text)
    found: list[Marked] = []
    open_at: int | None = None
    open_paras = 0
    for p, (lo, hi) in enumerate(paragraphs):
        i = lo
        nested = 0
        if open_at is not None:
            open_paras += 1
            # continuation paragraph: its opening mark does not start a new quote
            first = lo + len(text[lo:hi]) - len(text[lo:hi].lstrip())
            if first < hi and text[first] in DOUBLE_MARKS:
                i = first + 1
        while i < hi:
            c = text[i]
            if c in DOUBLE_MARKS:
                if c in '"”' and _is_measure_or_markup(text, i, lo):
                    pass  # 6'3" tall, <tweet author="...">
                elif _is_apostrophe(text, i, hi):
                    pass  # Kuwait"s: an apostrophe typed as a double mark
                elif open_at is None:
                    if not (c in _DOUBLE_CLOSERS and _closes_here(text, i, hi)):
                        open_at, open_paras = i, 1
                elif i == open_at + 1 and i + 1 < hi and not text[i + 1].isspace():
                    pass  # a doubled opening mark: “”This is a very unfair trial,” he said
                elif c in _DOUBLE_OPENERS and _opens_here(text, i, lo) and i > open_at + 1:
                    # a quote inside a quote written with double marks: “he calls “hell” than”
                    nested += text[open_at] in _DOUBLE_OPENERS
                elif nested and c in _DOUBLE_CLOSERS:
                    nested -= 1
                elif _reopens_inline(text, i, open_at, lo):
                    # 'actions. "We will': paragraphs run together, the quote goes on
                    end = len(text[:i].rstrip())
                    found.append(Marked(open_at, end, paragraphs=open_paras))
                    open_at, open_paras = i, 1
                else:
                    found.append(Marked(open_at, i + 1, paragraphs=open_paras))
                    open_at = None
            i += 1
        if open_at is not None:
            nxt = paragraphs[p + 1] if p + 1 < len(paragraphs) else None
            continues = False
            if nxt is not None:
                body = text[nxt[0] : nxt[1]].lstrip()
                continues = bool(body) and body[0] in DOUBLE_MARKS and open_at < hi - 1
            if not continues:
                end = hi - (len(text[lo:hi]) - len(text[lo:hi].rstrip()))
                if end - open_at > 1:
                    found.append(Marked(open_at, end, paragraphs=open_paras))
                open_at = None
    found.extend(_single_quotes(text, paragraphs, found))
    found.sort(key=lambda m: m.start)
    return found


def _single_quotes(
    text: str, paragraphs: list[tuple[int, int]], doubles: list[Marked]
) -> list[Marked]:
    """‘UK-style’ quotes outside double quotes; apostrophes have letters on both sides."""
    # 1 where a double quote holds the character, so each character is one lookup (not one
    # test per double quote: thousands of marks made that the square of the text)
    inside = bytearray(len(text))
    for m in doubles:
        inside[m.start : m.end] = b"\x01" * (m.end - m.start)
    result: list[Marked] = []
    for lo, hi in paragraphs:
        open_at: int | None = None
        for i in range(lo, hi):
            c = text[i]
            if inside[i]:
                open_at = None
                continue
            if c in _DOUBLE_CLOSERS and open_at is not None and _closes_here(text, i, hi):
                # ‘mismatched marks.” closed by a double mark no double quote claimed: the
                # quote ends here, not at the next apostrophe ("the merchants’ names")
                if len(text[open_at + 1 : i].split()) >= 2:
                    result.append(Marked(open_at, i + 1, single=True))
                open_at = None
                continue
            if c not in _SINGLE_MARKS:
                continue
            prev = text[i - 1] if i > lo else " "
            nxt = text[i + 1] if i + 1 < hi else " "
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe: don't, O'Neil
            if open_at is None:
                if c != "’" and _opens_here(text, i, lo) and nxt.isalpha():
                    open_at = i
            elif _closes_here(text, i, hi) and c != "‘":
                words = text[open_at + 1 : i].split()
                if len(words) >= 2:
                    result.append(Marked(open_at, i + 1, single=True))
                open_at = None
    return result
