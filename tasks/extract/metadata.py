"""Facts a page states about itself in its markup: canonical URL, times, language, credits.

trafilatura already reads most metadata, but it keeps only the *date* of publication, drops
root-relative canonical links, and does not report the declared language; these small
readers fill those gaps from an lxml tree that has already been parsed (no second parse).
They collect what the page claims; headline.py, bylines.py and publisher.py decide what to
believe, and ``choose_publication`` picks the publication time with its provenance.
"""

from __future__ import annotations

import html as html_entities
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from ipaddress import ip_address
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from lxml.html import HtmlElement

from newsflow.tasks.extract.timestamps import Stamp, parse_dateline, parse_stamp
from newsflow.tasks.text import CAPS, clean_field, clean_text

# Meta tags that carry the publication time: the article-specific ones (Open Graph and the
# common CMS spellings), then generic ones that some sites fill with the update time.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "parsely-pub-date",
)
_WEAK_DATE_META = (
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "date",
)
_MODIFIED_META = ("article:modified_time", "og:updated_time", "dateModified")
_DATELINE_TAGS = ("time", "span", "div", "p", "li", "dd", "small", "abbr", "em", "strong", "a")
_DATELINE_HINT = re.compile(r"(?:19|20)\d\d")
_DATELINE_CLOCK = re.compile(r"\d[:.]\d\d")
_UPDATED = re.compile(r"\b(updated|modified|edited)\b", re.I)
_MAX_DATELINES = 5
_BYLINE_MARK = re.compile(r"byline|by-line|\bauthor\b|author-?name|by-author|\bwriter\b")
_MAX_BYLINE = 150
_LINE_TAGS = ("p", "div", "span", "li", "address")
_BY_LINE = re.compile(r"^(?:By|BY|Written by|Words by|Text by)\s+\w")
_BY_STARTS = ("By ", "BY ", "By\n", "Written by", "Words by", "Text by")
_INLINE_TAGS = ("strong", "b", "em", "a", "span")
# "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde": a credit label mid-line.
_CREDIT_LABEL = re.compile(
    r"(?:^|[-–—|·•]\s)(?:posted|published|publicado|publicada|publié|publiée)"
    r"\s+(?:by|por|par)\s*:?\s*(?P<name>[^|·•\n]*?)(?:\s+[-–—|·•]\s|$)",
    re.I,
)
_SAME_INSTANT = 120  # seconds within which two claims state the same publication time
_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report|LiveBlogPosting)$")
_MAX_JSONLD_CHARS = 1_000_000  # a script block larger than this is not metadata
_EARLIEST = datetime(1990, 1, 1)
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
# Second-level labels under a country code that are not registrable on their own
# (news.bbc.co.uk -> bbc.co.uk); an approximation of the public suffix list, on purpose.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go", "gv"})


@dataclass(kw_only=True, slots=True)
class PageMetadata:
    """What the markup says, before any judgement about whether to believe it."""

    canonical_href: str | None = None  # <link rel=canonical>, as written
    og_url: str | None = None
    language: str | None = None  # primary subtag of <html lang> / content-language, lowercase
    headline: str | None = None  # JSON-LD headline
    jsonld_bodies: list[str] = field(default_factory=list)  # JSON-LD articleBody values
    titles: list[str] = field(default_factory=list)  # <title>, og:title, <h1>: for cleanup
    metas: dict[str, str] = field(default_factory=dict)  # <meta> content by lowercased key
    title_tag: str | None = None  # <title>, whitespace collapsed
    h1s: list[str] = field(default_factory=list)  # the first few <h1> texts
    # Publication-time claims, each as (source, stamp): see ``choose_publication``.
    time_claims: list[tuple[str, Stamp]] = field(default_factory=list)
    modified: Stamp | None = None
    jsonld_authors: list[str] = field(default_factory=list)  # Person (or agency) names
    # Authors named only by reference (``{"@id": ...}`` to a node of an ``@graph``): SEO
    # plugins fill these from the CMS account that posted the story, so they rank last.
    jsonld_referenced_authors: list[str] = field(default_factory=list)
    # Authors the JSON-LD types as an Organization: a credit, never a person.
    jsonld_organisation_authors: list[str] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)  # visible byline texts, in page order
    jsonld_publishers: list[str] = field(default_factory=list)
    # (name, url) of each JSON-LD Organization that gives its home page: the site's own one
    # names the publisher when nothing else on the page does.
    organisations: list[tuple[str, str]] = field(default_factory=list)
    # (name, url) of each JSON-LD WebSite node (an SEO plugin's ``@graph`` states the site's
    # own name there); the url is "" when the node gives none.
    websites: list[tuple[str, str]] = field(default_factory=list)
    microdata_publishers: list[str] = field(default_factory=list)  # itemprop="publisher"
    free: bool | None = None  # JSON-LD isAccessibleForFree
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None


