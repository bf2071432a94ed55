"""Names a page gives its outlet outside the usual metadata, believed only when two agree.

A page served from a mirror or a test server (127.0.0.1:8765) without ``og:site_name`` or a
JSON-LD publisher still names its outlet in weaker places: the suffix of ``<title>``
("Story - Entermedia"), ``apple-mobile-web-app-title``, the ``twitter:site`` handle, a
``rel=publisher`` profile link, the alt text of the logo, the title of the RSS link it
advertises, and the footer's copyright line ("©2019 Ascom"). Each alone is often something
else (a section, a parent company, a slug), so a name counts only when two different kinds
of signal name the same outlet. The other parts of ``<title>`` may name it too: before a
slogan ("Story - Site.de - Your portal"), leading it ("Blog: Story", "Site | Story"), a home
page's whole title ("MEDEF"), or the part before a comma ("BMEIA, Außenministerium").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsflow.tasks.extract.headline import DOMAINISH
from newsflow.tasks.extract.metadata import site_of
from newsflow.tasks.extract.publisher import names_a_site, section_only
from newsflow.tasks.text import fold_accents

# Kinds of signal, most often right first (checked on dev pages; copyright lines often name
# a parent company, logo alt texts a partner or a slug).
KINDS = (
    "app_title",
    "feed",
    "title_suffix",
    "og_title_suffix",
    "handle",
    "publisher_link",
    "logo",
    "copyright",
    "title_part",
    "title_whole",
)
# The order in which their spelling is preferred: titles are written for readers, a feed's
# title adds words ("MoneyControl.com News"), a handle drops the spaces.
SPELLING = (
    "app_title",
    "title_suffix",
    "og_title_suffix",
    "title_part",
    "title_whole",
    "copyright",
    "logo",
    "feed",
    "handle",
    "publisher_link",
)
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|//|«|»)\s+")
# A copyright mark, or the word with a mark or a year ("Copyright 2019 X"): the bare word
# is also prose ("copyright companies").
_COPYRIGHT = re.compile(
    r"(?:(?:©|ⓒ|\(c\))(?:\s*copyright\b)?|copyright\s*(?:©|ⓒ|\(c\))|copyright(?=\s+(?:19|20)\d\d))"
    r"[\s©ⓒ]*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?)?"
    r"[\s,]*(?:by\s+)?(?P<name>[^\n|.©]{2,60}?(?:\.[a-z]{2,6}(?:\.[a-z]{2})?)?"
    r"(?:\s(?:[a-z]\.){2,3})?)"  # "Grupa Wirtualna Polska S.A."
    r"\s*(?:$|[|.]\s|\.$|,|\s[-–—]\s|\ball rights\b|\b(?:19|20)\d\d\b)",
    re.I,
)
_COMPANY_TAIL = re.compile(
    r"[\s,]+(?:inc|llc|ltd|limited|gmbh|ag|sa|plc|corp|corporation|co"
    r"|s\.a|s\.p\.a|n\.v|b\.v|e\.v|a\.s|s\.l|s\.r\.l)\.?$",
    re.I,
)
# Share buttons' icons are marked as logos too ("reddit-logo.png"): another site's name.
SHARE_SITES = frozenset(
    [
        "facebook",
        "twitter",
        "x",
        "reddit",
        "del.icio.us",
        "delicious",
        "digg",
        "stumbleupon",
        "linkedin",
        "pinterest",
        "tumblr",
        "whatsapp",
        "telegram",
        "xing",
        "flipboard",
        "pocket",
        "email",
        "e-mail",
        "rss",
        "google+",
        "mastodon",
        "instagram",
        "youtube",
        "tiktok",
    ]
)
_LOGO_WORDS = re.compile(r"\b(?:logo|image|img|icon|home|homepage|go to|header|site)\b", re.I)
_FEED_WORDS = re.compile(
    r"\b(?:rss|atom|feeds?|comments?|overall|latest news|news feed|\d\.\d)(?!\w)", re.I
)
_MAX_WORDS = 5
_MAX_COPYRIGHT_LINES = 4


@dataclass(frozen=True, slots=True)
class NameSignal:
    """One place the page names its outlet: ``kind`` (see ``KINDS``) and the name."""

    kind: str
    name: str


# A real <title> has a handful of parts; a hostile one with thousands would make comparing
# every signal with every other quadratic.
MAX_TITLE_PARTS = 6


def read_name_signals(
    tree: HtmlElement, metas: dict[str, str], title_tag: str | None
) -> list[NameSignal]:
    """Every weak outlet-name signal on the page, cleaned, at most a few of each kind."""
    signals: list[NameSignal] = []

    def add(kind: str, raw: str | None) -> None:
        name = _clean(raw or "")
        if name and NameSignal(kind, name) not in signals:
            signals.append(NameSignal(kind, name))

    add("app_title", metas.get("apple-mobile-web-app-title"))
    add("title_suffix", _suffix(title_tag))
    parts = _title_parts(title_tag)
    whole = " ".join((title_tag or "").split())
    for part in parts[:MAX_TITLE_PARTS]:
        add("title_whole" if part == whole else "title_part", part)
    add("og_title_suffix", _suffix(metas.get("og:title")))
    handle = (metas.get("twitter:site") or "").strip()
    if handle.startswith("@"):
        add("handle", handle[1:])
    for text in _copyright_lines(tree):
        match = _COPYRIGHT.search(text)
        if match:
            add("copyright", match["name"])
    for label in _logo_labels(tree):
        label = _SEPARATORS.split(label)[0]  # "Global Voices Online - The world is talking"
        add("logo", _LOGO_WORDS.sub(" ", label.replace("-", " ").replace("_", " ")))
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower()
        if "alternate" in rels and ("rss" in kind or "atom" in kind):
            for name in _feed_names(link.get("title") or ""):
                add("feed", name)
        elif "publisher" in rels:
            add("publisher_link", _profile_name(link.get("href") or ""))
    return signals


def agreed_name(signals: Sequence[NameSignal]) -> str | None:
    """The outlet name two different kinds of signal agree on, spelled for readers.

    Signals are tried in order of ``KINDS`` (most reliable first); the first one another kind
    agrees with wins, and the group's first readable spelling in ``SPELLING`` order (not a
    domain, not a lowercase slug) is returned.
    """
    ranked = sorted(signals, key=lambda s: KINDS.index(s.kind) if s.kind in KINDS else 99)
    for signal in ranked:
        key = _key(signal.name)
        group = [signal] + [
            other
            for other in ranked
            if other.kind != signal.kind
            and not _same_template(signal, other)
            and (
                _agrees(key, _key(other.name))
                or _abbreviates(signal.name, other.name)
                or (
                    _leads(signal.name, other.name)
                    and "title_whole" not in (signal.kind, other.kind)
                )
            )
        ]
        if len(group) > 1:
            group.sort(key=lambda s: SPELLING.index(s.kind) if s.kind in SPELLING else 99)
            names = {s.name for s in group}
            readable = [
                s.name
                for s in group
                if _readable(s.name) and s.name.split(", ", 1)[0] not in names - {s.name}
            ]  # "QPA, Harbour Authority" beside "QPA": the name, not its gloss
            return readable[0] if readable else signal.name
    return None


def _readable(name: str) -> bool:
    return not DOMAINISH.match(name) and (name.lower() != name or " " in name)


# The other parts of <title>: evidence for a page that states no name, no vote against one.
TITLE_PART_KINDS = frozenset({"title_part", "title_whole"})
_TITLE_KINDS = frozenset({"title_suffix", "og_title_suffix", *TITLE_PART_KINDS})


def _same_template(a: NameSignal, b: NameSignal) -> bool:
    """``<title>`` and ``og:title`` parts come from one template: not independent."""
    return a.kind in _TITLE_KINDS and b.kind in _TITLE_KINDS


def _agrees(a: str, b: str) -> bool:
    """One key inside the other, the shorter at least half the longer."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and short in long and len(short) * 2 >= len(long)


