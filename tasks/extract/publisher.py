"""The outlet's name as readers know it, from the page, else a readable domain.

Order: ``og:site_name``, the JSON-LD publisher (read from a block a broken ``articleBody``
made unparsable too), a microdata publisher or an ``article:publisher`` that is a name (not
the usual Facebook URL), the site suffix of ``<title>`` (on a host that names nothing, only
when another signal confirms it or no copyright line or logo names anything; a share
button's icon or a logo labelled "Startseite" names nothing), the first of two ``<title>``
segments when the other is the headline ("IANA — Reserved Domains", not "Exclusive — Story")
and no copyright line or logo names anything, the site's own JSON-LD Organization (on a
host that names nothing, one a copyright line or logo also names), ``application-name``,
then a name two weaker signals agree on (``site_names.agreed_name``: title suffix, logo,
copyright line...) when it fits the host (or says it in the domain's words: "Querfurter
Hundesportverein" on hundeverein-querfurt.de), the host names nothing or is a blog platform's
account (``x.blogspot.com``); then the name of the site's JSON-LD ``WebSite`` node (an SEO
plugin's ``@graph``). That one comes late
and casts no vote: it is sometimes a slogan or the domain (one of more than five words, a
URL, a domain or another site's node names nothing), and a publishing system fills it from
the setting ``og:site_name`` and the title suffix come from, so it is no independent
witness. Then the words leading a ``<title>`` segment that spell the domain ("Sebastian
Kurz" on sebastian-kurz.at, "Python Insider: Story" on blog.python.org: the page's spelling
of the host's name), then those of a copyright holder or logo text ("Team KLIMAWANDEL
GLOBAL" on klimawandel-global.de), then those of a feed link's title ("kinra | blog » Feed"
on kinra.de); served from a host that names nothing, then a name the page gives once (a
``<title>`` segment other than the headline, a copyright holder, a logo, a home link's text,
a feed link's title) that spells a domain the page links to more than once ("© ROSNEFT"
beside links to rosneft.ru: ``site_links.py``; beside a title suffix, only the title's
parts); then the title of the feed that listed the page, without its section words, when
the page or the domain agrees with it (``site_names.channel_name``); then the registrable
domain (``nj.com``; a blog on a hosting platform keeps its own
host, ``x.blogspot.com``), never a host and port
and never an IP address or ``localhost``: a page served from 127.0.0.1 that names nothing
has no publisher, and the warehouse views show its feed's configured name instead. A news
agency named as the JSON-LD publisher of a wire story hosted elsewhere is the author's
employer, not the outlet, so it only counts when nothing else names the site.

An ``og:site_name`` written as a domain counts after the stated publishers when the site
spells it as a brand ("PanARMENIAN.Net"), and a lowercase one only when nothing else names
the site.

Two sources agreeing beat one: when the name the order gives is stated by that source
alone and two others (the JSON-LD publisher and the ``<title>`` suffix, say) agree on a
different outlet, theirs wins; a different spelling of the same outlet ("Space" and
"Space.com") is no disagreement, and a name written as a domain votes for the name it
spells ("channelpartner.de" for "ChannelPartner"). A one-word ``og:site_name`` made of a section word
("Politics", "Sport") names the section, not the outlet, and counts nowhere; a name
starting with "@" (a social account) casts no vote.

The title suffix is the site's name where a slogan follows it ("Story - Site.de - Your
independent portal"; served from 127.0.0.1, the part that is the page's masthead
``<h1>``), the last part of a path-like one ("Photo 2603 / 500px") and the name before a
lowercase tagline after a comma ("Wikipedia, the free encyclopedia").
A publishing system's default name ("WordPress", "My Blog") counts nowhere except on the
system's own site, nor does a title suffix naming the home page ("Home", "Startseite").

Two exceptions to the order: a syndicated copy's ``og:site_name`` names the portal ("MSN")
while the publisher stated in the markup fits the domain of its canonical link; and a
site name that is the site's own Organization name plus an edition ("The Real Deal New
York") is the Organization's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from ipaddress import ip_address
from urllib.parse import urlsplit

from newsflow.tasks.extract.headline import DOMAINISH, is_site_name
from newsflow.tasks.extract.metadata import site_of
from newsflow.tasks.text import fold_accents

AGENCIES = frozenset(
    {
        "associated press",
        "the associated press",
        "ap",
        "reuters",
        "afp",
        "agence france-presse",
        "dpa",
        "ansa",
        "efe",
        "upi",
        "press association",
        "pa media",
        "bloomberg",
    }
)
# Words that name a section or a feed's kind, not an outlet: a channel title or a site name
# made only of them ("Latest news", "Top Stories", "Politics") names no publisher.
SECTION_TEXT = """
    the a an all our your latest top breaking recent most popular new newest main daily
    weekly local national international world global us u.s. uk europe asia africa americas
    news headlines headline stories story articles article posts post updates update feed
    feeds rss atom xml home homepage front page everything full section channel edition
    startseite accueil inicio início
    politics business markets money economy finance sport sports tech technology science
    health entertainment opinion opinions lifestyle culture arts travel blog blogs video
    videos photos podcast podcasts features feature today today's english español
    in from on of and for & by at with