def read_page_metadata(tree: HtmlElement) -> PageMetadata:
    """Collect canonical link, publication time, language and JSON-LD facts from ``tree``."""
    meta = PageMetadata()
    metas: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or ""
        content = element.get("content")
        if key and content and key.lower() not in metas:
            metas[key.lower()] = content.strip()
        equiv = (element.get("http-equiv") or "").lower()
        if equiv == "content-language" and content and "content-language" not in metas:
            metas["content-language"] = content.strip()
    for link in tree.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        if "canonical" in rels and link.get("href", "").strip():
            meta.canonical_href = link.get("href", "").strip()
            break
    meta.canonical_href = clean_field(meta.canonical_href, "url")
    meta.og_url = clean_field(metas.get("og:url"), "url")
    meta.metas = metas

    by_id: dict[str, dict[str, Any]] = {}
    jsonld, others, meta.organisations, meta.websites = _jsonld_objects(tree, by_id)
    meta.microdata_publishers = _microdata_publishers(tree)
    _read_times(meta, tree, metas, jsonld, others)

    for obj in jsonld:
        body = obj.get("articleBody")
        body = clean_text(body, CAPS["text"]) if isinstance(body, str) else None
        if body:
            meta.jsonld_bodies.append(body)
        if meta.headline is None and isinstance(obj.get("headline"), str):
            meta.headline = clean_field(html_entities.unescape(obj["headline"]), "title")
    _read_credits(meta, jsonld, others, by_id)
    _read_labels(meta, tree, metas, jsonld)

    html_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    for raw in (html_lang, metas.get("content-language"), metas.get("og:locale")):
        match = _LANG.match((raw or "").strip().split(",")[0].strip())
        if match:
            meta.language = match.group(1).lower()
            break

    meta.titles = _title_candidates(tree, metas, meta.headline)
    meta.bylines = _bylines(tree)
    for element in tree.iter("title"):
        meta.title_tag = " ".join(element.text_content().split()) or None
        break
    for index, element in enumerate(tree.iter("h1")):
        if index >= 5:
            break
        meta.h1s.append(" ".join(element.text_content().split()))
    return meta


def choose_publication(
    meta: PageMetadata, now: datetime, extra: list[tuple[str, Stamp]] = ()
) -> tuple[Stamp | None, str | None, Stamp | None]:
    """The publication time to believe, the source it came from, and a rejected claim.

    A claim with a time of day and a zone beats one without; among those, the order of
    ``meta.time_claims`` (JSON-LD article, ``<time>``, article meta, visible dateline,
    other JSON-LD, generic meta, the day of a dateline without a zone) decides, then
    ``extra`` (trafilatura's date, the feed's date). A ``<time>`` element whose day
    disagrees with the page's metadata is ignored: it belongs to another story in a list.
    A claim before 1990 or in the future is not believed; the first such one is returned
    third (whatever was chosen), so the caller can flag it.
    """
    claims = list(meta.time_claims) + list(extra)
    rejected: Stamp | None = None
    plausible: list[tuple[str, Stamp]] = []
    for source, stamp in claims:
        if plausible_publication(stamp.utc(), now) is None:
            if rejected is None and stamp.value.year > 1:
                rejected = stamp
            continue
        plausible.append((source, stamp))
    reference_days = {
        s.utc().date() for src, s in plausible if src in ("jsonld", "meta") and s.aware
    }

    def consistent(source: str, stamp: Stamp) -> bool:
        if source != "time_element" or not reference_days:
            return True
        return any(abs((stamp.utc().date() - d).days) <= 1 for d in reference_days)

    timed = [(src, s) for src, s in plausible if s.precision != "day" and s.aware]
    timed = [(src, s) for src, s in timed if consistent(src, s)]
    datelines = [s for src, s in timed if src == "dateline"]
    if datelines:
        # What the reader sees settles a disagreement (a wrong offset in JSON-LD, a modified
        # time in a generic tag): the first claim that states the dateline's instant wins.
        for source, stamp in timed:
            if abs((stamp.utc() - datelines[0].utc()).total_seconds()) <= _SAME_INSTANT:
                return stamp, source, rejected
    if timed:
        return timed[0][1], timed[0][0], rejected
    for wanted in (lambda s: s.precision != "day", lambda s: True):
        for source, stamp in plausible:
            if wanted(stamp) and consistent(source, stamp):
                return stamp, source, rejected
    return None, None, rejected


