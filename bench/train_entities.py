"""Build the entity rules' word list from PolNeAR train text: ``make train-entities``.

    .venv/bin/python bench/train_entities.py [--polnear FILE] [--out FILE]

Writes ``tasks/nlp/data/common_words.txt``: the words that PolNeAR's 840 train articles
write in lower case at least three times and at least as often as capitalised inside a
sentence ("will", "grant", "faith"). Such a word is no evidence of a person when it opens a
name ("Grant Park", "Will Ferrell" aside), so the first-name list (gender-guesser's) leaves
them out. Newsgold is never read. Last line: ``train_entities: words=N``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

from shared_data import CHECKOUT, SHARED

DEFAULT_POLNEAR = SHARED / "quotes" / "polnear_train.jsonl.gz"
DEFAULT_OUT = CHECKOUT / "tasks" / "nlp" / "data" / "common_words.txt"
_SENTENCE_RE = re.compile(r"(?<=[.!?:\"“”])\s+|\n+")
_WORD_RE = re.compile(r"[A-Za-z][a-z'’-]*[a-z]|[A-Za-z]")
MIN_LOWER = 3


def common_words(texts: list[str]) -> list[str]:
    """Words written in lower case at least as often as capitalised mid-sentence."""
    lower: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for sentence in _SENTENCE_RE.split(text):
            for i, word in enumerate(_WORD_RE.findall(sentence)):
                if word.islower():
                    lower[word] += 1
                elif i > 0 and word[0].isupper() and word[1:].islower():
                    capital[word.lower()] += 1
    return sorted(w for w, n in lower.items() if n >= MIN_LOWER and n >= capital[w])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    with gzip.open(args.polnear, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    words = common_words(texts)
    args.out.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"train_entities: articles={len(texts)} words={len(words)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
