"""Named-entity mentions with one canonical name per entity within an article.

spaCy gives mention spans and labels; this module decides which mentions name the same thing
("Kerry" after "John Kerry", "MOSCOW" and "Moscow", "U.S." and "America", "ISIS" after "the
Islamic State, also known as ISIS") so analysts can count entities, not spellings.

Numeric labels (CARDINAL, DATE, MONEY, PERCENT, ORDINAL, QUANTITY, TIME) are dropped: they are
values, not entities, and would swamp the mentions table without answering "who is in the news".
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from newsflow.tasks.nlp.entity_clusters import _canonicalise, _cluster_labels
from newsflow.tasks.nlp.entity_filter import cluster_features, probability
from newsflow.tasks.nlp.entity_filter import load_model as load_filter
from newsflow.tasks.nlp.entity_forms import (
    CANDIDATE,
    MIN_FUZZY_NAME,
    _key,
    _one_edit_apart,
    clean_surface,
    looks_like_person,
    surname_forms,
)
from newsflow.tasks.nlp.entity_kinds import (
    candidates_by_context,
    companies_by_context,
    people_by_relation,
    places_by_use,
    products_by_lists,
    streets_by_context,
    teams_by_role,
    works_by_context,
)
from newsflow.tasks.nlp.entity_labels import (
    _drop_quoted_titles,
    _drop_unnamed_people,
    _facilities_by_context,
    _labels_from_lists,
    _people_with_articles,
    _revise_lone_names,
)
from newsflow.tasks.nlp.entity_mention_edits import (
    _companies_by_short_name,
    _drop_foreign_names,
    _people_by_context,
    _people_by_surname,
    _trim_lead_words,
)
from newsflow.tasks.nlp.entity_name_labels import (
    _TEAM_LABELS,
    _clause_inside,
    _defined_terms,
    _modifier_acronym,
    _placed_in,
    _plural_name,
    name_label,
)
from newsflow.tasks.nlp.entity_recovery import (
    _add_cited_outlets,
    _add_known_orgs,
    _add_missed_people,
    _add_speaking_surnames,
    _extend_cut_people,
    _join_teams,
    _recover_full_names,
)
from newsflow.tasks.nlp.entity_spans import (
    _BRACKETS_RE,
    _STATE_BODY_RE,
    _alias_extension,
    _is_dateline,
    _join_abbreviated_places,
    _join_and_names,
    _join_cut_orgs,
    _joined_parts,
    _reshape,
    _ticker_companies,
    _trim_span,
)
from newsflow.tasks.nlp.names import strip_titles
from newsflow.tasks.records import Mention

DROPPED_LABELS = frozenset({"CARDINAL", "DATE", "MONEY", "PERCENT", "ORDINAL", "QUANTITY", "TIME"})
# Other pipelines' label schemes mapped onto the English one (French, Spanish... "PER").
LABEL_SCHEMES = {"PER": "PERSON", "MISC": "MISC"}


@dataclass(slots=True)
class EntityIndex:
    """Mentions of one doc plus lookups that the quote extractor needs for speakers."""

    mentions: list[Mention]
    token_mention: dict[int, int] = field(default_factory=dict)  # token index -> mention index
    person_names: dict[str, str] = field(default_factory=dict)  # lower name/part -> canonical
    labels: dict[str, str] = field(default_factory=dict)  # canonical -> cluster label
    # one-word names with no evidence of a person here (``CANDIDATE``), kept for the warehouse
    candidates: list[Mention] = field(default_factory=list)

    def stored_mentions(self) -> list[Mention]:
        """The mentions to store, in text order: names, then the candidates no name of the
        quote stage has taken over since (a speaker it added at the same words)."""
        taken = [(m.start_char, m.end_char) for m in self.mentions]
        free = [
            c
            for c in self.candidates
            if not any(s < c.end_char and c.start_char < e for s, e in taken)
        ]
        return sorted([*self.mentions, *free], key=lambda m: m.start_char)

    def mention_at(self, token_index: int) -> Mention | None:
        idx = self.token_mention.get(token_index)
        return None if idx is None else self.mentions[idx]

    def mention_overlapping(self, start: int, end: int) -> Mention | None:
        """The first mention overlapping characters [start, end)."""
        for m in self.mentions:
            if m.start_char < end and start < m.end_char:
                return m
            if m.start_char >= end:
                break
        return None

    def resolve_name(self, surface: str) -> str | None:
        """Map a bare name the NER missed ("Mook") to a person canonical from this article.

        A long surname one typo away from a single person's ("McLenney" for "McClenney")
        counts as that person: misspelt names are common in fast news copy.
        """
        key = _key(strip_titles(clean_surface(surface)))
        found = self.person_names.get(key)
        if found is not None or len(key) < MIN_FUZZY_NAME or " " in key:
            return found
        near = {
            canonical
            for other, canonical in self.person_names.items()
            if other[:1] == key[:1] and " " not in other and _one_edit_apart(key, other)
        }
        return near.pop() if len(near) == 1 else None

    def add_person(self, text: str, start: int, end: int, tokens: list[int]) -> Mention:
        """Record a person the NER missed (a speaker the parse found), kept in text order.

        Its canonical is the article's person it shortens, else the name itself; later
        surnames resolve to it.
        """
        surface = text[start:end]
        canonical = self.resolve_name(surface) or strip_titles(clean_surface(surface))
        mention = Mention(
            text=surface, label="PERSON", canonical=canonical, start_char=start, end_char=end
        )
        at = bisect.bisect_left([m.start_char for m in self.mentions], start)
        self.mentions.insert(at, mention)
        self.token_mention = {
            tok: idx + (idx >= at) for tok, idx in self.token_mention.items()
        } | dict.fromkeys(tokens, at)
        self.labels.setdefault(canonical.lower(), "PERSON")
        for key in [canonical, *surname_forms(canonical)] if " " in canonical else []:
            self.person_names.setdefault(_key(key), canonical)
        return mention


def extract_mentions(
    doc: Doc, *, features_out: dict[str, tuple[str, list[float]]] | None = None
) -> EntityIndex:
    """Keep named (non-numeric) entities and give each the canonical name of its cluster.

    The learned filter (``entity_filter``) then drops people and organisations the evidence
    says are no names; given ``features_out``, it drops nothing and each judged cluster's
    label and features are recorded there instead (for training it).
    """
    doc_text = doc.text  # built on each access: read it once
    spans: list[Span] = _join_cut_orgs(
        doc,
        _join_abbreviated_places(
            doc,
            _join_and_names(
                doc,
                _ticker_companies(doc, [e for e in doc.ents if e.label_ not in DROPPED_LABELS]),
            ),
        ),
    )
    lower_words = {t.text for t in doc if t.text.isalpha() and t.text.islower()}
    mentions: list[Mention] = []
    bases: list[str] = []
    kept_spans: list[Span] = []
    modifiers: set[str] = set()  # acronyms seen modifying a common noun
    named: set[str] = set()  # names seen otherwise
    pieces: list[tuple[Span, int, int, str]] = []
    places = {e.start_char for e in doc.ents if e.label_ == "GPE"}
    for whole in spans:
        trimmed = _trim_span(whole, doc_text)
        if trimmed is None:
            continue
        for start, end, label in _joined_parts(
            doc_text, *trimmed, LABEL_SCHEMES.get(whole.label_, whole.label_)
        ):
            part = doc.char_span(start, end, alignment_mode="expand")
            pieces.append((whole if part is None else part, start, end, label))
    for span, start, end, label in pieces:
        longer = _alias_extension(doc_text, start, end)
        if longer is not None:  # "Islamic" (NORP) + "State" -> the known name "Islamic State"
            end, label = longer
        start, end, label = _reshape(doc_text, start, end, label)
        body = _STATE_BODY_RE.match(doc_text, end) if label in ("GPE", "NORP") else None
        if body is not None and (grown := doc.char_span(start, body.end())) is not None:
            end, label, span = body.end(), "ORG", grown  # "the Afghan government"
        text = doc_text[start:end]
        base = clean_surface(text)
        if label == "PERSON":
            base = strip_titles(" ".join(_BRACKETS_RE.sub(" ", base).split()))  # "Antonio) Brack"
        if not base or not any(c.isalpha() for c in base):
            continue
        if _is_dateline(doc_text, start, end):
            label = "GPE"
        elif label != "PERSON" and looks_like_person(base):
            label = "PERSON"  # "Eva Lindeman" tagged ORG: a given name and a surname
        label = name_label(base, label, lower_words)
        if label == "ORG" and _placed_in(doc_text, start, end, places):
            label = "GPE"
        if label is None or (label == "ORG" and _clause_inside(span, start, end)):
            continue
        if label == "ORG" and _modifier_acronym(span, base):
            modifiers.add(base)
        else:
            named.add(base)
        if label in _TEAM_LABELS and _plural_name(span, base):
            label = "ORG"  # "the Redskins", "Chargers": a team or band, whatever the guess
        mentions.append(
            Mention(text=text, label=label, canonical=base, start_char=start, end_char=end)
        )
        bases.append(base)
        kept_spans.append(span)

    terms = _defined_terms(doc_text)
    for k in reversed(range(len(mentions))):  # only ever "AWD system", "IPO filing"
        if bases[k] in modifiers - named or (mentions[k].label == "ORG" and bases[k] in terms):
            del mentions[k], bases[k], kept_spans[k]
    _add_known_orgs(doc, mentions, bases, kept_spans)
    cited = _add_cited_outlets(doc, mentions, bases, kept_spans)
    _add_missed_people(doc, mentions, bases, kept_spans)
    _recover_full_names(doc, doc_text, mentions, bases, kept_spans)
    _extend_cut_people(doc, doc_text, mentions, bases, kept_spans)
    _add_speaking_surnames(doc, mentions, bases, kept_spans)
    _join_teams(doc, doc_text, mentions, bases, kept_spans)
    _people_by_surname(mentions, bases)
    _people_by_context(mentions, bases, kept_spans)
    _companies_by_short_name(mentions, bases, kept_spans)
    _trim_lead_words(doc_text, mentions, bases, kept_spans, lower_words)
    _drop_foreign_names(doc, mentions, bases, kept_spans)
    canon = _canonicalise(doc_text, mentions, bases)
    labels = _cluster_labels(mentions, canon)
    _facilities_by_context(doc_text, mentions, canon, labels)
    works_by_context(doc_text, mentions, canon, labels)
    streets_by_context(doc_text, mentions, canon, labels)
    places_by_use(doc_text, mentions, canon, labels)
    teams_by_role(doc_text, mentions, canon, labels)
    _people_with_articles(doc, mentions, canon, labels)
    _drop_quoted_titles(doc_text, mentions, canon, labels)
    _drop_unnamed_people(mentions, canon, labels, kept_spans)
    _revise_lone_names(doc, mentions, canon, labels)
    candidates_by_context(doc_text, mentions, canon, labels)
    companies_by_context(doc_text, mentions, canon, labels)
    _labels_from_lists(doc_text, mentions, canon, labels)
    products_by_lists(doc_text, mentions, canon, labels)
    people_by_relation(doc_text, mentions, canon, labels)
    _filter_clusters(doc_text, mentions, canon, labels, kept_spans, features_out, cited)
    candidates = [
        Mention(
            text=m.text, label=CANDIDATE, canonical=c, start_char=m.start_char, end_char=m.end_char
        )
        for m, c in zip(mentions, canon, strict=True)
        if labels[c.lower()] == CANDIDATE
    ]
    keep = [i for i, c in enumerate(canon) if labels[c.lower()] not in ("", CANDIDATE)]
    mentions = [mentions[i] for i in keep]
    kept_spans = [kept_spans[i] for i in keep]
    bases = [bases[i] for i in keep]
    canon = [canon[i] for i in keep]
    labels = {c: label for c, label in labels.items() if label not in ("", CANDIDATE)}
    index = EntityIndex(mentions=mentions, labels=labels, candidates=candidates)
    person_keys: dict[str, set[str]] = defaultdict(set)
    for i, (mention, span) in enumerate(zip(mentions, kept_spans, strict=True)):
        mention.canonical = canon[i]
        mention.label = labels[canon[i].lower()]
        for tok in span:
            if mention.start_char <= tok.idx < mention.end_char:
                index.token_mention[tok.i] = i
        if mention.label == "PERSON":
            person_keys[_key(bases[i])].add(canon[i])
            if " " in canon[i]:
                person_keys[_key(canon[i])].add(canon[i])
                for short in surname_forms(canon[i]):
                    person_keys[_key(short)].add(canon[i])
    index.person_names = {k: next(iter(v)) for k, v in person_keys.items() if len(v) == 1}
    index.labels = {canonical: label for canonical, label in labels.items()}
    return index


def _filter_clusters(
    text: str,
    mentions: list[Mention],
    canon: list[str],
    labels: dict[str, str],
    spans: list[Span],
    features_out: dict[str, tuple[str, list[float]]] | None,
    cited: set[str] = frozenset(),
) -> None:
    """Drop (label "") the PERSON and ORG clusters the trained filter judges no names; an
    outlet the text cites (``cited``, keys of its names) is a name whatever the filter says."""
    model = None if features_out is not None else load_filter()
    if model is None and features_out is None:
        return
    members: dict[str, list[tuple[Mention, Span]]] = defaultdict(list)
    names: dict[str, str] = {}
    for m, c, span in zip(mentions, canon, spans, strict=True):
        key = c.lower()
        if labels.get(key) in ("PERSON", "ORG"):
            members[key].append((m, span))
            names.setdefault(key, c)
    for key, group in members.items():
        features = cluster_features(text, names[key], labels[key], group)
        if features_out is not None:
            features_out[names[key]] = (labels[key], features)
        elif (
            model is not None
            and probability(model[0], features) < model[1]
            and not any(_key(clean_surface(m.text)) in cited for m, _ in group)
        ):
            labels[key] = ""
