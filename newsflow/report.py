"""The week at a glance: one self-contained HTML file with plotly charts and the latest quotes.

Everything the page needs is inside it (plotly.js is embedded once, no fonts or images are
fetched), and a Content-Security-Policy forbids it to load anything, so it opens offline
and from an e-mail attachment alike. Every string from the warehouse is fetched content,
i.e. data: it is HTML-escaped in the page and in chart labels (plotly.js reads a few tags in
labels), its JSON is script-safe (plotly escapes ``<``), and only http(s) URLs become links.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import plotly.graph_objects as go

from newsflow.clock import utcnow

DEFAULT_DAYS = 7
TOP_ENTITIES = 10
TREND_ENTITIES = 5
TOP_SPEAKERS = 15
LATEST_QUOTES = 25

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
h1 { margin-bottom: .2rem; } .meta { color: #666; margin-top: 0; }
section { margin: 2.5rem 0; } .figures { display: flex; flex-wrap: wrap; gap: 1rem; }
.figures > div { flex: 1 1 30rem; min-width: 0; }
.figures.pair { display: grid; grid-template-columns: repeat(auto-fill, minmax(30rem, 1fr)); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid #ddd; }
td.quote { max-width: 36rem; } .empty { color: #888; font-style: italic; }
"""


@dataclass(frozen=True, slots=True)
class ReportSummary:
    path: Path
    since: date
    until: date
    articles: int
    quotes: int
    bytes: int


def default_since(con: duckdb.DuckDBPyConnection) -> date:
    """The week that ends on the latest article's day (so an old snapshot still shows its week)."""
    row = con.execute("SELECT max(day) FROM article_info").fetchone()
    latest = row[0] if row and row[0] else utcnow().date()
    return latest - timedelta(days=DEFAULT_DAYS - 1)


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _label(value: object) -> str:
    """A chart label: plotly.js reads a few tags in labels, so <, > and & are escaped
    (it decodes those entities back for display; quotes need no escaping there)."""
    return html.escape("" if value is None else str(value), quote=False)


def _link(url: str | None, text: str | None) -> str:
    label = _e(text or url or "(untitled)")
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{label}</a>'
    return label


class _Charts:
    """Renders figures as HTML fragments; plotly.js is embedded with the first one only."""

    def __init__(self) -> None:
        self._first = True

    def html(self, figure: go.Figure, div_id: str) -> str:
        figure.update_layout(margin={"l": 10, "r": 10, "t": 40, "b": 10}, template="plotly_white")
        fragment = figure.to_html(
            full_html=False,
            include_plotlyjs=self._first,
            div_id=div_id,
            config={"displaylogo": False, "responsive": True},
        )
        self._first = False
        return fragment


def _volume_figure(con: duckdb.DuckDBPyConnection, since: date) -> go.Figure | None:
    rows = con.execute(
        "SELECT source, day, articles FROM daily_source_volume WHERE day >= ? ORDER BY source, day",
        [since],
    ).fetchall()
    if not rows:
        return None
    days = sorted({day.isoformat() for _, day, _ in rows})
    figure = go.Figure()
    for source in sorted({r[0] for r in rows}):
        points = [(day, n) for s, day, n in rows if s == source]
        figure.add_bar(
            name=_label(source),
            x=[day.isoformat() for day, _ in points],
            y=[n for _, n in points],
            text=[n for _, n in points],
            textposition="inside",
        )
    per_day: dict[str, int] = {}
    for _, day, n in rows:
        per_day[day.isoformat()] = per_day.get(day.isoformat(), 0) + n
    figure.update_layout(
        barmode="stack",
        title="Articles per source per day",
        showlegend=True,
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": days},
        yaxis={"title": "articles", **count_axis(max(per_day.values()))},
    )
    return figure


