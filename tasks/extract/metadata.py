"""Facts a page states about itself in its markup: canonical URL, publication time, language.

trafilatura already reads most metadata, but it keeps only the *date* of publication, drops
root-relative canonical links, and does not report the declared language; these small
readers fill those gaps from an lxml tree that has already been parsed (no second parse).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from ipaddress import ip_address
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

# Meta tags that carry the publication time, strongest first (Open Graph, then the common
# CMS and Dublin Core spellings). JSON-LD ``datePublished`` and itemprop come after them.
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
)
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
    published: datetime | None = None  # naive UTC, from the first parseable source
    language: str | None = None  # primary subtag of <html lang> / content-language, lowercase
    headline: str | None = None  # JSON-LD headline
    jsonld_bodies: list[str] = field(default_factory=list)  # JSON-LD articleBody values
    titles: list[str] = field(default_factory=list)  # <title>, og:title, <h1>: for cleanup


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
    meta.og_url = metas.get("og:url")

    jsonld = list(_jsonld_articles(tree))
    candidates = [metas.get(name) for name in _DATE_META]
    candidates += [str(obj.get("datePublished") or "") for obj in jsonld]
    for element in tree.xpath('//*[@itemprop="datePublished"]'):
        candidates.append(element.get("content") or element.get("datetime"))
    for raw in candidates:
        parsed = parse_timestamp(raw)
        if parsed is not None:
            meta.published = parsed
            break

    for obj in jsonld:
        body = obj.get("articleBody")
        if isinstance(body, str) and body.strip():
            meta.jsonld_bodies.append(body)
        if meta.headline is None and isinstance(obj.get("headline"), str):
            meta.headline = obj["headline"].strip() or None

    html_lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    for raw in (html_lang, metas.get("content-language"), metas.get("og:locale")):
        match = _LANG.match((raw or "").strip().split(",")[0].strip())
        if match:
            meta.language = match.group(1).lower()
            break

    meta.titles = _title_candidates(tree, metas, meta.headline)
    return meta


def parse_timestamp(raw: str | None) -> datetime | None:
    """ISO 8601 or RFC 2822 text as a naive UTC datetime; a zone-less value is taken as UTC."""
    text = (raw or "").strip()
    if not text or len(text) > 64:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def plausible_publication(value: datetime | None, now: datetime) -> datetime | None:
    """``value`` unless it is before 1990 or more than two days after ``now`` (naive UTC)."""
    if value is None or value < _EARLIEST or value > now + timedelta(days=2):
        return None
    return value


def date_as_datetime(value: str | None) -> datetime | None:
    """trafilatura's ``YYYY-MM-DD`` date as midnight of that day, or None."""
    try:
        return datetime.combine(date.fromisoformat((value or "")[:10]), datetime.min.time())
    except ValueError:
        return None


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
        if site_of(target_host) != site_of(page_host):
            continue
        if target.path in ("", "/") and not target.query and page.path not in ("", "/"):
            continue
        return resolved
    return None


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


def _jsonld_articles(tree: HtmlElement) -> list[dict[str, Any]]:
    """Article-typed objects from the page's JSON-LD blocks (nested and @graph included)."""
    found: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text or ""
        if not text.strip() or len(text) > _MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack and len(found) < 20:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                kinds = item.get("@type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                if any(isinstance(k, str) and _ARTICLE_TYPES.search(k) for k in kinds):
                    found.append(item)
                stack.extend(v for v in item.values() if isinstance(v, dict | list))
    return found


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
    return [t for t in titles if t]
