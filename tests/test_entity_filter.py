"""The learned entity filter: features from how an article uses a name, and the committed model."""

from __future__ import annotations

import json
from pathlib import Path

from newsflow.tasks.nlp.entities import extract_mentions
from newsflow.tasks.nlp.entity_filter import FEATURES, MODEL_PATH, load_model, probability
from newsflow.tasks.nlp.pipeline import analyze_text, load_pipeline

FILING = (
    "Shares of Northwind Partners rose on Tuesday after the firm said it would seek an IPO "
    "next year. Dana Ruiz, the firm's chief, said demand was strong, and Microsoft agreed."
)


def test_an_acronym_used_once_and_never_spelled_out_is_no_organisation(model: str) -> None:
    found = {(m.canonical, m.label) for m in analyze_text(FILING, model=model).mentions}
    assert ("Microsoft", "ORG") in found and ("Dana Ruiz", "PERSON") in found
    assert not any(name == "IPO" for name, _ in found)  # a term, not a body


def test_training_sees_every_cluster_and_the_filter_drops_nothing(model: str) -> None:
    doc = load_pipeline(model)(FILING)
    recorded: dict[str, tuple[str, list[float]]] = {}
    extract_mentions(doc, features_out=recorded)
    assert recorded["IPO"][0] == "ORG" and len(recorded["IPO"][1]) == len(FEATURES)
    weights, threshold = load_model()
    assert probability(weights, recorded["IPO"][1]) < threshold
    assert probability(weights, recorded["Microsoft"][1]) >= threshold


def test_the_committed_model_is_small_and_a_stale_one_is_ignored(tmp_path: Path) -> None:
    assert MODEL_PATH.stat().st_size < 200_000
    stale = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    stale["features"] = stale["features"][:-1]
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert load_model(path) is None  # other features: nothing is dropped, nothing crashes
    assert load_model(tmp_path / "missing.json") is None


_GIVEN = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
]
_FAMILY = [
    "Okafor",
    "Lindqvist",
    "Halvorsen",
    "Moreau",
    "Tanaka",
    "Novak",
    "Castillo",
    "Brennan",
    "Kowalski",
    "Haddad",
]
_SIGNATORIES = [f"{given} {family}" for given in _GIVEN for family in _FAMILY]
ODD_TEXTS = {
    "one sentence": ("Barack Obama visited Microsoft in Seattle.", {"Barack Obama", "Microsoft"}),
    "not English": (
        "Angela Merkel sagte am Dienstag in Berlin, dass die Bundesregierung verhandle.",
        {"Angela Merkel"},
    ),
    "all capitals": ("BARACK OBAMA SAID ON TUESDAY THAT MICROSOFT WILL HIRE.", {"MICROSOFT"}),
}


def _people_and_orgs(model: str, text: str) -> tuple[set[str], set[str]]:
    """The PERSON/ORG clusters the filter keeps, and every one the rules gave it to judge."""
    doc = load_pipeline(model)(text)
    kept = {m.canonical for m in extract_mentions(doc).mentions if m.label in ("PERSON", "ORG")}
    judged: dict[str, tuple[str, list[float]]] = {}
    extract_mentions(doc, features_out=judged)
    return kept, set(judged)


def test_text_unlike_the_training_pages_keeps_its_well_known_names(model: str) -> None:
    for kind, (text, names) in ODD_TEXTS.items():
        kept, judged = _people_and_orgs(model, text)
        assert names <= kept <= judged, kind
    kept, _ = _people_and_orgs(model, ODD_TEXTS["all capitals"][0])
    assert "HIRE" not in kept  # a shouted verb is no organisation


def test_a_list_of_200_people_loses_none_to_the_filter(model: str) -> None:
    kept, judged = _people_and_orgs(model, "The letter was signed by " + ", ".join(_SIGNATORIES))
    assert kept == judged
    assert len(kept) >= 180  # the list's 200 people, bar a few the model runs together