"""
SECTION_WORDS = frozenset(SECTION_TEXT.split())
# Platforms whose subdomains are separate blogs, each its own outlet.
HOSTING_PLATFORMS = frozenset(
    {
        "blogspot.com",
        "wordpress.com",
        "tumblr.com",
        "typepad.com",
        "livejournal.com",
        "substack.com",
        "github.io",
        "wixsite.com",
        "weebly.com",
        "over-blog.com",
        "hatenablog.com",
        "ucoz.de",
        "ucoz.ru",
    }
)
# Site names publishing systems fill in when the site sets none: the software, not the outlet.
PLACEHOLDER_NAMES = frozenset(
    {
        "wordpress",
        "blogger",
        "drupal",
        "joomla",
        "joomla!",
        "typo3",
        "ghost",
        "squarespace",
        "wix",
        "weebly",
        "my blog",
        "my wordpress blog",
        "my site",
        "my website",
        "site title",
        "just another wordpress site",
    }
)
_EDITION_WORDS = frozenset(
    {"international", "global", "uk", "us", "usa", "india", "online", "edition", "english"}
)
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·)\s+")
# Blog templates point at the site's name from the story's title: "Story « Blog", "Story ‹
# Site"; only when the title holds no closing mark, so a quotation « ... » stays whole.
_BACK_MARKS = re.compile(r"\s+(?:«|‹)\s+")
_URLISH = re.compile(r"^(?:https?://|www\.)", re.I)
# "Wikipedia, the free encyclopedia": a name, then a lowercase tagline after a comma
_COMMA_TAGLINE = re.compile(r",\s+(?:the|a|an|your|our)\s+[^,A-Z]+$")


@dataclass(frozen=True)
class PublisherSources:
    """What a page states that may name its publisher, gathered by the extractor."""

    site_name: str | None
    jsonld_publishers: Sequence[str]
    title_tag: str | None
    headline: str | None
    application_name: str | None
    url: str
    microdata_publishers: Sequence[str] = ()
    organisations: Sequence[tuple[str, str]] = ()
    agreed_name: str | None = None
    websites: Sequence[tuple[str, str]] = ()
    # A name agreed on only with the other parts of <title> ("Site - Story - Slogan" beside a
    # logo): it names a page that states nothing, but casts no vote against a stated name.
    title_agreed: str | None = None
    page_names: Sequence[str] = ()  # copyright holders and logo texts, as the page writes them
    feed_names: Sequence[str] = ()  # titles of the page's feed links, without the feed words
    mastheads: Sequence[str] = ()  # the page's <h1> texts other than the headline
    # Domains the page links to more than once and its home links' texts (site_links.py):
    # where the host names nothing, the page's own domain is among them.
    linked_sites: Sequence[str] = ()
    home_names: Sequence[str] = ()

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


def choose_publisher(sources: PublisherSources) -> str | None:
    """The publisher's name stated on the page, or None when the page names none: the first
    source in the module's order, unless the sources after it agree on another name and
    nothing confirms it (two sources agreeing beat one)."""
    sources = _without_defaults(sources)
    first = _first_stated(sources)
    host = sources.host
    votes = _votes(
        sources.site_name,
        sources.jsonld_publishers,
        sources.microdata_publishers,
        _own_organisations(sources),
        _first_segment(sources.application_name),
        _title_suffix(sources.title_tag, sources.headline, host, sources.mastheads),
        sources.agreed_name,
    )
    return _agreed_over(first, votes)


def _without_defaults(sources: PublisherSources) -> PublisherSources:
    """``sources`` without the names a publishing system writes when the site sets none
    ("WordPress", "My Blog"): they name the software, except on the software's own site."""

    def kept(name: str | None) -> str | None:
        return name if name is None or not is_placeholder(name, sources.host) else None

    return replace(
        sources,
        site_name=kept(sources.site_name),
        application_name=kept(sources.application_name),
        jsonld_publishers=[p for p in sources.jsonld_publishers if kept(p)],
        microdata_publishers=[p for p in sources.microdata_publishers if kept(p)],
        organisations=[(n, home) for n, home in sources.organisations if kept(n)],
        websites=[(n, home) for n, home in sources.websites if kept(n)],
        agreed_name=kept(sources.agreed_name),
        title_agreed=kept(sources.title_agreed),
    )


