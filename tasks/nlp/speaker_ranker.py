"""Which earlier person a "he", "she" or "the 56-year-old" stands for: a learned ranker.

The candidates are the people named in the paragraphs before the pronoun (one per person,
described by its mentions there: their role in the sentence, how far back, how often); a
linear model scores each and the best one is the antecedent. The weights are learned from
PolNeAR's train split (``make train``, tasks/nlp/speaker_training.py) and shipped as a small
JSON file, read once per process. Hand-set salience (role minus paragraph distance) is the
fallback when no weights are installed.

Training records the same candidates and features that the runtime scores
(``recording()``), so what is learned is what runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).parent / "models" / "speaker_ranker.json"

FEATURES: tuple[str, ...] = (
    "near_speaker",  # role of the nearest mention: the speaker of a reporting verb
    "near_subject",
    "near_other",
    "near_modifier",
    "best_speaker",  # the best role of any mention in the window
    "best_subject",
    "para_0",  # paragraphs between the nearest mention and the pronoun
    "para_1",
    "para_2",
    "para_far",
    "same_sentence",
    "prev_sentence",
    "sentence_2",
    "sentence_far",
    "recent_subject",  # the nearest person named as a subject or speaker
    "log_mentions_all",  # mentions in the whole article
    "speaker_here",  # speaks in this paragraph
    "log_tokens",  # log of the tokens between the nearest mention and the pronoun
    "recency_0",  # the nearest person mention of all
    "recency_1",
    "latest_speaker",  # the speaker of the nearest earlier reporting verb
    "log_mentions",  # mentions in the window
    "log_mentions_before",  # mentions anywhere before
    "first_person",  # the article's first person
    "full_name",  # known by a full name
    "gender_match",
    "gender_unknown",
    "org_label",  # an organisation the NER named, speaking like a person
    "salience_best",  # the hand-set salience picks it
    "description",  # the mention is "the 56-year-old", not a pronoun
    "pronoun_chain",  # the one the last earlier he (she) subject stood for
)


@dataclass(frozen=True, slots=True)
class Ranker:
    """A linear score over ``FEATURES``."""

    weights: dict[str, float]
    bias: float = 0.0
    meta: dict = field(default_factory=dict)

    def score(self, features: dict[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def to_json(self) -> str:
        weights = {k: round(self.weights.get(k, 0.0), 6) for k in FEATURES}
        return json.dumps({"features": weights, "meta": self.meta}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Ranker:
        data = json.loads(text)
        return cls(weights=dict(data["features"]), meta=dict(data.get("meta", {})))


@dataclass(slots=True)
class Instance:
    """One pronoun (or description) and its candidates, kept for training."""

    at_char: int
    candidates: list[tuple[str, dict[str, float]]]


_override: list[Ranker | None] = []
_recorders: list[list[Instance]] = []


@lru_cache(maxsize=1)
def installed() -> Ranker | None:
    """The shipped ranker, or None when no weights file is installed."""
    try:
        return Ranker.from_json(MODEL_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def active() -> Ranker | None:
    """The ranker in use: one set by ``using()`` (cross-validation), else the shipped one."""
    return _override[-1] if _override else installed()


@contextmanager
def using(ranker: Ranker | None) -> Iterator[None]:
    """Run with another ranker (None: the hand-set salience)."""
    _override.append(ranker)
    try:
        yield
    finally:
        _override.pop()


@contextmanager
def recording() -> Iterator[list[Instance]]:
    """Collect the candidates every antecedent choice sees (for training)."""
    log: list[Instance] = []
    _recorders.append(log)
    try:
        yield log
    finally:
        _recorders.pop()


def recording_on() -> bool:
    return bool(_recorders)


def record(instance: Instance) -> None:
    if _recorders:
        _recorders[-1].append(instance)


def log1p(x: float) -> float:
    return math.log1p(max(0.0, x))
