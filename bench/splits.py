"""Stable parts of a benchmark's pages, by a hash of their id (independent of file order).

Rules tuned on the first half are checked on the second, held-out half; that half's two
quarters ``<held-out>-read`` and ``<held-out>-unseen`` let its errors be read while one
quarter stays unseen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class _Digest(Protocol):
    def digest(self) -> bytes: ...


def in_part(
    page_id: str, part: str, *, halves: tuple[str, str], digest: Callable[[bytes], _Digest]
) -> bool:
    """Whether a page belongs to ``part``: "all", one of ``halves``, or a quarter of the
    second half ("b-read", "b-unseen")."""
    byte = digest(page_id.encode()).digest()[0]
    held_out = halves[1]
    if part == f"{held_out}-read":
        return byte % 4 == 1
    if part == f"{held_out}-unseen":
        return byte % 4 == 3
    return part == "all" or halves[byte % 2] == part
