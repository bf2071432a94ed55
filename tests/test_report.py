"""The HTML report, rendered by a real headless browser (Debian's chromium).

The page is opened from a file with networking off, its scripts run, and the DOM chromium
dumps afterwards is checked against the warehouse: each chart was drawn by plotly and holds
the names and numbers the warehouse gives; fetched markup shows as text and never runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import analyst_data
import duckdb
import lxml.html
import pytest
from site_server import expected
from typer.testing import CliRunner

from newsflow.cli import app
from newsflow.report import render_report, write_report
from newsflow.warehouse.db import connect_published, open_ingest, publish

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and os.environ.get("CI"):
    raise RuntimeError(
        "CI must run the browser test: .ci/run installs chromium (make install-browser)"
    )
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: run `make install-browser` (apt-get install chromium)",
)
SINCE = date(2025, 3, 1)


def render(page: Path, profile: Path) -> lxml.html.HtmlElement:
    """Load ``page`` in headless chromium, let its scripts run, return the resulting DOM."""
    assert CHROMIUM is not None
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--window-size=1280,2000",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "js-plotly-plot" in result.stdout or 'class="empty"' in result.stdout
    return lxml.html.fromstring(result.stdout)


def _has(cls: str) -> str:
    """XPath test for an element carrying the class ``cls``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _find(dom: lxml.html.HtmlElement, element_id: str, path: str = "") -> list:
    return dom.xpath(f"//*[@id='{element_id}']{path}")


def _texts(dom: lxml.html.HtmlElement, chart: str, path: str) -> list[str]:
    return [node.text_content() for node in _find(dom, chart, path)]


LEGEND = f"//*[name()='text' and {_has('legendtext')}]"
BARS = f"//*[name()='text' and {_has('bartext')}]"
XTICKS = f"//*[name()='g' and {_has('xtick')}]/*[name()='text']"
YTICKS = f"//*[name()='g' and {_has('ytick')}]/*[name()='text']"


