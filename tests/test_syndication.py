"""Syndication clusters on real DuckDB files: copies of one wire story share a cluster id."""

from __future__ import annotations

from pathlib import Path

import analyst_data
import pytest
from analyst_data import GRAIN, REGIME

from newsflow.tasks.load import store, syndication
from newsflow.tasks.records import ProcessedBatch
from newsflow.warehouse.db import connect_published, open_ingest, publish


def _clusters(db: Path) -> dict[str, str]:
    with connect_published(db) as con:
        return dict(con.execute("SELECT article_id, cluster_id FROM article_signatures").fetchall())


def _true_jaccard(a: str, b: str) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = syndication.words(text)
        return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_signature_similarity_estimates_the_share_of_common_phrases() -> None:
    trimmed = GRAIN[: int(len(GRAIN) * 0.7)]
    estimate = syndication.similarity(syndication.minhash(GRAIN), syndication.minhash(trimmed))
    assert abs(estimate - _true_jaccard(GRAIN, trimmed)) < 0.12
    assert syndication.similarity(syndication.minhash(GRAIN), syndication.minhash(GRAIN)) == 1.0
    assert syndication.similarity(syndication.minhash(GRAIN), syndication.minhash(REGIME)) < 0.1


def test_signature_ignores_case_punctuation_and_spacing() -> None:
    noisy = GRAIN.upper().replace(",", " ,").replace('"', "\u201c").replace(" ", "  ")
    assert syndication.similarity(syndication.minhash(GRAIN), syndication.minhash(noisy)) == 1.0


def test_copies_with_other_headline_trimmed_ending_or_dateline_join_the_first_copy(
    tmp_path: Path,
) -> None:
    db = analyst_data.build(tmp_path / "news.duckdb")
    clusters = _clusters(db)
    assert clusters["art-planet-copy"] == "art-wire"  # other headline, ending cut off
    assert clusters["art-coast-copy"] == "art-wire"  # byline added, a word changed
    assert clusters["art-regime"] == "art-regime"  # a different story stays on its own
    assert clusters["art-strike"] == "art-strike"
    with connect_published(db) as con:
        stories = con.execute("SELECT count(*) FROM syndication_clusters").fetchone()[0]
        wire = con.execute(
            "SELECT copies, sources, first_title FROM syndication_clusters "
            "WHERE cluster_id = 'art-wire'"
        ).fetchone()
    assert stories == len(clusters) - 2  # six articles, four stories
    assert wire == (3, 3, "Black Sea grain talks to resume")


@pytest.mark.parametrize("texts_known", [True, False], ids=["batch-texts", "read-back"])
def test_later_copies_find_their_cluster_through_the_stored_buckets(
    tmp_path: Path, texts_known: bool
) -> None:
    db = tmp_path / "news.duckdb"
    analyst_data.build(db, only={"wire", "regime"})
    before = _clusters(db)
    with open_ingest(db) as con:
        batch = ProcessedBatch()
        for story in analyst_data.stories():
            if story.key in ("planet-copy", "coast-copy", "strike"):
                article, analysis = analyst_data._article(story)
                batch.articles.append(article)
                batch.analyses[article.article_id] = analysis
        stored = store.store_batch(con, batch, [], run_id="run-2")
        # The loader's way: the batch's own articles, their texts and stored dates handed
        # over (or looked up by key).
        dates = dict(stored.article_dates)
        known = {a.article_id: (dates[a.article_id], a.text) for a in batch.articles}
        counts = syndication.assign_clusters(
            con, stored.article_ids, known=known if texts_known else None
        )
        again = syndication.assign_clusters(con, stored.article_ids)
        catch_up = syndication.assign_clusters(con)
    publish(db)
    after = _clusters(db)
    assert counts == syndication.ClusterCounts(assigned=3, joined=2)
    assert again == catch_up == syndication.ClusterCounts()  # idempotent
    assert {k: after[k] for k in before} == before  # cluster ids never change
    assert after["art-planet-copy"] == after["art-coast-copy"] == "art-wire"
    assert after["art-strike"] == "art-strike"


def test_short_texts_never_cluster(tmp_path: Path) -> None:
    """Two identical paywall stubs are not the same story."""
    db = tmp_path / "news.duckdb"
    stub = "Subscribe to continue reading this article."
    with open_ingest(db) as con:
        batch = ProcessedBatch()
        for n in (1, 2):
            story = analyst_data.Story(
                key=f"stub-{n}",
                url=f"https://paywall.example.com/{n}",
                title=f"Story {n}",
                text=stub,
                sitename="Paywall Post",
                published_at=None,
                feed="planet",
            )
            article, analysis = analyst_data._article(story)
            batch.articles.append(article)
            batch.analyses[article.article_id] = analysis
        store.store_batch(con, batch, [], run_id="r")
        syndication.assign_clusters(con)
        clusters = dict(
            con.execute("SELECT article_id, cluster_id FROM article_signatures").fetchall()
        )
        buckets = con.execute("SELECT count(*) FROM syndication_buckets").fetchone()[0]
    assert clusters == {"art-stub-1": "art-stub-1", "art-stub-2": "art-stub-2"}
    assert buckets == 0


@pytest.mark.parametrize("cut", [0.55, 0.7, 0.9])
def test_trimmed_copies_down_to_about_half_the_text_are_found(tmp_path: Path, cut: float) -> None:
    text = GRAIN[: int(len(GRAIN) * cut)]
    assert _true_jaccard(GRAIN, text) >= syndication.THRESHOLD  # the premise of the test
    first, second = syndication.minhash(GRAIN), syndication.minhash(text)
    shared = set(syndication.band_buckets(first)) & set(syndication.band_buckets(second))
    assert shared, "no common LSH bucket: the copy would never be compared"
    assert syndication.similarity(first, second) >= syndication.THRESHOLD