def _entity_figures(
    con: duckdb.DuckDBPyConnection, since: date, label: str, noun: str
) -> tuple[go.Figure | None, go.Figure | None]:
    top = con.execute(
        """
        SELECT canonical, sum(articles) AS articles, sum(mentions) AS mentions
        FROM daily_entity_mentions WHERE label = ? AND day >= ?
        GROUP BY canonical ORDER BY articles DESC, mentions DESC, canonical LIMIT ?
        """,
        [label, since, TOP_ENTITIES],
    ).fetchall()
    if not top:
        return None, None
    ranked = list(reversed(top))  # plotly draws horizontal bars bottom-up
    bars = go.Figure(
        go.Bar(
            orientation="h",
            y=[_label(name) for name, _, _ in ranked],
            x=[articles for _, articles, _ in ranked],
            text=[articles for _, articles, _ in ranked],
            textposition="auto",
            customdata=[mentions for _, _, mentions in ranked],
            hovertemplate="%{y}: %{x} articles, %{customdata} mentions<extra></extra>",
        )
    )
    bars.update_layout(
        title=f"Most mentioned {noun} (articles)",
        yaxis={"type": "category", "automargin": True},
        xaxis=count_axis(max(articles for _, articles, _ in top)),
        height=420,
    )
    names = [name for name, _, _ in top[:TREND_ENTITIES]]
    daily = con.execute(
        """
        SELECT canonical, day, articles FROM daily_entity_mentions
        WHERE label = ? AND day >= ? AND list_contains(?, canonical) ORDER BY day
        """,
        [label, since, names],
    ).fetchall()
    days = sorted({day for _, day, _ in daily})
    trend = go.Figure()
    for name in names:
        counts = {day: n for c, day, n in daily if c == name}
        trend.add_scatter(
            name=_label(name),
            mode="lines+markers",
            x=[day.isoformat() for day in days],
            y=[counts.get(day, 0) for day in days],
        )
    trend.update_layout(
        title=f"Trend of the top {len(names)} {noun} (articles per day)",
        xaxis={"type": "category"},
        height=420,
    )
    return bars, trend


def _speakers_figure(con: duckdb.DuckDBPyConnection, since: date) -> go.Figure | None:
    rows = con.execute(
        """
        SELECT speaker, count(*) AS quotes, count(DISTINCT article_id) AS articles
        FROM quotes_in_context WHERE speaker IS NOT NULL AND day >= ?
        GROUP BY speaker ORDER BY quotes DESC, articles DESC, speaker LIMIT ?
        """,
        [since, TOP_SPEAKERS],
    ).fetchall()
    if not rows:
        return None
    ranked = list(reversed(rows))
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=[_label(name) for name, _, _ in ranked],
            x=[quotes for _, quotes, _ in ranked],
            text=[quotes for _, quotes, _ in ranked],
            textposition="auto",
            customdata=[articles for _, _, articles in ranked],
            hovertemplate="%{y}: %{x} quotes in %{customdata} articles<extra></extra>",
        )
    )
    figure.update_layout(
        title="Most quoted speakers (quotes)",
        yaxis={"type": "category", "automargin": True},
        xaxis=count_axis(max(quotes for _, quotes, _ in rows)),
    )
    return figure


