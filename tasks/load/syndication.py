"""Syndication clusters: the same wire story run by several outlets gets one cluster id.

Each article body becomes a MinHash signature (128 minimums over its word 5-grams), so two
bodies' Jaccard similarity is estimated by the share of equal positions. A changed headline
does not matter (only the body is hashed) and a trimmed ending lowers the similarity only
by the share cut off. Signatures are split into 32 bands of 4 values (LSH): articles that
share a band bucket are the only candidates a new article is compared with, so assigning a
cluster costs a bucket lookup, never a scan over every pair in the warehouse.

A new article joins the cluster of its most similar candidate when the estimated similarity
is at least ``THRESHOLD``; otherwise it starts its own cluster, whose id is its article_id.
Cluster ids never change once given, so analysts can keep them.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from newsflow.clock import utcnow
from newsflow.tasks.load.rows import arrow_table, table_schema
from newsflow.warehouse.db import transaction

PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
SHINGLE_WORDS = 5
# Bodies shorter than this (in words) are too short to call copies (paywall stubs, captions):
# they get a signature but no buckets, so they always form their own cluster.
MIN_WORDS = 40
# Estimated Jaccard similarity from which two bodies are the same story. With 32 bands of 4,
# a pair at 0.5 shares a bucket with probability 1 - (1 - 0.5**4)**32 = 0.87, at 0.6 with 0.98.
THRESHOLD = 0.5

_WORD = re.compile(r"\w+")
_rng = np.random.default_rng(20250611)  # fixed: signatures must be comparable across runs
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)
_SHIFT = np.uint64(32)
_EMPTY = np.full(PERMUTATIONS, 2**32 - 1, dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class ClusterCounts:
    """What one assignment pass did."""

    assigned: int = 0  # articles given a signature and a cluster
    joined: int = 0  # of which joined an existing cluster (syndicated copies)


# Keys a lookup hands to the scan (a batch of 50 articles has 1,600; a catch-up chunk of
# 500 articles has 16,000, and is read the ordinary way).
_KEYS_PER_LOOKUP = 4096

_SIGNATURE_COLUMNS = ["article_id", "minhash", "cluster_id", "similarity", "assigned_at"]
_BUCKET_COLUMNS = ["band", "bucket", "article_id", "lsh_key"]


def words(text: str) -> list[str]:
    """Lower-cased word tokens: punctuation, quotes and spacing differences do not count."""
    return _WORD.findall(text.lower())


def minhash(text: str) -> np.ndarray:
    """The MinHash signature of a body: ``PERMUTATIONS`` uint32 minimums over word 5-grams."""
    tokens = words(text)
    if not tokens:
        return _EMPTY.copy()
    span = min(SHINGLE_WORDS, len(tokens))
    shingles = {" ".join(tokens[i : i + span]) for i in range(len(tokens) - span + 1)}
    hashes = np.fromiter(
        (zlib.crc32(s.encode("utf-8")) for s in shingles), dtype=np.uint64, count=len(shingles)
    )
    # Multiply-shift hashing: one random odd multiplier per permutation, top 32 bits kept.
    # uint64 products wrap modulo 2**64 by design.
    with np.errstate(over="ignore"):
        mixed = (hashes[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT
    return mixed.min(axis=0).astype(np.uint32)


def lsh_key(band: int, bucket: int) -> int:
    """A band's bucket as one signed 64-bit number that sorts by band, then bucket (the low 6
    bits of the bucket are dropped: a rare false candidate is only compared, never joined)."""
    return (band << 58) | (bucket >> 6)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two bodies behind two signatures."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


def band_buckets(signature: np.ndarray) -> list[int]:
    """One 64-bit bucket per band: equal bands give equal buckets."""
    return [
        int.from_bytes(
            hashlib.blake2b(signature[i * ROWS : (i + 1) * ROWS].tobytes(), digest_size=8).digest(),
            "little",
        )
        for i in range(BANDS)
    ]


def assign_clusters(
    con: duckdb.DuckDBPyConnection,
    article_ids: Sequence[str] | None = None,
    *,
    chunk_size: int = 500,
    known: Mapping[str, tuple[datetime, str]] | None = None,
) -> ClusterCounts:
    """Give articles that have no signature yet a signature and a cluster, oldest story
    first so a cluster is named after the earliest copy loaded with it. Idempotent.

    ``article_ids``: the articles a batch just stored (the loader's case: they are looked up
    by key, and the stored articles are never scanned). None: every article that lacks a
    signature (catching up after an upgrade); one count when none does. ``known``: the
    date (as stored) and text of some of ``article_ids``, which the loader has in memory, so
    those are not read back.
    """
    texts: dict[str, str] = {}
    if article_ids is None:
        todo = _unsigned(con)
    else:
        texts = _oldest_first(con, article_ids, known or {})
        todo = list(texts)
    assigned = joined = 0
    for start in range(0, len(todo), chunk_size):
        chunk = todo[start : start + chunk_size]
        known = {article_id: texts[article_id] for article_id in chunk} if texts else None
        counts = _assign_chunk(con, chunk, known)
        assigned += counts.assigned
        joined += counts.joined
    return ClusterCounts(assigned=assigned, joined=joined)


def _unsigned(con: duckdb.DuckDBPyConnection) -> list[str]:
    row = con.execute(
        "SELECT (SELECT count(*) FROM articles) = (SELECT count(*) FROM article_signatures)"
    ).fetchone()
    if row and row[0]:
        return []
    rows = con.execute(
        """
        SELECT a.article_id FROM articles a
        WHERE NOT EXISTS (SELECT 1 FROM article_signatures s WHERE s.article_id = a.article_id)
        ORDER BY coalesce(a.published_at, a.fetched_at), a.article_id
        """
    ).fetchall()
    return [row[0] for row in rows]


def _placeholders(count: int) -> str:
    """``?, ?, ...``: a list of constants DuckDB looks up in a primary key's index (a
    list parameter or a join would scan the table)."""
    return ", ".join("?" * count)


def _oldest_first(
    con: duckdb.DuckDBPyConnection,
    article_ids: Sequence[str],
    known: Mapping[str, tuple[datetime, str]],
) -> dict[str, str]:
    """These articles' texts, less those already signed, oldest first (one read of each
    table; none of ``articles`` for the ``known`` ones)."""
    ids = sorted(set(article_ids))
    if not ids:
        return {}
    marks = _placeholders(len(ids))
    signed = {
        row[0]
        for row in con.execute(
            f"SELECT article_id FROM article_signatures WHERE article_id IN ({marks})",  # noqa: S608
            ids,
        ).fetchall()
    }
    rows = [(known[i][0], i, known[i][1]) for i in ids if i in known]
    unknown = [i for i in ids if i not in known]
    if unknown:
        rows += con.execute(
            f"""
            SELECT coalesce(published_at, fetched_at), article_id, text FROM articles
            WHERE article_id IN ({_placeholders(len(unknown))})
            """,  # noqa: S608 - placeholders only
            unknown,
        ).fetchall()
    rows.sort(key=lambda row: (row[0] is None, row[0] or datetime.min, row[1]))
    return {article_id: text for _, article_id, text in rows if article_id not in signed}


def _assign_chunk(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], texts: dict[str, str] | None = None
) -> ClusterCounts:
    if texts is None:
        texts = dict(
            con.execute(
                f"SELECT article_id, text FROM articles WHERE article_id IN ({_placeholders(len(ids))})",  # noqa: S608
                list(ids),
            ).fetchall()
        )
    signatures = {article_id: minhash(texts[article_id]) for article_id in ids}
    buckets = {
        article_id: band_buckets(signatures[article_id])
        for article_id in ids
        if len(words(texts[article_id])) >= MIN_WORDS
    }
    stored = _stored_candidates(con, buckets)

    in_chunk: dict[tuple[int, int], list[str]] = defaultdict(list)
    clusters: dict[str, str] = {}
    rows: list[dict] = []
    joined = 0
    for article_id in ids:
        signature = signatures[article_id]
        candidates: dict[str, tuple[np.ndarray, str]] = dict(stored.get(article_id, {}))
        for band, bucket in enumerate(buckets.get(article_id, [])):
            for other in in_chunk[(band, bucket)]:
                candidates[other] = (signatures[other], clusters[other])
        best_cluster, best = article_id, None
        for other_signature, other_cluster in candidates.values():
            score = similarity(signature, other_signature)
            if score >= THRESHOLD and (best is None or score > best):
                best_cluster, best = other_cluster, score
        joined += best is not None
        clusters[article_id] = best_cluster
        for band, bucket in enumerate(buckets.get(article_id, [])):
            in_chunk[(band, bucket)].append(article_id)
        rows.append(
            {
                "article_id": article_id,
                "minhash": signature.tolist(),
                "cluster_id": best_cluster,
                "similarity": best,
                "assigned_at": utcnow(),
            }
        )
    bucket_rows = _bucket_rows(buckets)
    signature_table = arrow_table(con, "article_signatures", rows, _SIGNATURE_COLUMNS)
    bucket_table = pa.Table.from_pydict(
        bucket_rows, schema=table_schema(con, "syndication_buckets", _BUCKET_COLUMNS)
    )
    with transaction(con):
        con.register("chunk_signatures", signature_table)
        con.register("chunk_buckets", bucket_table)
        con.execute("INSERT INTO article_signatures BY NAME SELECT * FROM chunk_signatures")
        con.execute("INSERT INTO syndication_buckets BY NAME SELECT * FROM chunk_buckets")
        con.unregister("chunk_signatures")
        con.unregister("chunk_buckets")
    return ClusterCounts(assigned=len(rows), joined=joined)


@contextmanager
def _pushed_down_keys(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Joins whose small side has up to ``_KEYS_PER_LOOKUP`` keys hand the keys themselves
    to the big side's scan (DuckDB's default: min and max only, which for random keys skips
    nothing), so the scan skips the row groups that hold none of them."""
    con.execute(f"SET dynamic_or_filter_threshold = {_KEYS_PER_LOOKUP}")
    try:
        yield
    finally:
        con.execute("RESET dynamic_or_filter_threshold")


