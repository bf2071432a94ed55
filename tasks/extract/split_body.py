"""Article bodies that a page splits around ad breaks and "related" blocks, joined again.

Some templates close the body container before a mid-article ad or a recommendation rail
and open an identical one after it (``<div class="body__container">`` three times). The
extractor then keeps only the first part. Joining the parts into the first container
before extraction lets it read the whole story; what stood between them (the ad row) is
left where it was, outside the body.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml.html import HtmlElement

_BODYISH = re.compile(r"body|article|content|story|entry|text|post", re.I)
_WORD = re.compile(r"\w+")
MIN_PARAGRAPHS = 2  # direct <p> children a part needs: a teaser card has one
MIN_WORDS = 40  # words in those paragraphs
MAX_PARTS = 12


def join_split_bodies(tree: HtmlElement) -> int:
    """Move the later parts of a split body into its first part; return how many moved."""
    groups: dict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for element in tree.iter("div", "section"):
        classes = " ".join((element.get("class") or "").split())
        if classes and _BODYISH.search(classes) and _is_text_part(element):
            groups[(element.tag, classes)].append(element)
    moved = 0
    for parts in groups.values():
        if not 2 <= len(parts) <= MAX_PARTS or _nested(parts):
            continue
        first = parts[0]
        for part in parts[1:]:
            for child in list(part):
                first.append(child)
            _remove_keeping_tail(part)
            moved += 1
    return moved


def _is_text_part(element: HtmlElement) -> bool:
    paragraphs = [child for child in element if child.tag == "p"]
    if len(paragraphs) < MIN_PARAGRAPHS:
        return False
    words = sum(len(_WORD.findall(p.text_content())) for p in paragraphs)
    return words >= MIN_WORDS


def _nested(parts: list[HtmlElement]) -> bool:
    for part in parts:
        for ancestor in part.iterancestors():
            if any(ancestor is other for other in parts):
                return True
    return False


def _remove_keeping_tail(element: HtmlElement) -> None:
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail and tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
