"""What a page states about its article: headline, credited people, time, publisher, labels.

Each case is a page shape met on real news sites (site name in every <title>, bylines with
roles and dates, a dateline with the time while the metadata has only the day, a host and
port as the only name), built small here; the store tests load the result into DuckDB.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsflow.tasks.extract.article import extract_article
from newsflow.tasks.extract.bylines import agency_in_dateline, credited_authors
from newsflow.tasks.extract.timestamps import parse_dateline
from newsflow.tasks.load import poll_records
from newsflow.tasks.load import store as load
from newsflow.tasks.records import Article, FeedItem, FeedPoll, ProcessedBatch
from newsflow.warehouse.db import open_ingest

PARAGRAPHS = "".join(
    f"<p>On day {i} the city council debated budget line {i * 7}, and members agreed "
    f"after a long argument that measure {i * 3} would be put to a public vote.</p>"
    for i in range(12)
)
FETCHED = datetime(2025, 3, 12, 12, 0)


def _extract(
    head: str = "", top: str = "", url: str = "https://www.example-news.com/a/1"
) -> Article:
    html = (
        f"<!DOCTYPE html><html lang='en'><head>{head}</head><body>{top}"
        f"<article>{PARAGRAPHS}</article></body></html>"
    )
    article = extract_article(html, url=url, fetched_at=FETCHED)
    assert isinstance(article, Article), article
    return article


def _jsonld(**fields: object) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


# --- headline ---------------------------------------------------------------------------


def test_headline_is_the_h1_without_the_site_name_every_title_carries() -> None:
    article = _extract(
        head="<title>Global Voices Online</title><meta property='og:site_name' "
        "content='Global Voices'><meta property='og:title' content='Protests spread in Lagos'>",
        top="<header><h1>Global Voices</h1></header><h1>Protests spread in Lagos</h1>",
        url="https://globalvoices.org/2025/03/10/protests/",
    )
    assert article.title == "Protests spread in Lagos"


def test_site_and_section_suffixes_are_removed_from_the_title() -> None:
    article = _extract(
        head="<title>Bike review | Reviews | Opinion | MoreBikes</title>"
        "<meta property='og:site_name' content='MoreBikes'>",
        url="https://www.morebikes.co.uk/bike-review/",
    )
    assert article.title == "Bike review"


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("Harbour Voices » Peru: Clashes in the Amazon", "http://harbourvoices.example/1"),
        ("Harbour Voices | Peru: Clashes in the Amazon", "http://127.0.0.1:8765/1"),
    ],
)
def test_a_site_name_leading_the_title_is_removed(title: str, url: str) -> None:
    article = _extract(
        head=f"<title>{title}</title><meta property='og:site_name' content='Harbour Voices'>",
        url=url,
    )
    assert article.title == "Peru: Clashes in the Amazon"


def test_title_whose_h1_is_the_site_name_keeps_the_story_title() -> None:
    article = _extract(
        head="<title>악녀의 덫에 걸린 이유리 - Entermedia</title>",
        top="<h1>엔터 미디어</h1>",
        url="http://www.entermedia.co.kr/news/articleView.html?idxno=1",
    )
    assert article.title == "악녀의 덫에 걸린 이유리"


def test_h1_cut_short_by_markup_is_completed_from_the_metadata_title() -> None:
    article = _extract(
        head="<meta property='og:title' content='Emirates inks order for 30 jets, will "
        "expand by early 2020s'>",
        top="<h1>Emirates inks order for 30 jets, will expand by early<span hidden></span></h1>",
    )
    assert article.title == "Emirates inks order for 30 jets, will expand by early 2020s"


# --- bylines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "people"),
    [
        (["Phil Helsel is a reporter"], ["Phil Helsel"]),
        (["Mike Wuerthele; Malcolm Owen Monday; November"], ["Mike Wuerthele", "Malcolm Owen"]),
        (["Troy Smith; Troy L Smith; Cleveland com"], ["Troy Smith"]),
        (["Tom Krisher; Ap Auto Writer"], ["Tom Krisher"]),
        (["By MEG KINNARD and ERRIN HAINES, Associated Press"], ["Meg Kinnard", "Errin Haines"]),
        (["Analysis by Chris Cillizza, CNN Editor-at-large"], ["Chris Cillizza"]),
        (["JERUSALEM POST STAFF NOVEMBER"], ["Jerusalem Post Staff"]),
        (["Associated Press"], ["Associated Press"]),
        (["rmb8090"], []),
        (["Written by Rachael Link, MS, RD on November 14, 2019"], ["Rachael Link"]),
        (["Bruce Y. Lee"], ["Bruce Y. Lee"]),
        (["Kevin Johnson and Kevin McCoy USA TODAY"], ["Kevin Johnson", "Kevin McCoy"]),
        (["Ilana Muhlstein, MS, RDN"], ["Ilana Muhlstein"]),
        (["By admin - 2018-09-16"], []),
        (["by jdadmin"], []),
        (["Name *"], []),
    ],
)
def test_bylines_become_one_clean_name_per_person(raw: list[str], people: list[str]) -> None:
    assert credited_authors([raw]) == people


def test_a_company_the_page_names_as_such_is_no_person() -> None:
    # "Condé Nast; Molly Wood": two capitalised words say nothing; the page's copyright
    # line or a JSON-LD Organization does (see test_credit_forms for the whole page).
    assert credited_authors([["Condé Nast; Molly Wood"]], organisations=["Condé Nast"]) == [
        "Molly Wood"
    ]


def test_first_source_that_credits_a_person_wins_over_an_organisation() -> None:
    assert credited_authors([["Reuters"], ["Jane Roe"]]) == ["Jane Roe"]
    assert credited_authors([["Business Insider"], []], publisher="Business Insider") == [
        "Business Insider"
    ]


def test_unmarked_by_line_credits_the_author_and_a_lowercase_word_does_not() -> None:
    article = _extract(
        top="<div class='meta'><span class='tags'>By subject</span></div>"
        "<div>By Matthew Digby , Minh Do on Monday, November 18th, 2019 at 11:08 a.m.</div>"
    )
    assert article.authors == ["Matthew Digby", "Minh Do"]


def test_metadata_credit_readers_never_see_is_no_author() -> None:
    # An SEO plugin names the WordPress account; the page shows no byline with it.
    yoast = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "Person", "@id": "https://x.example/#p", "name": "Josh"}],
    }
    account = _extract(
        head=f"<script type='application/ld+json'>{json.dumps(yoast)}</script>"
        "<meta name='author' content='Josh'>"
    )
    assert account.authors == []
    # The outlet credited as its own author in JSON-LD, with no byline on the page.
    outlet = _extract(
        head="<meta property='og:site_name' content='Al Jazeera'>"
        + _jsonld(headline="x", author={"@type": "Organization", "name": "Al Jazeera"}),
    )
    assert outlet.authors == []
    # The same credit shown in a byline is kept.
    shown = _extract(
        head="<meta property='og:site_name' content='LinkNaija'>"
        + _jsonld(headline="x", author={"@type": "Organization", "name": "LinkNaija"}),
        top="<div class='post-author'>Posted by LinkNaija</div>",
    )
    assert shown.authors == ["LinkNaija"]


def test_claimant_split_into_pieces_is_not_credited_as_an_organisation() -> None:
    assert credited_authors([["The Russian and Syrian defense ministries"]]) == []
    assert credited_authors([["Detroit News wire services"]]) == ["Detroit News wire services"]


def test_published_by_label_mid_line_credits_the_person_over_an_it_unit() -> None:
    article = _extract(
        head="<meta name='author' content='PMJS - Coordenadoria de TI'>",
        top="<small><b>05/10/2018</b> - Publicado por: Clarissa Borba - Categoria: "
        "<a href='/c/19'>Saúde</a></small>",
    )
    assert article.authors == ["Clarissa Borba"]
    sentence = _extract(
        top="<p><i>Dear Abby is written by Abigail Van Buren, also known as Jeanne Phillips."
        "</i></p>",
    )
    assert sentence.authors == []


def test_article_authors_come_from_jsonld_people_with_the_display_string() -> None:
    article = _extract(
        head=_jsonld(
            headline="Budget vote",
            author=[
                {"@type": "Person", "name": "Lisa Kaczke"},
                {"@type": "Person", "name": "Trevor J. Mitchell"},
            ],
        )
        + "<meta name='author' content='Condé Nast'>"
    )
    assert article.authors == ["Lisa Kaczke", "Trevor J. Mitchell"]
    assert article.author == "Lisa Kaczke; Trevor J. Mitchell"


# --- publication time -------------------------------------------------------------------


def test_time_of_day_is_kept_with_its_source() -> None:
    article = _extract(head=_jsonld(headline="x", datePublished="2025-03-10T11:00:09Z"))
    assert article.published_at == datetime(2025, 3, 10, 11, 0, 9)
    assert (article.published_at_source, article.published_precision) == ("jsonld", "second")


def test_visible_dateline_gives_the_time_when_metadata_has_only_the_day() -> None:
    article = _extract(
        head="<meta property='article:published_time' content='2025-03-10'>",
        top="<p class='date'>Written by Ana Costa on 10 March 2025 @ 17:22 UTC</p>",
    )
    assert article.published_at == datetime(2025, 3, 10, 17, 22)
    assert article.published_at_source == "dateline"


def test_dateline_settles_a_jsonld_time_with_the_wrong_offset() -> None:
    article = _extract(
        head=_jsonld(headline="x", datePublished="2025-02-10T04:31:13-06:00")
        + "<meta property='article:published_time' content='2025-02-10T04:31:13+00:00'>",
        top="<span class='byline-date'>Feb 9, 2025, 10:31 pm CST</span>",
    )
    assert article.published_at == datetime(2025, 2, 10, 4, 31, 13)
    assert article.published_at_source == "meta"


def test_update_line_is_not_the_publication_time() -> None:
    article = _extract(
        head="<meta property='article:published_time' content='2025-03-08T15:30:00-05:00'>",
        top="<p><span>Updated</span> <time>Mar 9, 2025, 10:28am EST</time></p>",
    )
    assert article.published_at == datetime(2025, 3, 8, 20, 30)


def test_the_site_header_clock_is_not_the_publication_time() -> None:
    article = _extract(
        head=_jsonld(headline="x", datePublished="2019-11-20T05:47:00+00:00"),
        top="<div class='header'><div class='header__date'><span class='date'>12:03 GMT, "
        "Nov 20, 2019</span></div></div><h1>Three killed</h1>"
        "<span class='date'>20 Nov, 2019 05:47</span>",
    )
    assert (article.published_at, article.published_at_source) == (
        datetime(2019, 11, 20, 5, 47),
        "jsonld",
    )


def test_a_date_in_the_story_header_is_no_site_clock() -> None:
    article = _extract(
        top="<article><header class='header'><span class='date'>Nov 20, 2019 10:00 GMT"
        "</span></header><h1>Three killed</h1></article>"
    )
    assert (article.published_at, article.published_at_source) == (
        datetime(2019, 11, 20, 10, 0),
        "dateline",
    )


def test_a_dateline_without_a_zone_in_a_sidebar_is_another_story() -> None:
    line = "<div>By Jane Roe on Monday, November 4th, 2019 at 9:00 a.m.</div>"
    assert _extract(top=line).published_at_source == "dateline"  # in the story: its day
    assert _extract(top=f"<aside>{line}</aside>").published_at_source != "dateline"


def test_a_dateline_without_a_zone_still_gives_the_day() -> None:
    article = _extract(
        top="<div class='byline'>By Matthew Digby on Monday, November 18th, 2019 at "
        "11:08 a.m.</div>",
        url="https://www.example-news.com/statements/value-of-drugs/",
    )
    assert (article.published_at, article.published_precision, article.published_at_source) == (
        datetime(2019, 11, 18),
        "day",
        "dateline",
    )


def test_a_dateline_without_a_zone_takes_the_offset_the_page_shows_its_times_in() -> None:
    # The CMS writes the local time as UTC in the metadata; its other <time> elements show
    # 10:30 UTC as "5:30 am", so the byline's "9:45 am" is 14:45 UTC.
    article = _extract(
        head=_jsonld(headline="x", datePublished="2019-11-19T09:45:05+00:00"),
        top="<time class='post-date'>November 19, 2019 at 9:45 am</time>"
        "<aside><time datetime='2019-11-20T10:30:00+00:00' title='November 20, 2019 at "
        "5:30 am'>1 hour ago</time><time datetime='2019-11-20T05:00:00+00:00' "
        "title='November 20, 2019 at 12:00 am'>7 hours ago</time></aside>",
    )
    assert (article.published_at, article.published_at_source) == (
        datetime(2019, 11, 19, 14, 45),
        "dateline",
    )


def test_time_elements_showing_the_clock_they_state_teach_no_offset() -> None:
    # <time> writes the local clock as +00:00 and shows it; the JSON-LD states the zone.
    article = _extract(
        head=_jsonld(headline="x", datePublished="2019-11-19T09:45:00-05:00"),
        top="<span class='date'>November 19, 2019 at 9:45 am</span>"
        "<time datetime='2019-11-19T09:45:00+00:00'>November 19, 2019 9:45 am</time>",
    )
    assert (article.published_at, article.published_at_source) == (
        datetime(2019, 11, 19, 14, 45),
        "jsonld",
    )


@pytest.mark.parametrize(
    ("line", "utc"),
    [
        ("November 20, 2019 - 11:28 AMT", datetime(2019, 11, 20, 7, 28)),
        ("20 Nov 2019, 16:05 MSK", datetime(2019, 11, 20, 13, 5)),
        ("Nov 20, 2019 9:00 am EST", datetime(2019, 11, 20, 14, 0)),
        ("Nov 20, 2019 at 10:30 west of the bridge", None),  # a word, not a zone
    ],
)
def test_dateline_zone_abbreviations(line: str, utc: datetime | None) -> None:
    stamp = parse_dateline(line)
    assert stamp is not None
    assert (stamp.utc() if stamp.aware else None) == utc


def test_placeholder_and_future_dates_are_flagged_not_stored() -> None:
    placeholder = _extract(head=_jsonld(headline="x", datePublished="0001-01-01T00:00:00Z"))
    assert placeholder.published_at is None
    future = _extract(
        head=_jsonld(
            headline="x", datePublished="2031-01-01T10:00:00Z", dateModified="2025-03-11T08:00:00Z"
        )
    )
    assert future.published_at is None or future.published_at < FETCHED
    assert future.published_at_rejected == datetime(2031, 1, 1, 10, 0)
    assert future.modified_at == datetime(2025, 3, 11, 8, 0)


# --- publisher and labels ---------------------------------------------------------------


def test_publisher_is_the_name_the_page_gives_never_a_host_port_or_address() -> None:
    named = _extract(
        head="<meta property='og:site_name' content='WSJ'>"
        + _jsonld(headline="x", publisher={"@type": "Organization", "name": "Wall Street Journal"}),
        url="http://127.0.0.1:8765/n/1",
    )
    assert (named.publisher, named.publisher_source) == ("Wall Street Journal", "page")
    unnamed = _extract(url="http://127.0.0.1:8765/n/2")
    assert (unnamed.publisher, unnamed.publisher_source) == (None, "domain")
    assert _extract(url="http://localhost:8000/n/2").publisher is None
    assert _extract(url="http://[::1]:8000/n/2").publisher is None
    domain = _extract(url="https://www.nj.com/news/2025/03/story.html")
    assert domain.publisher == "nj.com"


def test_syndicated_copy_is_published_by_the_outlet_its_canonical_link_names() -> None:
    article = _extract(
        head="<meta property='og:site_name' content='MSN'>"
        "<link rel='canonical' href='https://www.nbcnews.com/news/latino/flu-shots-n1085206'>",
        top="<span itemprop='publisher' itemscope itemtype='http://schema.org/organization'>"
        "<a href='http://www.nbcnews.com/' title='NBC News' itemprop='url'>"
        "<img alt='NBC News' src='/logo.png'></a></span>",
        url="https://www.msn.com/en-us/news/us/flu-shots/ar-BBWZedJ",
    )
    assert article.publisher == "NBC News"


def test_site_organisation_names_the_publisher_edition_and_commented_jsonld() -> None:
    organisation = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "The Real Deal", "url": "https://therealdeal.com/"},
        ],
    }
    edition = _extract(
        head="<meta property='og:site_name' content='The Real Deal New York'>"
        f"<script type='application/ld+json'>{json.dumps(organisation)}</script>",
        url="https://therealdeal.com/2019/11/18/wework/",
    )
    assert edition.publisher == "The Real Deal"
    commented = _extract(
        head='<script type=\'application/ld+json\'>{ "@context" : "https://schema.org",\n'
        '  "@type" : "Organization", //"Person",\n'
        '  "name" : "Prefeitura Municipal de Jaraguá do Sul",\n'
        '  "url" : "https://www.jaraguadosul.sc.gov.br" }</script>',
        url="https://www.jaraguadosul.sc.gov.br/news/arrombamento",
    )
    assert (commented.publisher, commented.publisher_source) == (
        "Prefeitura Municipal de Jaraguá do Sul",
        "page",
    )


def test_wire_story_is_published_by_the_site_that_hosts_it() -> None:
    article = _extract(
        head="<title>Deval Patrick goes south - Connecticut Post</title>"
        + _jsonld(
            headline="Deval Patrick goes south",
            publisher={"@type": "Organization", "name": "Associated Press"},
        ),
        url="https://www.ctpost.com/news/article/x.php",
    )
    assert article.publisher == "Connecticut Post"


def test_paywall_section_tags_and_image_are_read() -> None:
    article = _extract(
        head=_jsonld(
            headline="x",
            isAccessibleForFree="False",
            articleSection="Politics",
            keywords="budget, council",
            image={"url": "https://cdn.example/a.jpg"},
        )
    )
    assert article.is_accessible_for_free is False
    assert (article.section, article.tags) == ("Politics", ["budget", "council"])
    assert article.image_url == "https://cdn.example/a.jpg"


# --- loading ----------------------------------------------------------------------------


def test_store_writes_one_author_row_per_person_and_the_publisher_the_views_use(
    tmp_path: Path,
) -> None:
    article = _extract(
        head=_jsonld(
            headline="Budget vote", author="By Tom Krisher, AP Auto Writer and Dee-Ann Durbin"
        )
        + "<meta property='og:site_name' content='Daily Planet'>",
    )
    db = tmp_path / "news.duckdb"
    with open_ingest(db) as con:
        load.store_batch(con, ProcessedBatch(articles=[article]), [], run_id="r1")
        load.store_batch(con, ProcessedBatch(articles=[article]), [], run_id="r2")
        rows = con.execute(
            "SELECT position, name FROM article_authors WHERE article_id = ? ORDER BY position",
            [article.article_id],
        ).fetchall()
        assert rows == [(0, "Tom Krisher"), (1, "Dee-Ann Durbin")]
        assert con.execute("SELECT source, publisher FROM article_info").fetchall() == [
            ("Daily Planet", "Daily Planet")
        ]


def test_feed_time_fills_a_page_that_states_only_the_day(tmp_path: Path) -> None:
    article = _extract(
        head="<meta property='article:published_time' content='2025-03-10'>",
        url="https://www.example-news.com/a/7",
    )
    assert article.published_precision == "day"
    item = FeedItem(
        feed_url="https://www.example-news.com/feed",
        url=article.page_url,
        link=article.page_url,
        published_at=datetime(2025, 3, 10, 9, 45),
    )
    poll = FeedPoll(feed_url=item.feed_url, name="Example feed", status="ok", items=[item])
    with open_ingest(tmp_path / "news.duckdb") as con:
        poll_records.record_polls(con, [poll])
        load.store_batch(con, ProcessedBatch(articles=[article]), [], run_id="r1")
        assert con.execute(
            "SELECT published_at, published_at_source, publisher FROM articles"
        ).fetchone() == (datetime(2025, 3, 10, 9, 45), "feed", "example-news.com")
        assert con.execute("SELECT source FROM article_info").fetchone() == ("Example feed",)


def test_copy_served_from_a_local_server_is_named_after_the_domain_it_claims() -> None:
    article = _extract(
        head="<link rel='canonical' href='https://www.nj.com/news/2025/03/story.html'>",
        url="http://127.0.0.1:8765/n/3",
    )
    assert article.url == "http://127.0.0.1:8765/n/3"  # the key stays the served page
    assert (article.publisher, article.publisher_source) == ("nj.com", "domain")


def test_visible_byline_adds_the_coauthors_the_metadata_left_out() -> None:
    article = _extract(
        head=_jsonld(headline="x", author={"@type": "Person", "name": "Stefan Becket"}),
        top="<p class='content__meta-byline'>By Stefan Becket, Kathryn Watson, Grace Segers</p>"
        "<div class='byline'>Lisa Kaczke and Trevor J. Mitchell Sioux Falls Argus Leader "
        "Published 10:02 AM EST Nov 19, 2019</div>",
    )
    assert article.authors == ["Stefan Becket", "Kathryn Watson", "Grace Segers"]


def test_wire_story_without_a_byline_is_credited_to_the_agency_of_its_dateline() -> None:
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Man stabbed on train</title></head><body>"
        "<article><p>HAYWARD, Calif. (AP) — A man was stabbed to death on a train late on "
        "Tuesday, police said, and the line was closed for hours.</p>"
        f"{PARAGRAPHS}</article></body></html>"
    )
    article = extract_article(html, url="https://www.sfgate.com/news/article/x.php")
    assert isinstance(article, Article)
    assert article.authors == ["Associated Press"]


def test_a_blog_account_credited_alone_is_the_author_but_an_admin_account_is_not() -> None:
    handle = _extract(top="<div class='author-box'><span class='author'>rmb8090</span></div>")
    assert handle.authors == ["rmb8090"]
    admin = _extract(top="<div class='byline'>By admin - 2018-09-16</div>")
    assert admin.authors == []
    label = _extract(top="<div class='byline'><span class='author'>author</span></div>")
    assert label.authors == []


def test_story_opening_with_its_outlet_as_the_credit_is_credited_to_the_outlet() -> None:
    def page(opening: str) -> Article:
        html = (
            "<!DOCTYPE html><html lang='en'><head><title>Port closed</title>"
            "<meta property='og:site_name' content='Harbour.Net'></head><body><article>"
            f"<h1>Port closed</h1><p>{opening} The port authority closed the quay on "
            f"Tuesday after a storm damaged two cranes.</p>{PARAGRAPHS}</article></body></html>"
        )
        article = extract_article(html, url="http://www.harbour.net/eng/news/1/")
        assert isinstance(article, Article), article
        return article

    assert page("November 20, 2019 - 11:28 Harbour.Net -").authors == ["Harbour.Net"]
    assert page("Readers of Harbour.Net know the quay.").authors == []
    assert page("Harbour.Net - Politics</p><p>").authors == []  # a breadcrumb, no credit


def test_an_outlet_name_longer_than_the_opening_hides_no_credit() -> None:
    huge = "Harbour Gazette " * 60_000  # a hostile og:site_name: no opening can hold it
    opening = "Harbour.Net - The port authority closed the quay after a storm damaged cranes."
    assert agency_in_dateline(opening, [huge, "Harbour.Net"]) == "Harbour.Net"
    assert agency_in_dateline(opening, [huge]) is None


@pytest.mark.parametrize(
    ("opening", "closing", "writer"),
    [
        ("", "칼럼니스트 박생강 pillgoo9@gmail.com", "박생강"),
        ("(서울=연합뉴스) 홍길동 기자 = 정부는 오늘 항만 준설 계획을 승인했다.", "", "홍길동"),
        ("", "김철수 기자 kim@example.co.kr", "김철수"),
        ("기자들이 모인 자리에서 김철수 기자에 따르면 계획은 승인됐다.", "", None),
    ],
)
def test_a_korean_sign_off_credits_the_writer(
    opening: str, closing: str, writer: str | None
) -> None:
    korean = "".join(
        f"<p>항만 위원회는 {i}일 준설 계획 {i * 3}호를 논의했고 겨울 폭풍 전에 공사를 시작하기로 "
        "결정했다. 위원들은 오랜 토론 끝에 표결했다.</p>"
        for i in range(12)
    )
    html = (
        "<!DOCTYPE html><html lang='ko'><head><title>준설 승인</title></head><body><article>"
        f"<h1>준설 승인</h1><p>{opening}</p>{korean}<p>{closing}</p></article></body></html>"
    )
    article = extract_article(html, url="http://www.example.co.kr/news/1")
    assert isinstance(article, Article), article
    assert article.authors == ([writer] if writer else [])


def test_an_edition_of_the_outlet_jsonld_names_is_that_outlet_and_no_author() -> None:
    rt = {"@type": "Organization", "name": "RT", "url": "https://www.rt.com"}
    article = _extract(
        head="<meta property='og:site_name' content='RT International'>"
        + _jsonld(headline="x", author=rt, publisher=rt),
        url="https://www.rt.com/news/1-story/",
    )
    assert (article.publisher, article.authors) == ("RT", [])


# --- body -------------------------------------------------------------------------------

TWEET = (
    "<blockquote class='twitter-tweet'><p lang='en'>Delhi has turned into a gas chamber due "
    "to smoke from crop burning in neighbouring states <a href='https://t.co/x'>pic.twitter.com/x"
    "</a></p>&mdash; Rep. Arvind Kejriwal (@ArvindKejriwal) <a href='https://twitter.com/x'>"
    "November 1, 2019</a></blockquote>"
)


def test_embedded_post_becomes_a_direct_quote_of_its_account_in_the_stored_quotes() -> None:
    from newsflow.config.settings import NlpSettings
    from newsflow.tasks.process import process_pages
    from newsflow.tasks.records import FetchedPage

    half = PARAGRAPHS[: len(PARAGRAPHS) // 2]
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Smog</title></head><body><article>"
        f"{half}{TWEET}{PARAGRAPHS[len(half) :]}</article></body></html>"
    )
    page = FetchedPage(url="https://news.example.org/smog", html=html, fetched_at=FETCHED)
    batch = process_pages([page], NlpSettings())
    [article] = batch.articles
    quotes = [
        q for q in batch.analyses[article.article_id].quotes if q.speaker == "Arvind Kejriwal"
    ]
    assert [(q.kind, q.cue) for q in quotes] == [("direct", None)]
    assert article.text[quotes[0].start_char : quotes[0].end_char].startswith("Delhi has turned")


def test_body_split_around_an_ad_break_is_read_to_the_end() -> None:
    first, second = PARAGRAPHS[: len(PARAGRAPHS) // 2], PARAGRAPHS[len(PARAGRAPHS) // 2 :]
    html = (
        "<!DOCTYPE html><html lang='en'><head><title>Budget</title></head><body><main>"
        f"<div class='body__container article__body'>{first}</div>"
        "<div class='row full-bleed-ad'><div class='ad'><span>Advertisement</span></div></div>"
        f"<div class='body__container article__body'>{second}</div>"
        "</main></body></html>"
    )
    article = extract_article(html, url="https://www.example-news.com/a/9")
    assert isinstance(article, Article)
    assert "measure 33 would be put to a public vote" in article.text  # the last paragraph
    assert "Advertisement" not in article.text
