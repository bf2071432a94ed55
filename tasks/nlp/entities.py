"""Named-entity mentions with one canonical name per entity within an article.

spaCy gives mention spans and labels; this module decides which mentions name the same thing
("Kerry" after "John Kerry", "MOSCOW" and "Moscow", "U.S." and "America", "ISIS" after "the
Islamic State, also known as ISIS") so analysts can count entities, not spellings.

Numeric labels (CARDINAL, DATE, MONEY, PERCENT, ORDINAL, QUANTITY, TIME) are dropped: they are
values, not entities, and would swamp the mentions table without answering "who is in the news".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newsflow.tasks.nlp.entity_clusters import (
    _canonicalise,
    _cluster_labels,
)
from newsflow.tasks.nlp.entity_filter import FACILITY_HEAD_WORDS, cluster_features, probability
from newsflow.tasks.nlp.entity_filter import load_model as load_filter
from newsflow.tasks.nlp.entity_forms import (
    _CLAUSE_WORDS,
    _CORPORATE_SUFFIXES,
    _MINOR_WORDS,
    _SURNAME_SHAPE_RE,
    ALIASES,
    CANDIDATE,
    MIN_FUZZY_NAME,
    NAME_LABELS,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _is_acronym,
    _is_demonym,
    _is_nationality,
    _key,
    _one_edit_apart,
    clean_surface,
    looks_like_person,
    surname_forms,
)
from newsflow.tasks.nlp.entity_kinds import (
    candidates_by_context,
    streets_by_context,
    works_by_context,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    EVENT_HEAD_WORDS,
    KNOWN_ORGS,
    LAW_HEAD_WORDS,
    MODEL_SUFFIXES,
    NON_NAME_ABBREVIATIONS,
    ORG_HEAD_WORDS,
    ORG_ONLY_WORDS,
    PLACE_HEAD_WORDS,
    PLACE_NOUNS,
    PLACE_ONLY_WORDS,
    PRODUCT_WORDS,
    US_STATE_CODES,
    VENUE_HEAD_WORDS,
    english_words,
    places,
)
from newsflow.tasks.nlp.entity_recovery import (
    _add_cited_outlets,
    _add_known_orgs,
    _add_missed_people,
    _add_speaking_surnames,
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
    _trim_span,
)
from newsflow.tasks.nlp.language import foreign_paragraphs
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS, word_set
from newsflow.tasks.nlp.names import (
    KIN_WORDS,
    TITLE_WORDS,
    common_words,
    is_any_first_name,
    is_first_name,
    is_given_name,
    strip_titles,
)
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
            doc, _join_and_names(doc, [e for e in doc.ents if e.label_ not in DROPPED_LABELS])
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
    _add_speaking_surnames(doc, mentions, bases, kept_spans)
    _join_teams(doc, doc_text, mentions, bases, kept_spans)
    _people_by_surname(mentions, bases)
    _people_by_context(mentions, bases, kept_spans)
    _trim_lead_words(doc_text, mentions, bases, kept_spans, lower_words)
    _drop_foreign_names(doc, mentions, bases, kept_spans)
    canon = _canonicalise(doc_text, mentions, bases)
    labels = _cluster_labels(mentions, canon)
    _places_by_context(doc_text, mentions, canon, labels)
    _facilities_by_context(doc_text, mentions, canon, labels)
    works_by_context(doc_text, mentions, canon, labels)
    streets_by_context(doc_text, mentions, canon, labels)
    _people_with_articles(doc, mentions, canon, labels)
    _drop_quoted_titles(doc_text, mentions, canon, labels)
    _drop_unnamed_people(mentions, canon, labels, kept_spans)
    _revise_lone_names(doc, mentions, canon, labels)
    candidates_by_context(doc_text, mentions, canon, labels)
    _labels_from_lists(doc_text, mentions, canon, labels)
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


# Last words of an outlet's or a company's division ("NBC Sports", "ESPN Radio").
_OUTLET_HEADS = frozenset({"sports", "radio", "tv", "television", "channel", "cloud", "research"})


def name_label(name: str, label: str, lower_words: set[str]) -> str | None:
    """The label a mention's own words allow, or None for a non-name.

    Dropped: lower-case words ("marijuana"), names with digits (scores, model numbers:
    "Jets 2", "777x"), abbreviations that name no one ("USB", "GMT", "CEO") and one-word
    mentions that the article also uses as a lower-case word ("Plan" beside "plan"). Gadgets
    become PRODUCT; outlets and known platforms ORG; a "person" named like a place LOC.
    """
    if label not in NAME_LABELS:
        return label
    words = name.split(" ")
    low = [_key(w) for w in words]
    if name == name.lower() or any(c.isdigit() for c in name):
        return None
    if label == "PERSON" and any(w.islower() and w not in NAME_PARTICLES for w in words):
        return None  # "Palm Bay d. Rockledge", "Man shot"
    if (
        label in ("PERSON", "ORG")
        and any(w in _CLAUSE_WORDS for w in words[1:-1])
        and not any(w in _MINOR_WORDS - _CLAUSE_WORDS for w in words)
    ):  # a headline's clause: "Thibaut Courtois to Real Madrid"; a name's own "of", "for
        return None  # the" keep it one ("Society for the Prevention of Cruelty to Children")
    if label in ("PERSON", "ORG") and any(re.fullmatch(r"[a-z]{1,2}\.", w) for w in words[1:-1]):
        return None  # two names a result line joins: "Melbourne d. Cocoa"
    if label in ("PERSON", "ORG") and len(words) > 1 and re.fullmatch(r"[A-Z]", words[-1]):
        return None  # a category: "Group A", "Path C"
    if "-" in name and all(_key(p) in COUNTRIES or _key(p) in ALIASES for p in name.split("-")):
        return None  # "U.S.-Mexico" (border, talks): two places, no organisation
    if len(words) == 1 and name in US_STATE_CODES:
        return "GPE"  # "Holmdel, NJ"
    if (
        label == "PERSON"
        and len(words) > 1
        and not is_given_name(words[0])
        and all(w in common_words() for w in low)
    ):
        return None  # common words in title case: "Grocery Store", "Fact Checker"
    if (
        len(words) == 1
        and label in ("PERSON", "ORG")
        and low[0] in common_words()
        and low[0] not in KNOWN_ORGS
        and not _is_acronym(name)
    ):
        return None  # a capitalised common word: "Terror", "Streets"
    if label in ("PERSON", "ORG") and len(words) > 1 and _written_lower(name, lower_words):
        return None  # "Intensive Care Units", "Monthly Fee": the text writes each word lower-case
    if len(words) == 1 and (
        low[0] in NON_NAME_ABBREVIATIONS or (low[0] in lower_words and not _is_acronym(name))
    ):
        return None
    if any(w in PRODUCT_WORDS for w in low) or (len(words) > 1 and low[-1] in MODEL_SUFFIXES):
        return "PRODUCT"
    if _key(name) in KNOWN_ORGS:
        return "ORG"
    if (
        label == "ORG"
        and len(words) > 1
        and low[0] in KNOWN_ORGS
        and low[-1] not in ORG_HEAD_WORDS | _CORPORATE_SUFFIXES | NOT_PERSON_WORDS | _OUTLET_HEADS
    ):
        return "PRODUCT"  # a company's name before a product's: "Apple Arcade", "Amazon Music"
    if _key(name) in COUNTRIES and label in ("ORG", "PERSON"):
        return "GPE"  # a national team, or "Jordan"/"Georgia" guessed as a person
    if any(c in name for c in ",:;|@/") or "_" in name:
        return None  # two names run together, a headline, a handle
    if label == "ORG" and len(words) > 1 and low[-1] in EVENT_HEAD_WORDS:
        return "EVENT"
    if (
        label in ("PERSON", "ORG")
        and len(words) == 2
        and low[-1] in _SECTION_WORDS
        and low[0] in _COMPASS_WORDS
    ):
        return None  # "Central Division", "Eastern Conference": a league's section
    if label == "PERSON" and len(words) > 1 and low[-1] in _EVENT_ONLY_WORDS:
        return "EVENT"  # "Davis Cup": a given name first, but no one is surnamed "Cup"
    if label == "ORG" and len(words) > 1 and low[-1] in LAW_HEAD_WORDS:
        return "LAW"  # "Hong Kong Human Rights and Democracy Act"
    if label == "PERSON" and low[-1] in ORG_HEAD_WORDS:
        return "ORG"
    if label == "PERSON" and len(words) > 1 and low[-1] in ORG_ONLY_WORDS:
        return "ORG"  # "Jacques Delors Centre": a given name first, but no one is surnamed so
    if label == "PERSON" and len(words) > 1 and low[-1] in PLACE_ONLY_WORDS:
        return "FAC"  # "Ben Gurion Airport"
    if (
        label == "PERSON"
        and len(words) > 1
        and not is_given_name(words[0])
        and low[0] not in TITLE_WORDS
        and name.lower().replace("’", "'") in places()
    ):
        return "GPE"  # "Santa Clara", "Rio de Janeiro": a town of the world, no given name
    if label == "PERSON" and low[-1] in PLACE_HEAD_WORDS and not is_given_name(words[0]):
        return "LOC"  # "Yobe North", "Palm Drive"; "Kanye West" and "Nathan Lane" stay
    if label in ("PERSON", "ORG") and low[-1] in VENUE_HEAD_WORDS:
        return "FAC"  # "PNC Music Pavilion", "KeyBank Arena": a building, not its owner
    return label


# A league's sections, named by a compass point: no organisation of their own.
_SECTION_WORDS = frozenset({"division", "conference"})
_COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western"}
    | {"northeast", "northwest", "southeast", "southwest", "midwest", "atlantic", "pacific"}
    | {"metropolitan"}
)


# Event words that are nobody's surname (unlike "Show", "Fair", "Week" or "Open").
_EVENT_ONLY_WORDS = frozenset(
    {"cup", "awards", "festival", "championship", "championships", "tournament", "olympics"}
    | {"summit", "expo", "marathon", "prix"}
)


def _written_lower(name: str, lower_words: set[str]) -> bool:
    """Every word of ``name`` (hyphen parts too) is written lower-case elsewhere in the text."""
    parts = [p for p in re.split(r"[\s-]+", name) if p.lower() not in _MINOR_WORDS]
    return bool(parts) and all(
        p.isalpha() and not p.isupper() and p.lower() in lower_words and p.lower() not in KNOWN_ORGS
        for p in parts
    )


# Tags of words that make a clause, not a name: verbs, modals, adverbs, pronouns.
_CLAUSE_TAGS = frozenset({"VBZ", "VBD", "VBP", "MD", "RB", "PRP", "WDT", "WP"})


def _clause_inside(span: Span, start: int, end: int) -> bool:
    """A title-case headline or label the model took for an organisation ("Dallas Gas
    Station Dies", "Streaming Quality Seems To Be Mostly Excellent", "Up Next"): past its
    first word, a verb, adverb or pronoun."""
    inside = [t for t in span if start <= t.idx < end]
    return len(inside) > 1 and any(t.tag_ in _CLAUSE_TAGS for t in inside[1:])


_DEFINED_AFTER_RE = re.compile(r"((?:[\w'-]+[ ,]+){1,8})\(\s*([A-Z]{2,6})s?\s*\)")
_DEFINED_BEFORE_RE = re.compile(r"\b([A-Z]{2,6})\s*\(([^()\n]{3,80})\)")


def _defined_terms(text: str) -> set[str]:
    """Acronyms the text spells out in lower-case words: "binge eating disorder (BED)",
    "FIRE (financial independence, retire early)". Terms, not organisations."""
    terms = set()
    for match in _DEFINED_AFTER_RE.finditer(text):
        acronym = match.group(2)
        words = re.findall(r"[A-Za-z][\w'-]*", match.group(1))[-len(acronym) :]
        if _spells(acronym, words):
            terms.add(acronym)
    for match in _DEFINED_BEFORE_RE.finditer(text):
        acronym = match.group(1)
        words = re.findall(r"[A-Za-z][\w'-]*", match.group(2))[: len(acronym)]
        if _spells(acronym, words):
            terms.add(acronym)
    return terms


def _spells(acronym: str, words: list[str]) -> bool:
    """``words``' initials spell ``acronym`` and most of them are lower-case."""
    return (
        len(words) == len(acronym)
        and "".join(w[0] for w in words).upper() == acronym
        and 2 * sum(w.islower() for w in words) > len(words)
    )


def _modifier_acronym(span: Span, base: str) -> bool:
    """An acronym used as a modifier of a common noun ("AWD system", "IPO filing"): a
    feature or a term, unless it is a known organisation or alias ("FBI agents")."""
    tokens = [t for t in span if t.text == base]
    return (
        len(tokens) == 1
        and _is_acronym(base)
        and _key(base) not in KNOWN_ORGS
        and _key(base) not in ALIASES
        and tokens[0].dep_ in ("compound", "amod", "nmod")
        and tokens[0].head.text.islower()
    )


# Labels a plural one-word name gets wrong: teams and bands are neither places nor products.
_TEAM_LABELS = frozenset({"PERSON", "PRODUCT", "LOC", "GPE"})


def _plural_name(span: Span, base: str) -> bool:
    """A one-word plural proper noun ("Redskins", "Clippers") that is no country
    ("Philippines") or known alias."""
    words = [t for t in span if t.text[:1].isupper()]
    return (
        " " not in base
        and len(words) == 1
        and words[0].tag_ == "NNPS"
        and base.endswith("s")
        and _key(base) not in COUNTRIES
        and _key(base) not in ALIASES
    )


def _people_by_surname(mentions: list[Mention], bases: list[str]) -> None:
    """A two- or three-word name labelled ORG is a person when the article also names that
    surname alone as a person ("Montell Figgins" ORG, then "Figgins" PERSON)."""
    lone_people = {_key(b) for m, b in zip(mentions, bases, strict=True) if m.label == "PERSON"}
    lone_people = {k for k in lone_people if " " not in k}
    for m, base in zip(mentions, bases, strict=True):
        words = base.split(" ")
        if (
            m.label == "ORG"
            and 2 <= len(words) <= 3
            and _key(words[-1]) in lone_people
            and all(w[:1].isupper() for w in words)
            and not any(_key(w) in NOT_PERSON_WORDS | ORG_HEAD_WORDS for w in words)
        ):
            m.label = "PERSON"


def _people_with_articles(
    doc: Doc, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A "person" the text mostly writes as "the X" heading its phrase ("the Steelers", "the
    Davis Cup") is no person: a plural is a team or a band (ORG), the rest things (dropped).
    One plural word after "the" is enough for a name ending in it ("the Browns").
    "The Trump administration" is no evidence: there the name modifies a noun."""
    headed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    teams: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "PERSON":
            continue
        total[key] += 1
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        if span is None or span.start == 0:
            continue
        if doc[span.start - 1].lower_ == "the" and span[-1].dep_ not in ("compound", "amod"):
            headed[key] += 1
            if len(span) == 1 and _plural_end(key) and span.text.endswith("s"):
                teams.add(key)  # "the Browns" of "Cleveland Browns": a team, not a Mr. Browns
    for key, n in headed.items():
        if 2 * n >= total[key] or key in teams:
            labels[key] = "ORG" if _plural_end(key) else ""


def _trim_lead_words(
    text: str, mentions: list[Mention], bases: list[str], spans: list[Span], lower_words: set[str]
) -> None:
    """Cut a word the model read into a person's name from before it: a verb ("Citing
    Togo's"), a people's adjective ("Moroccan Obama fans"). Only when the word is nobody's
    first name anywhere ("Free" is, so "Free Aung San Suu Kyi" stays) and the rest is a
    name on its own: a name the article gives alone too, or, after a verb in -ing,
    anything. What is left is judged like any mention ("Kenyan Gay" leaves a common word:
    dropped)."""
    named = {_key(b) for b in bases}
    for k in reversed(range(len(mentions))):
        m, words = mentions[k], bases[k].split(" ")
        lead = words[0]
        if m.label != "PERSON" or len(words) < 2 or is_any_first_name(lead):
            continue  # "Mark de Graaf", "Will Smith": a word that is someone's name too
        rest = " ".join(words[1:])
        word = lead.lower() in english_words() and lead.isalpha()
        people = _is_demonym(lead)
        gerund = word and len(lead) > 5 and lead.lower().endswith("ing")
        alone = _key(rest) in named and (len(words) > 2 or people)
        if not (gerund or ((word or people) and alone) or (people and len(words) == 2)):
            continue
        at = text.find(rest, m.start_char, m.end_char)
        label = name_label(rest, "PERSON", lower_words) if at > m.start_char else None
        if label is None:
            del mentions[k], bases[k], spans[k]
            continue
        m.start_char, m.label, bases[k] = at, label, rest
        m.text = text[at : m.end_char]


def _drop_foreign_names(
    doc: Doc, mentions: list[Mention], bases: list[str], spans: list[Span]
) -> None:
    """In a paragraph in another language than the pipeline's, the model reads capitalised
    words as people ("Ato contra a Ditabranda", "de Sarkozy"): a person there must have a
    given name and a surname ("Pierre Péan") or be named in the article's own language too."""
    foreign = foreign_paragraphs(doc.text, doc.lang_)
    if not foreign:
        return

    starts = [s for s, _ in foreign]  # in text order: one bisection a mention, not a scan

    def inside(m: Mention) -> bool:
        k = bisect.bisect_right(starts, m.start_char) - 1
        return k >= 0 and m.start_char < foreign[k][1]

    named = {_key(b) for m, b in zip(mentions, bases, strict=True) if not inside(m)}
    for k in reversed(range(len(mentions))):
        m = mentions[k]
        if m.label != "PERSON" or not inside(m):
            continue
        if not looks_like_person(bases[k]) and _key(bases[k]) not in named:
            del mentions[k], bases[k], spans[k]


def _plural_end(key: str) -> bool:
    return key.endswith("s") and not key.endswith("'s")


# Nouns of an appositive that make its name a person's ("Eswar Prasad, a trade professor").
_PERSON_NOUNS = TITLE_WORDS | word_set(
    """
    professor analyst economist researcher scientist author writer editor reporter player
    actor actress singer rapper artist founder executive official student teacher doctor
    lawyer attorney manager spokesman spokeswoman resident owner partner fellow
    """
)


def _people_by_context(mentions: list[Mention], bases: list[str], spans: list[Span]) -> None:
    """A two-word "organisation" shaped like a personal name (no common word, no
    organisation's head word) is a person when the sentence says so: joined by "and" to a
    person ("Eric Robinson and Boone Jenner"), or described as one ("Eswar Prasad, a trade
    professor at Cornell")."""
    people = {
        tok.i
        for m, span in zip(mentions, spans, strict=True)
        if m.label == "PERSON"
        for tok in span
    }
    for m, base, span in zip(mentions, bases, spans, strict=True):
        words = base.split(" ")
        if (
            m.label != "ORG"
            or len(words) != 2
            or not all(_SURNAME_SHAPE_RE.fullmatch(w) for w in words)
            or any(_key(w) in common_words() | KNOWN_ORGS | ORG_HEAD_WORDS for w in words)
            or any(_key(w) in NOT_PERSON_WORDS for w in words)
        ):
            continue
        head = span[-1]
        joined = (head.dep_ == "conj" and head.head.i in people) or any(
            c.dep_ == "conj" and c.i in people for c in head.children
        )
        described = any(
            c.dep_ == "appos" and c.lemma_.lower() in _PERSON_NOUNS for c in head.children
        )
        people_shaped = not _is_nationality(words[0]) or is_given_name(words[0])
        if joined or described or (people_shaped and _acts(head)):
            m.label = "PERSON"


def _acts(head: Token) -> bool:
    """The name is the subject of a past-tense verb in its sentence ("Vasek Pospisil edged
    Reilly Opelka")."""
    return head.dep_ == "nsubj" and head.head.tag_ == "VBD"


# A short quotation in title case: the title of a work ("“Mary Poppins”", "'Melvin and Howard'").
_QUOTED_RE = re.compile(r"[\"“‘]([^\"“”‘’\n]{2,60}?)[,.!?]?[\"”’](?!\w)")
_TITLE_MINOR = _MINOR_WORDS | {"a", "an", "at", "with", "from", "by", "or"}


def _quoted_titles(text: str) -> list[tuple[int, int]]:
    """Spans of short title-case quotations: titles of films, songs, books, shows."""
    out = []
    for match in _QUOTED_RE.finditer(text):
        words = match.group(1).split()
        if 1 <= len(words) <= 6 and all(
            w[:1].isupper() or w.lower() in _TITLE_MINOR or not w[:1].isalpha() for w in words
        ):
            out.append(match.span(1))
    return out


def _drop_quoted_titles(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A person or organisation named only inside a quoted title is part of a work's
    title ("the “Melvin and Howard” star"), not a name in the news."""
    titles = _quoted_titles(text)
    if not titles:
        return
    outside: set[str] = set()
    inside: set[str] = set()
    for m, c in zip(mentions, canon, strict=True):
        quoted = any(s <= m.start_char and m.end_char <= e for s, e in titles)
        (inside if quoted else outside).add(c.lower())
    for key in inside - outside:
        if labels.get(key) in ("PERSON", "ORG"):
            labels[key] = ""


def _drop_unnamed_people(
    mentions: list[Mention], canon: list[str], labels: dict[str, str], spans: list[Span]
) -> None:
    """A "person" whose first word is no one's first name and who has a common word in the
    name ("Echo Dot", "Fact Checker", "Hosting Cook") or opens with a word English writes in
    lower case ("Tomb Raider", "Nighttime Supplement") names no one, unless the article also
    calls them by the surname alone ("Magic Johnson" ... "Johnson") or the sentence tells of
    a person (a title before it, "said" after it, "a lawyer" beside it)."""
    lone = {c.lower() for m, c in zip(mentions, canon, strict=True) if " " not in m.text.strip()}
    lone |= {
        c.lower()
        for m, c, span in zip(mentions, canon, spans, strict=True)
        if " " in c and _told_of_as_person(span)
    }
    for key, label in labels.items():
        words = key.split(" ")
        if label != "PERSON" or len(words) < 2 or key in lone:
            continue
        if is_any_first_name(words[0]) or is_first_name(words[0]):
            continue
        if any(_key(w) in common_words() for w in words) or _thing_word(words[0]):
            labels[key] = ""


def _told_of_as_person(span: Span) -> bool:
    """A title just before the name ("President Evo Morales"), the name the subject of a verb
    of speech ("Zippy Duvall said") or described as a person ("Zippy Duvall, the president")."""
    head = span.root
    before = span.doc[span.start - 1] if span.start else None
    titled = before is not None and before.text.istitle() and _key(before.text) in TITLE_WORDS
    speaks = head.dep_ == "nsubj" and head.head.lemma_.lower() in SPEECH_VERBS
    described = any(
        c.dep_ == "appos" and c.text.islower() and c.lemma_ in _PERSON_NOUNS for c in head.children
    )
    return titled or speaks or described


def _thing_word(word: str) -> bool:
    """A word English writes mostly in lower case ("Tomb", "Nighttime"), not an initial."""
    return word.isalpha() and word.lower() in english_words()


_NEXT_WORD_RE = re.compile(r"['’]?s? ?([a-z]+)")
_POSSESSORS = frozenset({"his", "her", "their", "my", "our", "your"})
# Nouns a leader's surname heads: "the Trump administration", "the Assad regime".
_LEADER_OF = frozenset({"administration", "regime", "presidency"})


# After a one-word name, what makes it part of another word or name: a hyphenated modifier
# ("Oscar-winning") or an owner's name before a capitalised name ("Tom's Guide").
_PART_OF_A_NAME_RE = re.compile(r"-[a-z]|['’]s [A-Z]")


def _revise_lone_names(
    doc: Doc, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """One-word "people" that no full name in the article explains need evidence: a title in
    front ("President Trump", "Mr. Assad"), a relative's role ("his wife Kali"), a government
    they head ("the Assad regime") or a given name; known organisations become ORG; a name
    only ever written as part of a word or another name ("Oscar-winning", "Tom's Guide") is
    no person.
    The rest may be a surname the warehouse knows from other articles ("Jansen said") or a
    platform, a town, a common word the model guessed at: one shaped like a surname becomes
    a ``CANDIDATE`` (not a person here, linked across articles when the warehouse's full
    names make it unambiguous), others are dropped (label "")."""
    text = doc.text  # built on each access: read it once
    titled: set[str] = set()
    canonical_of = {c.lower(): c for c in canon}
    for m, c in zip(mentions, canon, strict=True):
        if labels[c.lower()] != "PERSON" or " " in c:
            continue
        before = text[max(0, m.start_char - 40) : m.start_char].split()
        prev = before[-1].lower().rstrip(".") if before else ""
        after = _NEXT_WORD_RE.match(text, m.end_char)
        if (
            prev in TITLE_WORDS
            or strip_titles(clean_surface(m.text)) != clean_surface(m.text)
            or (prev in KIN_WORDS and len(before) > 1 and before[-2].lower() in _POSSESSORS)
            or (after is not None and after.group(1) in _LEADER_OF)
        ):  # "President Trump", "his wife Kali", "the Assad regime"
            titled.add(c.lower())
    modifier: dict[str, bool] = {}
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        modifier[key] = modifier.get(key, True) and bool(_PART_OF_A_NAME_RE.match(text, m.end_char))
    for c, label in labels.items():
        if label != "PERSON" or " " in c:
            continue
        if _key(c) in KNOWN_ORGS:
            labels[c] = "ORG"
        elif modifier.get(c) and c not in titled:
            labels[c] = ""  # "Oscar-winning", "Tom's Guide": a word of another name
        elif c not in titled and not is_given_name(c):
            labels[c] = CANDIDATE if _SURNAME_SHAPE_RE.fullmatch(canonical_of[c]) else ""


# What joins the members of a list of names: commas, then "and" or "or" before the last.
_LIST_COMMA = ", "
_LIST_ENDS = frozenset({" and ", ", and ", " or ", ", or "})
# Guesses a list of people or organisations may overrule: a "place", "product" or "work" the
# model guessed for an unknown word. A lone surname-shaped word
# (``CANDIDATE``) stays: streets and towns listed beside mistagged ones are shaped so too.
_WEAK_LABELS = frozenset({"GPE", "PRODUCT", "WORK_OF_ART"})


def _labels_from_lists(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A name in a list of three or more ("Sony Pictures, Quarrix and Paramount") is of the
    kind of the others when at least two of them are people, or two organisations, and its
    own label was a guess: a "place" that no gazetteer knows, a "product" or a "work"."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start_char)
    runs: list[list[int]] = []
    run: list[int] = []
    for i in order:
        if run:
            gap = text[mentions[run[-1]].end_char : mentions[i].start_char]
            if gap == _LIST_COMMA or gap in _LIST_ENDS:
                run.append(i)
                if gap in _LIST_ENDS:
                    runs.append(run)
                    run = []
                continue
        run = [i]
    for members in runs:
        if len(members) < 3:
            continue
        kinds = Counter(labels.get(canon[i].lower(), "") for i in members)
        for i in members:
            key = canon[i].lower()
            own = labels.get(key, "")
            if own not in _WEAK_LABELS:
                continue
            if own == "GPE" and (_key(canon[i]) in COUNTRIES or canon[i].lower() in places()):
                continue
            others = kinds.copy()
            others[own] -= 1
            for kind in ("PERSON", "ORG"):
                if others[kind] >= 2 and others[kind] > sum(others.values()) - others[kind]:
                    labels[key] = kind


_STATE_CODE_AFTER_RE = re.compile(r", ([A-Z]{2})\b")


def _placed_in(text: str, start: int, end: int, places: set[int]) -> bool:
    """One word followed by the place it lies in is a town ("Holmdel, NJ", "BAAR,
    SWITZERLAND"), not an organisation: ", " then a state code or a place the model found."""
    if " " in text[start:end] or _key(text[start:end]) in KNOWN_ORGS:
        return False
    code = _STATE_CODE_AFTER_RE.match(text, end)
    return (code is not None and code.group(1) in US_STATE_CODES) or (
        text[end : end + 2] == ", " and end + 2 in places
    )


# What the text writes around a one-word name that places it: "in Senkata", "near Logar",
# "32, of Franklin" (where someone lives); after it, a place noun ("Logar province").
_PLACED_BEFORE_RE = re.compile(r"(?:\b(?:in|near|outside)|\d, of) $")
_PLACE_NOUN_AFTER_RE = re.compile(r" ([a-z]+)\b")
_MODIFIED_NOUN_AFTER_RE = re.compile(r" (?:[a-z]+ )?([a-z]+)\b")


def _places_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """A one-word "organisation" the text places is a place: a lower-case place noun after it
    ("Logar province", "the Rukban camp", also in a place's name elsewhere), or a known town
    written "in X" or "32, of X", or modifying a noun ("the Burbank entertainment giant"), in
    at least half its mentions (a club's town stays the club); or followed by a place it lies
    in ("Sarkh, Logar"). A known town the text never places ("Barcelona won") stays."""
    placed: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for m, c in zip(mentions, canon, strict=True):  # "Logar province" names the place "Logar"
        name, _, noun = c.lower().rpartition(" ")
        if m.label in ("GPE", "LOC") and noun in PLACE_NOUNS and name and " " not in name:
            placed[name] += 1
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        if labels.get(key) != "ORG" or " " in c or _key(c) in KNOWN_ORGS or _is_acronym(c):
            continue
        seen[key] += 1
        placed[key] += _placed_mention(text, m, c)
    for key, n in placed.items():
        if labels.get(key) == "ORG" and 2 * n >= seen[key]:
            labels[key] = "GPE"
    towns = {
        m.start_char for m, c in zip(mentions, canon, strict=True) if labels[c.lower()] == "GPE"
    }
    for m, c in zip(mentions, canon, strict=True):  # "Sarkh, Logar" once Logar is a place
        key = c.lower()
        after = text[m.end_char : m.end_char + 2]
        if seen[key] and labels[key] == "ORG" and after == ", " and m.end_char + 2 in towns:
            labels[key] = "GPE"


# Building words that may end an organisation's name too ("Pew Research Center", "Budget
# Office"): only where the text uses the name as a location is it a facility.
_FACILITY_WORDS = FACILITY_HEAD_WORDS - {"house", "court", "courts", "camp", "base", "plant"}
_AT_BEFORE_RE = re.compile(r"(?:\b(?:at|in|inside|outside)(?: the)?|@) $")
# A role before "at" makes it a workplace, an organisation: "a senior fellow at the ... Center".
_ROLE_AT_RE = re.compile(r"(\w+)s? at (?:the )?$")
_PLACE_AFTER_RE = re.compile(r",? (?:in |at )?[A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?, ([A-Z]{2})\b")


def _facilities_by_context(
    text: str, mentions: list[Mention], canon: list[str], labels: dict[str, str]
) -> None:
    """An "organisation" named for a building ("KeyBank Center", "Budweiser Stage", "Oval
    Office") that the text only ever uses as a location is a facility (OntoNotes' FAC):
    after "at", "in" or "@", or followed by its town and state ("..., Irving, TX")."""
    where: dict[str, list[bool]] = defaultdict(list)
    for m, c in zip(mentions, canon, strict=True):
        key = c.lower()
        words = key.split(" ")
        if labels.get(key) != "ORG" or len(words) < 2 or words[-1] not in _FACILITY_WORDS:
            continue
        before = text[max(0, m.start_char - 40) : m.start_char]
        state = _PLACE_AFTER_RE.match(text, m.end_char)
        role = _ROLE_AT_RE.search(before)
        where[key].append(
            (_AT_BEFORE_RE.search(before) is not None and not (role and _is_role(role.group(1))))
            or (state is not None and state.group(1) in US_STATE_CODES | _PROVINCE_CODES)
        )
    for key, located in where.items():
        if all(located):
            labels[key] = "FAC"


def _is_role(word: str) -> bool:
    """ "fellow", "professors", "analyst": what a person is at an organisation."""
    low = word.lower()
    return low in _PERSON_NOUNS or low.rstrip("s") in _PERSON_NOUNS


# Canada's province codes, written like US states' after a town ("Toronto, ON").
_PROVINCE_CODES = frozenset({"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC"})


def _placed_mention(text: str, m: Mention, name: str) -> bool:
    """Whether the words around this mention of a one-word name make it a place."""
    noun = _PLACE_NOUN_AFTER_RE.match(text, m.end_char)
    if noun is not None and noun.group(1) in PLACE_NOUNS:
        return True
    if _key(name) not in places():
        return False
    before = text[max(0, m.start_char - 12) : m.start_char]
    if _PLACED_BEFORE_RE.search(before):
        return True
    after = _MODIFIED_NOUN_AFTER_RE.match(text, m.end_char)
    return (
        before.endswith("the ")
        and after is not None
        and after.group(1) not in _CLAUSE_WORDS | _MINOR_WORDS
    )