def _abbreviates(a: str, b: str) -> bool:
    """True when one name is the other's initials: a logo's "FSF" for the title's "Free
    Software Foundation". Three capitalised words at least: two letters match too much."""
    for short, long in ((a, b), (b, a)):
        words = [w for w in re.findall(r"[^\W\d_]+", long) if w[0].isupper() and w.lower() != "the"]
        initials = fold_accents("".join(w[0] for w in words))
        if len(words) >= 3 and " " not in short.strip() and _key(short) == initials:
            return True
    return False


def _leads(a: str, b: str) -> bool:
    """True when one name is the leading words of the other: a logo's "MSN.com" and the
    title's "MSN Lifestyle" (an outlet and its edition or desk). Not for a whole ``<title>``,
    an article's headline ("Quayworks wins contract" beside "© Quayworks")."""
    for short, long in ((a, b), (b, a)):
        words = re.findall(r"[^\W_]+", fold_accents(long))
        words = words[1:] if words[:1] in (["the"], ["The"]) else words
        key = _key(short)
        if len(key) >= 3 and any(
            _key(" ".join(words[:end])) == key for end in range(1, len(words))
        ):
            return True
    return False


def _key(name: str) -> str:
    """Letters and digits only, accents folded ("Inovação" is "inovacao"); a domain counts
    by its main label (``entermedia.co.kr``)."""
    text = fold_accents(name.strip())
    if DOMAINISH.match(text):
        text = site_of(text.removeprefix("www.")).split(".")[0]
    return re.sub(r"[^\w]|_", "", text.removeprefix("the "))