def is_placeholder(name: str, host: str) -> bool:
    """True for a publishing system's default site name, unless the host is its own."""
    key = " ".join(re.findall(r"[a-z0-9!]+", _first_segment(name.lower()) or ""))
    return key in PLACEHOLDER_NAMES and not is_site_name(name, [], host)


def _votes(
    site_name: str | None,
    jsonld: Sequence[str],
    microdata: Sequence[str],
    own: Sequence[str],
    application: str | None,
    suffix: str | None,
    agreed: str | None,
) -> list[tuple[str, int]]:
    """(name, weight) of each independent source, in the module's order. ``agreed`` is
    already two weak signals agreeing (the title suffix among them, perhaps): it weighs
    two, and the suffix is not counted again beside it."""
    stated = [
        _first_segment(site_name),
        next((p for p in jsonld if p.lower() not in AGENCIES and not _URLISH.match(p)), None),
        next(iter(microdata), None),
        next(iter(own), None),
        application,
    ]
    votes = [
        (name, 1)
        for name in stated
        if name
        and not _URLISH.match(name)
        and name[0] != "@"
        and not (" " not in name and section_only(name))
    ]
    if agreed:
        votes.append((agreed, 2))
    if suffix and not (agreed and _vote_key(suffix) == _vote_key(agreed)):
        votes.append((suffix, 1))
    return [(name, weight) for name, weight in votes if _vote_key(name)]


def _vote_key(name: str) -> str:
    """One key per outlet: lowercase letters and digits without a leading "the"; a name
    written as a domain ("channelpartner.de") by its main label, as the name it spells."""
    if DOMAINISH.match(name.strip()):
        name = site_of(name.strip().lower().removeprefix("www.")).split(".")[0]
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "".join(words[1:] if words[:1] == ["the"] else words)


def _agreed_over(first: str | None, votes: list[tuple[str, int]]) -> str | None:
    """``first`` unless it stands alone and two sources agree on another name."""
    support: dict[str, int] = {}
    spelling: dict[str, str] = {}
    for name, weight in votes:
        key = _vote_key(name)
        support[key] = support.get(key, 0) + weight
        spelling.setdefault(key, name)
    if first is None:
        return None  # the order already passed over every name it had reason to doubt
    mine = _vote_key(first)
    if support.get(mine, 0) >= 2:
        return first
    best = max(support, key=lambda k: support[k], default=None)
    if best is None or support[best] < 2 or best == mine:
        return first
    if _one_outlet(first, spelling[best]):
        return first  # the same outlet spelled otherwise ("Space" / "Space.com", "WSJ")
    return spelling[best]


