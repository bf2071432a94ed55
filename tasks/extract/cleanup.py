"""Remove the boilerplate trafilatura lets through, before and after it runs.

Each rule is generic (no site names) and was kept only if it raised the extraction
benchmark's F1 (bench/extraction.py) without hurting the fixture pages:

- lists whose every item is a link are navigation or "related stories", not prose;
- readers' comment sections whose name only contains "comment" ("sf_comment_list",
  "js-comments"): the extractor drops only names that start with it;
- the headline repeated as the first line of the body is not body text;
- lines that are only a URL or a timestamp, and cross-links ("Related: ...", "Read more: ...");
- a "related" block inside the body: its heading alone on a line ("DON'T MISS", "More:",
  "More Must-Reads From TIME") and the headline-like lines or list items under it;
- ad-break markers and widget placeholders ("Story continues below advertisement",
  "Loading weather data ...");
- a tail of copyright, newsletter, share and comment-count lines;
- a banner opening the body: a short promotional line ("Black Friday 2019: shop the best
  Apple deals!") that is not a sentence of the story (it does not end with a full stop).
- a publication stamp opening the body ("Ana Ruiz | Palma | 08/01/2014"): a short line
  with a date, or a year and a time, that is not a sentence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

from lxml.html import HtmlElement

LINK_LIST_MIN_ITEMS = 2
LINK_LIST_MIN_LINK_SHARE = 0.8  # share of an item's characters inside <a> to count as a link
TITLE_SIMILARITY = 0.9
XREF_MAX_WORDS = 25
TAIL_MAX_WORDS = 40
TAIL_MAX_LINES = 6
BANNER_MAX_WORDS = 15
MARKER_MAX_WORDS = 8
# Marker and stamp lines are short: the character cap keeps a long one-word line (no spaces)
# from reaching their regexes at all.
MARKER_MAX_CHARS = 200
STAMP_MAX_CHARS = 300
RELATED_MAX_LINES = 8  # headline-like lines dropped after a "related" heading
RELATED_MAX_WORDS = 20
RELATED_MAX_CHARS = 200  # a line of a script without spaces counts as one word
STAMP_MAX_WORDS = 20
BANNER_MAX_LINES = 2

COMMENTS_MAX_SHARE = 0.5  # a "comments" box holding more of the page's prose is the story
_COMMENTS_NAME = re.compile(
    r"(?:^|[_-])comments?(?:[_-]?(?:list|thread|section|area|box|block|wrap|wrapper"
    r"|container|stream|feed|text|body|content|s))?$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(r"^(https?://\S+|www\.\S+)$")
_TIMESTAMP_LINE = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_XREF_LINE = re.compile(
    r"^[-•]?\s*(related|read more|read also|see also|see more|more on this|also on \S+"
    r"|recommended|watch|watch now|more from)\b\s*[:|\-–—]",
    re.IGNORECASE,
)
_RELATED_HEADING = re.compile(
    r"^\W*(related(?: stories| articles| content| coverage| reading| posts| news)?|more"
    r"|read (?:more|also|next)|also read|see also|don'?t miss|must reads?|you (?:may|might)"
    r" also (?:like|enjoy)|recommended(?: for you| reading| stories)?"
    r"|most (?:read|popular|viewed)(?: in [\w ]{1,30})?|trending(?: now)?|editor'?s picks"
    r"|top stories|more(?: [\w-]+)? (?:stories|news|coverage|reads|must-reads)"
    r"(?: (?:from|on|in) [\w .'-]{1,30})?)\W*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
_NUMERIC_DATE = re.compile(
    r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}[./-]\d{1,2}[./-]\d{1,2})\b"
)
# the gaps are bounded: an unbounded ``.*`` tried from every year of a long line is quadratic
_YEAR_AND_TIME = re.compile(r"\b(?:19|20)\d{2}\b.{0,120}?\b\d{1,2}[:h]\d{2}\b")
_PAYWALL_LINE = re.compile(
    r"\b(?:subscribe|log in|sign in|register) to (?:continue|keep) reading\b"
    r"|\bcontinue reading with (?:a|your) subscription\b"
    r"|\b(?:available|reserved|only) (?:only )?(?:to|for) (?:subscribers|members)\b"
    r"|\b(?:subscribers|members)[- ]only\b|会員限定|有料会員|続きをお読み",
    re.IGNORECASE,
)
PAYWALL_MAX_WORDS = 40
_MARKER_LINE = re.compile(
    r"^\W*(advertisement|sponsored content|continue reading below"
    r"|(?:story|article) continues (?:below|after) (?:the )?(?:advertisement|ad)"
    r"|loading\b.{0,80}?(?:\.\.\.|…))\W*$",
    re.IGNORECASE,
)
_TAIL_LINE = re.compile(
    r"(©|ⓒ|\bcopyright\b|all rights reserved|\bsubscrib|\bnewsletter|\bsign up\b"
    r"|\bshare (this|it)\b|\bfollow (us|him|her|me)\b|^\W*comments?\W*$|^\W*tags?\W*$"
    r"|\bclick here\b|tell us what you think|^\W*thank you\W*$|^[\W_]*$)",
    re.IGNORECASE,
)

_BANNER_LINE = re.compile(
    r"\b(deals?|sales?|save \$?\d+|\d+% off|discounts?|coupons?|promo code|shop|buy now|"
    r"subscribe|sign up|newsletter|download (?:our|the) app|get the app|sponsored|"
    r"advertisement|black friday|cyber monday|prime day|limited[- ]time|free trial|giveaway)\b",
    re.IGNORECASE,
)


def prune_link_lists(tree: HtmlElement) -> int:
    """Drop ``<ul>``/``<ol>`` lists made only of links (menus, related stories); return count."""
    dropped = 0
    for element in list(tree.iter("ul", "ol")):
        if element.getparent() is None:
            continue
        items = [li for li in element if li.tag == "li" and li.text_content().strip()]
        if len(items) >= LINK_LIST_MIN_ITEMS and all(
            _link_share(li) >= LINK_LIST_MIN_LINK_SHARE for li in items
        ):
            element.drop_tree()
            dropped += 1
    return dropped


def drop_comment_sections(tree: HtmlElement) -> int:
    """Drop readers' comment sections the extractor keeps; return how many were dropped."""
    paragraphs = _prose_words(tree)
    dropped = 0
    for element in list(tree.iter("div", "section", "ol", "ul", "aside")):
        if element.getparent() is None or not _names_comments(element):
            continue
        if element.find(".//h1") is not None:
            continue
        if paragraphs and _prose_words(element) > COMMENTS_MAX_SHARE * paragraphs:
            continue
        element.drop_tree()
        dropped += 1
    return dropped