def _clean(raw: str) -> str | None:
    name = _COMPANY_TAIL.sub("", " ".join(raw.split()).strip(" :-–—|,()[]"))
    if not name or len(name.split()) > _MAX_WORDS or len(re.findall(r"[^\W\d_]", name)) < 2:
        return None  # a name has two letters at least ("x" is a placeholder)
    if re.fullmatch(r"[\d\s\-–/]+", name):
        return None
    return name


def _suffix(title: str | None) -> str | None:
    """The last segment of a title split by site separators, when there are two or more."""
    parts = _SEPARATORS.split(" ".join((title or "").split()))
    return parts[-1] if len(parts) >= 2 else None


def _title_parts(title: str | None) -> list[str]:
    """The parts of ``<title>`` other than its suffix that may name the site: the segments
    before the last, the words before a leading colon ("Old Blog: 2011"), a title without
    separators whole (a home page's), and the part of any of them before a comma."""
    text = " ".join((title or "").split())
    if not text:
        return []
    parts = _SEPARATORS.split(text)
    named = parts[:-1] if len(parts) >= 2 else parts
    lead = re.split(r":\s+", parts[0], maxsplit=1)
    if len(lead) == 2:
        named = [lead[0], *named[1:]] if len(parts) == 1 else [*named, lead[0]]
    commas = [part.split(", ", 1)[0] for part in [*named, parts[-1]] if ", " in part]
    return [part for part in [*named, *commas] if not section_only(part)]  # "Blog - Story"


def _feed_names(title: str) -> list[str]:
    """ "Foo News » Feed", "Foo Overall RSS 2.0 Feed (everything)", "최신뉴스(Entermedia)": the
    name without the feed words, and a parenthesised name on its own."""
    text = _SEPARATORS.split(title.replace("»", " | "))[0]
    inner = re.findall(r"\(([^()]{3,40})\)", text)
    outer = re.sub(r"\([^()]*\)", " ", text)
    return [_FEED_WORDS.sub(" ", part) for part in [outer, *inner]]


def _profile_name(href: str) -> str | None:
    """The account in a ``rel=publisher`` profile link ("plus.google.com/+cnn/posts" -> "cnn");
    None for a numeric id."""
    segments = [part for part in urlsplit(href.strip()).path.split("/") if part]
    for segment in segments[:2]:
        name = segment.lstrip("+@")
        if name and not name.isdigit() and name.lower() not in ("u", "user", "company", "pages"):
            return name
    return None


def _copyright_lines(tree: HtmlElement) -> list[str]:
    """Short visible lines holding a copyright mark, last ones first (the footer's)."""
    found: list[str] = []
    nodes = tree.xpath(
        "//body//text()[not(ancestor::script) and not(ancestor::style)]"
        "[contains(., '©') or contains(., 'ⓒ') or contains(., 'opyright')"
        " or contains(., 'OPYRIGHT') or contains(., '(c)') or contains(., '(C)')]"
    )
    for node in reversed(nodes):
        owner = node.getparent()
        if owner is None:
            continue
        line = owner.getparent() if node.is_tail else owner
        if line is None:
            continue
        text = " ".join(line.text_content().split())
        if len(text) > 300:
            text = " ".join(str(node).split())
        if text and text not in found:
            found.append(text)
        if len(found) >= _MAX_COPYRIGHT_LINES:
            break
    return found


