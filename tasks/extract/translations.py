"""Translations shown next to a quoted post, kept as body paragraphs.

Sites that quote posts in another language print the original in a ``<blockquote>`` and the
English translation under it in a bare ``<div class="translation">`` (Global Voices). The
extractor keeps the blockquote but reads a ``<div>`` holding only text as layout and drops
it, so the reader's own language goes missing while the original stays. Such a ``<div>``
is turned into the paragraph it is.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_TRANSLATION = re.compile(r"translat", re.I)
_BLOCKS = frozenset(
    {"p", "div", "ul", "ol", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "section"}
)


def keep_translations(tree: HtmlElement) -> int:
    """Retag text-only ``div``/``span`` translations as ``<p>``; return how many."""
    changed = 0
    for element in list(tree.iter("div", "span")):
        marks = f"{element.get('class') or ''} {element.get('id') or ''}"
        if not _TRANSLATION.search(marks) or any(child.tag in _BLOCKS for child in element):
            continue
        if not element.text_content().strip() or element.getparent() is None:
            continue
        if element.tag == "span" and element.getparent().tag == "p":
            continue  # an inline translation inside a paragraph is already kept
        element.tag = "p"
        changed += 1
    return changed
