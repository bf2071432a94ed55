"""Publication times as pages write them: ISO 8601, RFC 2822, and the visible dateline.

A page often states its time in several places that disagree (CMS placeholders such as
``0001-01-01``, a naive clock time without its zone, a date without a time). These helpers
parse each form into an aware value with its precision, so the caller can prefer the most
precise plausible claim and say which source it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

Precision = str  # "second" | "minute" | "day"

# Zone abbreviations seen in English datelines. North American names map to the region's
# zone so that "ET" and a mislabelled "EST" in summer both get the offset in force that day.
_ZONES: dict[str, str | timedelta] = {
    "UTC": timedelta(0),
    "GMT": timedelta(0),
    "Z": timedelta(0),
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": timedelta(hours=-10),
    "BST": timedelta(hours=1),
    "IST": timedelta(hours=5, minutes=30),
    "CET": timedelta(hours=1),
    "CEST": timedelta(hours=2),
    "WAT": timedelta(hours=1),
    "EAT": timedelta(hours=3),
    "SAST": timedelta(hours=2),
    "JST": timedelta(hours=9),
    "KST": timedelta(hours=9),
    "AEST": timedelta(hours=10),
    "AEDT": timedelta(hours=11),
    "AWST": timedelta(hours=8),
    "ACST": timedelta(hours=9, minutes=30),
    "NZST": timedelta(hours=12),
    "NZDT": timedelta(hours=13),
    "WET": timedelta(0),
    "WEST": timedelta(hours=1),
    "EET": timedelta(hours=2),
    "EEST": timedelta(hours=3),
    "MSK": timedelta(hours=3),
    "AMT": timedelta(hours=4),  # Armenia (Amazon Time is written BRT/AMT in Portuguese)
    "GST": timedelta(hours=4),
    "PKT": timedelta(hours=5),
    "NPT": timedelta(hours=5, minutes=45),
    "ICT": timedelta(hours=7),
    "WIB": timedelta(hours=7),
    "SGT": timedelta(hours=8),
    "HKT": timedelta(hours=8),
    "PHT": timedelta(hours=8),
}
# Later additions that are also words or common letters ("west", "wet"): only in capitals.
_CAPITALS_ONLY = frozenset(
    {"AWST", "ACST", "NZST", "NZDT", "WET", "WEST", "EET", "EEST", "MSK", "AMT", "GST", "PKT"}
    | {"NPT", "ICT", "WIB", "SGT", "HKT", "PHT"}
)
_MONTHS = {
    name: index + 1
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        )
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_FORMS = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)", re.I),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)", re.I
    ),
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)"),
)
_TIME = re.compile(
    r"(?<![\d:])(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?::(?P<second>\d\d))?"
    r"\s*(?P<ampm>[ap]\.?m\.?(?![a-z]))?(?:\s*\(?(?P<zone>[A-Z]{1,4})\)?(?![A-Za-z]))?"
    r"(?:\s*(?P<sign>[+-])(?P<oh>\d\d):?(?P<om>\d\d))?",
    re.I,
)
_MIDNIGHT_ONLY = re.compile(r"^\d{4}-\d\d-\d\d$")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A parsed claim: the instant (aware when the zone is known) and how precise it is."""

    value: datetime
    precision: Precision

    @property
    def aware(self) -> bool:
        return self.value.tzinfo is not None

    def utc(self) -> datetime:
        """Naive UTC; a zone-less value is taken as UTC, as the warehouse stores it."""
        if self.value.tzinfo is None:
            return self.value
        return self.value.astimezone(UTC).replace(tzinfo=None)


def parse_stamp(raw: str | None) -> Stamp | None:
    """ISO 8601 or RFC 2822 text (as in metadata), with its precision, or None."""
    text = (raw or "").strip()
    if not text or len(text) > 64:
        return None
    if _MIDNIGHT_ONLY.match(text):
        try:
            return Stamp(datetime.fromisoformat(text), "day")
        except ValueError:
            return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return parse_dateline(text)
    if value.hour == value.minute == value.second == 0 and value.microsecond == 0:
        # "T00:00:00" is how many CMSs write a bare date; not a claimed time.
        return Stamp(value, "day")
    return Stamp(value, "second" if value.second or value.microsecond else "minute")


def parse_dateline(text: str, fallback_zone: timezone | None = None) -> Stamp | None:
    """A visible dateline ("Published 11:11 PM EST Nov 19, 2019", "Nov. 18 @ 17:22 UTC").

    The time needs a stated zone, or ``fallback_zone`` (the offset another source on the
    same page gives); a dateline with a date and no usable time has day precision.
    """
    text = " ".join(text.split())
    if len(text) > 200:
        return None
    day_match = None
    for form in _DATE_FORMS:
        day_match = form.search(text)
        if day_match:
            break
    if day_match is None:
        return None
    parts = day_match.groupdict()
    month = int(parts["mon"]) if parts.get("mon") else _MONTHS[parts["month"].lower()]
    try:
        day = datetime(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None
    rest = text[: day_match.start()] + " " + text[day_match.end() :]
    for match in _TIME.finditer(rest):
        stamp = _with_time(day, match, fallback_zone)
        if stamp is not None:
            return stamp
    return Stamp(day, "day")


def _with_time(day: datetime, match: re.Match[str], fallback: timezone | None) -> Stamp | None:
    hour, minute = int(match["hour"]), int(match["minute"])
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    local = day.replace(hour=hour, minute=minute, second=int(match["second"] or 0))
    zone = (match["zone"] or "").upper()
    if zone in _CAPITALS_ONLY and match["zone"] != zone:
        zone = ""
    if match["sign"]:
        offset = timedelta(hours=int(match["oh"]), minutes=int(match["om"]))
        tz = timezone(-offset if match["sign"] == "-" else offset)
        value = local.replace(tzinfo=tz)
    elif zone in _ZONES:
        spec = _ZONES[zone]
        tzinfo = ZoneInfo(spec) if isinstance(spec, str) else timezone(spec)
        value = local.replace(tzinfo=tzinfo)
    elif fallback is not None:
        value = local.replace(tzinfo=fallback)
    else:
        return None
    return Stamp(value, "second" if match["second"] else "minute")
