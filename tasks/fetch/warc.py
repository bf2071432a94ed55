"""Read WARC / WARC.gz files (CC-NEWS layout) into ``FetchedPage`` records, never raising.

Only response records of HTML pages with HTTP 200 become pages; the rest is counted and
skipped: requests, metadata and revisit records, other statuses and media types, records
marked ``WARC-Truncated`` or shorter than their ``Content-Length`` (a cut file), a record
whose length is wrong (warcio finds no record boundary after it), and a URL seen earlier in
the file. Where a record cannot be parsed at all (a bad length that swallows the next
header, a corrupt gzip member) ``counts.error`` notes it and reading resumes at the next
record boundary.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsflow.tasks.fetch.charset import decode_html
from newsflow.tasks.fetch.pages import HTML_TYPES, looks_like_html
from newsflow.tasks.fetch.urls import canonicalize_url
from newsflow.tasks.records import FetchedPage

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5_000_000
# Byte ranges a file is split into with runner = "dask" (tasks.warc_worker): a smaller one
# costs more in task overhead than it spreads; a larger one holds more pages in memory.
MIN_RANGE_BYTES = 1 << 20
MAX_RANGE_BYTES = 8 << 20
_GZIP_MEMBER = b"\x1f\x8b\x08"  # each record of a WARC.gz is its own gzip member
_WARC_LINE = b"\nWARC/1."


@dataclass(slots=True)
class WarcCounts:
    """What reading one file did; stored in ``warc_files``."""

    records: int = 0
    html_pages: int = 0
    skipped_non_html: int = 0
    skipped_truncated: int = 0
    skipped_duplicate: int = 0
    skipped_filtered: int = 0
    error: str | None = None


@dataclass(kw_only=True, slots=True)
class WarcPage:
    """An HTML page from a WARC response record, with the record's provenance."""

    page: FetchedPage
    target_uri: str
    warc_date: datetime | None
    ip_address: str | None
    record_id: str | None
    payload_digest: str | None


class _QuietIterator(ArchiveIterator):
    """warcio's iterator without its stderr warning; ``err_count`` still counts it."""

    INC_RECORD = ""


def read_hosts_file(path: Path) -> frozenset[str]:
    """Host names, one a line (``#`` comments); a host also admits its subdomains."""
    hosts = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        host = line.split("#", 1)[0].strip().lower().rstrip(".")
        if host:
            hosts.add(host.removeprefix("www."))
    return frozenset(hosts)


def host_allowed(url: str, hosts: frozenset[str] | None) -> bool:
    if hosts is None:
        return True
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    parts = host.split(".")
    return any(".".join(parts[i:]) in hosts for i in range(len(parts)))