def _one_outlet(a: str, b: str) -> bool:
    """True when two names are spellings of one outlet: one key inside the other, a shared
    distinctive word of four letters or more, or one the other's initials. A section or
    masthead word ("News", "Times") is shared by rival outlets ("Yahoo News", "CBS News")."""
    key_a, key_b = _vote_key(a), _vote_key(b)
    if key_a in key_b or key_b in key_a or _same_name(a, b) or _same_name(b, a):
        return True
    words_a = {
        w
        for w in re.findall(r"[a-z0-9]+", a.lower())
        if len(w) >= 4 and w not in SECTION_WORDS and w not in _MASTHEAD_WORDS
    }
    return bool(words_a & set(re.findall(r"[a-z0-9]+", b.lower())))


# Words many outlets' names end in: sharing one says nothing of being one outlet.
_MASTHEAD_TEXT = """
    times post herald tribune journal gazette chronicle telegraph express mirror star
    standard courier press review observer guardian independent media network group radio
    television online report record register sentinel examiner inquirer
"""
_MASTHEAD_WORDS = frozenset(_MASTHEAD_TEXT.split())


def _first_stated(sources: PublisherSources) -> str | None:
    """The first name the module's order of sources gives."""
    host = sources.host
    site = _first_segment(sources.site_name)
    if site and " " not in site and section_only(site):
        # og:site_name "Politics": the section, not the outlet ("National Post" and "Daily
        # News" are outlets made of section words: only a one-word name is doubted)
        site = None
    # A domain the site spells as its brand ("PanARMENIAN.Net", "SpaceNews.com") still names
    # it, after a publisher the markup states; a URL or a lowercase domain does not.
    domain = site if site and DOMAINISH.match(site) else None
    branded = domain if domain and domain.lower() != domain else None
    if site and (_URLISH.match(site) or DOMAINISH.match(site)):
        site = None  # a URL or bare domain: a stated name below reads better
    publishers = [p for p in sources.jsonld_publishers if p.lower() not in AGENCIES]
    marked = [p for p in sources.microdata_publishers if p.lower() not in AGENCIES]
    own = _own_organisations(sources)
    if site and " " not in site and publishers:
        # "WSJ", "TheHill", "detroitnews": the JSON-LD spells the same name out.
        for name in publishers:
            if _same_name(site, name):
                return name
    if site and host and not is_site_name(site, [], host):
        for name in [*publishers, *marked]:
            if is_site_name(name, [], host):
                return name
    if site:
        for name in own:
            if _edition_of(site, name):
                return name
        return site
    if publishers:
        return publishers[0]
    if marked:
        return marked[0]
    if branded:
        return branded
    # a logo or copyright text made of section words ("Startseite") names nothing
    named = [name for name in sources.page_names if not section_only(name)]
    suffix = _title_suffix(sources.title_tag, sources.headline, host, sources.mastheads)
    if suffix and (names_a_site(host) or not named):
        return suffix  # at 127.0.0.1 only uncontradicted: else one of the signals that agree
    lead = _title_lead(sources.title_tag, sources.headline, host)
    if lead and not suffix and not named:
        return lead
    if own:
        return own[0]
    app = _first_segment(sources.application_name)
    if (
        app
        and sources.headline
        and app.lower() != sources.headline.lower()
        and len(app.split()) <= 5
    ):
        return app
    agreed = sources.title_agreed or sources.agreed_name
    if agreed and (
        not names_a_site(host)
        or is_site_name(agreed, [], host)
        or _shares_host_word(agreed, host)
        or _hosted_blog(host)
    ):
        return agreed
    website = _website_name(sources.websites, host)
    if website and not DOMAINISH.match(website):
        return website
    texts = (sources.title_tag, sources.application_name)
    hosts = [host, domain or ""]
    return (
        spelled_domain(texts, hosts, sources.headline)
        or spelled_domain(sources.page_names, hosts, anywhere=True)
        or spelled_domain(sources.feed_names, hosts, anywhere=True)
        or (None if names_a_site(host) else _linked_name(sources, texts, suffix))
        or domain
    )