@pytest.fixture(scope="module")
def con(analyst_warehouse: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_published(analyst_warehouse)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def page(con: duckdb.DuckDBPyConnection, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page") / "report.html"
    write_report(con, out, since=SINCE)
    return out


@pytest.fixture(scope="module")
def dom(page: Path, tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: run `make install-browser`")
    return render(page, tmp_path_factory.mktemp("chromium-profile"))


def test_the_file_needs_no_network(page: Path) -> None:
    source = lxml.html.fromstring(page.read_text(encoding="utf-8"))
    assert not source.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    csp = source.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]  # the browser would block any fetch
    assert len(source.xpath("//script[contains(., 'Plotly')]")) >= 6


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_every_chart_is_drawn(dom: lxml.html.HtmlElement) -> None:
    charts = [
        "chart-volume",
        "chart-people",
        "chart-people-trend",
        "chart-organisations",
        "chart-organisations-trend",
        "chart-speakers",
    ]
    for chart in charts:
        [div] = _find(dom, chart)
        assert "js-plotly-plot" in div.get("class"), f"{chart} was not drawn"
        traces = div.xpath(f".//*[name()='g' and ({_has('trace')} or {_has('bars')})]")
        assert traces, f"{chart} has no traces"


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_volume_chart_holds_each_source_and_day(
    dom: lxml.html.HtmlElement, con: duckdb.DuckDBPyConnection
) -> None:
    sources = [s for (s,) in con.execute("SELECT DISTINCT source FROM article_info").fetchall()]
    days = [
        d.isoformat()
        for (d,) in con.execute("SELECT DISTINCT day FROM article_info ORDER BY 1").fetchall()
    ]
    assert sorted(_texts(dom, "chart-volume", LEGEND)) == sorted(sources)
    assert _texts(dom, "chart-volume", XTICKS) == days
    values = [int(t) for t in _texts(dom, "chart-volume", BARS)]
    assert sum(values) == con.execute("SELECT count(*) FROM articles").fetchone()[0]


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_people_chart_ranks_people_by_articles(
    dom: lxml.html.HtmlElement, con: duckdb.DuckDBPyConnection
) -> None:
    top = con.execute(
        "SELECT canonical, sum(articles) FROM daily_entity_mentions WHERE label = 'PERSON' "
        "GROUP BY 1 ORDER BY 2 DESC, sum(mentions) DESC, 1"
    ).fetchall()
    shown = list(
        zip(
            _texts(dom, "chart-people", YTICKS),
            [int(t) for t in _texts(dom, "chart-people", BARS)],
            strict=True,
        )
    )
    assert list(reversed(shown)) == [(name, int(n)) for name, n in top]
    assert shown[-1][0] in ("Ana Costa", "Oleg Petrenko")  # three articles each: at the top
    trend = _texts(dom, "chart-people-trend", LEGEND)
    assert trend == [name for name, _ in top[:5]]


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_organisations_and_speakers_charts_hold_their_counts(
    dom: lxml.html.HtmlElement, con: duckdb.DuckDBPyConnection
) -> None:
    assert set(_texts(dom, "chart-organisations", YTICKS)) == {
        "United Nations",
        "Freedonia Party",
    }
    speakers = con.execute(
        "SELECT speaker, count(*) FROM quotes GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    shown = zip(
        _texts(dom, "chart-speakers", YTICKS),
        [int(t) for t in _texts(dom, "chart-speakers", BARS)],
        strict=True,
    )
    assert sorted(shown) == sorted(speakers)


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_latest_quotes_link_to_their_articles(dom: lxml.html.HtmlElement) -> None:
    rows = _find(dom, "latest-quotes", "/tbody/tr")
    assert len(rows) == len(analyst_data.stories())  # one quote per story
    first = rows[0].xpath("./td")
    assert first[0].text_content() == "2025-03-12"  # newest first
    links = {a.text_content(): a.get("href") for a in _find(dom, "latest-quotes", "//a")}
    assert links["Freedonia protesters demand regime change"] == (
        "https://planet.example.org/world/freedonia-protests"
    )


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_fetched_markup_is_shown_as_text_and_never_runs(dom: lxml.html.HtmlElement) -> None:
    assert not dom.xpath("//body[@data-pwned]"), "content from a page ran as script"
    assert not dom.xpath("//img"), "content from a page became an element"
    assert not _find(dom, "latest-quotes", "//*[self::script or self::b]")
    # The hostile article's javascript: URL is shown, not linked.
    assert not [a for a in dom.xpath("//a") if not a.get("href", "").startswith("http")]
    table = _find(dom, "latest-quotes")[0].text_content()
    assert analyst_data.HOSTILE_QUOTE in table
    assert f"<script>{analyst_data.PWN}</script>Hostile <b>headline</b>" in table
    assert analyst_data.HOSTILE_NAME in _texts(dom, "chart-people", YTICKS)


def test_cli_writes_the_report_of_the_latest_week_by_default(
    analyst_warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "week.html"
    result = CliRunner().invoke(
        app, ["report", "--out", str(out), "--db", str(analyst_warehouse), "-c", "/dev/null"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out}: 2025-03-06 to 2025-03-12, 6 articles, 6 quotes")
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    bad = CliRunner().invoke(
        app, ["report", "--out", str(tmp_path / "no" / "r.html"), "--db", str(analyst_warehouse)]
    )
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_an_empty_period_renders_a_plain_page(tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    with open_ingest(db):
        pass
    publish(db)
    with connect_published(db) as con:
        write_report(con, tmp_path / "r.html")
    dom = render(tmp_path / "r.html", tmp_path / "profile")
    assert _texts(dom, "chart-volume-empty", "") == ["No articles in this period."]
    assert not dom.xpath(f"//*[{_has('js-plotly-plot')}]")


@needs_chromium
@pytest.mark.slow  # a headless browser per page
def test_flow_built_warehouse_report_renders(flow_warehouse: Path, tmp_path: Path) -> None:
    with connect_published(flow_warehouse) as con:
        write_report(con, tmp_path / "r.html", since=date(2025, 1, 1))
        quotes = con.execute("SELECT count(*) FROM quotes").fetchone()[0]
    dom = render(tmp_path / "r.html", tmp_path / "profile")
    assert _texts(dom, "chart-volume", LEGEND) == [expected()["sitename"]]
    assert sum(int(v) for v in _texts(dom, "chart-volume", BARS)) == len(expected()["pages"])
    assert len(_find(dom, "latest-quotes", "/tbody/tr")) == min(quotes, 25)
    assert _texts(dom, "chart-people", YTICKS)


# Added to a copy of the report: once plotly has drawn, record on each bar chart how far its
# bars reach and how far its own box reaches on the screen (chromium's layout, not plotly's).
_MEASURE = """
<script>
window.addEventListener("load", () => setTimeout(() => {
  for (const chart of document.querySelectorAll(".js-plotly-plot")) {
    const room = chart.parentElement.getBoundingClientRect();
    let reach = 0;
    for (const bar of chart.querySelectorAll(".bars .point path")) {
      const box = bar.getBoundingClientRect();
      reach = Math.max(reach, box.right, box.bottom > room.bottom ? Infinity : 0);
    }
    chart.setAttribute("data-bars-right", String(reach));
    chart.setAttribute("data-room-right", String(room.right));
  }
}, 500));
</script>
"""

BAR_CHARTS = {
    "chart-people": (
        "SELECT max(n) FROM (SELECT sum(articles) AS n FROM daily_entity_mentions "
        "WHERE label = 'PERSON' GROUP BY canonical)"
    ),
    "chart-organisations": (
        "SELECT max(n) FROM (SELECT sum(articles) AS n FROM daily_entity_mentions "
        "WHERE label = 'ORG' GROUP BY canonical)"
    ),
    "chart-speakers": "SELECT max(n) FROM (SELECT count(*) AS n FROM quotes GROUP BY speaker)",
    "chart-volume": "SELECT max(n) FROM (SELECT sum(articles) AS n FROM daily_source_volume GROUP BY day)",
}


@pytest.fixture(scope="module")
def measured(page: Path, tmp_path_factory: pytest.TempPathFactory) -> lxml.html.HtmlElement:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: run `make install-browser`")
    copy = tmp_path_factory.mktemp("measured") / "report.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"))
    return render(copy, tmp_path_factory.mktemp("chromium-profile"))


@needs_chromium
@pytest.mark.parametrize("chart", sorted(BAR_CHARTS))
def test_every_bar_chart_axis_covers_its_largest_count(
    chart: str, measured: lxml.html.HtmlElement, con: duckdb.DuckDBPyConnection
) -> None:
    largest = con.execute(BAR_CHARTS[chart]).fetchone()[0]
    [div] = _find(measured, chart)
    ticks = XTICKS if chart != "chart-volume" else YTICKS
    values = [float(t.replace("\u2212", "-")) for t in _texts(measured, chart, ticks)]
    assert max(values) >= largest, f"{chart}: axis ends at {max(values)}, largest is {largest}"
    labels = [int(t) for t in _texts(measured, chart, BARS)]
    if chart != "chart-volume":  # stacked volume bars are labelled per source, not per day
        assert max(labels) == largest
    bars_right, room_right = float(div.get("data-bars-right")), float(div.get("data-room-right"))
    assert 0 < bars_right <= room_right + 1, f"{chart}: bars run past the chart's box"


def test_a_mixed_quote_shows_the_speakers_own_words(tmp_path: Path) -> None:
    db = analyst_data.build(tmp_path / "mixed.duckdb", only={"strike"})
    with open_ingest(db) as con:
        con.execute(
            "UPDATE quotes SET kind = 'mixed', verbatim = ? WHERE kind = 'indirect'",
            ["ignored safety warnings"],
        )
    publish(db)
    con = connect_published(db)
    try:
        html = render_report(con, since=date(2025, 3, 1))
    finally:
        con.close()
    [cell] = lxml.html.fromstring(html).xpath("//table[@id='latest-quotes']//td[@class='quote']")
    assert cell.xpath("./small[@class='verbatim']")[0].text_content() == (
        "verbatim: ignored safety warnings"
    )
    assert "the port authority had ignored safety warnings for months" in cell.text_content()
