"""One spelling per story URL, so the same article seen via two feeds is stored once.

``canonicalize_url`` is deliberately conservative: it only applies changes that cannot change
which document a server returns (case of scheme and host, default ports, fragments, dot
segments, percent-encoding of unreserved characters, query order) plus removal of well-known
tracking parameters. The path keeps its case: many servers treat ``/Story`` and ``/story``
as different documents.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, unquote_plus, urljoin, urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that identify the click, campaign or sharer, never the document.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mc_cid",
        "mc_eid",
        "igshid",
        "igsh",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hstc",
        "__hssc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "cmpid",
        "ito",
        "xtor",
        "ocid",
        "ncid",
        "sr_share",
        "smid",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "at_medium",
        "at_campaign",
        "at_source",
        "__twitter_impression",
        # Referral markers ("?ref=rss", "?ref_src=twsrc^tfw"): on a news site they say where
        # the reader came from, not which story; a site that routes on ?ref= is not a news site.
        "ref",
        "ref_src",
        "ref_url",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_custom")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_STRIPPED_CHARS = re.compile(r"[\t\n\r]")
# Characters left as they are in a path or a query pair; everything else is percent-encoded.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"
_QUERY_SAFE = _PATH_SAFE + "?"


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Absolute, normalised http(s) URL for ``url`` (resolved against ``base`` if relative).

    Raises ``ValueError`` for anything that is not an http(s) URL with a host (``mailto:``,
    ``javascript:``, a bare relative path without base, a malformed port).
    """
    raw = _STRIPPED_CHARS.sub("", url).strip()
    if base:
        raw = urljoin(_STRIPPED_CHARS.sub("", base).strip(), raw)
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"URL has an invalid port: {url!r}") from None
    netloc = _ascii_host(host)
    if ":" in netloc:  # IPv6 literal
        netloc = f"[{netloc}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if "@" in parts.netloc:  # keep credentials if a feed really carries them
        netloc = f"{parts.netloc.rsplit('@', 1)[0]}@{netloc}"
    path = _normalize_escapes(_remove_dot_segments(parts.path or "/"), _PATH_SAFE)
    return urlunsplit((scheme, netloc, path, _clean_query(parts.query), ""))


def article_id_for(url: str) -> str:
    """Stable 16-hex-digit id of a story: the start of the sha256 of its canonical URL."""
    return hashlib.sha256(canonicalize_url(url).encode("utf-8")).hexdigest()[:16]


def unwrap_redirector(url: str) -> str:
    """The target of a known click-redirect wrapper (Google Alerts' ``google.com/url?url=``).

    Anything else comes back unchanged; only the target is a story worth fetching and keying.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.path == "/url" and host in ("google.com", "www.google.com"):
        params = dict(parse_qsl(parts.query))
        target = params.get("url") or params.get("q") or ""
        if urlsplit(target).scheme.lower() in DEFAULT_PORTS:
            return target
    return url


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track clicks (``utm_source``, ``fbclid``...)."""
    key = name.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _ascii_host(host: str) -> str:
    host = host.lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _clean_query(query: str) -> str:
    """Drop tracking parameters and empty pieces, sort by name, keep each pair's spelling."""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote_plus(pair.split("=", 1)[0])
        if not is_tracking_param(name):
            kept.append((name, _normalize_escapes(pair, _QUERY_SAFE)))
    kept.sort(key=lambda item: item[0])  # stable: repeated names keep their order
    return "&".join(pair for _, pair in kept)


def _normalize_escapes(text: str, safe: str) -> str:
    """Upper-case escapes, decode escaped unreserved characters, escape what must be."""
    text = _LONE_PERCENT.sub("%25", text)

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    text = _ESCAPE.sub(fix, text)
    out = []
    for char in text:
        if char in _UNRESERVED or char in safe:
            out.append(char)
        else:
            out.extend(f"%{byte:02X}" for byte in char.encode("utf-8"))
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` -> ``/a/c`` (keeps empty segments and case)."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") else "/" + result