def _linked_name(
    sources: PublisherSources, texts: Sequence[str | None], suffix: str | None
) -> str | None:
    """Served from a host that names nothing: a name the page gives once (a ``<title>``
    segment other than the headline, a copyright holder, a logo, a home link's text, a feed
    link's title) when it spells a domain the page links to more than once ("© ROSNEFT"
    beside links to rosneft.ru). Alone, each could be a parent company or a partner; the
    links stand in for the host the page came from. The headline is left out, and so is a
    ``<title>`` that is the headline: any part of it may be the story's subject
    ("draft-x-04 - remoteStorage" linking to remotestorage.io). Beside a ``<title>`` suffix
    (the outlet, more often than not) a copyright holder or a logo linked to its own domain
    is a parent company's or a partner's: only the title's parts are checked then."""
    if not sources.linked_sites:
        return None
    told = " ".join((sources.headline or "").split()).lower()
    spaced = [" ".join((text or "").split()) for text in texts]
    segments = [
        part
        for text in spaced
        if text.lower() != told  # a title that is the headline
        for part in _LEAD_SEPARATORS.split(text)
        if part.strip(_RUN_EDGES).lower() != told
    ]
    if suffix:
        return spelled_domain(segments, sources.linked_sites)  # "© Parent" on "Story - Outlet"
    names = [*sources.page_names, *sources.home_names, *sources.feed_names]
    return spelled_domain(segments, sources.linked_sites) or spelled_domain(
        names, sources.linked_sites, anywhere=True
    )


def _own_organisations(sources: PublisherSources) -> list[str]:
    """The JSON-LD Organizations whose home is the page's site. Served from a host that
    names nothing (127.0.0.1), one whose name or home a copyright line or logo of the page
    also names ("© goodform" beside "GOODFORM AG" at goodform.ch)."""
    host = sources.host
    if names_a_site(host):
        return [name for name, home in sources.organisations if _same_site(home, host)]
    said = {_letters(name) for name in sources.page_names} - {""}
    own = []
    for name, home in sources.organisations:
        try:
            home_host = urlsplit(home or "").hostname or ""
        except ValueError:
            home_host = ""
        keys = {_letters(name)}
        if names_a_site(home_host):
            keys.add(_letters(outlet_site(home_host).split(".")[0]))
        if any(_part_of(a, b) or _part_of(b, a) for a in said for b in keys if a and b):
            own.append(name)
    return own


def _part_of(short: str, long: str) -> bool:
    """``short`` inside ``long`` and at least half of it ("goodform" in "goodformag")."""
    return len(short) >= 3 and short in long and len(short) * 2 >= len(long)


def _shares_host_word(name: str, host: str) -> bool:
    """True when a word of ``name`` starts with a word of the domain, both of five letters or
    more ("Querfurter Hundesportverein" on hundeverein-querfurt.de): the name is the site's
    in the site's own words, not a parent company's."""
    labels = site_of(host.lower()).split(".")[0]
    host_words = [w for w in re.split(r"[-_]", labels) if len(w) >= 5]
    words = [w for w in re.findall(r"\w+", fold_accents(name).lower()) if len(w) >= 5]
    return any(word.startswith(h) for word in words for h in host_words)


def _hosted_blog(host: str) -> bool:
    """True for a blog on a hosting platform (``x.blogspot.com``): its host is an account
    name, no spelling of the blog's title, so a name that does not fit it may still be its."""
    return outlet_site(host) != site_of(host)


def _website_name(websites: Sequence[tuple[str, str]], host: str) -> str | None:
    """The name the site's JSON-LD WebSite node gives itself, when it reads as a name: on
    the page's own site (or one whose host names nothing), at most five words, not a URL, a
    section or "@account". A longer one is a slogan ("News you can trust from the Valley")."""
    for name, home in websites:
        name = _first_segment(name) or ""
        if home and names_a_site(host) and not _same_site(home, host):
            continue
        if (
            not name
            or len(name.split()) > 5
            or _URLISH.match(name)
            or name[0] == "@"
            or section_only(name)
        ):
            continue
        return name
    return None