def _read_times(
    meta: PageMetadata,
    tree: HtmlElement,
    metas: dict[str, str],
    jsonld: list[dict[str, Any]],
    others: list[dict[str, Any]],
) -> None:
    """Every publication-time claim on the page, in order of trust, and the modified time."""
    claims: list[tuple[str, Stamp | None]] = []
    claims += [("jsonld", parse_stamp(_text(o.get("datePublished")))) for o in jsonld]
    for element in tree.xpath('//time[@datetime] | //*[@itemprop="datePublished"]'):
        raw = element.get("datetime") or element.get("content")
        claims.append(("time_element", parse_stamp(raw)))
        if len(claims) > 40:
            break
    claims += [("meta", parse_stamp(metas.get(name))) for name in _DATE_META]
    timed, dated = _datelines(tree)
    claims += [("dateline", s) for s in timed]
    claims += [("jsonld", parse_stamp(_text(o.get("datePublished")))) for o in others]
    claims += [("meta", parse_stamp(metas.get(name))) for name in _WEAK_DATE_META]
    claims += [("dateline", s) for s in dated]  # the day, before any extractor's guess
    meta.time_claims = [(source, stamp) for source, stamp in claims if stamp is not None]
    for raw in [_text(o.get("dateModified")) for o in jsonld] + [
        metas.get(name.lower()) for name in _MODIFIED_META
    ]:
        stamp = parse_stamp(raw)
        if stamp is not None and stamp.value.year >= 1990:
            meta.modified = stamp
            break


def _datelines(tree: HtmlElement) -> tuple[list[Stamp], list[Stamp]]:
    """Visible datelines with a time of day and zone, in document order, once each; and the
    days of those whose clock states no zone.

    A clock time without a zone takes the page's display offset when the page shows one
    (``display_offset``); else only its day counts: the site's local zone is unknown, and
    the offset of another claim on the page is often plain UTC.
    """
    found: list[Stamp] = []
    days: list[Stamp] = []
    display = display_offset(tree)
    for element in tree.iter(*_DATELINE_TAGS):
        if len(element) > 6:
            continue
        text = element.text_content()
        if len(text) > 200 or not _DATELINE_CLOCK.search(text) or not _DATELINE_HINT.search(text):
            continue
        if _in_site_header(element):
            continue  # the site's clock or today's date above the story
        updated = _UPDATED.search(text)
        if updated and "publish" not in text.lower():
            text = text[: updated.start()]  # "Nov 18, 2019 at 2:26 PM HST - Updated ..."
        elif _marks_update(element):
            continue
        stamp = parse_dateline(text, fallback_zone=display)
        if stamp is None:
            continue
        known = days if stamp.precision == "day" else found
        if known is days and _aside(element):
            continue
        if stamp not in known and len(known) < _MAX_DATELINES:
            known.append(stamp)
        if len(found) >= _MAX_DATELINES:
            break
    return found, days


