"""Credited people from a byline: names only, one per person, in the byline's order.

Bylines as pages and extractors give them mix names with roles ("AP Auto Writer"), dates
("Monday, November"), "By", employers ("Condé Nast", "Business Insider"), sentences
("Phil Helsel is a reporter") and repeats ("Troy Smith; Troy L Smith"). An agency counts as
the author only when no person is credited.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from newsflow.tasks.extract.publisher import AGENCIES
from newsflow.tasks.text import fold_accents

_SPLIT = re.compile(r"\s*(?:;|,|\||&|\band\b|\bund\b|\bwith\b|\n)\s*", re.I)
_TRAILING_WORD = re.compile(r"\s+(?:on|at|in|for)$", re.I)  # "RD on" once the date is gone
_LABEL = re.compile(r"^\w+:\s+")  # "Text: Jane Roe", "Topic: Hardware"
# "Kevin McCoy USA TODAY"; a generational suffix ("Theodore Roosevelt IV") is no outlet.
_ORG_TAIL = re.compile(r"(?<=[a-z])(?:\s+(?!(?:I{1,3}|IV|VI{0,3}|IX|JR|SR)\b)[A-Z]{2,}\b)+$")
# An RSS ``<author>`` is an e-mail with the name in brackets: "desk@example.com (Jane Roe)".
_EMAIL_NAME = re.compile(r"^\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+\s*\(([^()]+)\)\s*$")
# Where the writer filed from: "David Smith in Washington", "AP in Palm Beach, Florida"
# (one word after a comma: a state or country; a second person has two).
_FILED_FROM = re.compile(
    r"\s+in\s+(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:,\s*[A-Z][\w.'’-]*)?"
    r"(?=\s*(?:$|;|\||&|\band\b|,|\n))"
)
_REMARK = re.compile(r"\s*\((?:[^()]*)\)")  # "Nick Ames (now)"
# A piece made only of initials, after a surname: "Hines, P. J." is P. J. Hines. Each
# initial starts with its letter, so a long run of them cannot backtrack.
_INITIALS = re.compile(r"^(?:[A-Z]\.[\s-]*)+$|^[A-Z]$")
_LEAD = re.compile(
    r"^(?:(?:analysis|commentary|opinion|story|text|words|reporting|written|posted|"
    r"published|photos?|video|interview)\s+)?(?:by|von|por|par|from)\s*:?(?:\s+|$)",
    re.I,
)
_SENTENCE = re.compile(r"\s+(?:is|was|has|covers|writes|reports)\s+.*$", re.I)
_ROLE = re.compile(
    r"\b(?:writer|editor|editors|reporter|correspondent|contributor|columnist|producer|"
    r"staff writer|critic|author|analyst|anchor|host|journalist|chief|senior|"
    r"editor-at-large|bureau|desk)\b",
    re.I,
)
# Weekdays anywhere; a month only at the end or before a number (April, May, June and
# August are also names, so they are left alone); "Published ..." and what follows.
_DATE_WORDS = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\b(?:jan|feb|mar|apr|jun|jul|aug|sep|"
    r"sept|oct|nov|dec|january|february|march|september|october|november|december)\.?(?=\s*(?:\d|$))|\b(?:published|updated|posted)\b.*$",
    re.I,
)
_COMPANIES = re.compile(
    r"\b(?:inc|llc|ltd|gmbh|corp|corporation|company|media group|"
    r"publishing|newsroom|team)\b\.?",
    re.I,
)
# Words that credit a desk, not a person ("Staff and agencies", "Editorial"): a credit
# only as a whole, like an organisation.
_GENERIC = frozenset(
    {
        "staff",
        "agencies",
        "agency",
        "wires",
        "wire",
        "editors",
        "editorial",
        "newsdesk",
        "reporters",
        "correspondents",
        "contributors",
        "guest",
        "various",
        "unknown",
        "anonymous",
    }
)
# Words naming the desk or beat before a role ("Environment editor", "AP Auto Writer").
_DESK_TEXT = """africa asia europe america americas us uk middle east latin north south west east
    environment environmental diplomatic political politics economics economic business
    auto autos sport sports science health technology tech foreign home security defence
    defense education arts culture legal crime transport energy media royal social affairs
    chief senior deputy associate managing executive national international global world
    investigations investigative data features news city metro state global weather
    climate money finance markets consumer food travel music film books opinion"""
_DESK = frozenset(_DESK_TEXT.split())
_DOMAIN = re.compile(r"\b[\w-]+(?:\.| )(?:com|org|net|co\.uk|de)$", re.I)
# A CMS account, not a person or an outlet: "admin", "jdadmin", "Administrator".
_ACCOUNT = re.compile(r"^(?:[\w.-]*admin(?:istrator)?\d*|webmaster|superuser|root)$", re.I)
# "Ilana Muhlstein, MS, RDN": initials of a degree or licence after a name.
_CREDENTIAL_LIKE = re.compile(r"^(?:[A-Z]\.?){2,5}$")
# The account widget of a reader not signed in ("Username", "Sign in"): a label, nobody.
_UI_LABEL = re.compile(
    r"^(?:user\s?name|user|sign\s?in|log\s?in|login|my account|your name)$", re.I
)
_NOT_IN_NAMES = re.compile(r"[*#=<>{}\[\]/\\+%$]")
# A handle: a digit in it, or lowercase words joined by "-" or "_" ("john-doe"); a
# capitalised double surname ("Fahrenkamp-Uppenbrink") is a name.
_USERNAME = re.compile(r"(?i:^[a-z0-9_.-]*\d[a-z0-9_.-]*$)|^[a-z]+[-_][a-z0-9]+$|^[a-z]+_\w+$")
_DIGITS_ON = re.compile(r"\s+\S*\d")
_PARTICLES = frozenset(
    {
        "de",
        "da",
        "del",
        "della",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "bin",
        "al",
        "el",
        "dos",
        "das",
        "ibn",
        "ter",
        "ten",
        "zu",
    }
)
MAX_NAME_WORDS = 5


def credited_authors(
    sources: list[list[str]],
    publisher: str | None = None,
    organisations: Collection[str] = (),
) -> list[str]:
    """Clean person names from byline strings; ``sources`` are alternatives, best first.

    The first source that credits a person wins; failing that, the first agency, then the
    first organisation any source credits (a staff or site credit). An organisation counts
    only as a whole credit: "The Russian" split off "The Russian and Syrian defense
    ministries" names nobody. ``organisations`` are names the page itself types as an
    organisation (a JSON-LD ``Organization`` author): never a person.
    """
    typed = {_key(name) for name in organisations}
    agencies: list[str] = []
    organisations: list[str] = []
    for raw in sources:
        names: list[str] = []
        for text in raw:
            pieces = _SPLIT.split(_LEAD.sub("", _unwrap(text)))
            person_before = False
            for index, piece in enumerate(pieces):
                if _initials_of(names, pieces, index):
                    names[-1] = f"{piece.strip()} {names[-1]}"  # "Hines, P. J."
                    continue
                name = _clean(piece)
                if not name:
                    continue
                if person_before and _CREDENTIAL_LIKE.match(name):
                    continue  # "Jane Roe, MS, RDN": letters after the name, not a person
                if name.lower() in AGENCIES or name.lower().startswith("associated press"):
                    agencies.append(name)
                elif (
                    _key(name) in typed
                    or _is_organisation(name, publisher)
                    or not _person_like(name)
                    or all(word.lower() in _GENERIC for word in name.split())
                ):
                    if len([p for p in pieces if p.strip()]) == 1:
                        organisations.append(name)
                else:
                    names.append(name)
                    person_before = True
        people = _dedupe(names)
        if people:
            return people
    return (_dedupe(agencies) or _dedupe(organisations))[:1]


def choose_authors(
    structured: list[list[str]],
    visible: list[str],
    publisher: str | None = None,
    page_text: str | None = None,
    organisations: Collection[str] = (),
    evidence: Sequence[str] = (),
) -> list[str]:
    """Credited people: the visible byline when it agrees with the metadata, else metadata.

    The first visible byline (or a later one naming the same people and more) wins
    when the metadata names no person, or when it shares a person with the metadata (its
    fuller or shorter list is what readers see). A visible "author" box naming someone else
    entirely is not trusted over the metadata's people.

    Metadata is not a credit readers see when it names only the outlet itself and no
    byline shows it (the site's JSON-LD author "Al Jazeera"), or a one-word CMS account that
    the page's visible text (``page_text``) never shows (a WordPress user "Josh" in the SEO
    schema).

    ``evidence`` (the feed item's author) settles a disagreement: a visible byline naming a
    person it names wins over metadata that names none of them, and so does a later
    metadata source over an earlier one.
    """
    evidence = list(evidence)
    stated = credited_authors(structured, publisher, organisations)
    if evidence and not _keys(stated) & _keys(evidence):
        for source in structured[1:]:
            other = credited_authors([source], publisher, organisations)
            if _keys(other) & _keys(evidence):
                stated = other
                break
    stated = _shown_credits(stated, publisher, visible, page_text)
    candidates = [credited_authors([[text]], publisher) for text in visible]
    candidates = [
        c for c in candidates if any(_person_like(n) and not _is_credit_only(n) for n in c)
    ]
    # A byline block and the name element inside it are both marked: a later one that
    # names everyone the first does and more lost none to the text around it.
    best = candidates[:1]
    for later in candidates[1:3]:
        if _keys(later) > _keys(best[0]):
            best = [later]
    for shown in best:
        typed = {_key(name) for name in organisations}
        if not any(_person_like(n) and _key(n) not in typed for n in stated):
            return shown
        if _keys(shown) & _keys(stated):
            # Labels and tags next to the byline ("Atividades") are not people.
            known = _keys(stated)
            return [n for n in shown if _keys([n]) & known or len(n.split()) >= 2]
        if _keys(shown) & _keys(evidence) and not _keys(stated) & _keys(evidence):
            return shown
    return stated


def _shown_credits(
    names: list[str], publisher: str | None, bylines: list[str], page_text: str | None
) -> list[str]:
    """``names`` from metadata, without an unshown self-credit or unseen account names."""
    if names and all(_is_organisation(n, publisher) for n in names):
        shown = fold_accents(" ".join(bylines))
        if not any(fold_accents(n) in shown for n in names):
            return []
    if page_text is None:
        return names
    seen = fold_accents(page_text)
    return [
        n
        for n in names
        if len(n.split()) > 1 or re.search(rf"\b{re.escape(fold_accents(n))}\b", seen)
    ]


_AGENCY_DATELINE = re.compile(r"^[^\n]{0,80}?\((AP|Reuters|AFP|dpa|UPI)\)\s*[-–—:]")
_OPENING_CHARS = 300  # the headline and dateline a body may open with, and the credit
# An account's handle: a digit or an underscore in it ("rmb8090"), so no label or role word.
_HANDLE = re.compile(r"^(?=.*[\d_])[A-Za-z][A-Za-z0-9_.-]{2,29}$")
_MIN_SENTENCE_WORDS = 8  # after an opening credit, the story's first sentence
_AGENCY_NAMES = {
    "AP": "Associated Press",
    "Reuters": "Reuters",
    "AFP": "AFP",
    "dpa": "dpa",
    "UPI": "UPI",
}


def agency_in_dateline(text: str, outlets: Sequence[str | None] = ()) -> str | None:
    """The agency a wire story's opening dateline credits: "HAYWARD, Calif. (AP) — ...";
    else the page's own outlet when the story opens with its name as the credit
    ("PanARMENIAN.Net - Amnesty says ...", "(Example News) - ..."), written as it is there."""
    match = _AGENCY_DATELINE.match(text)
    if match:
        return _AGENCY_NAMES[match.group(1)]
    opening = text[:_OPENING_CHARS]
    # A name longer than the opening cannot stand in it (and a page's megabyte og:site_name
    # would take seconds to compile into a pattern).
    named = (o.strip() for o in outlets if o and 0 < len(o.strip()) < _OPENING_CHARS)
    for outlet in dict.fromkeys(named):
        name = re.escape(outlet)
        pattern = rf"(?:^|[\s|])(?:\(({name})\)|({name}))\s*[-–—:]\s+(?=\w)"
        for credit in re.finditer(pattern, opening, re.I):
            line = text[credit.end() :].split("\n", 1)[0]
            if len(line.split()) >= _MIN_SENTENCE_WORDS:  # not a breadcrumb "Site - Politics"
                return credit.group(1) or credit.group(2)
    return None


# Korean news credits its writer in a sign-off or an opening tag, with a role word and
# often an e-mail: "칼럼니스트 박생강 pillgoo9@gmail.com", "홍길동 기자 hong@yna.co.kr",
# "(서울=연합뉴스) 홍길동 기자 =".
_KO_ROLE = r"(?:칼럼니스트|객원기자|기자|특파원|논설위원)"
_KO_NAME = r"([가-힣]{2,4})"
_KO_SIGNOFF = (
    re.compile(rf"(?:^|\s){_KO_ROLE}\s+{_KO_NAME}\s+[\w.+-]+@[\w-]+\.[\w.]+"),
    re.compile(rf"(?:^|[\s\]\)]){_KO_NAME}\s*{_KO_ROLE}\s*(?:=|[\w.+-]+@[\w-]+\.[\w.]+)"),
)
_SIGNOFF_LINES = 4
_MAX_SIGNOFF_CHARS = 120  # a sign-off is a short line; an opening credit starts its line


def signoff_credit(text: str) -> str | None:
    """The writer a Korean story's sign-off or opening credit line names, else None."""
    lines = [line for line in text.split("\n") if line.strip()]
    for line in lines[-_SIGNOFF_LINES:][::-1] + lines[: _SIGNOFF_LINES * 2]:
        if len(line) > _MAX_SIGNOFF_CHARS and "=" not in line[:60]:
            continue
        for pattern in _KO_SIGNOFF:
            match = pattern.search(line[:_MAX_SIGNOFF_CHARS])
            if match:
                return match.group(1)
    return None


def handle_credit(visible: list[str]) -> str | None:
    """The account a visible byline credits when it names nobody else ("rmb8090"): a blog
    post's only credit. CMS accounts ("admin") are no credit."""
    for text in visible[:3]:
        words = _LEAD.sub("", " ".join(text.split())).split()
        if len(words) == 1 and _HANDLE.match(words[0]) and not _ACCOUNT.match(words[0]):
            return words[0]
    return None


def _unwrap(text: str | None) -> str:
    """One line of byline without what is not a name: the e-mail an RSS author wraps the
    name in, remarks in brackets, where the writer filed from."""
    line = " ".join((text or "").split())
    email = _EMAIL_NAME.match(line)
    if email:
        line = email.group(1)
    return _FILED_FROM.sub("", _REMARK.sub("", line))


def _initials_of(names: list[str], pieces: list[str], index: int) -> bool:
    """True when ``pieces[index]`` is the initials of the surname just taken from the piece
    before ("Hines, P. J."), few enough to make one name with it."""
    piece = pieces[index].strip()
    if not index or len(piece.split()) >= MAX_NAME_WORDS or not _INITIALS.match(piece):
        return False
    word = _clean(pieces[index - 1])
    return bool(names and word and names[-1] == word and len(word.split()) == 1)


def _before_role(text: str) -> str | None:
    """The name before a role phrase: "Damian Carrington Environment editor" -> "Damian
    Carrington"; None when no name is left ("AP Auto Writer")."""
    match = _ROLE.search(text)
    if match is None:
        return text
    words = text[: match.start()].split()
    while words and (words[-1].lower() in _DESK or (words[-1].isupper() and len(words[-1]) > 1)):
        words.pop()
    if len(words) < 2 or _ROLE.search(" ".join(words)):
        return None
    return " ".join(words)


def _is_credit_only(name: str) -> bool:
    return name.lower() in AGENCIES


def _keys(names: list[str]) -> set[str]:
    return {" ".join(_key_words(n)) for n in names}


# A bracket left after the balanced remarks are gone has no partner: never part of a name.
_STRAY_BRACKET = re.compile(r"[()\[\]]")


# "¿\ttara Cosoleto": a stray mark before the name; "@" and "#" open a handle or a tag,
# which is not a name with a mark before it ("@janeroe" is no "Janeroe").
_JUNK_LEAD = re.compile(r"^[^\w\"'“‘(@#]+")


def _clean(piece: str) -> str | None:
    text = " ".join(_STRAY_BRACKET.sub(" ", piece).split())
    if _JUNK_LEAD.match(text):
        text = _JUNK_LEAD.sub("", text)
        text = text[:1].upper() + text[1:]  # the mark stood where the capital was typed
    text = _LEAD.sub("", _LABEL.sub("", text.strip(" .:-–—")))
    text = _DIGITS_ON.split(text)[0]  # "Mike Wall 2019-11-18T22:05Z Spaceflight"
    text = _SENTENCE.sub("", text)
    text = _DATE_WORDS.sub("", text).strip(" .:-–—,")
    text = _ORG_TAIL.sub("", _TRAILING_WORD.sub("", text))
    text = _before_role(text) or ""
    if not text or _DOMAIN.search(text) or "@" in text:
        return None
    if _ACCOUNT.match(text) or _UI_LABEL.match(text) or _NOT_IN_NAMES.search(text):
        return None  # an account, or a form label ("Name *", "Username")
    if text.lower().replace(".", "") in _CREDENTIALS:
        return None  # "Rachael Link, MS, RD"
    if text.startswith("http") or _USERNAME.match(text) or any(c.isdigit() for c in text):
        return None
    if len(text.split()) > MAX_NAME_WORDS or not any(c.isalpha() for c in text):
        return None
    if text.isupper() and len(text) > 3:
        text = " ".join(w.capitalize() if len(w) > 1 else w for w in text.split())
    return text


_CREDENTIALS = frozenset(
    {
        "ms",
        "rd",
        "md",
        "phd",
        "mph",
        "rn",
        "dds",
        "mba",
        "ld",
        "cde",
        "np",
        "ma",
        "ba",
        "bsc",
        "msc",
        "cpt",
        "jd",
        "do",
        "dnp",
        "lpn",
        "cscs",
    }
)


def _person_like(name: str) -> bool:
    """Capitalised words (name particles aside): "Detroit News wire services" is a credit."""
    words = name.split()
    return words[0].lower() != "the" and not any(
        w[0].islower() and w.lower() not in _PARTICLES for w in words if w[0].isalpha()
    )


def _is_organisation(name: str, publisher: str | None) -> bool:
    if _COMPANIES.search(name):
        return True
    if publisher:
        key, pub = _key(name), _key(publisher)
        if key and pub and (key == pub or (len(key) > 5 and key in pub)):
            return True
        # "CNN Business" on CNN: the outlet's own desk, not a person.
        first = [w for w in _key_words(publisher) if w != "the"][:1]
        if first and len(first[0]) >= 3 and _key_words(name)[:1] == first:
            return True
    return False


def _dedupe(names: list[str]) -> list[str]:
    """One entry per person: "Troy L Smith" repeats "Troy Smith"; the first spelling stays."""
    kept: list[str] = []
    for name in names:
        words = _key_words(name)
        duplicate = False
        for other in kept:
            others = _key_words(other)
            if words == others or (
                words and others and words[0] == others[0] and words[-1] == others[-1]
            ):
                duplicate = True
                break
        if not duplicate:
            kept.append(name)
    return kept


def _key_words(name: str) -> list[str]:
    return re.findall(r"\w+", fold_accents(name))


def _key(text: str) -> str:
    return re.sub(r"[^\w]", "", fold_accents(text))