def _bucket_rows(buckets: Mapping[str, Sequence[int]]) -> dict[str, list]:
    """``syndication_buckets`` columns for these articles' band buckets."""
    rows: dict[str, list] = {column: [] for column in _BUCKET_COLUMNS}
    for article_id, values in buckets.items():
        for band, bucket in enumerate(values):
            rows["band"].append(band)
            rows["bucket"].append(bucket)
            rows["article_id"].append(article_id)
            rows["lsh_key"].append(lsh_key(band, bucket))
    return rows


def _stored_candidates(
    con: duckdb.DuckDBPyConnection, buckets: dict[str, list[int]]
) -> dict[str, dict[str, tuple[np.ndarray, str]]]:
    """For each new article, the stored articles sharing a band bucket with it.

    Two lookups, each reading only the row groups whose min/max can hold one of its keys
    (both tables are sorted by the key in small row groups): the buckets by ``lsh_key``, then
    the signatures of the articles found, by id.
    """
    wanted: dict[int, set[str]] = defaultdict(set)
    for article_id, values in buckets.items():
        for band, bucket in enumerate(values):
            wanted[lsh_key(band, bucket)].add(article_id)
    if not wanted:
        return {}
    keys = pa.table({"lsh_key": pa.array(sorted(wanted), pa.int64())})
    with _pushed_down_keys(con):
        con.register("probe_keys", keys)
        try:
            hits = con.execute(
                "SELECT b.lsh_key, b.article_id FROM syndication_buckets b "
                "SEMI JOIN probe_keys p ON p.lsh_key = b.lsh_key"
            ).fetchall()
        finally:
            con.unregister("probe_keys")
        pairs = {(new_id, old_id) for key, old_id in hits for new_id in wanted[key]}
        old_ids = pa.table({"article_id": sorted({old_id for _, old_id in pairs})})
        if not old_ids.num_rows:
            return {}
        con.register("probe_ids", old_ids)
        try:
            rows = con.execute(
                "SELECT s.article_id, s.minhash, s.cluster_id FROM article_signatures s "
                "SEMI JOIN probe_ids p ON p.article_id = s.article_id"
            ).fetchall()
        finally:
            con.unregister("probe_ids")
    signatures = {
        article_id: (np.asarray(signature, dtype=np.uint32), cluster_id)
        for article_id, signature, cluster_id in rows
    }
    found: dict[str, dict[str, tuple[np.ndarray, str]]] = defaultdict(dict)
    for new_id, old_id in pairs:
        if old_id in signatures:
            found[new_id][old_id] = signatures[old_id]
    return found