def spelled_domain(
    texts: Sequence[str | None],
    hosts: Sequence[str],
    headline: str | None = None,
    *,
    anywhere: bool = False,
) -> str | None:
    """The name leading a segment of ``texts`` whose first words spell a site's domain, as
    the site writes it: "Sebastian Kurz" on sebastian-kurz.at, "Python Insider" (from
    "Python Insider: Story") on blog.python.org. A host gives the name in lowercase and
    without its spaces; the page's spelling is the one readers know. A short segment that is
    not the headline is the whole name; else only the words that spell the domain (a
    headline "Python 3.6 released" names "Python"). Words spelling it later in a segment
    ("... der Stadt Stuttgart") only mention it. In a name (``anywhere``: a copyright
    holder, a logo's text) only the words spelling the domain count, and two or more of them
    may follow other words ("Team KLIMAWANDEL GLOBAL" on klimawandel-global.de): a domain
    written as words is the site's name, one word after others is what a holder is named
    after ("Landeshauptstadt Stuttgart")."""
    targets: set[str] = set()
    for host in hosts:
        if host and names_a_site(host):
            site = outlet_site(host.lower().removeprefix("www."))
            targets |= {_letters(site.split(".")[0]), _letters(site)}
    targets.discard("")
    if not targets:
        return None
    segments = [
        part.strip(_RUN_EDGES)
        for text in texts
        for part in _LEAD_SEPARATORS.split(" ".join((text or "").split()))
    ]
    told = (headline or "").lower()
    for segment in segments:
        words = segment.split()
        for end in range(1, min(len(words), _MAX_RUN) + 1):
            run = " ".join(words[:end]).strip(_RUN_EDGES)
            if run and _letters(run) in targets:
                whole = not anywhere and len(words) <= _MAX_RUN
                return segment if whole and segment.lower() not in told else run
    if not anywhere:
        return None
    for segment in segments:
        words = segment.split()
        for start in range(1, len(words) - 1):
            for end in range(start + 2, min(len(words), start + _MAX_RUN) + 1):
                run = " ".join(words[start:end]).strip(_RUN_EDGES)
                if run and _letters(run) in targets:
                    return run
    return None


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold_accents(text))


_RUN_EDGES = " ,.:;!?()[]{}\"'«»‹›|/"
# A site's name may lead a title before a colon too: "Python Insider: Story".
_LEAD_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|::|·|«|»|‹|›)\s+|:\s+")
_MAX_RUN = 5


def section_only(name: str) -> bool:
    """True when every word of ``name`` names a section or a feed's kind ("World News")."""
    words = re.findall(r"[\w.'&]+", name.lower())
    return bool(words) and all(w in SECTION_WORDS for w in words)


def readable_domain(url: str) -> str | None:
    """The registrable domain of ``url`` (``www.nj.com`` -> ``nj.com``), without a port;
    a blog on a hosting platform keeps its own name (``x.blogspot.com``: every Blogger blog
    is not one outlet). None for an IP address or ``localhost``, which name a machine."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return outlet_site(host) if host and names_a_site(host) else None


def outlet_site(host: str) -> str:
    """``site_of(host)``, or the blog's own host on a platform hosting many blogs."""
    site = site_of(host)
    labels = host.lower().rstrip(".").split(".")
    hosted = site in HOSTING_PLATFORMS or site.startswith("blogspot.")
    size = len(site.split("."))
    if hosted and len(labels) > size and labels[-size - 1] not in ("www", "en", "m"):
        return ".".join(labels[-size - 1 :])
    return site


def names_a_site(host: str) -> bool:
    """False for hosts that say nothing about the outlet: IP addresses, ``localhost``, and
    a malformed one with an empty label (a canonical link written "https://.cms-vendor.de"
    names the template's vendor, not the site)."""
    host = host.lower().rstrip(".")
    if not host or host == "localhost" or host.endswith(".localhost") or "." not in host:
        return False
    if "" in host.split("."):
        return False
    try:
        ip_address(host.strip("[]"))
    except ValueError:
        return True
    return False


def _same_site(home: str, host: str) -> bool:
    """True when ``home`` (a URL) is on the registrable domain of ``host``."""
    try:
        other = urlsplit(home).hostname
    except ValueError:
        return False
    return bool(other and host and site_of(other) == site_of(host))