def read_warc(
    path: Path,
    counts: WarcCounts,
    *,
    since: datetime | None = None,
    hosts: frozenset[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    span: tuple[int, int | None] = (0, None),
) -> Iterator[WarcPage]:
    """HTML pages of one WARC file in file order; ``counts`` is updated as it goes.

    A page is handed out only once the next record has been found (or the file ended), so
    a record whose ``Content-Length`` is wrong is known before anyone uses it. Where no
    record can be read, reading goes on at the next record boundary (the next gzip member,
    or the next ``WARC/1.x`` line), so one bad record costs itself and nothing more.

    ``span`` = (start, end) reads only the records that start in that byte range (see
    ``byte_ranges``): reading begins at the first record boundary at or after ``start``,
    and ends with the last record starting before ``end``.
    """
    seen: set[str] = set()
    try:
        stream = open(path, "rb")  # noqa: SIM115 (closed below; a generator holds it)
    except OSError as exc:
        counts.error = f"cannot open: {exc.strerror or exc}"
        return
    with stream:
        marker = _GZIP_MEMBER if stream.read(2) == _GZIP_MEMBER[:2] else _WARC_LINE
        start, end = span
        position: int | None = _next_boundary(stream, start, marker) if start else 0
        synced = not start  # a range finds its first record by its marker, maybe falsely
        while position is not None and (end is None or position < end):
            stream.seek(position)
            held: WarcPage | None = None
            last_start = position
            records = _QuietIterator(stream)
            errors = records.err_count
            try:
                for record in records:
                    last_start = records.offset  # where this record starts in the file
                    synced = True
                    if end is not None and last_start >= end:
                        if held is not None and records.err_count == errors:
                            counts.html_pages += 1
                            yield held
                        elif held is not None:
                            counts.skipped_truncated += 1
                        held = None
                        break
                    if held is not None:
                        if records.err_count > errors:  # no boundary after it: its length lied
                            counts.skipped_truncated += 1
                        else:
                            counts.html_pages += 1
                            yield held
                        held = None
                    errors = records.err_count
                    counts.records += 1
                    page = _page(record, counts, since, hosts, max_bytes)
                    if page is not None and page.page.url in seen:
                        counts.skipped_duplicate += 1
                    elif page is not None:
                        seen.add(page.page.url)
                        held = page
                if held is not None and records.err_count > errors:
                    counts.skipped_truncated += 1
                    held = None
                position = None
            except (ArchiveLoadFailed, EOFError, OSError, zlib.error, ValueError) as exc:
                note = f"unreadable record after offset {last_start}: {type(exc).__name__}: {exc}"
                if synced:  # else the range's first marker was inside a record: look further
                    counts.error = counts.error or note[:300]
                if held is not None:  # the record before an unreadable one is suspect
                    counts.skipped_truncated += 1
                    held = None
                position = _next_boundary(stream, last_start + 1, marker)
            if held is not None:
                counts.html_pages += 1
                yield held


def byte_ranges(
    path: Path,
    parts: int,
    *,
    min_bytes: int = MIN_RANGE_BYTES,
    max_bytes: int = MAX_RANGE_BYTES,
) -> list[tuple[int, int | None]]:
    """Split a WARC.gz into at least ``parts`` byte ranges of ``min_bytes`` to about
    ``max_bytes`` each, for ``read_warc(span=...)``; every record belongs to the one range
    it starts in. A plain WARC is one range (a ``WARC/1.x`` line in a page would pass for a
    record boundary)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            gzip = stream.read(2) == _GZIP_MEMBER[:2]
    except OSError:
        return [(0, None)]
    count = max(parts, -(-size // max_bytes))
    count = max(1, min(count, size // max(1, min_bytes))) if gzip else 1
    step = -(-size // count)
    cuts = [i * step for i in range(count)]
    return [(cut, cuts[i + 1] if i + 1 < count else None) for i, cut in enumerate(cuts)]


def _next_boundary(stream: BinaryIO, start: int, marker: bytes) -> int | None:
    """Offset of the next record start at or after ``start`` (None at the end of the file)."""
    stream.seek(start)
    offset, tail = start, b""
    while chunk := stream.read(1 << 20):
        window = tail + chunk
        found = window.find(marker)
        if found >= 0:
            return offset - len(tail) + found + (1 if marker == _WARC_LINE else 0)
        tail = window[-(len(marker) - 1) :]
        offset += len(chunk)
    return None


def _page(
    record: object,
    counts: WarcCounts,
    since: datetime | None,
    hosts: frozenset[str] | None,
    max_bytes: int,
) -> WarcPage | None:
    headers = record.rec_headers  # type: ignore[attr-defined]
    if record.rec_type != "response" or record.http_headers is None:  # type: ignore[attr-defined]
        if record.rec_type == "response" and not headers.get_header("Content-Length"):  # type: ignore[attr-defined]
            counts.skipped_truncated += 1  # the header itself was cut
        else:
            counts.skipped_non_html += 1
        return None
    target = (headers.get_header("WARC-Target-URI") or "").strip()
    when = _warc_date(headers.get_header("WARC-Date"))
    if not host_allowed(target, hosts) or (since is not None and when is not None and when < since):
        counts.skipped_filtered += 1
        return None
    http = record.http_headers  # type: ignore[attr-defined]
    media = (http.get_header("Content-Type") or "").split(";", 1)[0].strip().lower()
    if http.get_statuscode() != "200" or (media and media not in HTML_TYPES):
        counts.skipped_non_html += 1
        return None
    if headers.get_header("WARC-Truncated"):
        counts.skipped_truncated += 1
        return None
    body = record.content_stream().read(max_bytes + 1)  # type: ignore[attr-defined]
    if len(body) > max_bytes or getattr(record.raw_stream, "limit", 0) > 0:  # type: ignore[attr-defined]
        counts.skipped_truncated += 1  # over the cap, or the file ends inside the record
        return None
    if not body.strip() or (not media and not looks_like_html(body)):
        counts.skipped_non_html += 1
        return None
    try:
        url = canonicalize_url(target)
    except ValueError:
        counts.skipped_non_html += 1
        return None
    charset = _charset(http.get_header("Content-Type"))
    return WarcPage(
        page=FetchedPage(
            url=url,
            final_url=target,
            http_status=200,
            content_type=media or "text/html",
            html=decode_html(body, charset),
            fetched_at=when,
        ),
        target_uri=target,
        warc_date=when,
        ip_address=headers.get_header("WARC-IP-Address"),
        record_id=headers.get_header("WARC-Record-ID"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
    )


def _warc_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