def display_offset(tree: HtmlElement) -> timezone | None:
    """The offset a page shows its times in, from ``<time datetime>`` elements whose text or
    title shows the same instant as a clock without a zone ("5:30 am" for 10:30+00:00);
    None unless every such element agrees on an offset other than zero."""
    offsets: set[timedelta] = set()
    for element in tree.xpath("//time[@datetime]")[:20]:
        stamp = parse_stamp(element.get("datetime"))
        if stamp is None or not stamp.aware or stamp.precision == "day":
            continue
        for shown in (element.text_content(), element.get("title") or ""):
            if not _DATELINE_CLOCK.search(shown):
                continue
            wall = parse_dateline(shown, fallback_zone=UTC)
            if wall is None or wall.precision == "day":
                continue
            local = wall.value.replace(tzinfo=None)
            offset = local - stamp.utc()
            quarters = round(offset.total_seconds() / 900)
            if abs(quarters) <= 14 * 4 and abs(offset.total_seconds() - quarters * 900) < 60:
                offsets.add(timedelta(seconds=quarters * 900))
            break
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    # No offset is no evidence: a CMS that writes the local clock as "+00:00" shows the same
    # clock it states, whatever its zone.
    return timezone(offset) if offset else None


_SITE_HEADER_TOKENS = frozenset(
    {"header", "site-header", "global-header", "masthead", "navbar", "topbar", "top-bar"}
)


def _in_site_header(element: HtmlElement) -> bool:
    """True inside the site's header or navigation (a ``<nav>`` or a block marked as the
    header, outside any ``<article>`` or ``<main>``, that holds no ``<h1>``): a dateline there
    is the site's clock, not the story's time."""
    if element.xpath("ancestor::article | ancestor::main"):
        return False
    node: HtmlElement | None = element
    for _ in range(10):
        if node is None or node.tag in ("body", "html"):
            return False
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        marked = node.tag == "nav" or any(
            token in _SITE_HEADER_TOKENS or token.startswith("header__") for token in tokens
        )
        if marked and not node.xpath(".//h1"):
            return True
        node = node.getparent()
    return False


def _aside(element: HtmlElement) -> bool:
    """True in a sidebar, footer or link: another story's date, not this one's."""
    return bool(element.xpath("ancestor-or-self::aside | ancestor-or-self::footer | ancestor::a"))


_NOT_STORY_CREDIT = re.compile(
    r"^(?:(?:pull)?quote|sidebar|caption|figure|references?|reflist|citation|footnotes?)"
    r"(?:[-_].*)?$"
)


def _quoted_or_captioned(element: HtmlElement) -> bool:
    """True for an "author" inside a figure, a quotation, a sidebar box or a list of
    references: it credits the photo, the quoted words or another work, not this one."""
    if element.xpath(
        "ancestor-or-self::figure | ancestor-or-self::figcaption | ancestor::blockquote"
    ):
        return True
    node: HtmlElement | None = element
    for _ in range(6):
        if node is None or node.tag in ("body", "html", "article", "main"):
            return False
        tokens = f"{node.get('class') or ''} {node.get('id') or ''}".lower().split()
        if any(_NOT_STORY_CREDIT.match(token) for token in tokens):
            return True
        node = node.getparent()
    return False


def _bylines(tree: HtmlElement) -> list[str]:
    """Short texts of bylines: elements marked as one (class, id, rel, itemprop), then
    unmarked lines that open with "By" or "Written by", in page order."""
    found: list[str] = []
    unmarked: list[str] = []
    for element in tree.iter(*_LINE_TAGS, *_INLINE_TAGS, "address", "section", "header"):
        marks = f"{element.get('class') or ''} {element.get('id') or ''} " + (
            f"{element.get('rel') or ''} {element.get('itemprop') or ''}"
        )
        if len(marks) > 3 and _BYLINE_MARK.search(marks.lower()):
            if _quoted_or_captioned(element):
                continue
            text = " ".join(" ".join(element.itertext()).split())
            if text and len(text) <= _MAX_BYLINE and text not in found and len(found) < 8:
                found.append(text)
        elif len(unmarked) < 2 and _leading_text(element).startswith(_BY_STARTS):
            line = element
            for _ in range(2):  # "<p><strong>By</strong> Jane Roe</p>": the line is the <p>
                if line is None or line.tag in _LINE_TAGS:
                    break
                line = line.getparent()
            if line is None or line.tag not in _LINE_TAGS or _quoted_or_captioned(line):
                continue  # "By Tom Cheredar, VentureBeat." citing a source in the references
            text = " ".join(" ".join(line.itertext()).split())
            if len(text) <= _MAX_BYLINE and _BY_LINE.match(text) and text not in unmarked:
                unmarked.append(text)
    labelled = [f"By {name}" for name in _labelled_credits(tree) if f"By {name}" not in unmarked]
    return found + [text for text in unmarked + labelled if text not in found]