def _edition_of(site: str, name: str) -> bool:
    """True when ``site`` is ``name`` and more words: "The Real Deal New York"; a one-word
    name only with edition words ("RT International", "Example UK")."""
    site_words, name_words = site.lower().split(), name.lower().split()
    if len(site_words) <= len(name_words) or site_words[: len(name_words)] != name_words:
        return False
    return len(name_words) >= 2 or all(w in _EDITION_WORDS for w in site_words[1:])


def _same_name(short: str, long: str) -> bool:
    s = re.sub(r"[^a-z0-9]", "", short.lower())
    words = [w for w in re.findall(r"[a-z0-9]+", long.lower()) if w != "the"]
    joined = "".join(words)
    initials = "".join(w[0] for w in words)
    full = "".join(re.findall(r"[a-z0-9]+", long.lower()))
    if not s:
        return False
    return s in (joined, full, initials) or (short.islower() and s in full)


def _first_segment(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        return None
    return _SEPARATORS.split(text)[0].strip() or None


_KICKERS = frozenset(
    [
        "exclusive",
        "live",
        "watch",
        "listen",
        "analysis",
        "interview",
        "review",
        "explainer",
        "comment",
        "editorial",
        "obituary",
        "quiz",
        "poll",
        "letters",
        "column",
        "recap",
        "preview",
        "factbox",
    ]
)


def _title_lead(title: str | None, headline: str | None, host: str) -> str | None:
    """The first of two ``<title>`` segments when the second is the headline ("IANA — Reserved
    Domains" above an ``h1`` "Reserved Domains"): the site's name put first."""
    parts = _SEPARATORS.split(" ".join((title or "").split()))
    if len(parts) != 2 or not headline:
        return None
    lead, rest = parts[0].strip(), parts[1].strip()
    if rest.lower() != " ".join(headline.split()).lower() or lead.lower() == rest.lower():
        return None
    if len(lead.split()) > 5 or section_only(lead) or is_placeholder(lead, host):
        return None
    if lead.lower().strip(" :!") in _KICKERS:
        return None  # "Exclusive | Story": a label over the story, not a site
    return None if DOMAINISH.match(lead) and not is_site_name(lead, [], host) else lead


def _title_suffix(
    title: str | None, headline: str | None, host: str, mastheads: Sequence[str] = ()
) -> str | None:
    """The last segment of ``<title>`` when it is short and not part of the headline; after
    a mark pointing back at the story ("Story « Blog"), even when the headline kept it (a
    page without an ``h1`` is headed by its whole title). Of three segments or more, the
    one that is the host's name (served from 127.0.0.1: the page's masthead, a short ``h1``
    other than the headline) when the last is not ("Story - Site - Slogan")."""
    text = " ".join((title or "").split())
    pointed = False
    if "»" not in text and "›" not in text:
        marks = _BACK_MARKS.split(text)
        pointed = len(marks) > 1 and not _SEPARATORS.search(marks[-1])
        text = _BACK_MARKS.sub(" | ", text)
    parts = _SEPARATORS.split(text)
    if len(parts) < 2:
        return None
    last = parts[-1].strip()
    # where the host names nothing, a short <h1> above the headline stands in for it
    heads = [] if names_a_site(host) else [m for m in mastheads if len(m.split()) <= _MAX_RUN]
    if len(parts) > 2 and (names_a_site(host) or heads) and not is_site_name(last, heads, host):
        # "Story - Site.de - Our independent portal": the site's name, then its slogan
        named = [part for part in parts[1:-1] if is_site_name(part, heads, host)]
        last = named[-1].strip() if named else last
    if " / " in last:  # "Story – Photo 2603 / 500px": a photo site's path-like suffix
        last = last.rsplit(" / ", 1)[1].strip()
    last = _COMMA_TAGLINE.sub("", last).strip()
    in_headline = bool(headline and last.lower() in headline.lower())
    if not last or len(last.split()) > 5 or (in_headline and not pointed):
        return None
    if section_only(last) or is_placeholder(last, host):
        return None  # "Story | Home", "Story – WordPress"
    if DOMAINISH.match(last) and not is_site_name(last, [], host):
        return None
    return last