def _names_comments(element: HtmlElement) -> bool:
    names = [element.get("id") or "", *(element.get("class") or "").split()]
    return any(_COMMENTS_NAME.search(name) for name in names if name)


def _prose_words(element: HtmlElement) -> int:
    return sum(len(p.text_content().split()) for p in element.iter("p"))


def clean_body(text: str, titles: Iterable[str] = ()) -> str:
    """Body text without headline, URL/timestamp lines, cross-links and boilerplate tail."""
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or _URL_LINE.match(stripped) or _TIMESTAMP_LINE.match(stripped):
            continue
        if _XREF_LINE.match(stripped) and len(stripped.split()) <= XREF_MAX_WORDS:
            continue
        if _is_marker(stripped):
            continue
        lines.append(stripped)
    lines = _without_related_blocks(lines)
    titles = [t for t in (_normalise(t) for t in titles) if t]
    while lines and _is_title(lines[0], titles):
        lines.pop(0)
    banners = 0
    while (
        len(lines) > 1
        and banners < BANNER_MAX_LINES
        and (_is_banner(lines[0]) or _is_dateline_stamp(lines[0]))
    ):
        lines.pop(0)
        banners += 1
    trimmed = 0
    while len(lines) > 1 and trimmed < TAIL_MAX_LINES:
        last = lines[-1]
        if not (_TAIL_LINE.search(last) and len(last.split()) <= TAIL_MAX_WORDS):
            break
        lines.pop()
        trimmed += 1
    return "\n".join(lines)


def _without_related_blocks(lines: list[str]) -> list[str]:
    """Lines without "related" headings and the headlines listed under them."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        if not _RELATED_HEADING.match(lines[index]):
            kept.append(lines[index])
            index += 1
            continue
        index += 1
        listed = 0
        while index < len(lines) and listed < RELATED_MAX_LINES and _is_listed(lines[index]):
            index += 1
            listed += 1
    return kept


def _is_listed(line: str) -> bool:
    """A line that reads as a linked headline: a list item or a short line with no stop."""
    if (
        len(line) > RELATED_MAX_CHARS
        or len(line.split()) > RELATED_MAX_WORDS
        or _RELATED_HEADING.match(line)
    ):
        return False
    return line.startswith(("- ", "• ")) or not _SENTENCE_END.search(line)


def without_paywall_prompt(text: str) -> str:
    """``text`` without a paywall's prompt as its last line ("This article is for members
    only. Subscribe to continue reading."): the teaser above it is the story."""
    lines = text.split("\n")
    if len(lines) > 1:
        last = lines[-1].strip()
        if len(last.split()) <= PAYWALL_MAX_WORDS and _PAYWALL_LINE.search(last):
            return "\n".join(lines[:-1])
    return text


def _is_marker(line: str) -> bool:
    """An ad-break marker or widget placeholder ("Story continues below advertisement")."""
    return (
        len(line) <= MARKER_MAX_CHARS
        and len(line.split()) <= MARKER_MAX_WORDS
        and _MARKER_LINE.match(line) is not None
    )


def _is_dateline_stamp(line: str) -> bool:
    """A publication stamp opening the body ("Ana Ruiz | Palma | 08/01/2014",
    "Posted: 2018-09-28 17:32"): page furniture, not a sentence of the story."""
    return (
        len(line) <= STAMP_MAX_CHARS
        and len(line.split()) <= STAMP_MAX_WORDS
        and not _SENTENCE_END.search(line)
        and (_NUMERIC_DATE.search(line) is not None or _YEAR_AND_TIME.search(line) is not None)
    )


def _is_banner(line: str) -> bool:
    return (
        len(line.split()) <= BANNER_MAX_WORDS
        and not line.endswith(".")
        and _BANNER_LINE.search(line) is not None
    )


def _link_share(element: HtmlElement) -> float:
    total = len("".join(element.text_content().split()))
    if not total:
        return 0.0
    linked = sum(len("".join(a.text_content().split())) for a in element.iter("a"))
    return linked / total


def _normalise(text: str) -> str:
    return " ".join(re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold()))


def _is_title(line: str, titles: list[str]) -> bool:
    norm = _normalise(line)
    if not norm:
        return False
    for title in titles:
        if norm == title:
            return True
        shorter, longer = sorted((norm, title), key=len)
        if len(shorter) > 15 and longer.startswith(shorter) and len(shorter) / len(longer) > 0.6:
            return True
        matcher = SequenceMatcher(None, norm, title, autojunk=False)
        if (
            matcher.real_quick_ratio() >= TITLE_SIMILARITY
            and matcher.quick_ratio() >= TITLE_SIMILARITY
            and matcher.ratio() >= TITLE_SIMILARITY
        ):
            return True
    return False