_LABEL_XPATH = (
    "//body//text()[contains(., ' by') or contains(., ' By') or contains(., ' por')"
    " or contains(., ' par')]"
)


def _labelled_credits(tree: HtmlElement) -> list[str]:
    """Names after a "Published by:" label inside a short line, at most two."""
    names: list[str] = []
    for node in tree.xpath(_LABEL_XPATH):
        if len(node) > _MAX_BYLINE:
            continue
        owner = node.getparent()
        if owner is None:
            continue
        line = owner.getparent() if node.is_tail else owner
        if line is None or line.tag in ("script", "style"):
            continue
        text = " ".join(" ".join(line.itertext()).split())
        match = _CREDIT_LABEL.search(text) if len(text) <= _MAX_BYLINE else None
        name = match["name"].strip(" :-–—") if match else ""
        if name and name not in names:
            names.append(name)
        if len(names) >= 2:
            break
    return names


def _leading_text(element: HtmlElement) -> str:
    """The text an element opens with, past a leading comment ("<!-- -->Written by")."""
    text = element.text or ""
    if not text.strip() and len(element) and not isinstance(element[0].tag, str):
        text = element[0].tail or ""
    return text.lstrip() + " "


def _marks_update(element: HtmlElement) -> bool:
    """True when the element sits in an "Updated ..." line or an update-classed block."""
    node: HtmlElement | None = element
    for _ in range(3):
        if node is None:
            return False
        marks = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if "updat" in marks or "modif" in marks:
            return True
        parent = node.getparent()
        if parent is not None and len(parent) <= 6:
            context = parent.text_content()
            if len(context) < 300 and _UPDATED.search(context):
                return "publish" not in context.lower()
        node = parent
    return False


def _read_credits(
    meta: PageMetadata,
    jsonld: list[dict[str, Any]],
    others: list[dict[str, Any]],
    by_id: dict[str, dict[str, Any]],
) -> None:
    """Author names and publisher names the JSON-LD states (article objects first); a
    reference (``{"@id": ...}``, as in an ``@graph``) stands for the node it names."""
    for obj in jsonld:
        for name, kinds, referenced in _credits(obj.get("author"), by_id):
            names = meta.jsonld_referenced_authors if referenced else meta.jsonld_authors
            if name not in names:
                names.append(name)
            if kinds & _ORGANISATION_TYPES and "Person" not in kinds:
                meta.jsonld_organisation_authors.append(name)
    for obj in jsonld + others:
        for name, _kinds, _referenced in _credits(obj.get("publisher"), by_id):
            if _URL_NAME.match(name):
                continue  # {"name": "https://www.example.com"} names no outlet
            if name not in meta.jsonld_publishers:
                meta.jsonld_publishers.append(name)


def _read_labels(
    meta: PageMetadata, tree: HtmlElement, metas: dict[str, str], jsonld: list[dict[str, Any]]
) -> None:
    """Paywall flag, section, tags and top image: JSON-LD first, then Open Graph."""
    for obj in jsonld:
        free = obj.get("isAccessibleForFree")
        if meta.free is None and free is not None:
            meta.free = str(free).strip().lower() in ("true", "1", "yes")
        if meta.section is None:
            section = obj.get("articleSection")
            section = section[0] if isinstance(section, list) and section else section
            if isinstance(section, str) and section.strip():
                meta.section = section.strip()
        if not meta.tags:
            keywords = obj.get("keywords")
            if isinstance(keywords, str):
                keywords = keywords.split(",")
            if isinstance(keywords, list):
                meta.tags = [k.strip() for k in keywords if isinstance(k, str) and k.strip()]
        if meta.image_url is None:
            meta.image_url = _image_url(obj.get("image"))
    meta.section = meta.section or metas.get("article:section") or None
    if not meta.tags:
        meta.tags = [
            e.get("content", "").strip()
            for e in tree.iter("meta")
            if (e.get("property") or e.get("name") or "").lower() == "article:tag"
            and e.get("content", "").strip()
        ]
    if not meta.tags and metas.get("keywords"):
        meta.tags = [k.strip() for k in metas["keywords"].split(",") if k.strip()]
    meta.tags = list(dict.fromkeys(meta.tags))[:50]
    meta.image_url = metas.get("og:image") or meta.image_url


