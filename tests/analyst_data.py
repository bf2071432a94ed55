"""A small, hand-written warehouse for the analyst-facing tests (views, search, exports, report).

Built through the real load path (``record_polls``, ``store_batch`` with its search index,
cluster assignment, publish) into a real DuckDB file. Offsets are computed from the texts, so
every mention and quote indexes into its article like the pipeline's own.

The stories: a wire story about grain talks run by three outlets (one with another
headline, one with a trimmed ending), a different story about a regime change, a story
about a harbour strike, and one hostile page whose title, entity and quote carry markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsflow.clock import utcnow
from newsflow.tasks.load import poll_records, runs, store, syndication
from newsflow.tasks.records import (
    Analysis,
    Article,
    FeedItem,
    FeedPoll,
    FetchedPage,
    Mention,
    ProcessedBatch,
    Quote,
)
from newsflow.warehouse.db import open_ingest, publish

GRAIN = (
    "GENEVA - Ukrainian and Russian negotiators agreed on Tuesday to resume talks on grain "
    "shipments across the Black Sea after a five-hour meeting hosted by the United Nations. "
    'Ana Costa, the UN envoy, told reporters that "Oleg Petrenko has shown real flexibility '
    'on the inspection regime" and that both delegations would return next week. '
    "Oleg Petrenko, who leads the Russian delegation, said the talks had been difficult but "
    "useful. Shipping insurers in London welcomed the news, and wheat futures in Chicago fell "
    "by two percent within the hour as traders priced in a steadier flow of cargoes from the "
    "ports of Odesa and Chornomorsk. Diplomats said a joint inspection centre in Istanbul "
    "could reopen within a month if the technical teams agree on the number of inspectors and "
    "the rules for ships that call at Russian ports on the way. The United Nations has pressed "
    "both sides since the summer to restore the corridor, which carried more than thirty "
    "million tonnes of grain before it collapsed. Aid agencies warned that food prices in East "
    "Africa would stay high until the corridor is fully open again, and farmers' groups in "
    "Ukraine said storage was already running short ahead of the next harvest season."
)
REGIME = (
    "FREEDONIA - Thousands marched through the capital on Sunday demanding regime change, "
    "the largest protest since Rufus Firefly took power four years ago. "
    '"The Freedonia Party will not bow to the mob," Rufus Firefly said in a televised address, '
    "accusing Sylvania of funding the organisers. Opposition leader Teasdale Gloria called for "
    "new elections within ninety days and urged the army to stay in its barracks. Police "
    "closed the central square and the main bridge while crowds sang the old anthem. "
    "Foreign ministers meeting in Brussels said they were watching the situation closely."
)
STRIKE = (
    "ROTTERDAM - Dock workers walked out on Monday in a dispute over automation, leaving "
    "dozens of container ships waiting at anchor. Union leader Marta Jansen said the port "
    "authority had ignored safety warnings for months. The port authority said talks would "
    "continue and that perishable cargo was being diverted to Antwerp. Shipping lines warned "
    "of delays across northern Europe for the rest of the week."
)
# If any of these ran, the page's <body> would get a data-pwned attribute.
PWN = "document.body.setAttribute('data-pwned', 1)"
HOSTILE_NAME = f'</script><img src=x onerror="{PWN}">Mallory'
HOSTILE_QUOTE = f'"<script>{PWN}</script> trust me,"'
HOSTILE = (
    f"Unsafe page. {HOSTILE_NAME} wrote that the vote was rigged. "
    f"{HOSTILE_QUOTE} Mallory Hacker said on Friday."
)


@dataclass
class Story:
    key: str
    url: str
    title: str
    text: str
    sitename: str | None
    published_at: datetime | None
    feed: str
    entities: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # as written -> (canonical, label)
    quotes: list[tuple[str, str | None, str]] = field(default_factory=list)  # quote, speaker, kind


GRAIN_ENTITIES = {
    "Ana Costa": ("Ana Costa", "PERSON"),
    "Oleg Petrenko": ("Oleg Petrenko", "PERSON"),
    "United Nations": ("United Nations", "ORG"),
    "GENEVA": ("Geneva", "GPE"),
    "London": ("London", "GPE"),
}
GRAIN_COPIES = {"art-wire", "art-planet-copy", "art-coast-copy"}
GRAIN_QUOTE = '"Oleg Petrenko has shown real flexibility on the inspection regime"'

FEEDS = {
    "wire": ("Global Wire – World", "https://wire.example.com/world.xml"),
    "planet": ("Daily Planet – News", "https://planet.example.org/news.rss"),
    "coast": ("Coastal Times", "https://coastal.example.net/feed.atom"),
    "dead": ("Dead Feed", "https://dead.example.com/feed.xml"),
}


def stories() -> list[Story]:
    trimmed = GRAIN[: GRAIN.index("The United Nations has pressed")].rstrip()
    return [
        Story(
            key="wire",
            url="https://wire.example.com/2025/03/10/grain-talks",
            title="Black Sea grain talks to resume",
            text=GRAIN,
            sitename="Global Wire",
            published_at=datetime(2025, 3, 10, 9, 0),
            feed="wire",
            entities=GRAIN_ENTITIES,
            quotes=[(GRAIN_QUOTE, "Ana Costa", "direct")],
        ),
        Story(
            key="planet-copy",
            url="https://planet.example.org/world/grain-deal-hopes",
            title="Hopes rise for grain corridor as talks resume in Geneva",
            text=trimmed,
            sitename="Daily Planet",
            published_at=datetime(2025, 3, 10, 11, 30),
            feed="planet",
            entities=GRAIN_ENTITIES,
            quotes=[(GRAIN_QUOTE, "Ana Costa", "direct")],
        ),
        Story(
            key="coast-copy",
            url="https://coastal.example.net/news/grain",
            title="Grain talks: both sides to return next week",
            text="By Global Wire staff. " + GRAIN.replace("on Tuesday", "on Tuesday evening"),
            sitename="Coastal Times",
            published_at=datetime(2025, 3, 11, 6, 0),
            feed="coast",
            entities=GRAIN_ENTITIES,
            quotes=[(GRAIN_QUOTE, "Ana Costa", "direct")],
        ),
        Story(
            key="regime",
            url="https://planet.example.org/world/freedonia-protests",
            title="Freedonia protesters demand regime change",
            text=REGIME,
            sitename="Daily Planet",
            published_at=datetime(2025, 3, 11, 14, 0),
            feed="planet",
            entities={
                "Rufus Firefly": ("Rufus Firefly", "PERSON"),
                "Freedonia Party": ("Freedonia Party", "ORG"),
                "Sylvania": ("Sylvania", "GPE"),
                "Teasdale Gloria": ("Teasdale Gloria", "PERSON"),
                "Brussels": ("Brussels", "GPE"),
            },
            quotes=[('"The Freedonia Party will not bow to the mob,"', "Rufus Firefly", "direct")],
        ),
        Story(
            key="strike",
            url="https://coastal.example.net/news/rotterdam-strike",
            title="Rotterdam dockers strike over automation",
            text=STRIKE,
            sitename=None,  # no site name on the page: the source falls back to the feed
            published_at=None,  # no date on the page: the day falls back to the fetch date
            feed="coast",
            entities={
                "Marta Jansen": ("Marta Jansen", "PERSON"),
                "Antwerp": ("Antwerp", "GPE"),
                "ROTTERDAM": ("Rotterdam", "GPE"),
            },
            quotes=[
                (
                    "the port authority had ignored safety warnings for months",
                    "Marta Jansen",
                    "indirect",
                )
            ],
        ),
        Story(
            key="hostile",
            url="javascript:alert(1)",
            title=f"<script>{PWN}</script>Hostile <b>headline</b>",
            text=HOSTILE,
            sitename="Evil & Co <i>",
            published_at=datetime(2025, 3, 12, 8, 0),
            feed="planet",
            entities={HOSTILE_NAME: (HOSTILE_NAME, "PERSON")},
            quotes=[(HOSTILE_QUOTE, HOSTILE_NAME, "direct")],
        ),
    ]


FETCHED_AT = datetime(2025, 3, 12, 18, 0)


def _article(story: Story) -> tuple[Article, Analysis]:
    article = Article(
        article_id=f"art-{story.key}",
        url=story.url,
        page_url=story.url + "?from=feed",
        title=story.title,
        text=story.text,
        sitename=story.sitename,
        published_at=story.published_at,
        language="en",
        fetched_at=FETCHED_AT,
        author="Lena Fischer",
        authors=["Lena Fischer"],
    )
    mentions = [
        Mention(
            text=surface,
            label=label,
            canonical=canonical,
            start_char=match.start(),
            end_char=match.end(),
        )
        for surface, (canonical, label) in story.entities.items()
        for match in re.finditer(re.escape(surface), story.text)
    ]
    quotes = []
    for quote, speaker, kind in story.quotes:
        start = story.text.index(quote)
        quotes.append(
            Quote(
                quote=quote,
                speaker=speaker,
                speaker_label="PERSON" if speaker else None,
                kind=kind,  # type: ignore[arg-type]
                cue="said",
                start_char=start,
                end_char=start + len(quote),
            )
        )
    return article, Analysis(mentions=mentions, quotes=quotes)


MISSING_PAGE = "https://wire.example.com/2025/03/09/withdrawn-story"


def _missing_page() -> FetchedPage:
    return FetchedPage(url=MISSING_PAGE, http_status=404, error="HTTP 404", retryable=False)


def polls(polled_at: datetime) -> list[FeedPoll]:
    result = []
    for key, (name, url) in FEEDS.items():
        if key == "dead":
            result.append(
                FeedPoll(
                    feed_url=url,
                    name=name,
                    status="failed",
                    error="connection refused",
                    polled_at=polled_at,
                )
            )
            continue
        items = [
            FeedItem(
                feed_url=url,
                url=story.url + "?from=feed",
                link=story.url,
                title=story.title,
                published_at=story.published_at,
            )
            for story in stories()
            if story.feed == key
        ]
        if key == "wire":
            items.append(FeedItem(feed_url=url, url=MISSING_PAGE, link=MISSING_PAGE))
        result.append(
            FeedPoll(feed_url=url, name=name, status="ok", items=items, polled_at=polled_at)
        )
    return result


def build(db: Path, *, only: set[str] | None = None) -> Path:
    """Load the stories (or ``only`` those keys) through the real load path, then publish."""
    picked = [s for s in stories() if only is None or s.key in only]
    with open_ingest(db) as con:
        runs.start_run(con, "run-1")
        poll_records.record_polls(con, polls(utcnow()))  # polled during this run
        batch = ProcessedBatch()
        for story in picked:
            article, analysis = _article(story)
            batch.articles.append(article)
            batch.analyses[article.article_id] = analysis
        store.store_batch(con, batch, [_missing_page()], run_id="run-1")
        syndication.assign_clusters(con)
        runs.finish_run(con, "run-1", {"articles_stored": len(picked)}, error=None)
    publish(db)
    return db
