"""The article's own headline: the visible ``<h1>`` when the metadata agrees it is the story's.

``<title>`` and ``og:title`` often carry the site name and section (" - VG247",
" | Editorial | Opinion | The Guardian"), and some sites put their name in every ``<title>``
or in the first ``<h1>``. The visible headline is what readers see, so an ``<h1>`` wins when
it shares most of its words with a metadata title; otherwise the metadata title is used with
its site and section suffixes removed. A "site name" made of an ``<h1>`` and more ("Story -
Site", a general extractor's guess from ``<title>``) is no site's name.
"""

from __future__ import annotations

import html as html_entities
import re

_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|//|«|»)\s+")
_WORD = re.compile(r"\w+")
# written as a host name ("kulfold.ma.hu", "www.nj.com"): names a site, not a story
DOMAINISH = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.I)
_CONTINUATION = re.compile(r"\s*\w")
MIN_AGREEMENT = 0.5  # share of the shorter text's words the <h1> and a metadata title share
MAX_SUFFIX_WORDS = 6  # a trailing segment longer than this is part of the headline


def choose_headline(
    h1s: list[str],
    metadata_titles: list[str | None],
    site_names: list[str],
    host: str,
    fallback: str | None = None,
) -> str | None:
    """The headline, from the page's ``<h1>`` texts and its metadata titles (best first).

    ``site_names`` are names the page gives itself (``og:site_name``, JSON-LD publisher);
    with ``host`` they identify site-name suffixes and site-name ``<h1>`` elements.
    ``fallback`` (the extractor's own guess, often an ``<h1>``) is used only when the page
    has no metadata title at all.
    """
    # a "name" of three segments or more is a title cut short ("Story - Section - Site"), as
    # a general extractor's guess from ``<title>`` can be: not the site's name
    site_names = [name for name in site_names if len(_SEPARATORS.findall(name)) < 2]
    # nor is "Story - Site" whose first part is an <h1>: the story's headline names no site
    headings = {_plain(h).lower() for h in h1s if h and _plain(h)}
    site_names = [
        name
        for name in site_names
        if not (_SEPARATORS.search(name) and _SEPARATORS.split(name)[0].strip().lower() in headings)
    ]
    titles = [_plain(t) for t in metadata_titles if t and _plain(t)]
    stripped = [strip_site_suffix(t, site_names, host) for t in titles]
    stripped = [t for t in stripped if not is_site_name(t, site_names, host)]
    best: tuple[float, int, str] | None = None
    for h1 in (_plain(h) for h in h1s):
        if not h1 or is_site_name(h1, site_names, host) or _words(h1) > 60:
            continue
        for title in stripped + titles:
            agreement = _agreement(h1, title)
            # at equal agreement the <h1> sharing more words: a logo <h1> whose one word is
            # the title's site suffix agrees fully with it too
            score = (agreement, _shared(h1, title), h1)
            if agreement >= MIN_AGREEMENT and (best is None or score[:2] > best[:2]):
                best = score
    if best is not None:
        h1 = best[2]
        for title in stripped:  # the site's name glued to the <h1> by a hidden element
            rest = h1[len(title) :] if h1.lower().startswith(title.lower()) else ""
            if rest.strip() and is_site_name(rest.strip(), site_names, host):
                return title
        for title in stripped:  # an <h1> cut short by markup: the full title continues it
            rest = title[len(h1) :] if title.lower().startswith(h1.lower()) else ""
            # ... unless what continues it ends with the site's name ("… 国際ニュース：AFPBB News")
            if (
                _CONTINUATION.match(rest)
                and not _SEPARATORS.match(rest)
                and not _ends_with_site(rest, site_names)
            ):
                return title
        return strip_site_suffix(h1, site_names, host)
    if stripped:
        return stripped[0]
    return titles[0] if titles else (_plain(fallback) or None)


def strip_site_suffix(title: str, site_names: list[str], host: str) -> str:
    """``title`` without trailing segments that name the site or a section of it.

    A trailing segment goes when it names the site or is written as a host name ("Story -
    kulfold.ma.hu", whatever host the page is served from); once one has gone, short segments
    before it go too (sections: "Editorial | Opinion | The Guardian"). A leading segment that names
    the site goes too ("Global Voices Online » Story"). One segment always stays.
    """
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    keep = len(parts)
    removed_site = False
    while keep > 1:
        segment = parts[keep - 1]
        if is_site_name(segment, site_names, host) or DOMAINISH.match(segment.strip()):
            removed_site = True
        elif not (removed_site and len(segment.split()) <= 3):
            break
        keep -= 1
    start = 0
    while keep - start > 1 and is_site_name(parts[start], site_names, host):
        start += 1  # "Global Voices Online » Story": the site's name leads instead
    if (start, keep) == (0, len(parts)):
        return title
    out = parts[start]
    for index in range(start + 1, keep):
        out += seps[index - 1] + parts[index]
    return out.strip()


def is_site_name(text: str, site_names: list[str], host: str) -> bool:
    """True when ``text`` is the site's name: a stated name, or the host's main label."""
    key = _key(text)
    if not key or len(text.split()) > MAX_SUFFIX_WORDS:
        return False
    for name in site_names:
        name_key = _key(name)
        if name_key and _contains(key, name_key):
            return True
    labels = [label for label in host.lower().split(".") if label not in ("www", "com", "co")]
    for label in labels[:-1] or labels:
        label = re.sub(r"[^a-z0-9]", "", label)
        if len(label) >= 3 and _contains(key, label):
            return True
    return False


def _contains(a: str, b: str) -> bool:
    """One key inside the other, the shorter at least half the longer (not a stray word)."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 3 and short in long and len(short) * 2 >= len(long)


def _ends_with_site(text: str, site_names: list[str]) -> bool:
    """True when ``text`` ends with one of the site's names: a suffix, not the headline."""
    key = _key(text)
    return any(len(k) >= 3 and key.endswith(k) for k in map(_key, site_names))


def _shared(a: str, b: str) -> int:
    return len(set(_WORD.findall(a.lower())) & set(_WORD.findall(b.lower())))


def _agreement(a: str, b: str) -> float:
    words_a, words_b = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def _plain(text: str | None) -> str:
    return " ".join(html_entities.unescape(text or "").split())


def _key(text: str) -> str:
    return re.sub(r"[^\w]", "", text.lower().replace("’", "'"))


def _words(text: str) -> int:
    return len(text.split())