def _image_url(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("url") or value.get("contentUrl")
    return value.strip() if isinstance(value, str) and value.strip() else None


_ORGANISATION_TYPES = frozenset(
    {"Organization", "NewsMediaOrganization", "Corporation", "NGO", "GovernmentOrganization"}
)


def _credits(value: Any, by_id: dict[str, dict[str, Any]]) -> list[tuple[str, set[str], bool]]:
    """The ``name``, ``@type``s and whether it was read through a reference, for each
    Person/Organization in a JSON-LD value: a bare ``{"@id": ...}`` reads the node with that
    id; strings count as names, URLs do not."""
    items = value if isinstance(value, list) else [value]
    found: list[tuple[str, set[str], bool]] = []
    for item in items[:20]:
        if isinstance(item, list):
            found += _credits(item[:20], by_id)
        elif isinstance(item, dict):
            name = item.get("name")
            ref = item.get("@id")
            referenced = not isinstance(name, str) and isinstance(ref, str) and ref in by_id
            if referenced:
                item = by_id[ref]
                name = item.get("name")
            kinds = item.get("@type")
            kinds = {
                k for k in (kinds if isinstance(kinds, list) else [kinds]) if isinstance(k, str)
            }
            # one node may name several people: {"@type": "Person", "name": ["A", "B"]}
            for one in (name if isinstance(name, list) else [name])[:20]:
                if isinstance(one, str) and one.strip():
                    found.append((html_entities.unescape(" ".join(one.split())), kinds, referenced))
        elif isinstance(item, str) and item.strip() and not item.startswith("http"):
            found.append((html_entities.unescape(" ".join(item.split())), set(), False))
    return found


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, str) else None


def plausible_publication(value: datetime | None, now: datetime) -> datetime | None:
    """``value`` unless it is before 1990 or more than two days after ``now`` (naive UTC)."""
    if value is None or value < _EARLIEST or value > now + timedelta(days=2):
        return None
    return value


def trusted_canonical(meta: PageMetadata, page_url: str) -> str | None:
    """The page's own claim of its canonical URL, resolved, if it is safe to key the story on.

    Accepted: ``rel=canonical`` (else ``og:url``), resolved against the page URL, http(s),
    on the same site as the page (same registrable domain, approximated; same address for IP
    hosts), and not the bare home page of a page that has a path (a common CMS mistake that
    would merge every story into one). A cross-site canonical (syndicated copies, or a page
    claiming someone else's URL) is ignored: the text we extracted belongs to this page.
    """
    for href in (meta.canonical_href, meta.og_url):
        if not href:
            continue
        try:
            resolved = urljoin(page_url, href)
            target, page = urlsplit(resolved), urlsplit(page_url)
            target_host, page_host = target.hostname, page.hostname
        except ValueError:
            continue
        if target.scheme not in ("http", "https") or not target_host or not page_host:
            continue
        if site_of(target_host) != site_of(page_host) or not _same_port(target, page):
            continue
        if target.path in ("", "/") and not target.query and page.path not in ("", "/"):
            continue
        return resolved
    return None


def _same_port(target: SplitResult, page: SplitResult) -> bool:
    """Another port is another server (http <-> https on their default ports is not)."""
    defaults = {"http": 80, "https": 443}
    try:
        ports = {part.port or defaults.get(part.scheme) for part in (target, page)}
    except ValueError:  # a port out of range
        return False
    return len(ports) == 1 or ports <= {80, 443}


