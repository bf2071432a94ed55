"""The sites a page links to: its own site's domain where the host it came from says nothing.

A page served from 127.0.0.1 (a mirror, a test server, a saved copy) still links to its own
site: its navigation, its home page, its footer. The domains it links to more than once, and
the texts of its links to a site's home page ("AustLII" -> ``http://www.austlii.edu.au/``),
let a name the page gives only once (a copyright holder, a logo) be checked against a domain
as it is on the page's own address: a name that spells a domain the page links to is the
site's, where the name alone could be a parent company or a partner.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from newsflow.tasks.extract.publisher import names_a_site, outlet_site
from newsflow.tasks.extract.site_names import SHARE_SITES

# A page's own links repeat (menu, footer); a site linked once is a source or a partner.
MIN_LINKS = 2
# Links read per page: a real one has a few hundred; a hostile one millions.
MAX_LINKS = 5_000
MAX_HOME_NAMES = 10
_MAX_NAME_WORDS = 5


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Domains linked at least ``MIN_LINKS`` times (most-linked first, no social sites) and
    the texts of links to a site's home page, as the page writes them."""

    sites: tuple[str, ...] = ()
    home_names: tuple[str, ...] = ()


def read_site_links(tree: HtmlElement) -> SiteLinks:
    """The page's linked sites and home-link texts (absolute links only: a relative one
    names no domain)."""
    counts: Counter[str] = Counter()
    home_names: list[str] = []
    for number, anchor in enumerate(tree.iter("a")):
        if number >= MAX_LINKS:
            break
        href = (anchor.get("href") or "").strip()
        if href.startswith("//"):
            href = "http:" + href
        if not href.lower().startswith(("http://", "https://")):
            continue
        try:
            parts = urlsplit(href)
            host = parts.hostname or ""
        except ValueError:
            continue
        if not names_a_site(host):
            continue
        site = outlet_site(host.lower())
        if site.split(".")[0] in SHARE_SITES:
            continue
        counts[site] += 1
        if parts.path in ("", "/") and not parts.query and len(home_names) < MAX_HOME_NAMES:
            name = _link_name(anchor)
            if name and name not in home_names:
                home_names.append(name)
    sites = tuple(site for site, count in counts.most_common() if count >= MIN_LINKS)
    return SiteLinks(sites=sites, home_names=tuple(home_names))


def _link_name(anchor: HtmlElement) -> str | None:
    """The link's text, else its title or its image's alt text, when short enough to be a
    name."""
    images = [image.get("alt") or "" for image in anchor.iter("img")]
    for raw in (anchor.text_content(), anchor.get("title") or "", *images):
        text = " ".join(raw.split())
        if text and len(text.split()) <= _MAX_NAME_WORDS:
            return text
    return None