def _logo_labels(tree: HtmlElement) -> list[str]:
    """Alt and title texts of the logo images (marked as a logo in src, class, id or alt)."""
    labels: list[str] = []
    for image in tree.iter("img"):
        parent = image.getparent()
        marks = " ".join(image.get(name) or "" for name in ("src", "class", "id", "alt")) + (
            f" {parent.get('class') or ''} {parent.get('id') or ''}" if parent is not None else ""
        )
        if "logo" not in marks.lower():
            continue
        for label in (image.get("alt"), image.get("title")):
            if label and _LOGO_WORDS.sub(" ", label).strip().lower() in SHARE_SITES:
                continue
            if label and label.strip() and label not in labels:
                labels.append(label)
        if len(labels) >= 3:
            break
    return labels


_CHANNEL_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|//|«|»|>|:)\s+|:\s+")
# "RSS Feed do Site Inovação Tecnológica": what is left of "the feed of the site of" once
# the feed words are gone.
_LEADING_FILLER = re.compile(r"^(?:(?:of|from|on|do|da|de|du|des|del|di|von|site)\s+)+", re.I)
_COMMENTS_FEED = re.compile(r"^\s*comments?\b", re.I)


def channel_names(feed_title: str | None) -> list[str]:
    """The parts of a feed's channel title that can name its outlet, in title order.

    "Top Stories - Example" -> ["Example"]; "NYT > World" -> ["NYT"]; "Latest news" -> [];
    a comments feed ("Comments on: ...") names a story, not an outlet.
    """
    title = " ".join((feed_title or "").split())
    if not title or _COMMENTS_FEED.match(title):
        return []
    names: list[str] = []
    for part in _CHANNEL_SEPARATORS.split(title.replace("»", " » ")):
        for name in _feed_names(part):
            name = _LEADING_FILLER.sub("", _clean(name) or "")
            if re.search(r"\w", name) and not section_only(name) and name not in names:
                names.append(name)
    return names


def channel_name(feed_title: str | None, signals: Sequence[NameSignal], host: str) -> str | None:
    """The outlet a feed's channel title names, when the page's own signals allow it.

    A part of the title counts when the page agrees with it (one of its weak name signals,
    or the site's domain); alone, only when it is the title's one readable name and the page
    is served from a host that names nothing (127.0.0.1), where no domain can disagree.
    """
    names = channel_names(feed_title)
    host_names_site = names_a_site(host)
    site = site_of(host) if host_names_site else ""
    domains = {_key(site), re.sub(r"\W|_", "", site)} - {""}
    for name in names:
        key = _key(name)
        if any(_agrees(key, domain) for domain in domains):
            return name
        if any(_agrees(key, _key(signal.name)) for signal in signals):
            return name
    for name in names:  # "bioRxiv Subject Collection", "Everything Typepad", "UOL Noticias"
        words = _words_spelling(name, domains)
        if words:
            return words
    if len(names) == 1 and not host_names_site and _distinct_parts(feed_title):
        return names[0]
    return None


def _words_spelling(name: str, domains: set[str]) -> str | None:
    """The run of ``name``'s words that spells the site's domain ("bioRxiv" in "bioRxiv
    Subject Collection" on biorxiv.org), or whose initials do ("Jornal de Notícias" on
    jn.pt): the outlet's name inside a longer channel title."""
    words = name.split()
    for start in range(len(words)):
        for end in range(start + 1, len(words) + 1):
            run = words[start:end]
            key = _key(" ".join(run))
            initials = "".join(w[0] for w in run if w[:1].isupper())
            if key in domains or (len(run) > 1 and len(initials) > 1 and _key(initials) in domains):
                return " ".join(run)
    return None


def _distinct_parts(feed_title: str | None) -> bool:
    """False when the title repeats one part ("x - x - x"): a template or a placeholder,
    not a section and its outlet."""
    parts = [_key(p) for p in _CHANNEL_SEPARATORS.split(" ".join((feed_title or "").split()))]
    parts = [p for p in parts if p]
    return len(set(parts)) == len(parts)