def site_of(host: str) -> str:
    """Registrable domain of ``host`` (``www.bbc.co.uk`` -> ``bbc.co.uk``); IPs unchanged."""
    host = host.lower().rstrip(".")
    try:
        ip_address(host)
        return host
    except ValueError:
        pass
    labels = host.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _jsonld_objects(
    tree: HtmlElement, by_id: dict[str, dict[str, Any]] | None = None
) -> tuple[
    list[dict[str, Any]], list[dict[str, Any]], list[tuple[str, str]], list[tuple[str, str]]
]:
    """Article-typed JSON-LD objects, the other typed ones that date or publish a page, the
    (name, url) of each Organization and of each WebSite node (url "" when it gives none);
    ``by_id`` collects each named node by its ``@id``, so that references to it can be read."""
    found: list[dict[str, Any]] = []
    others: list[dict[str, Any]] = []
    organisations: list[tuple[str, str]] = []
    websites: list[tuple[str, str]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text or ""
        if not text.strip() or len(text) > _MAX_JSONLD_CHARS:
            continue
        data = _parse_jsonld(text)
        if data is None:
            # Unescaped quotes in an articleBody break the block; its publisher's name,
            # written before them, is still legible.
            found_name = _BROKEN_PUBLISHER.search(text[:20_000])
            if found_name and len(others) < 20:
                others.append({"publisher": {"name": found_name.group(1)}})
            continue
        stack: list[Any] = [data]
        while stack and len(found) < 20:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                ref = item.get("@id")
                if by_id is not None and isinstance(ref, str) and "name" in item:
                    by_id.setdefault(ref, item)
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                    found.append(item)
                elif ("datePublished" in item or "publisher" in item) and len(others) < 20:
                    others.append(item)
                if "Organization" in kinds or "NewsMediaOrganization" in kinds:
                    name, url = _text(item.get("name")), _text(item.get("url"))
                    if name and name.strip() and url and len(organisations) < 10:
                        organisations.append((" ".join(name.split()), url.strip()))
                if "WebSite" in kinds and len(websites) < 5:
                    name, url = _text(item.get("name")), _text(item.get("url"))
                    if name and name.strip():
                        websites.append((" ".join(name.split()), (url or "").strip()))
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return found, others, organisations, websites


def _parse_jsonld(text: str) -> Any:
    """A JSON-LD block, also when a template left a ``// comment`` in it; None for one
    nested too deep to parse (it must not cost the page its article). A template's trailing
    comma needs no repair here: the extractor still reads such a block's credits."""
    text = text.strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(_JS_COMMENT.sub(lambda m: m.group(1) or "", text), strict=False)
    except (ValueError, RecursionError):
        return None


# A string literal (kept as it is) or a // comment to the end of the line (dropped).
_JS_COMMENT = re.compile(r'("(?:[^"\\\n]|\\.)*")|//[^\n]*')
_URL_NAME = re.compile(r"^(?:https?://|www\.)", re.I)
_BROKEN_PUBLISHER = re.compile(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"\\]{2,80})"')


def _microdata_publishers(tree: HtmlElement) -> list[str]:
    """Names of ``itemprop="publisher"`` elements: their ``name`` item, else a logo's title."""
    names: list[str] = []
    for element in tree.xpath('//*[@itemprop="publisher"][not(self::meta)]')[:3]:
        found = element.xpath('.//*[@itemprop="name"]')
        name = (found[0].get("content") or found[0].text_content()) if found else ""
        if not name.strip():
            labels = element.xpath(".//a/@title | .//img/@alt")
            name = next((label for label in labels if label.strip()), "")
        name = " ".join(name.split())
        if name and len(name) <= 80 and name not in names:
            names.append(name)
    return names


def _title_candidates(tree: HtmlElement, metas: dict[str, str], headline: str | None) -> list[str]:
    titles = [metas.get("og:title"), metas.get("twitter:title"), headline]
    for element in tree.iter("title"):
        full = " ".join(element.text_content().split())
        titles.append(full)
        for sep in (" | ", " - ", " – ", " — ", " :: ", " · "):
            if sep in full:
                titles += [full.rsplit(sep, 1)[0], full.split(sep, 1)[0]]
        break
    for index, element in enumerate(tree.iter("h1")):
        if index >= 3:
            break
        titles.append(" ".join(element.text_content().split()))
    return [clean for t in titles if (clean := clean_field(t, "title"))]
