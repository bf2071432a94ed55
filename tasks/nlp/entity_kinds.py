"""Kinds the words around a name decide: a title of a work or product, a street, a place.

The model tags the title of a novel series or a software release and a street of an address
as an organisation or a person. The text around the name says what it is whatever its
spelling: "two Star Trek novels", "the third season of The Crown", "Mercurial 5.2 was
released", "2134 Caldwell Place", "Corso Monforte 15", "Nachtigalplatz", "near Tora Bora
mountain", "a trip to Walter Reed hospital", "marooned in Uglii", "Perl, PHP, and MySQL",
"his wife, Kimberly". These rules read
only that context and general words of the language (kinds of works, kinds of streets),
never a list of names.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict

from newsflow.tasks.nlp.entity_forms import _CLAUSE_WORDS, _MINOR_WORDS, _is_acronym, _key
from newsflow.tasks.nlp.entity_lexicons import (
    KNOWN_ORGS,
    ORG_HEAD_WORDS,
    ORG_ONLY_WORDS,
    PLACE_NOUNS,
    english_words,
    places,
)
from newsflow.tasks.nlp.lexicons import word_set
from newsflow.tasks.nlp.names import KIN_WORDS, is_given_name
from newsflow.tasks.records import Mention

# Nouns for kinds of works a title modifies ("Star Trek novels", "Wheel of Time series").
# Not "game" or "app": a studio or a platform modifies those as often ("Ubisoft games").
WORK_NOUNS = word_set(
    """
    novel novels book books series franchise trilogy saga film films movie movies show shows
    episode episodes season seasons album albums song songs soundtrack sequel sequels
    prequel podcast comic comics musical sitcom
    """
)
_WORK_NOUN_AFTER_RE = re.compile(r"(?:['’]s)? ([a-z]+)\b")
# "the third season of The Crown", "an episode of", "the film Joker", "the game Kine".
_WORK_BEFORE_RE = re.compile(
    r"(?:\b(?:season|seasons|episode|episodes|finale|premiere|sequel|prequel|reboot|remake)"
    r" of|\bthe (?:hit |new |latest |popular |classic )?(?:video game|game|novel|film|movie|"
    r"show|series|sitcom|album|song|book|app|musical|podcast))(?: the)? $",
    re.IGNORECASE,
)
# A verb of using before a name: software or a game, used or played, not its maker.
_USED_BEFORE_RE = re.compile(
    r"\b(?:use|uses|used|using|download|downloads|downloaded|downloading|install|installs|"
    r"installed|installing|play|plays|played|playing)(?: the)? $"
)
# A release number after a name ("Mercurial 5.2 was released"): software, not its maker.
_VERSION_AFTER_RE = re.compile(
    r" v?\d+(?:\.\d+)+(?![\d.]*\s*(?:%|percent|million|billion|m\b|bn\b))"
)
_COMPANY_WORDS = ORG_HEAD_WORDS | ORG_ONLY_WORDS | word_set("inc corp co ltd llc plc sa ag bros")

# Kinds of streets and squares whose name a house number precedes ("2134 Caldwell Place").
STREET_WORDS = word_set(
    """
    street st road rd avenue ave place pl drive dr lane ln way court ct boulevard blvd
    terrace circle parkway pkwy highway square row crescent close alley
    """
)
# Words for a street written before its name in Romance languages ("Corso Monforte 15").
STREET_LEAD_WORDS = word_set("corso via viale piazza piazzale calle avenida rua rue plaza largo")
# Endings of one-word street names in German and Dutch ("Nachtigalplatz", "Petersallee").
_STREET_ENDINGS = ("strasse", "straße", "platz", "allee", "gasse", "straat", "plein", "gracht")
_HOUSE_NUMBER_BEFORE_RE = re.compile(r"\b\d{1,5}[A-Za-z]? $")
_HOUSE_NUMBER_AFTER_RE = re.compile(r",? \d{1,5}[A-Za-z]?\b(?![\d.,]*\s*(?:%|percent))")


def _is_company(name: str) -> bool:
    words = name.lower().replace(".", "").split()
    return " ".join(words) in KNOWN_ORGS or (len(words) > 1 and words[-1] in _COMPANY_WORDS)


def works_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """An "organisation" the text only ever writes as a title is a work or a product: each
    mention names a kind of work after it (a name of two words or more: "two Star Trek
    novels") or before it ("the third season of The Crown", "the game Kine"); one followed by
    a release number ("Mercurial 5.2") or one word only ever after a verb of using ("use
    Wunderlist", "using SecureDrop") is a product. A company stays ("Pixar Studios films")."""
    work: dict[str, list[bool]] = defaultdict(list)
    used: dict[str, list[bool]] = defaultdict(list)
    product: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "ORG" or _is_company(c) or c.isupper():
            continue
        noun = _WORK_NOUN_AFTER_RE.match(text, m.end_char)
        before = text[max(0, m.start_char - 40) : m.start_char]
        work[key].append(
            (" " in c and noun is not None and noun.group(1) in WORK_NOUNS)
            or _WORK_BEFORE_RE.search(before) is not None
        )
        used[key].append(" " not in c and _USED_BEFORE_RE.search(before) is not None)
        if _VERSION_AFTER_RE.match(text, m.end_char):
            product.add(key)
    for key, titled in work.items():
        if all(titled):
            labels[key] = "WORK_OF_ART"
        elif key in product or all(used[key]):
            labels[key] = "PRODUCT"


def streets_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A "person" or "organisation" that is a street is a place (OntoNotes' FAC): a street
    word last and a house number before it ("2134 Caldwell Place"), a street word first and
    a number after it ("Corso Monforte 15"), or a one-word street of German or Dutch
    ("Nachtigalplatz", "Petersallee")."""
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) not in ("PERSON", "ORG"):
            continue
        words = key.replace(".", "").split()
        before = text[max(0, m.start_char - 8) : m.start_char]
        if (
            (
                len(words) > 1
                and words[-1] in STREET_WORDS
                and _HOUSE_NUMBER_BEFORE_RE.search(before) is not None
            )
            or (
                len(words) > 1
                and words[0] in STREET_LEAD_WORDS
                and _HOUSE_NUMBER_AFTER_RE.match(text, m.end_char) is not None
            )
            or (len(words) == 1 and len(key) > 7 and key.endswith(_STREET_ENDINGS))
        ):
            labels[key] = "FAC"


# A statistic after a name in a results line: "Davis 17 points.", "K. Hupfer 1 goal."
_STAT_AFTER_RE = re.compile(r" \d+ ([a-z]+)\b")
_ORG_APPOSITION_RE = re.compile(
    r", (?:a|an) (?:[\w-]+ ){0,2}(?:company|group|firm|chain|maker|publisher|developer|"
    r"studio|startup|retailer|bank|agency|organi[sz]ation|nonprofit|charity|label|band|"
    r"newspaper|broadcaster|network)\b"
)
_CONJUNCTIONS = frozenset({" and ", ", ", ", and ", " or ", ", or "})


def candidates_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A one-word name held back for want of evidence (``CANDIDATE``) takes the kind the
    text gives it: a person when a results line writes it as it writes two or more people
    ("Davis 17 points." beside "Ashley Cathon 6 points."); an organisation in apposition to
    one ("Kosmos, a group co-founded by ...") or joined by "and" or a comma to an
    organisation in two places or more ("Gannett and GateHouse Media")."""
    stats: dict[str, set[str]] = defaultdict(set)  # stat word -> people written before it
    for m, c in zip(mentions, canon, strict=True):
        stat = _STAT_AFTER_RE.match(text, m.end_char)
        if stat is not None and labels.get(c.lower()) == "PERSON":
            stats[stat.group(1)].add(c.lower())
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start_char)
    joined: dict[str, int] = defaultdict(int)
    for a, b in zip(order, order[1:], strict=False):
        gap = text[mentions[a].end_char : mentions[b].start_char]
        if gap not in _CONJUNCTIONS:
            continue
        ka, kb = canon[a].lower(), canon[b].lower()
        if labels.get(ka) == "CANDIDATE" and labels.get(kb) == "ORG":
            joined[ka] += 1
        elif labels.get(kb) == "CANDIDATE" and labels.get(ka) == "ORG":
            joined[kb] += 1
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "CANDIDATE":
            continue
        stat = _STAT_AFTER_RE.match(text, m.end_char)
        if stat is not None and len(stats[stat.group(1)]) >= 2:
            labels[key] = "PERSON"
        elif _ORG_APPOSITION_RE.match(text, m.end_char) or joined[key] >= 2:
            labels[key] = "ORG"


# Where a person never stands in a sentence: "near X", "outside X", or the end of a journey
# ("a trip to X", "was taken to X"). Not "in X" ("confidence in Biden") nor "at X".
_PERSON_PLACED_BEFORE_RE = re.compile(
    r"\b(?:near|outside|inside|(?:headed|heading|trip|trips|visit|visits|flew|flown|"
    r"travell?ed|moved|returned|taken|brought|airlifted|rushed) to) $"
)
# A one-word organisation only ever "in X" is a town: not "a stake in X", "jobs in X".
_ORG_PLACED_BEFORE_RE = re.compile(r"\b(?<![-'’])(\w+ )?(?:in|near|outside) $")
_IN_BODY_WORDS = word_set(
    """
    stake stakes share shares invest invests invested investing investment investments
    interest interests role roles job jobs career careers work works worked working
    confidence faith trust belief believe believes believed member members membership
    seat seats majority minority vote votes voted position positions change changes
    involved involvement engaged appear appeared appears published listed featured
    """
)
# Bodies that sit "in" no place but are written "in Congress", "in Parliament".
_CHAMBER_WORDS = word_set("congress senate parliament assembly cabinet legislature council court")
# A lower-case noun of a place or a building after a name: "Tora Bora mountain", "Walter
# Reed hospital", "a Forest Hill hotel room"; of any place: "Logar province".
# Not "camp" or "area": "the Clinton camp" is her campaign.
_LANDFORM_NOUNS = word_set("mountain mountains island islands valley river lake beach coast desert")
_BUILDING_NOUNS = word_set("hospital hotel airport airbase prison")
_NOUN_AFTER_RE = re.compile(r" ([a-z]+)\b")


def places_by_use(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A "person" or "organisation" the words around it place is a place.

    A one-word organisation the text places in at least half its mentions (a club's town
    stays the club) is a place (GPE): a lower-case place noun after it ("Logar province",
    "the Rukban camp", also in a place's name elsewhere), or a known town written "in X" or
    "32, of X" or modifying a noun ("the Burbank entertainment giant"); so is one followed by
    a place it lies in ("Sarkh, Logar"). A known town the text never places ("Barcelona
    won") stays. A person whose every mention has a landform or a building noun after it
    ("near Tora Bora mountain", "Walter Reed hospital") or a place preposition before it
    ("near Diego Garcia", "headed to Diego Garcia") is a place (a building: FAC); a one-word
    organisation that English writes in lower case nowhere and no chamber ("Uglii", not
    "Congress") whose every mention stands after "in" or "near" ("marooned in Uglii", not
    "a stake in Uber") is a town the gazetteer does not know (GPE). A possessive ("in
    Smith's view") is no evidence.
    """
    placed: Counter[str] = Counter()  # one-word organisations: mentions that place them
    seen: Counter[str] = Counter()
    used: dict[str, list[bool]] = defaultdict(list)  # every mention used as a location?
    building: set[str] = set()
    eng = english_words()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        label = labels.get(key)
        noun = _NOUN_AFTER_RE.match(text, m.end_char)
        word = "" if noun is None else noun.group(1)
        after = text[m.end_char : m.end_char + 2]
        before = text[max(0, m.start_char - 40) : m.start_char]
        name, _, last = key.rpartition(" ")  # "Logar province" names the place "Logar"
        if m.label in ("GPE", "LOC") and last in PLACE_NOUNS and name and " " not in name:
            placed[name] += 1
        if label == "PERSON":
            if word in _BUILDING_NOUNS:
                building.add(key)
            used[key].append(
                word in _LANDFORM_NOUNS | _BUILDING_NOUNS
                or (
                    _PERSON_PLACED_BEFORE_RE.search(before) is not None
                    and after not in ("'s", "’s")
                )
            )
            continue
        if label != "ORG" or " " in c:
            continue
        if _key(c) not in KNOWN_ORGS and not _is_acronym(c):
            seen[key] += 1
            placed[key] += _placed_mention(text, m, c, word)
        if not c.isupper() and key not in eng and key not in _CHAMBER_WORDS and not _is_company(c):
            prep = _ORG_PLACED_BEFORE_RE.search(before)
            used[key].append(
                prep is not None
                and (prep.group(1) or "").strip().lower() not in _IN_BODY_WORDS
                and after not in ("'s", "’s")
            )
    for key, n in placed.items():
        if labels.get(key) == "ORG" and 2 * n >= seen[key]:
            labels[key] = "GPE"
    towns = {
        m.start_char for m, c in zip(mentions, canon, strict=True) if labels[c.lower()] == "GPE"
    }
    for m, c in zip(mentions, canon, strict=True):  # "Sarkh, Logar" once Logar is a place
        key = c.lower()
        after = text[m.end_char : m.end_char + 2]
        if seen[key] and labels[key] == "ORG" and after == ", " and m.end_char + 2 in towns:
            labels[key] = "GPE"
    for key, where in used.items():
        if labels[key] in ("PERSON", "ORG") and all(where):
            labels[key] = "GPE" if labels[key] == "ORG" else "FAC" if key in building else "LOC"


# What the text writes around a one-word name that places it: "in Senkata", "near Logar",
# "32, of Franklin" (where someone lives); after it, a place noun ("Logar province").
_PLACED_BEFORE_RE = re.compile(r"(?:\b(?:in|near|outside)|\d, of) $")
_MODIFIED_NOUN_AFTER_RE = re.compile(r" (?:[a-z]+ )?([a-z]+)\b")


def _placed_mention(text: str, m: Mention, name: str, noun: str) -> bool:
    """Whether the words around this mention of a one-word name make it a place (``noun``:
    the lower-case word after it)."""
    if noun in PLACE_NOUNS:
        return True
    if _key(name) not in places():
        return False
    before = text[max(0, m.start_char - 12) : m.start_char]
    if _PLACED_BEFORE_RE.search(before):
        return True
    after = _MODIFIED_NOUN_AFTER_RE.match(text, m.end_char)
    return (
        before.endswith("the ")
        and after is not None
        and after.group(1) not in _CLAUSE_WORDS | _MINOR_WORDS
    )


# A list of names: an item is one to four capitalised words ("Node.js", "Metro Exodus",
# "NBA 2K20"); items are joined by a comma, "and", "or", "as well as" or a slash.
_ITEM = r"[A-Z][\w.+#-]*(?: [A-Z0-9][\w.+#-]*){0,3}"
_SEP = r"(?:, (?:and |or |as well as )?| and | or |/)"
_NEXT_ITEM_RE = re.compile(rf"{_SEP}(?P<item>{_ITEM})(?![\w.+#-])")
_PREVIOUS_ITEM_RE = re.compile(rf"(?<![\w.+#'’-])(?P<item>{_ITEM}){_SEP}$")


def _list_neighbours(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The other items of the list a name at ``[start, end)`` stands in, nearest first."""
    found: list[tuple[int, int]] = []
    pos = end
    while (nxt := _NEXT_ITEM_RE.match(text, pos)) is not None and len(found) < 12:
        found.append(nxt.span("item"))
        pos = nxt.end()
    pos = start
    while len(found) < 24:
        prev = _PREVIOUS_ITEM_RE.search(text[max(0, pos - 60) : pos])
        if prev is None:
            break
        offset = max(0, pos - 60)
        found.append((offset + prev.start("item"), offset + prev.end("item")))
        pos = offset + prev.start("item")
    return found


# Words before a list that say its items are organisations ("investors include Sequoia,
# Accel and Benchmark"): the model often tags one of them only, and that one stays.
_ORG_LIST_CUE_RE = re.compile(
    r"\b(?:investors?|backers?|compan(?:y|ies)|firms?|banks?|funds?|rivals?|competitors?"
    r"|partners?|sponsors?|clients?|customers?|members?|carriers?|airlines?|retailers?"
    r"|outlets?|newspapers?|publishers?|brands?|teams?|clubs?|universit(?:y|ies)|schools?"
    r"|agenc(?:y|ies)|groups?|organi[sz]ations?|charit(?:y|ies)|unions?|parties|networks?"
    r"|studios?|labels?|makers?|manufacturers?|automakers?|startups?|giants?|insurers?"
    r"|lenders?|employers?|suppliers?|vendors?|chains?|operators?|providers?|donors?)\b",
    re.IGNORECASE,
)


def _org_list_cue(text: str, list_start: int) -> bool:
    """Whether the words of the sentence before a list call its items organisations."""
    before = text[max(0, list_start - 100) : list_start]
    cut = max(before.rfind(". "), before.rfind("\n"))
    return _ORG_LIST_CUE_RE.search(before[cut + 1 :]) is not None


def products_by_lists(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """An "organisation" the text only names in lists of names the model mostly took for
    no person or organisation ("fueled by Perl, PHP, and MySQL", "Gylt, Just Dance 2020,
    Kine, Metro Exodus") is one of their kind, a product (a language, a game): two other
    items at least, fewer than half of them people or organisations or names held back for
    want of evidence (``CANDIDATE``, often a company). A company stays, and so does a list
    the sentence calls organisations ("investors include ...")."""
    named = sorted(
        (m.start_char, m.end_char)
        for m, c in zip(mentions, canon, strict=True)
        if labels.get(c.lower()) in ("PERSON", "ORG", "CANDIDATE")
    )
    starts = [s for s, _ in named]

    def is_named(start: int, end: int) -> bool:
        at = bisect.bisect_right(starts, end) - 1
        return at >= 0 and named[at][1] > start

    listed: dict[str, list[bool]] = defaultdict(list)
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "ORG" or _is_company(c):
            continue
        others = _list_neighbours(text, m.start_char, m.end_char)
        names = sum(is_named(s, e) for s, e in others)
        first = min([m.start_char] + [s for s, _ in others])
        listed[key].append(
            len(others) >= 2 and 2 * names < len(others) and not _org_list_cue(text, first)
        )
    for key, where in listed.items():
        if all(where):
            labels[key] = "PRODUCT"


# A relative or a person the text names: "his wife, Kimberly", "a man known as Nick".
_RELATION_BEFORE_RE = re.compile(
    rf"\b(?:(?:his|her|their|my|our|your) (?:{'|'.join(sorted(KIN_WORDS))}),?"
    r"|(?:a|the|one) (?:man|woman|boy|girl|friend|neighbou?r) (?:named|called|known as),?) $",
    re.IGNORECASE,
)


def people_by_relation(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A one-word "organisation" that is a given name is a person where the text names a
    relative or a person by it ("his wife, Kimberly", "a man known as Nick")."""
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "ORG" or " " in c or c.isupper() or not is_given_name(c):
            continue
        if _RELATION_BEFORE_RE.search(text[max(0, m.start_char - 40) : m.start_char]):
            labels[key] = "PERSON"


# A kind of business or outlet right before a name ("travel company Traveland", "Minecraft
# developer Mojang", "the recreational vehicle-maker Winnebago") or a staff noun right after
# it ("Jefferies analyst"): the name is that organisation's.
_ORG_KIND_BEFORE_RE = re.compile(
    r"\b(?:[a-z]+-)?(?:company|firm|maker|developer|publisher|studio|startup|retailer|bank|"
    r"operator|broadcaster|newspaper|label|brand|carrier|airline|insurer|lender|chain) $"
)
_STAFF_AFTER_RE = re.compile(r" (?:analysts?|spokes(?:man|woman|person)|executives?)\b")
_PLACE_PREP_BEFORE_RE = re.compile(r"\b(?:in|near|from|to|of|outside)(?: the)? $")


def companies_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A one-word "place" the gazetteer does not know, or a one-word name held back for want
    of evidence (``CANDIDATE``), is an organisation where the text writes it after a kind of
    business ("travel company Traveland", "pay TV operator Austar") or before a staff noun
    ("Jefferies analyst") and never after "in", "near", "from" or "to" (a town's places)."""
    business: set[str] = set()
    placed: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) not in ("GPE", "LOC", "CANDIDATE") or " " in c or _key(c) in places():
            continue
        before = text[max(0, m.start_char - 40) : m.start_char]
        if _PLACE_PREP_BEFORE_RE.search(before) is not None:
            placed.add(key)
        elif (
            _ORG_KIND_BEFORE_RE.search(before) is not None
            or _STAFF_AFTER_RE.match(text, m.end_char) is not None
        ):
            business.add(key)
    for key in business - placed:
        labels[key] = "ORG"


# A sports role right after a place ("Anaheim defenseman Erik Gudbranson", "Barcelona soccer
# player Gerard Pique") or before "at"/"for" and a place ("a former player at Pittsburgh"), or
# a poll rank before it ("No. 1 Alabama"): the place names a team.
_SPORTS_ROLES = (
    r"(?:coach|head coach|player|players|defenseman|defensemen|goalkeeper|goalie|striker|"
    r"midfielder|defender|quarterback|pitcher|linebacker|shortstop|outfielder|forward|winger)"
)
_ROLE_AFTER_RE = re.compile(
    rf"(?: (?:soccer|football|basketball|hockey|baseball|rugby|cricket))? {_SPORTS_ROLES}\b"
)
_ROLE_BEFORE_RE = re.compile(rf"\b{_SPORTS_ROLES} (?:at|for) $|\bNo\. \d{{1,2}} $")


def teams_by_role(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A place the text gives a sports role ("Anaheim defenseman", "a player at Pittsburgh",
    "No. 1 Alabama") is a team there: an organisation."""
    teams: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) not in ("GPE", "LOC") or text[m.end_char : m.end_char + 2] in (
            "'s",
            "’s",
        ):
            continue
        before = text[max(0, m.start_char - 30) : m.start_char]
        if _ROLE_AFTER_RE.match(text, m.end_char) or _ROLE_BEFORE_RE.search(before):
            teams.add(key)
    for key in teams:
        labels[key] = "ORG"