def count_axis(largest: int) -> dict:
    """An axis of counts from 0 past ``largest``, in whole steps: every bar ends on the chart.

    Autorange alone is computed for the layout's default width; a chart narrower than that
    (two charts side by side, long labels) had its largest bars cut off unlabelled.
    """
    top = max(1, int(largest))
    return {
        "range": [0, top * 1.08],
        "tick0": 0,
        "dtick": max(1, -(-top // 6)),
        "rangemode": "tozero",
    }


def _quotes_table(con: duckdb.DuckDBPyConnection, since: date) -> str:
    rows = con.execute(
        """
        SELECT day, speaker, kind, quote, verbatim, title, url, source
        FROM quotes_in_context WHERE day >= ?
        ORDER BY coalesce(published_at, day) DESC, article_id, start_char LIMIT ?
        """,
        [since, LATEST_QUOTES],
    ).fetchall()
    if not rows:
        return '<p class="empty">No quotes in this period.</p>'
    body = "\n".join(
        "<tr>"
        f"<td>{_e(day.isoformat())}</td>"
        f"<td>{_e(speaker or 'unknown speaker')}</td>"
        f'<td class="quote">{_quote_cell(kind, quote, verbatim)}</td>'
        f"<td>{_link(url, title)}<br><small>{_e(source)}</small></td>"
        "</tr>"
        for day, speaker, kind, quote, verbatim, title, url, source in rows
    )
    return (
        '<table id="latest-quotes"><thead><tr><th>day</th><th>speaker</th><th>quote</th>'
        f"<th>article</th></tr></thead><tbody>\n{body}\n</tbody></table>"
    )


def _quote_cell(kind: str, quote: str, verbatim: str | None) -> str:
    """The passage and its kind; a mixed quote also shows which words are the speaker's own
    (a direct quote is nothing but them)."""
    own = (
        f'<br><small class="verbatim">verbatim: {_e(verbatim)}</small>'
        if kind == "mixed" and verbatim
        else ""
    )
    return f"{_e(quote)}{own}<br><small>{_e(kind)}</small>"


def render_report(con: duckdb.DuckDBPyConnection, *, since: date | None = None) -> str:
    """The report page for articles whose day is on or after ``since`` (default: last week)."""
    since = since or default_since(con)
    articles, sources, stories, until = con.execute(
        """
        SELECT count(*), count(DISTINCT ai.source), count(DISTINCT s.cluster_id), max(ai.day)
        FROM article_info ai LEFT JOIN article_signatures s ON s.article_id = ai.article_id
        WHERE ai.day >= ?
        """,
        [since],
    ).fetchone()
    quotes = con.execute(
        "SELECT count(*) FROM quotes_in_context WHERE day >= ?", [since]
    ).fetchone()[0]
    charts = _Charts()

    def block(figure: go.Figure | None, div_id: str, empty: str) -> str:
        if figure is None:
            return f'<p class="empty" id="{div_id}-empty">{_e(empty)}</p>'
        return charts.html(figure, div_id)

    people = _entity_figures(con, since, "PERSON", "people")
    orgs = _entity_figures(con, since, "ORG", "organisations")
    sections = [
        (
            "volume",
            "Article volume",
            block(_volume_figure(con, since), "chart-volume", "No articles in this period."),
        ),
        (
            "people",
            "People",
            block(people[0], "chart-people", "No people mentioned.")
            + block(people[1], "chart-people-trend", ""),
        ),
        (
            "organisations",
            "Organisations",
            block(orgs[0], "chart-organisations", "No organisations mentioned.")
            + block(orgs[1], "chart-organisations-trend", ""),
        ),
        (
            "speakers",
            "Speakers",
            block(_speakers_figure(con, since), "chart-speakers", "No attributed quotes."),
        ),
        ("quotes", "Latest quotes", _quotes_table(con, since)),
    ]
    # Two charts side by side sit in fixed grid columns: a chart is drawn as soon as its
    # script runs, before its neighbour exists, so a flex row would first give it the whole
    # width and then cut it in half.
    pairs = {"people", "organisations"}
    body = "\n".join(
        f'<section id="{sid}"><h2>{_e(title)}</h2>'
        f'<div class="figures{" pair" if sid in pairs else ""}">{content}</div></section>'
        for sid, title, content in sections
    )
    period = f"{since.isoformat()} to {(until or since).isoformat()}"
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>newsflow report, {_e(period)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>newsflow report</h1>
<p class="meta">{_e(period)} · <span id="count-articles">{articles}</span> articles
({stories} stories) from {sources} sources · <span id="count-quotes">{quotes}</span> quotes ·
generated {_e(generated)}</p>
{body}
</body>
</html>
"""


def write_report(
    con: duckdb.DuckDBPyConnection, out: Path, *, since: date | None = None
) -> ReportSummary:
    """Render the report and write it to ``out`` (whole, via a temporary file)."""
    since = since or default_since(con)
    page = render_report(con, since=since)
    out = Path(out)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    articles, quotes, until = con.execute(
        "SELECT count(*), (SELECT count(*) FROM quotes_in_context WHERE day >= $since), max(day) "
        "FROM article_info WHERE day >= $since",
        {"since": since},
    ).fetchone()
    return ReportSummary(
        path=out,
        since=since,
        until=until or since,
        articles=articles,
        quotes=quotes,
        bytes=len(page.encode("utf-8")),
    )
