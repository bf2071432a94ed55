"""The lead paragraph the extractor left out, put back at the top of the body.

Templates often print the first paragraph apart from the rest: after the headline but
outside the body container, or as bare text before the container's first block. The
extractor picks the container and loses the lead, the paragraph that says what happened.

Before extraction the text blocks that follow the first ``<h1>`` are noted in page order;
once the body is known, the blocks just before the first one the body kept, that read as
prose (enough words, a closing stop, few links, not a caption, promotion or standfirst),
are put back in front of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

MAX_BLOCKS = 12  # blocks noted after the headline: the body starts within these
MIN_LEAD_WORDS = 20
MAX_LINK_SHARE = 0.3
MATCH_WORDS = 12
MAX_PASSED = 2

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")
_INLINE_TAGS = frozenset({"a", "b", "strong", "em", "i", "span", "br", "u", "small", "abbr"})
_SKIP_TAGS = frozenset(
    {
        "script",
        "style",
        "nav",
        "aside",
        "footer",
        "header",
        "figure",
        "figcaption",
        "form",
        "li",
        "blockquote",
        "button",
        "label",
        "noscript",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    }
)
_SKIP_MARKS = re.compile(
    r"caption|credit|promo|related|newsletter|subscri|share|social|comment|sidebar|banner|"
    r"\bads?\b|advert|sponsor|cookie|byline|author|meta|date|time|dek|standfirst|subtitle|"
    r"summary|excerpt|teaser|description|deck|kicker|breadcrumb|tags?\b|quote",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Block:
    """A run of text after the headline, and whether it reads as a lead paragraph."""

    text: str
    prose: bool


def blocks_after_headline(tree: HtmlElement) -> list[Block]:
    """The first runs of text after the page's first ``<h1>``, in page order.

    A run ends at every block boundary and ``<br>``, so bare text in a container ("lead
    text<br><br>more text<p>...") gives one run per line, where it stands.
    """
    headline = next(tree.iter("h1"), None)
    if headline is None:
        return []
    walk = _Walk()
    started = False
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if not isinstance(element.tag, str):
            if started and event == "end":
                walk.add(element.tail)
            continue
        if not started:
            started = event == "end" and element is headline
            if started:
                walk.add(element.tail)
            continue
        if event == "start":
            walk.open(element)
        else:
            walk.close(element)
        if len(walk.blocks) >= MAX_BLOCKS:
            break
    walk.flush()
    return walk.blocks[:MAX_BLOCKS]


class _Walk:
    """Text runs gathered while walking the tree, with the elements open around them."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.linked = 0
        self.stack: list[HtmlElement] = []

    def add(self, text: str | None, linked: bool = False) -> None:
        if text and text.strip():
            self.parts.append(text)
            if linked:
                self.linked += len(" ".join(text.split()))

    def open(self, element: HtmlElement) -> None:
        if element.tag not in _INLINE_TAGS:
            self.flush()
        self.stack.append(element)
        linked = any(e.tag == "a" for e in self.stack)
        if element.tag == "br":
            self.flush()
        else:
            self.add(element.text, linked)

    def close(self, element: HtmlElement) -> None:
        if element.tag not in _INLINE_TAGS:
            self.flush()
        if self.stack and self.stack[-1] is element:
            self.stack.pop()
        self.add(element.tail, any(e.tag == "a" for e in self.stack))

    def flush(self) -> None:
        text = " ".join(" ".join(self.parts).split())
        if _WORD.search(text):
            self.blocks.append(Block(text=text, prose=self._prose(text)))
        self.parts, self.linked = [], 0

    def _prose(self, text: str) -> bool:
        if len(_WORD.findall(text)) < MIN_LEAD_WORDS or not _SENTENCE_END.search(text):
            return False
        if self.linked > MAX_LINK_SHARE * len(text):
            return False
        if any(e.tag in _SKIP_TAGS for e in self.stack):
            return False
        container = next((e for e in reversed(self.stack) if e.tag not in _INLINE_TAGS), None)
        marks = (
            f"{container.get('class') or ''} {container.get('id') or ''}"
            if container is not None
            else ""
        )
        return not _SKIP_MARKS.search(marks)


def restore_lead(body: str, blocks: list[Block], summaries: Sequence[str | None] = ()) -> str:
    """``body`` with the prose blocks just before its first kept block put in front.

    A block that is the page's own summary (its meta description, word for word) is a
    standfirst, not the lead.
    """
    stated = {_key(s) for s in summaries if s}
    first = next((i for i, block in enumerate(blocks) if _find(block.text, body)), None)
    if not first:
        return body
    lead: list[str] = []
    passed = 0  # short lines between the lead and the body (a banner, "Advertisement")
    for block in reversed(blocks[:first]):
        if _find(block.text, body) or _find(block.text, body, last=True):
            break
        if not block.prose:
            if lead or passed >= MAX_PASSED or len(_WORD.findall(block.text)) >= MIN_LEAD_WORDS:
                break
            passed += 1
            continue
        if _key(block.text) in stated:
            break
        lead.insert(0, block.text)
    return "\n".join([*lead, body]) if lead else body


def _find(text: str, body: str, *, last: bool = False) -> bool:
    """True when the first (or ``last``) words of ``text`` are in ``body``, however spaced."""
    words = _WORD.findall(text)
    words = words[-MATCH_WORDS:] if last else words[:MATCH_WORDS]
    if not words:
        return False
    return re.search(r"\W+".join(re.escape(w) for w in words), body) is not None


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))
