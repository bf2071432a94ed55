"""A learned keep-or-drop judgement over an article's person and organisation entities.

Hand rules named after the pages they were read on did not carry over to unseen pages. This
filter judges each PERSON/ORG cluster by general evidence instead: what its words are
(given name, words English writes in lower case, an acronym, the head noun's class), how
the article uses it (mention count, as a subject, after "the", as a modifier, inside
title-case text, on a line of its own) and the label the rules gave it. A logistic model
over these features, trained on newsgold pages by ``make train-entities``
(``bench/train_entity_filter.py``), drops a cluster whose chance of naming a real person or
organisation is below the model's threshold.

The features are about the cluster's use, never its spelling: no word of a page it was
trained on is in the model.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from pathlib import Path

from spacy.tokens import Span

from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    EVENT_HEAD_WORDS,
    KNOWN_ORGS,
    ORG_HEAD_WORDS,
    english_words,
    places,
)
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS, word_set
from newsflow.tasks.nlp.names import TITLE_WORDS, common_words, is_given_name
from newsflow.tasks.records import Mention

MODEL_PATH = Path(__file__).parent / "models" / "entity_filter.json"

# Head nouns of facilities by OntoNotes' definition (buildings, structures, grounds and
# routes people visit): a name ending in one is a place of the built kind, not the body
# that owns it. A general list of building types, not words of any page.
FACILITY_HEAD_WORDS = word_set(
    """
    center centre arena stadium ballpark field fields park bridge office hall halls theater
    theatre tower towers building buildings airport station terminal palace castle museum
    gallery library church cathedral chapel temple mosque synagogue casino amphitheatre
    amphitheater pavilion coliseum colosseum dome speedway raceway velodrome racecourse
    stage garden gardens plaza mall square court courts house mansion hotel resort lodge
    factory plant mill warehouse depot prison jail camp base barracks pier port harbor
    harbour dock tunnel highway freeway road street avenue boulevard lane canal dam
    """
)
# Generic nouns for a body of people: after a place or a people's name ("Chinese
# government", "state police") they describe, they do not name.
GROUP_NOUNS = word_set(
    """
    government military police army navy forces troops officials authorities regime
    administration leadership lawmakers parliament legislature embassy consulate
    people team fans community
    """
)

FEATURES: tuple[str, ...] = (
    "bias",
    "person",
    "one_word",
    "three_words_or_more",
    "mentions",
    "given_name",
    "english_word_share",
    "common_word_share",
    "acronym",
    "known_org",
    "facility_head",
    "org_head",
    "event_head",
    "place_or_people_then_group",
    "lower_word_head",
    "title_case_context",
    "subject",
    "speaks",
    "after_the",
    "modifier",
    "quoted",
    "proper_noun_share",
    "line_of_its_own",
    "titled",
    "possessive",
    "once",
    "org_acronym_once",
    "org_lone_english_word",
)


def _is_nationality(word: str) -> bool:
    return word[:1].isupper() and word.lower().endswith(("an", "ese", "ish", "i", "ian"))


def _words(key: str) -> list[str]:
    return [w for w in key.replace(".", "").split(" ") if w]


def cluster_features(
    text: str,
    canonical: str,
    label: str,
    members: Sequence[tuple[Mention, Span]],
) -> list[float]:
    """The feature vector (in ``FEATURES`` order) of one cluster from its mentions."""
    words = _words(canonical)
    low = [w.lower() for w in words]
    n = len(members)
    eng, common = english_words(), common_words()
    first_place = len(words) > 1 and (
        low[0] in COUNTRIES or low[0] in places() or _is_nationality(words[0])
    )
    acronym = len(words) == 1 and words[0].isupper() and len(words[0]) <= 5
    known = " ".join(low) in KNOWN_ORGS
    title_ctx = subject = speaks = after_the = modifier = quoted = alone = titled = poss = 0
    proper = tokens = 0
    for m, span in members:
        doc = span.doc
        inside = [t for t in span if m.start_char <= t.idx < m.end_char] or list(span)
        root = max(inside, key=lambda t: t.i == t.head.i or t.head not in inside)
        before = doc[inside[0].i - 1] if inside[0].i > 0 else None
        after = doc[inside[-1].i + 1] if inside[-1].i + 1 < len(doc) else None
        caps = [
            t.text[:1].isupper()
            for t in (before, after)
            if t is not None and t.is_alpha and not t.is_sent_start and t.lower_ not in ("the",)
        ]
        title_ctx += bool(caps) and all(caps)
        subject += root.dep_ in ("nsubj", "nsubjpass")
        speaks += root.dep_ == "nsubj" and root.head.lemma_.lower() in SPEECH_VERBS
        after_the += before is not None and before.lower_ == "the"
        modifier += root.dep_ in ("compound", "amod") and root.head.text.islower()
        quoted += text[max(0, m.start_char - 1) : m.start_char] in ('"', "“", "‘", "'")
        line_start = text.rfind("\n", 0, m.start_char) + 1
        line_end = text.find("\n", m.end_char)
        line = text[line_start : len(text) if line_end < 0 else line_end].strip()
        alone += len(line) <= (m.end_char - m.start_char) + 3
        titled += before is not None and before.text.lower().rstrip(".") in TITLE_WORDS
        poss += after is not None and after.tag_ == "POS"
        proper += sum(t.tag_ in ("NNP", "NNPS") for t in inside)
        tokens += len(inside)
    values = {
        "bias": 1.0,
        "person": float(label == "PERSON"),
        "one_word": float(len(words) == 1),
        "three_words_or_more": float(len(words) >= 3),
        "mentions": math.log1p(n),
        "given_name": float(is_given_name(words[0]) if words else False),
        "english_word_share": sum(w in eng for w in low) / max(1, len(low)),
        "common_word_share": sum(w in common for w in low) / max(1, len(low)),
        "acronym": float(acronym),
        "known_org": float(known),
        "facility_head": float(len(words) > 1 and low[-1] in FACILITY_HEAD_WORDS),
        "org_head": float(len(words) > 1 and low[-1] in ORG_HEAD_WORDS),
        "event_head": float(len(words) > 1 and low[-1] in EVENT_HEAD_WORDS),
        "place_or_people_then_group": float(first_place and low[-1] in GROUP_NOUNS),
        "lower_word_head": float(len(words) > 1 and low[-1] in eng),
        "title_case_context": title_ctx / n,
        "subject": subject / n,
        "speaks": speaks / n,
        "after_the": after_the / n,
        "modifier": modifier / n,
        "quoted": quoted / n,
        "proper_noun_share": proper / max(1, tokens),
        "line_of_its_own": alone / n,
        "titled": titled / n,
        "possessive": poss / n,
        "once": float(n == 1),
        # an undefined acronym used once ("an IPO", "AWD"): a term more often than a body
        "org_acronym_once": float(label == "ORG" and n == 1 and acronym and not known),
        # one word English writes mostly in lower case ("Inference", "Homepage")
        "org_lone_english_word": float(
            label == "ORG"
            and len(words) == 1
            and low[0] in eng
            and not acronym
            and not known
            and words[0][1:].islower()
        ),
    }
    return [values[f] for f in FEATURES]


def probability(weights: Sequence[float], features: Sequence[float]) -> float:
    """The model's chance that a cluster with these features is a real name of its label."""
    z = sum(w * x for w, x in zip(weights, features, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@functools.cache
def load_model(path: Path = MODEL_PATH) -> tuple[tuple[float, ...], float] | None:
    """Weights and threshold of the trained filter, or None when none is installed or it
    was trained on other features (then nothing is dropped)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return None
    return tuple(float(w) for w in data["weights"]), float(data["threshold"])
