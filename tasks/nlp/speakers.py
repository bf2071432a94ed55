"""Speakers of reporting verbs: the subject on the parse, named by the entity canonicaliser.

``_subject_of`` finds the speaker token of a cue (subject, passive agent, the object of
"according to", the head noun of a relative clause, climbing "went on to say" chains).
``SpeakerNamer`` turns that token into a canonical name: an entity mention in the subject or
its apposition, a bare surname the NER missed, a description ("a spokesman for the ministry"),
or for he/she (and "the 56-year-old") the earlier person the speaker ranker picks
(tasks/nlp/speaker_ranker.py; without its weights, the most salient one: speakers and subjects
outrank other mentions, nearer paragraphs outrank farther ones); names inside quotes are not
antecedents. A description the article ties to a name by an apposition ("The suspect,
Michael Webb, ...") is that name wherever it speaks; "they" is a group named just before
(an organisation, a collective or plural noun for people, people joined by "and") or no
one. "It said" is the organisation last named as a subject or speaker. A surname
keeps the article's full name unless a title or an initial shows it is someone else ("Vice
President Biden" in a story whose only full name is Hunter Biden).
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable

from spacy.tokens import Doc, Token

from newsflow.tasks.nlp import speaker_ranker
from newsflow.tasks.nlp.entities import EntityIndex
from newsflow.tasks.nlp.entity_forms import NOT_PERSON_WORDS, clean_surface
from newsflow.tasks.nlp.lexicons import SPEECH_VERBS, word_set
from newsflow.tasks.nlp.names import (
    FEMALE_NAMES,
    MALE_NAMES,
    TITLE_WORDS,
    is_given_name,
    name_gender,
    strip_titles,
)
from newsflow.tasks.records import Mention

# Things that speak for their author: "X issued a statement saying ..." -> X.
DOCUMENT_NOUNS = word_set(
    """
    statement report letter memo email tweet post release ruling comment remark speech message
    ad advertisement video op-ed column editorial note interview complaint lawsuit filing
    indictment study survey poll analysis piece article
    """
)
# Verbs by which someone puts a document out ("issued a statement that said ...").
ISSUING_VERBS = word_set(
    """
    issue release make publish post send write deliver give file sign tweet air run launch
    unveil present submit share circulate read put email
    """
)
# Singular nouns for groups that "they" may stand for.
COLLECTIVE_NOUNS = word_set(
    """
    campaign government administration party company team committee ministry department police
    agency council court panel group board commission family union army military coalition firm
    staff office organization organisation network industry public
    """
)
# "the company said": nouns for an organisation named earlier in the article.
ORG_NOUNS = word_set(
    """
    company firm automaker carmaker maker manufacturer retailer bank lender carrier airline
    insurer startup giant conglomerate group network studio publisher agency developer
    chain brand operator supplier broadcaster newspaper club team label university
    """
)
# People named after someone they follow or oppose ("Sanders supporters", "Trump critics"):
# the name in front is not the speaker.
FOLLOWER_NOUNS = word_set(
    """
    supporter backer fan voter follower protester protestor critic opponent detractor
    heckler loyalist
    """
)
# "the 56-year-old said": nouns for a person named earlier (an unnamed "spokesman" or
# "officer" is left a description: often no name was ever given).
PERSON_NOUNS = word_set(
    """
    president singer actor actress rapper musician star director filmmaker author novelist
    ceo executive founder chairman chairwoman senator congressman congresswoman lawmaker
    governor mayor minister coach player striker quarterback manager leader premier chancellor
    candidate nominee billionaire entrepreneur analyst economist suspect lawyer attorney
    professor researcher scientist
    """
)
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Verbs of a sentence's own clauses, not of a clause inside a phrase ("Obama, who he noted
# was ...": that "he" is no subject the next "he" goes on from).
_MAIN_DEPS = frozenset({"ROOT", "conj"})
RELATIVE = frozenset({"who", "that", "which", "whom"})
_CLIMB_DEPS = frozenset({"xcomp", "advcl", "pcomp", "conj", "prep", "acl", "ccomp"})
_MALE = frozenset({"he", "him", "his", "himself"})
_FEMALE = frozenset({"she", "her", "hers", "herself"})
_MALE_TITLES = frozenset({"mr", "mr.", "sir", "lord", "king", "prince", "father"})
_FEMALE_TITLES = frozenset({"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen"})
_WH_TAGS = frozenset({"WDT", "WP", "WP$", "WRB"})  # "where the Panthers played ..."
_PARTICIPLE_MARKS = frozenset({"while", "when", "before", "after", "by", "as"})
_DASH_TOKENS = frozenset({"―", "—", "–", "--"})
# "Trump was asked, ...", "staff were told, ...": the subject of these verbs in the passive is
# the one spoken to, so the speaker is the agent ("by X") or no one.
_ADDRESSEE_VERBS = frozenset(
    {"ask", "tell", "inform", "advise", "warn", "urge", "remind", "assure"}
)
# Prepositions whose object is the one spoken to or about ("a letter to Lynch asking ...").
_RECIPIENT_PREPS = frozenset({"to", "at", "against", "toward", "towards", "for", "about", "on"})
_PLACE_LABELS = frozenset({"GPE", "NORP", "LOC", "FAC"})
_LABEL_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "NORP": 3}

# Salience of a person mention by its role in the sentence.
ROLE_SPEAKER, ROLE_SUBJECT, ROLE_OTHER, ROLE_MODIFIER = 3, 2, 1, 0
MAX_PARAGRAPHS_BACK = 3
RANKER_PARAGRAPHS_BACK = 5  # the ranker weighs distance itself


def subject_of(cue: Token, quoted: Callable[[Token], bool] | None = None) -> Token | None:
    """The speaker token of a reporting verb (or of "according to").

    Subjects inside quotation marks are skipped: the parser often makes a word of the quote
    the subject of the "said" that follows it.
    """
    if cue.lower_ == "according":
        for to in [*cue.children, *([cue.nbor(1)] if cue.i + 1 < len(cue.doc) else [])]:
            if to.lower_ == "to":
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        return obj
        return None
    if cue.pos_ == "NOUN":
        return claimant(cue)
    tok = cue
    if _after_comma(cue) and cue.dep_ in ("acl", "advcl"):
        # "..., saying ...": a participle closing the sentence shares the subject of the
        # clause it closes, not of a relative clause the parser hung it on
        for verb in cue.ancestors:
            subjects = [c for c in _nearest_first(verb) if c.dep_ in SUBJECT_DEPS]
            relative = verb.dep_ == "relcl" or any(c.tag_ in _WH_TAGS for c in verb.children)
            if subjects and not relative and subjects[0].lower_ not in RELATIVE:
                tok = verb
                break
    if addressed(tok):
        return _agent_of(tok)
    for step in range(4):
        for child in _nearest_first(tok):
            if child.dep_ in SUBJECT_DEPS and not (quoted is not None and quoted(child)):
                if child.is_punct or child.text in _DASH_TOKENS or _dash_between(child, tok):
                    continue  # "... were made public ― Trump boasted": not across a dash
                if child.lower_ in RELATIVE and tok.dep_ == "relcl":
                    break  # the relative pronoun stands for the head noun: handled below
                return child
            if child.dep_ == "agent" and step == 0:
                # a passive verb climbed to from the cue is not the cue's ("X was booed by
                # Y after telling ..." : X tells, not Y)
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
        if tok.dep_ in ("relcl", "acl") and tok.head.pos_ in ("PROPN", "NOUN"):
            noun = tok.head
            if (
                noun.lemma_.lower() in DOCUMENT_NOUNS
                and noun.dep_ == "dobj"
                and noun.head.lemma_.lower() in ISSUING_VERBS
            ):
                tok = noun.head  # "made a comment that described ...": who made it
                continue
            return noun  # "Clinton, asking ...", "footage of Trump saying ..."
        if tok.dep_ == "relcl":
            return tok.head
        if tok.dep_ in _CLIMB_DEPS and tok.head.i != tok.i:
            tok = tok.head
            continue
        break
    return None


def _nearest_first(verb: Token) -> list[Token]:
    """The verb's children, subjects first: one before the verb before one after it ("...,"
    Jack Buser tells The Hollywood Reporter": not the Reporter), and a place last: with two
    subjects the parse may have taken a fronted phrase for one ("Speaking in Salem, New
    Hampshire, Trump went after Bush, calling him ...": Trump, not New Hampshire)."""
    return sorted(
        verb.children,
        key=lambda c: (c.dep_ not in SUBJECT_DEPS, c.i > verb.i, c.ent_type_ in _PLACE_LABELS),
    )


def addressed(verb: Token) -> bool:
    """ "Trump was asked", "staff were told": a passive verb whose subject was spoken to."""
    return verb.lemma_.lower() in _ADDRESSEE_VERBS and any(
        c.dep_ == "nsubjpass" for c in verb.children
    )


def _agent_of(verb: Token) -> Token | None:
    for agent in (c for c in verb.children if c.dep_ == "agent"):
        for obj in agent.children:
            if obj.dep_ == "pobj":
                return obj
    return None


def claimant(noun: Token) -> Token | None:
    """Whose claim it is: "Stumpf's claim", "the claim by Trump", "a warning from Moscow"."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ in ("by", "from"):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    return None


def _apposition_tokens(subj: Token) -> list[Token]:
    """Tokens of the subject's appositions that may name it: for a name, not those under a
    preposition or clause ("Prince Alwaleed, the nephew of the late King Abdullah": not
    Abdullah); for a description, all ("the minister, Jean Dupont,")."""
    out: list[Token] = []
    for appos in (c for c in subj.children if c.dep_ == "appos"):
        for t in appos.subtree:
            if subj.pos_ == "PROPN":
                path = [a for a in t.ancestors if a.i != appos.i and appos.is_ancestor(a)]
                if any(a.dep_ in _APPOSITION_STOPS for a in [t, *path]):
                    continue
            out.append(t)
    return out


_APPOSITION_STOPS = frozenset({"prep", "relcl", "acl", "pobj"})


def _author_of(document: Token) -> Token | None:
    """Who wrote a document: the agent of "filed by X", or X in "a letter from/by X"."""
    for child in document.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by"):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
        if child.dep_ == "acl":
            for agent in (g for g in child.children if g.dep_ == "agent"):
                objs = [g for g in agent.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
    return None


def _dash_between(subj: Token, verb: Token) -> bool:
    lo, hi = sorted((subj.i, verb.i))
    dashes = sum(t.text in _DASH_TOKENS for t in subj.doc[lo + 1 : hi])
    return dashes % 2 == 1  # a pair of dashes encloses an apposition: "Oz — a surgeon — has"


def _after_comma(cue: Token) -> bool:
    """ "..., saying", "..., while chanting": a participle set off by a comma."""
    if cue.tag_ != "VBG" or cue.i < 2:
        return False
    prev = cue.nbor(-1)
    if prev.lower_ in _PARTICIPLE_MARKS:
        prev = cue.nbor(-2)
    return prev.text == "," or prev.text in _DASH_TOKENS or prev.text == "-"


# Endings of nouns for people in an apposition ("Mehmet Yilmaz, a 67-year-old farmer").
_PERSON_NOUN_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "man", "woman", "person")


def add_missed_speakers(
    doc: Doc, text: str, entities: EntityIndex, subjects: list[Token], quoted: Callable
) -> None:
    """Speakers the NER did not tag become person mentions of the article.

    A proper-noun subject of a reporting verb is a person when it shortens a person of the
    article ("Yilmaz said"), when it is a full name that opens with a common given name or
    carries an apposition for a person ("said Mehmet Yilmaz, a 67-year-old farmer"), or when
    it is a surname whose earlier full name is such a name ("Mayor Ana Ruiz opened ...
    Ruiz said").
    """
    same_word: dict[str, list[int]] = {}  # token indices by text, built on first need
    checked: dict[str, int] = {}  # how many of them are known to introduce no one
    for subj in subjects:
        if subj.pos_ != "PROPN" or subj.i in entities.token_mention or quoted(subj):
            continue
        run = _name_run(doc, subj)
        if not run or any(t.i in entities.token_mention for t in run):
            continue
        start, end = run[0].idx, subj.idx + len(subj.text)
        if entities.resolve_name(text[start:end]) is None:
            if len(run) == 1:
                if not same_word:
                    for tok in doc:
                        same_word.setdefault(tok.text, []).append(tok.i)
                intro = _introduction(doc, entities, subj, quoted, same_word, checked)
                if intro is None:
                    continue
                entities.add_person(
                    text, intro[0].idx, intro[-1].idx + len(intro[-1].text), [t.i for t in intro]
                )
            elif not _full_name(run):
                continue
        entities.add_person(text, start, end, [t.i for t in run])


def _name_run(doc: Doc, head: Token) -> list[Token]:
    """The name ending at ``head``: its proper-noun compounds, titles left out ("Mayor")."""
    names = {t.i for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"}
    first = head.i
    while first - 1 in names:
        first -= 1
    run = list(doc[first : head.i + 1])
    while len(run) > 1 and run[0].lower_.rstrip(".") in TITLE_WORDS:
        run.pop(0)
    return run if all(_name_word(t.text) for t in run) else []


def _full_name(run: list[Token]) -> bool:
    """A given name and a surname, or a name a person-apposition introduces."""
    words = [t.lower_ for t in run]
    if not 2 <= len(run) <= 4 or words[-1] in NOT_PERSON_WORDS:
        return False
    return words[0] in FEMALE_NAMES or words[0] in MALE_NAMES or _person_apposition(run[-1])


def _introduction(
    doc: Doc,
    entities: EntityIndex,
    surname: Token,
    quoted: Callable,
    same_word: dict[str, list[int]],
    checked: dict[str, int],
) -> list[Token] | None:
    """The earlier full name a bare surname speaker was introduced with, if any.

    ``same_word`` holds the indices of the tokens written like each word; the first
    ``checked[word]`` of them introduce no one (a token only ever stops qualifying, as
    mentions are added), so each is looked at once however often the surname speaks.
    """
    positions = same_word.get(surname.text, [])
    k = checked.get(surname.text, 0)
    while k < len(positions) and positions[k] < surname.i:
        tok = doc[positions[k]]
        if tok.i not in entities.token_mention and not quoted(tok):
            run = _name_run(doc, tok)
            if len(run) > 1 and _full_name(run):
                checked[surname.text] = k
                return run
        k += 1
    checked[surname.text] = k
    return None


def _name_word(word: str) -> bool:
    return (
        word[:1].isupper() and word[1:2].islower() and all(c.isalpha() or c in "-'’" for c in word)
    )


def _person_apposition(subj: Token) -> bool:
    for appos in (c for c in subj.children if c.dep_ == "appos"):
        words = [t.lower_ for t in appos.subtree]
        if any(w.endswith("-old") for w in words) or appos.lower_.endswith(_PERSON_NOUN_ENDINGS):
            return True
    return False


class SpeakerNamer:
    """Names speakers of one doc; built once per doc, queried per cue."""

    def __init__(
        self,
        doc: Doc,
        text: str,
        entities: EntityIndex,
        quoted: Callable[[Token], bool],
        paragraph_of: Callable[[int], int],
        speaker_tokens: set[int],
        reported_tokens: set[int],
    ) -> None:
        self.doc = doc
        self.text = text
        self.quoted = quoted
        self.entities = entities
        self.paragraph_of = paragraph_of
        self.genders = _known_genders(text, entities)
        for name, gender in _pronoun_genders(doc, entities, quoted).items():
            self.genders.setdefault(name, gender)
        self.speaker_tokens = speaker_tokens
        # surname mentions kept apart from the article's full name (a relative)
        self.kept = relatives(text, entities, self.genders)
        self.unlisted = _unlisted_full_names(doc, entities)
        # "The suspect, Michael Webb," / "coach Billy Donovan": who a description names
        self.defined = _defined_descriptions(doc, entities, quoted)
        # Person mentions that can be antecedents, with their salience role.
        tokens_of: dict[int, list[int]] = {}
        for tok_i, mention_i in entities.token_mention.items():
            tokens_of.setdefault(mention_i, []).append(tok_i)
        # (mention, role, paragraph, head token)
        self.persons: list[tuple[Mention, int, int, int]] = []
        for i, m in enumerate(entities.mentions):
            toks = sorted(tokens_of.get(i, []))
            if not toks or any(quoted(doc[t]) for t in toks):
                continue
            role = _role(doc, toks, speaker_tokens, reported_tokens)
            if m.label == "ORG":
                # the small model often calls a surname an organisation ("DuVernay said");
                # an ORG that speaks and is written like a name may still be a he or she
                if role != ROLE_SPEAKER or not _name_like(doc, toks):
                    continue
                role -= 1
            elif m.label != "PERSON":
                continue
            self.persons.append((self.own(m), role, paragraph_of(m.start_char), toks[-1]))
        # One-word names with no other evidence of a person ("Bob", a source known by his
        # first name) are people once they speak ("Bob said"): a later "he" may be them.
        starts = {t.idx: t.i for t in doc}
        for c in entities.candidates:
            tok_i = starts.get(c.start_char)
            if tok_i is None or tok_i not in speaker_tokens or quoted(doc[tok_i]):
                continue
            person = dataclasses.replace(c, label="PERSON")
            self.persons.append((person, ROLE_SPEAKER, paragraph_of(c.start_char), tok_i))
        # Surnames the NER missed in subject position ("Trump responded ...").
        for t in doc:
            if (
                (
                    (t.pos_ == "PROPN" and (t.dep_ in SUBJECT_DEPS or t.i in speaker_tokens))
                    or _word_name_before_verb(t)
                )
                and t.i not in entities.token_mention
                and not quoted(t)
            ):
                name = entities.resolve_name(t.text)
                if name is not None:
                    m = Mention(
                        text=t.text,
                        label="PERSON",
                        canonical=name,
                        start_char=t.idx,
                        end_char=t.idx + len(t.text),
                    )
                    role = _role(doc, [t.i], speaker_tokens, reported_tokens)
                    self.persons.append((m, role, paragraph_of(t.idx), t.i))
        self.persons.sort(key=lambda item: item[0].start_char)
        # he/she subjects outside quotes, resolved in text order as later pronouns need them:
        # the person the last one stood for is a candidate's feature ("He lambasted the deal
        # negotiated by Obama. He pledged ...": the second "he" goes on from the first)
        self.subject_pronouns = [
            t
            for t in doc
            if t.lower_ in ("he", "she")
            and (t.i in speaker_tokens or (t.dep_ in SUBJECT_DEPS and t.head.dep_ in _MAIN_DEPS))
            and not quoted(t)
        ]
        self.resolved = 0  # how many of them are resolved
        self.chain: list[tuple[int, str, str]] = []  # (start, gender, person) resolved
        self.tok_starts = [t.idx for t in doc]
        self.sent_of = [0] * len(doc)
        for n, sent in enumerate(doc.sents):
            self.sent_of[sent.start : sent.end] = [n] * (sent.end - sent.start)

    def own(self, m: Mention) -> Mention:
        """The mention under the name it keeps when it is not the article's full name."""
        name = self.kept.get(m.start_char)
        if name is None and m.label == "PERSON":
            name = self.unlisted.get(m.canonical)  # "Parise" when the NER missed Zach Parise
        return m if name is None else dataclasses.replace(m, canonical=name)

    def speaker_of(self, cue: Token) -> tuple[str | None, str | None]:
        if cue.tag_ == "VBG" and cue.i > 0 and cue.lower_ != "according":
            # "footage of Clinton asking, ...", "Trump saying during the debate, ..."
            # ("..., on Twitter, saying" modifies the clause, not Twitter)
            comma = cue.nbor(-1).text == "," and cue.i >= 2
            prev = cue.nbor(-2) if comma else cue.nbor(-1)
            m = self.entities.mention_at(prev.i)
            if (
                m is not None
                and m.label == "PERSON"
                and not self.quoted(prev)
                and not (comma and prev.dep_ in ("pobj", "dobj", "dative", "appos"))
                and not (prev.dep_ == "pobj" and prev.head.lower_ in _RECIPIENT_PREPS)
            ):
                return self.own(m).canonical, m.label
        subj = subject_of(cue, self.quoted)
        if subj is None and addressed(cue):
            return None, None  # "Trump was asked, ...": not Trump, and no one else named
        if subj is None or (subj.pos_ in ("ADJ", "ADV", "NUM", "SCONJ") and not _aged(subj)):
            return self._nearby_name(cue)  # no subject, or a parse error ("public boasted")
        name, label = self.name_of(subj)
        if name is not None and name.endswith(" " + cue.text):
            name = name[: -len(cue.text) - 1]  # "Teresa Nielsen Hayden explained": the NER's span
        return name, label

    def _nearby_name(self, cue: Token) -> tuple[str | None, str | None]:
        """When the parse gives no subject: ``Said Ellis:`` (a name right after the cue) or
        the first person or organisation opening the cue's sentence."""
        ents = self.entities
        sent = cue.sent
        after = [t for t in sent[cue.i - sent.start + 1 :][:3]]
        before = [t for t in reversed(sent[: cue.i - sent.start])]  # nearest first
        near = [t for t in (after[:1] + before[:1]) if t.i == cue.i + 1 or t.i == cue.i - 1]
        for t in near:  # "says Early", "Early says" with "Early" taken for an adverb
            if t.text[:1].isupper() and t.i != sent.start and not self.quoted(t):
                known = ents.resolve_name(t.text)
                if known is not None and ents.mention_at(t.i) is None:
                    return known, "PERSON"
        for t in [*after, *before]:
            m = ents.mention_at(t.i)
            if m is None or m.label not in ("PERSON", "ORG") or self.quoted(t):
                continue
            if (
                t.dep_ in ("dobj", "dative")
                and t.head.i == cue.i
                and cue.lemma_.lower() in _ADDRESSEE_VERBS
            ):
                continue  # '"...," Lopez, 61, told AFP': AFP was told ('added Gowdy' speaks)
            if (
                t.dep_ in ("compound", "poss", "amod", "nmod")
                and ents.mention_at(t.head.i) is not m
            ):
                continue  # "a top Trump surrogate": Trump modifies, it does not speak
            return self.own(m).canonical, m.label
        for t in before:  # '"...," Lopez, 61, told AFP', "Lopez" untagged (and an adjective)
            if t.text[:1].isupper() and t.dep_ not in ("compound", "poss") and not self.quoted(t):
                known = ents.resolve_name(t.text)
                if known is not None:
                    return known, "PERSON"
        return None, None

    def name_of(self, subj: Token) -> tuple[str | None, str | None]:
        """The speaker's name; joint speakers ("Obama and Clinton call them ...") are joined
        with "and" when each of them is named."""
        name, label = self._name_one(subj)
        partners = [c for c in subj.children if c.dep_ == "conj"]
        if not any(c.dep_ == "cc" for c in subj.children):
            partners = []  # "Mayer, Disney's chairman, said": an apposition, not two speakers
        if name is None or not partners or label not in ("PERSON", "ORG", "GPE", "NORP"):
            return name, label
        names = [name]
        for partner in partners:
            other, other_label = self._name_one(partner)
            named = self.entities.mention_at(partner.i) is not None
            if not named or other is None or other_label not in ("PERSON", "ORG", "GPE", "NORP"):
                return name, label  # "Trump and his aides": keep the named one
            if other not in names:
                names.append(other)
        return " and ".join(names), label

    def _name_one(self, subj: Token) -> tuple[str | None, str | None]:
        ents = self.entities
        low = subj.lower_
        if subj.pos_ == "PRON" or low in _MALE or low in _FEMALE:
            if low in ("he", "she", "his", "him", "her"):
                return self.resolve_pronoun(subj.idx, "m" if low in _MALE else "f", "pronoun")
            if low == "they" and not self.quoted(subj):
                group = self._group_antecedent(subj)
                if group is not None:
                    name, label = self.name_of(group)
                    if label != "PERSON" or (name and " and " in name):
                        return name, label  # "they" for one of two people is no one
            if low == "it" and not self.quoted(subj) and subj.head.lemma_.lower() in SPEECH_VERBS:
                return self._organisation_before(subj.idx)
            return None, "PRON"
        if low in DOCUMENT_NOUNS:
            author = _author_of(subj)  # "a complaint filed by the SEC", "a letter from X"
            if author is not None and ents.mention_at(author.i) is not None:
                return self._name_one(author)
        parsed_apart = self._name_parsed_apart(subj)
        if parsed_apart is not None:
            return self.own(parsed_apart).canonical, "PERSON"
        # a name in the subject itself or in an apposition ("the minister, Jean Dupont,")
        best: tuple[float, Mention] | None = None
        names = [subj, *_apposition_tokens(subj)]
        # "the Trump campaign" speaks for Trump; "a Minnesota man" is not Minnesota, nor
        # are "Sanders supporters" Sanders
        names += [
            c
            for c in subj.children
            if c.dep_ == "compound"
            and not (
                subj.pos_ == "NOUN"
                and getattr(ents.mention_at(c.i), "label", None) in _PLACE_LABELS
            )
            and subj.lemma_.lower() not in FOLLOWER_NOUNS
        ]
        names += _titled_partner(subj, ents)
        names += self._apposition_parsed_apart(subj)
        for tok in names:
            m = ents.mention_at(tok.i)
            if m is None:
                continue
            rank = _LABEL_RANK.get(m.label, 4) - (tok.i == subj.i)
            if best is None or rank < best[0]:
                best = (rank, m)
        if (
            best is None
            and subj.pos_ == "NOUN"
            and subj.text[:1].isupper()
            and not any(c.dep_ in ("det", "compound", "amod") for c in subj.children)
        ):
            known = ents.resolve_name(subj.text)  # "Sanders delivered a retort" ("Sanders" a noun)
            if known is not None:
                return known, "PERSON"
        if subj.pos_ == "PROPN":
            run = [t for t in subj.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [subj]
            surface = self.text[run[0].idx : subj.idx + len(subj.text)]
            resolved = ents.resolve_name(surface) or self.unlisted.get(surface)
            if resolved and (best is None or best[1].label not in _LABEL_RANK):
                return resolved, "PERSON"  # "the 14th-ranked Schwartzman" taken for a product
        if best is not None and subj.pos_ == "PROPN":
            named = self._person_mislabelled(best[1], surface)
            if named is not None:
                return named, "PERSON"
        if best is not None:
            return self.own(best[1]).canonical, best[1].label
        if subj.pos_ == "PROPN" and surface[:1].isupper():
            return surface, "PROPN"  # ("commerce ministry" is a description, not a name)
        antecedent = self._definite_antecedent(subj)
        if antecedent is not None:
            return antecedent
        return self._description(subj), "NOUN"

    def _apposition_parsed_apart(self, subj: Token) -> list[Token]:
        """ "According to his aunt, Jane Starner, ...": the name set off by commas right
        after a description, when the parser did not make it the apposition (a name that is
        the subject or object of a clause of its own is someone else)."""
        doc, j = self.doc, subj.i + 2
        if subj.pos_ != "NOUN" or j >= len(doc) or doc[subj.i + 1].text != ",":
            return []
        m = self.entities.mention_at(j)
        if m is None or m.label != "PERSON" or m.start_char != doc[j].idx or self.quoted(doc[j]):
            return []
        last = doc[self._token_at(m.end_char - 1)]
        if last.i + 1 >= len(doc) or doc[last.i + 1].text != ",":
            return []
        if last.dep_ in (*SUBJECT_DEPS, "dobj", "dative", "pobj", "conj"):
            return []
        return [doc[j]]

    def _person_mislabelled(self, m: Mention, surface: str) -> str | None:
        """A person inside a span the NER took for a work or a product ("Twitter's Adam
        Sharp said"): a first name and a surname, the subject's own words."""
        if m.label in _LABEL_RANK:
            return None
        name = re.split(r"['’]s\s+", m.text)[-1].strip()
        words = name.split()
        if not 2 <= len(words) <= 3 or not all(_name_word(w) for w in words):
            return None
        if name_gender(name) is None or not name.endswith(surface):
            return None
        return self.entities.resolve_name(name) or name

    def _name_parsed_apart(self, subj: Token) -> Mention | None:
        """The person a misparsed subject stands next to: a title run the parser made the
        subject ("said Navy Capt. Jeff Davis", subject "Capt"), or a description after the
        name it describes ("Deborah Tamargo, the chairwoman of ..., recalled", subject
        "chairwoman")."""
        doc, ents = self.doc, self.entities
        own = ents.mention_at(subj.i)
        title = subj.lower_.rstrip(".") in TITLE_WORDS
        if own is not None and own.label == "PERSON" and not title:
            return None  # ("Army Sgt" may be taken for a person: a title is not one)
        if subj.pos_ == "PROPN" or title:
            j = subj.i + 1
            while j < len(doc) and (doc[j].text == "." or doc[j].lower_.rstrip(".") in TITLE_WORDS):
                j += 1
            m = ents.mention_at(j) if j < len(doc) else None
            if m is not None and m.label == "PERSON" and m.start_char == doc[j].idx:
                return m
        if subj.pos_ == "NOUN" and any(c.dep_ == "det" for c in subj.children):
            first = subj.left_edge.i
            if first >= 2 and doc[first - 1].text == ",":
                name = doc[first - 2]
                m = ents.mention_at(name.i)
                if (
                    m is not None
                    and m.label == "PERSON"
                    and name.head.i in (subj.i, subj.head.i)
                    and name.dep_ not in ("dobj", "pobj", "dative", *SUBJECT_DEPS)
                    and not self.quoted(name)
                ):
                    return m
        return None

    def _definite_antecedent(self, subj: Token) -> tuple[str, str] | None:
        """Who "the company" or "the 56-year-old" is: the name the article gave that
        description earlier ("The suspect, Michael Webb, ..."), else the nearest earlier
        organisation, or the most salient earlier person. Only bare singular descriptions
        ("the chief of X" or "a spokesman" may be someone else)."""
        defined = self._defined_before(subj)
        if defined is not None:
            return defined
        if not (subj.tag_ == "NN" or _aged(subj)) or not any(
            c.dep_ == "det" and c.lower_ in ("the", "this") for c in subj.children
        ):
            return None
        if any(c.dep_ in ("poss", "prep", "appos", "relcl", "acl") for c in subj.children):
            return None
        lemma = subj.lemma_.lower()
        if lemma in ORG_NOUNS:
            return self._company_before(subj)
        if lemma in PERSON_NOUNS or _aged(subj):
            name, label = self.resolve_pronoun(subj.idx, None, "description")
            return (name, label) if name is not None and label == "PERSON" else None
        return None

    def _defined_before(self, subj: Token) -> tuple[str, str] | None:
        """The one name the article gave this description before (``the doctors`` after
        ``The doctors, members of ... Doctors for Camp Closure``); None when it named several
        or when the description is someone's ("his lawyer") or indefinite."""
        if subj.pos_ != "NOUN" or not _definite(subj):
            return None
        earlier = {
            (name, label)
            for at, (name, label, tag) in self.defined.get(description_key(subj), {}).items()
            if tag == subj.tag_  # "the physicians" are not one physician
        }
        return earlier.pop() if len(earlier) == 1 else None

    def _company_before(self, noun: Token) -> tuple[str, str] | None:
        """Who "the company" is: the nearest earlier organisation that spoke (the company a
        story reports is the one saying things: ``Viacom said it received offers from MCV
        Holdings ... The company said ...`` is Viacom), or the same noun that spoke as "a
        group of ..." after it (``A group of investment firms said ... the group said``),
        else the nearest organisation named."""
        at_char = noun.idx
        para = self.paragraph_of(at_char)
        nearest = spoke = None
        for m in reversed(self.entities.mentions):
            if m.start_char >= at_char or m.label != "ORG":
                continue
            if para - self.paragraph_of(m.start_char) > MAX_PARAGRAPHS_BACK:
                break
            if nearest is None:
                nearest = m
            if self._speaks(m):
                spoke = m
                break
        same = self._same_noun_spoke(noun, spoke.end_char if spoke is not None else 0)
        if same is not None:
            return same
        if spoke is not None:
            return spoke.canonical, "ORG"
        return (nearest.canonical, "ORG") if nearest is not None else None

    def _same_noun_spoke(self, noun: Token, after: int) -> tuple[str, str] | None:
        """ "A group of affiliated investment firms ... said": the description that spoke
        with an indefinite article before ``noun`` (after char ``after``, in range)."""
        para = self.paragraph_of(noun.idx)
        for i in sorted(self.speaker_tokens, reverse=True):
            tok = self.doc[i]
            if tok.i >= noun.i:
                continue
            if tok.idx < after or para - self.paragraph_of(tok.idx) > MAX_PARAGRAPHS_BACK:
                return None
            if tok.dep_ == "appos":
                continue  # "the Aspen Institute, a private group, said": the name speaks
            if tok.lemma_.lower() == noun.lemma_.lower() and any(
                c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children
            ):
                name, label = self.name_of(tok)
                return (name, label) if name is not None and label is not None else None
        return None

    def _speaks(self, m: Mention) -> bool:
        """The mention is the speaker of a reporting verb, outside quotation marks."""
        if self.quoted(self.doc[self._token_at(m.start_char)]):
            return False
        return self._token_at(m.end_char - 1) in self.speaker_tokens

    def _organisation_before(self, at_char: int) -> tuple[str | None, str | None]:
        """What "it said" stands for: the organisation last named as a subject or speaker
        in this or the previous paragraph, or last spoken of as "the company" there, or the
        document that spoke last ("the report says"; none when it was only an object: a
        wrong name is worse than none)."""
        para = self.paragraph_of(at_char)
        i = self._token_at(at_char) - 1
        while i >= 0 and para - self.paragraph_of(self.doc[i].idx) <= 1:
            tok = self.doc[i]
            i -= 1
            if self.quoted(tok) or not (tok.dep_ in SUBJECT_DEPS or tok.i in self.speaker_tokens):
                continue
            m = self.entities.mention_at(tok.i)
            if m is not None:
                if m.label == "ORG" and self._token_at(m.end_char - 1) == tok.i:
                    return m.canonical, "ORG"
                continue
            if tok.lemma_.lower() in ORG_NOUNS and tok.i in self.speaker_tokens:
                company = self._definite_antecedent(tok)  # "The company said ..."
                if company is not None:
                    return company
            if (
                tok.lemma_.lower() in DOCUMENT_NOUNS
                and tok.tag_ == "NN"
                and tok.i in self.speaker_tokens
                and _definite(tok)
            ):
                return self.name_of(tok)  # "the report says ... It says": the report
        return None, "PRON"

    def _group_antecedent(self, they: Token) -> Token | None:
        """What "they" stands for: the nearest earlier subject or speaker in this or the
        previous sentence of the paragraph that names a group of people: an organisation
        or nationality, a collective noun ("the campaign"), a plural noun for people ("the
        researchers"), or named people joined by "and" ("Dale Ford and Martha Fry"); not a
        plural thing ("wages"): a wrong group is worse than none. The first sentence of a
        paragraph may go on from the last one of the paragraph before."""
        sent = they.sent
        start = sent.start
        if start > 0:
            prev = self.doc[start - 1].sent
            para = self.paragraph_of(they.idx)
            if self.paragraph_of(prev.start_char) == para:
                start = prev.start
            elif self.paragraph_of(prev.start_char) == para - 1:
                start = prev.start  # "X and Y said ... ¶ They said ...": a paragraph going on
        for tok in reversed(self.doc[start : they.i]):
            if tok.pos_ not in ("NOUN", "PROPN") or self.quoted(tok):
                continue
            if tok.dep_ not in SUBJECT_DEPS and tok.i not in self.speaker_tokens:
                continue
            m = self.entities.mention_at(tok.i)
            if (
                (m is not None and m.label in ("ORG", "NORP"))
                or tok.lemma_.lower() in COLLECTIVE_NOUNS
                or (tok.tag_ == "NNS" and _people_noun(tok.lemma_.lower()))
                or (m is not None and m.label == "PERSON" and self._joint_people(tok))
            ):
                return tok
        return None

    def _joint_people(self, tok: Token) -> bool:
        """ "Dale Ford and Martha Fry": named people joined by a conjunction."""
        partners = [c for c in tok.children if c.dep_ == "conj"]
        return (
            bool(partners)
            and any(c.dep_ == "cc" for c in tok.children)
            and all(
                getattr(self.entities.mention_at(c.i), "label", None) == "PERSON" for c in partners
            )
        )

    def _description(self, subj: Token) -> str | None:
        """ "Kerry's aides", "a spokesman for the ministry": the noun phrase up to its head
        plus prepositional modifiers, without relative clauses or appositions."""
        toks = [t for left in subj.lefts for t in left.subtree] + [subj]
        for right in subj.rights:
            if right.dep_ not in ("prep", "compound") or right.i > subj.i + 6:
                break
            toks.extend(right.subtree)
        toks = [t for t in toks if not t.is_punct]
        if not toks:
            return None
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        owner = toks[0] if toks[0].lower_ in ("his", "her") and toks[0].dep_ == "poss" else None
        if owner is not None and len(toks) > 1:
            # "his aides" -> "Bobby Scott's aides": say whose
            name, label = self.resolve_pronoun(owner.idx, "m" if owner.lower_ == "his" else "f")
            if name is not None and label == "PERSON":
                return f"{name}'s {self.text[owner.idx + len(owner.text) : end].lstrip()}"
        return self.text[start:end]

    def resolve_pronoun(
        self, at_char: int, gender: str | None, kind: str | None = None
    ) -> tuple[str | None, str | None]:
        """The earlier person a pronoun or description at ``at_char`` stands for (of
        ``gender`` when given): the ranker's pick among the people of the last paragraphs,
        else the most salient one (role minus paragraph distance, then recency). ``kind``
        ("pronoun", "description") marks the choices training learns from."""
        self._resolve_chain(at_char)
        para = self.paragraph_of(at_char)
        if gender is not None and kind != "description":
            kept = self._subject_goes_on(at_char, gender)
            if kept is not None:
                return kept, "PERSON"
        window: list[tuple[int, Mention, int, int, int]] = []
        for order, (m, role, m_para, tok) in enumerate(self.persons):
            if m.start_char >= at_char:
                break
            if para - m_para > RANKER_PARAGRAPHS_BACK:
                continue
            known = self.genders.get(m.canonical)
            if known is not None and gender is not None and known != gender:
                continue
            window.append((order, m, role, para - m_para, tok))
        best: tuple[float, int, Mention] | None = None
        for order, m, role, distance, _ in window:
            if distance > MAX_PARAGRAPHS_BACK:
                continue
            score = role - distance
            if best is None or (score, order) >= (best[0], best[1]):
                best = (score, order, m)
        rule = best[2].canonical if best is not None else None
        ranker = speaker_ranker.active()
        if window and (ranker is not None or (kind and speaker_ranker.recording_on())):
            candidates = self._candidates(at_char, gender, window, rule, kind == "description")
            if kind:
                speaker_ranker.record(speaker_ranker.Instance(at_char, candidates))
            if ranker is not None:
                # ties go to the nearer candidate (candidates are nearest first)
                pick = max(reversed(candidates), key=lambda c: ranker.score(c[1]))
                return pick[0], "PERSON"
        if rule is None:
            return None, "PRON"
        return rule, "PERSON"

    def _subject_goes_on(self, at_char: int, gender: str) -> str | None:
        """The person a he (she) of the sentence just before stood for, when that was the
        subject of its own clause and no one else has been a subject or speaker since ("He
        attacked the deal signed by Governor Brandt. He pledged ...": still the first he)."""
        here = self.sent_of[self._token_at(at_char)]
        for start, sex, name in reversed(self.chain):
            if start >= at_char:
                continue
            if sex != gender or here - self.sent_of[self._token_at(start)] > 1:
                return None
            for m, role, _, _ in self.persons:
                if start < m.start_char < at_char and role >= ROLE_SUBJECT and m.canonical != name:
                    return None
            return name
        return None

    def _resolve_chain(self, at_char: int) -> None:
        """Resolve the subject pronouns before ``at_char`` not resolved yet, in text order
        (each sees the ones before it, so no call goes deeper than one level)."""
        pronouns = self.subject_pronouns
        while self.resolved < len(pronouns) and pronouns[self.resolved].idx < at_char:
            t = pronouns[self.resolved]
            self.resolved += 1
            gender = "m" if t.lower_ == "he" else "f"
            name, label = self.resolve_pronoun(t.idx, gender)
            if name is None or label != "PERSON":
                continue
            self.chain.append((t.idx, gender, name))

    def _candidates(
        self,
        at_char: int,
        gender: str | None,
        window: list[tuple[int, Mention, int, int, int]],
        rule: str | None,
        description: bool,
    ) -> list[tuple[str, dict[str, float]]]:
        """One candidate a person, nearest first, with the ranker's features."""
        here = self._token_at(at_char)
        here_sent = self.sent_of[here]
        entries: dict[str, list[tuple[int, Mention, int, int, int]]] = {}
        for entry in reversed(window):  # nearest first
            entries.setdefault(entry[1].canonical, []).append(entry)
        latest_speaker = next(
            (e[1].canonical for e in reversed(window) if e[2] == ROLE_SPEAKER), None
        )
        recent_subject = next(
            (e[1].canonical for e in reversed(window) if e[2] >= ROLE_SUBJECT), None
        )
        before: dict[str, int] = {}
        total: dict[str, int] = {}
        for m, _, _, _ in self.persons:
            total[m.canonical] = total.get(m.canonical, 0) + 1
            if m.start_char < at_char:
                before[m.canonical] = before.get(m.canonical, 0) + 1
        first = self.persons[0][0].canonical if self.persons else None
        para = self.paragraph_of(at_char)
        chained, chained_at = next(
            (
                (name, start)
                for start, sex, name in reversed(self.chain)
                if start < at_char
                and (gender is None or sex == gender)
                and para - self.paragraph_of(start) <= RANKER_PARAGRAPHS_BACK
            ),
            (None, -1),
        )
        if any(
            e[1].start_char > chained_at and e[2] >= ROLE_SUBJECT and e[1].canonical != chained
            for e in window
        ):
            chained = None  # someone else became the subject since that pronoun
        out: list[tuple[str, dict[str, float]]] = []
        for rank, (name, items) in enumerate(entries.items()):
            _, m, role, distance, tok = items[0]
            best_role = max(e[2] for e in items)
            sent_gap = here_sent - self.sent_of[tok]
            known = self.genders.get(name)
            f = {
                "near_speaker": float(role == ROLE_SPEAKER),
                "near_subject": float(role == ROLE_SUBJECT),
                "near_other": float(role == ROLE_OTHER),
                "near_modifier": float(role == ROLE_MODIFIER),
                "best_speaker": float(best_role == ROLE_SPEAKER),
                "best_subject": float(best_role == ROLE_SUBJECT),
                "para_0": float(distance == 0),
                "para_1": float(distance == 1),
                "para_2": float(distance == 2),
                "para_far": float(distance > 2),
                "same_sentence": float(sent_gap == 0),
                "prev_sentence": float(sent_gap == 1),
                "sentence_2": float(sent_gap == 2),
                "sentence_far": float(sent_gap > 2),
                "recent_subject": float(name == recent_subject),
                "log_mentions_all": speaker_ranker.log1p(total.get(name, 0)),
                "speaker_here": float(any(e[2] == ROLE_SPEAKER and e[3] == 0 for e in items)),
                "log_tokens": speaker_ranker.log1p(here - tok) / 5.0,
                "recency_0": float(rank == 0),
                "recency_1": float(rank == 1),
                "latest_speaker": float(name == latest_speaker),
                "log_mentions": speaker_ranker.log1p(len(items)),
                "log_mentions_before": speaker_ranker.log1p(before.get(name, 0)),
                "first_person": float(name == first),
                "full_name": float(" " in name),
                "gender_match": float(gender is not None and known == gender),
                "gender_unknown": float(gender is None or known is None),
                "org_label": float(m.label == "ORG"),
                "salience_best": float(name == rule),
                "description": float(description),
                "pronoun_chain": float(name == chained),
            }
            out.append((name, f))
        return out

    def _token_at(self, char: int) -> int:
        return max(0, bisect.bisect_right(self.tok_starts, char) - 1)


_DEFINING_DEPS = frozenset({"appos", "compound"})


def _defined_descriptions(
    doc: Doc, entities: EntityIndex, quoted: Callable[[Token], bool]
) -> dict[str, dict[int, tuple[str, str, str]]]:
    """Descriptions the article ties to a name: ``The suspect, Michael Webb,``, ``Michael
    Reed, the company's CEO``, ``coach Billy Donovan``, ``the group, WeWorkers Coalition``,
    ``The doctors, members of a group Doctors for Camp Closure,``. Maps each description
    (``description_key``) to {token index: (name, label, tag)}."""
    found: dict[str, dict[int, tuple[str, str, str]]] = {}

    def named(tok: Token) -> Mention | None:
        m = entities.mention_at(tok.i)
        return m if m is not None and m.label in ("PERSON", "ORG") else None

    for tok in doc:
        if tok.pos_ != "NOUN" or quoted(tok) or named(tok) is not None or not _definite(tok):
            continue  # "John Williams, president of the Fed" does not make him "the president"
        name: tuple[str, str] | None = None
        if tok.dep_ in _DEFINING_DEPS and tok.head.pos_ == "PROPN":
            m = named(tok.head)  # "Michael Reed, the CEO", "coach Billy Donovan"
            name = (m.canonical, m.label) if m is not None else None
        for child in tok.children:
            if name is not None:
                break
            if child.dep_ == "appos":
                m = next((n for t in child.subtree if (n := named(t)) is not None), None)
                if m is not None:
                    name = (m.canonical, m.label)  # "The suspect, Michael Webb,"
                elif tok.tag_ == "NNS":  # a group the NER missed: "Doctors for Camp Closure"
                    run = _capitalised_run([t for t in child.subtree if t.i != child.i])
                    name = (run, "ORG") if run else None
        if name is not None:
            found.setdefault(description_key(tok), {})[tok.i] = (*name, tok.tag_)
    return found


_NAME_LINKS = frozenset({"for", "of", "and", "the", "on"})


def _capitalised_run(tokens: list[Token]) -> str | None:
    """The longest run of capitalised words (with "for", "of" ... inside) of at least two
    capitalised words: an organisation's name the NER did not tag."""
    runs: list[list[Token]] = [[]]
    for t in tokens:
        capital = t.text[:1].isupper() and t.is_alpha
        if capital or (runs[-1] and t.lower_ in _NAME_LINKS):
            runs[-1].append(t)
        elif runs[-1]:
            runs.append([])
    best: list[Token] = []
    for run in runs:
        while run and run[-1].lower_ in _NAME_LINKS:
            run.pop()
        if sum(w.text[:1].isupper() for w in run) >= 2 and len(run) > len(best):
            best = run
    if not best:
        return None
    return best[0].doc.text[best[0].idx : best[-1].idx + len(best[-1].text)]


_KEY_SKIP_DEPS = frozenset({"appos", "relcl", "acl", "det", "punct", "cc", "conj"})


def description_key(noun: Token) -> str:
    """A description without its article, apposition and clauses, its head as a lemma:
    "the president of the Fed" -> "president of the fed" (not "president")."""
    skip: set[int] = set()
    for child in noun.children:
        if child.dep_ in _KEY_SKIP_DEPS:
            skip.update(t.i for t in child.subtree)
    words = [
        noun.lemma_.lower() if t.i == noun.i else t.lower_
        for t in noun.subtree
        if t.i not in skip and not t.is_space
    ]
    return " ".join(words)


def _definite(noun: Token) -> bool:
    """'the suspect', 'this group', 'China's ambassador': a description that picks one out
    (not 'a physician', 'his lawyer')."""
    return any(
        (c.dep_ == "det" and c.lower_ in ("the", "this"))
        or (c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN"))
        for c in noun.children
    )


# Plural nouns for people that "they" may stand for, besides nouns for people by their ending.
PEOPLE_NOUNS = word_set(
    """
    official people democrat republican critic expert analyst lawmaker resident police
    doctor physician scientist staffer aide parent student victim activist protester
    advocate economist investor executive member citizen immigrant migrant refugee
    source friend millennial
    """
)
# Plural things that end like nouns for people ("papers", "numbers").
_NOT_PEOPLE = word_set(
    """
    paper number letter order power matter water answer border computer chapter quarter
    filter meter layer corner center centre barrier character factor sector indicator
    """
)


def _people_noun(lemma: str) -> bool:
    """Whether a noun names people ("researchers", "officials"), not things ("wages")."""
    if lemma in PEOPLE_NOUNS:
        return True
    return lemma.endswith(_PERSON_NOUN_ENDINGS) and not (
        lemma.endswith("ment") or lemma in _NOT_PEOPLE
    )


def _titled_partner(subj: Token, entities: EntityIndex) -> list[Token]:
    """``Early retiree and self-made millionaire Grant Sabatier suggests``: a bare title
    joined by "and" to a titled name is one person described twice, that name."""
    if subj.tag_ != "NN" or any(c.dep_ in ("det", "poss") for c in subj.children):
        return []
    return [
        c
        for c in subj.children
        if c.dep_ == "conj"
        and getattr(entities.mention_at(c.i), "label", None) == "PERSON"
        and any(g.dep_ == "compound" and g.pos_ == "NOUN" for g in c.subtree)
    ]


def _word_name_before_verb(tok: Token) -> bool:
    """A capitalised word inside a sentence right before a verb of saying, whatever the
    parser took it for ("..., Early says there is ...")."""
    return (
        tok.text[:1].isupper()
        and tok.i != tok.sent.start
        and tok.i + 1 < len(tok.doc)
        and tok.nbor(1).lemma_.lower() in SPEECH_VERBS
        and tok.nbor(1).tag_.startswith("VB")
    )


def _aged(tok: Token) -> bool:
    """ "the 56-year-old": an age standing for a person (parsed as the adjective "old")."""
    return tok.lower_ == "old" and tok.i > 0 and tok.nbor(-1).text == "-"


def _role(doc: Doc, toks: list[int], speakers: set[int], reported: set[int]) -> int:
    head = doc[toks[-1]]
    if _word_name_before_verb(head) and not any(
        c.dep_ in SUBJECT_DEPS for c in head.nbor(1).children
    ):
        return ROLE_SPEAKER  # "..., Early says ...": the speaker the parser took for an adverb
    if any(t in reported for t in toks):
        # inside what someone else reports ("X said Clinton doesn't show ..."): less salient
        # than the reporter, even when it is the subject of a verb of its own
        return ROLE_OTHER if head.dep_ in SUBJECT_DEPS or speakers & set(toks) else ROLE_MODIFIER
    if any(t in speakers for t in toks):
        return ROLE_SPEAKER
    if head.dep_ in SUBJECT_DEPS or _opens_sentence(doc, toks[0], toks[-1]):
        return ROLE_SUBJECT
    if any(c.dep_ == "appos" for c in head.children):
        return ROLE_SUBJECT  # "Henry Crespo, president of the caucus": introduced to be quoted
    if head.dep_ in ("poss", "compound", "nmod", "amod"):
        return ROLE_MODIFIER
    return ROLE_OTHER


def _name_like(doc: Doc, toks: list[int]) -> bool:
    """Written like a person's name: capitalised proper nouns, no article in front ("the
    Intelligencer" is a newspaper)."""
    words = [doc[t] for t in toks]
    first = words[0] if words else None
    if first is not None and first.i > 0 and doc[first.i - 1].lower_ == "the":
        return False
    return len(words) <= 3 and all(
        w.pos_ == "PROPN" and w.text[:1].isupper() and not w.text.isupper() for w in words
    )


def _opens_sentence(doc: Doc, first: int, last: int) -> bool:
    """A name opening its sentence and not a possessive: subject-like even when the parser
    mislabels it ("Scott bristles at ..." parsed as a compound noun)."""
    lead = 0
    for t in doc[doc[first].sent.start : first]:
        if t.is_punct or t.is_space:
            continue
        lead += 1
        if lead > 3 or t.pos_ not in ("DET", "PROPN"):
            return False
    nxt = doc[last + 1] if last + 1 < len(doc) else None
    return not (nxt is not None and nxt.tag_ == "POS")


def _known_genders(text: str, entities: EntityIndex) -> dict[str, str]:
    """Gender of a person cluster when a title says it ("Mrs. Clinton"), else when its first
    name usually does ("Melanie")."""
    genders: dict[str, str] = {}
    for m in entities.mentions:
        if m.label != "PERSON":
            continue
        before = text[max(0, m.start_char - 6) : m.start_char].strip().lower().split()
        words = [before[-1] if before else "", *m.text.lower().split()[:1]]
        for w in words:
            if w in _MALE_TITLES:
                genders.setdefault(m.canonical, "m")
            elif w in _FEMALE_TITLES:
                genders.setdefault(m.canonical, "f")
    for m in entities.mentions:
        if m.label == "PERSON" and m.canonical not in genders:
            gender = name_gender(m.canonical)
            if gender is not None:
                genders[m.canonical] = gender
    return genders


_PRONOUN_VOTES = 2  # sentences of one person and one sex of pronoun that settle a gender


def _pronoun_genders(
    doc: Doc, entities: EntityIndex, quoted: Callable[[Token], bool]
) -> dict[str, str]:
    """Gender of a person by the article's own pronouns: sentences (outside quotes) whose
    subjects are one person and he (or she) only ("Lewandowski said he ..."), when at least
    two agree and none disagrees. Objects and possessives do not count: "Matthesen found
    him" is about someone else."""
    votes: dict[str, list[int]] = {}
    for sent in doc.sents:
        people: set[str] = set()
        sexes: set[str] = set()
        for t in sent:
            if t.dep_ not in SUBJECT_DEPS or quoted(t):
                continue
            low = t.lower_
            if low in ("he", "she"):
                sexes.add(low)
            elif (i := entities.token_mention.get(t.i)) is not None:
                m = entities.mentions[i]
                people.add(m.canonical if m.label == "PERSON" else "")
        if len(people) == 1 and len(sexes) == 1 and "" not in people:
            count = votes.setdefault(people.pop(), [0, 0])
            count[sexes.pop() == "she"] += 1
    out: dict[str, str] = {}
    for name, (male, female) in votes.items():
        if male >= _PRONOUN_VOTES and not female:
            out[name] = "m"
        elif female >= _PRONOUN_VOTES and not male:
            out[name] = "f"
    return out


# Titles that say only a person's sex, not who they are.
_GENDER_TITLES = _MALE_TITLES | _FEMALE_TITLES | {"mx", "dr", "dr.", "former", "late", "then"}
_TITLE_LOOKBACK = 6  # words before a full name where its titles stand ("former Secretary of State")


def relatives(text: str, entities: EntityIndex, genders: dict[str, str]) -> dict[int, str]:
    """Bare-surname mentions that must not take the article's full name: "Vice President
    Biden" in an article whose only full name is Hunter Biden. A role title the full name
    never carries, a sex title that contradicts it, or another initial blocks the link.
    Returns the start of each such mention and the name it keeps (the surname)."""
    full_titles: dict[str, set[str]] = {}
    for m in entities.mentions:
        if m.label == "PERSON" and len(strip_titles(m.text).split()) >= 2:
            words = _words_before(text, m.start_char, _TITLE_LOOKBACK) + m.text.lower().split()
            full_titles.setdefault(m.canonical, set()).update(
                w for w in (w.rstrip(".,") for w in words) if w in TITLE_WORDS
            )
    kept: dict[int, str] = {}
    last_kept: dict[str, bool] = {}  # a later bare surname is the one named last
    for m in entities.mentions:
        full = m.canonical.split()
        own = strip_titles(clean_surface(m.text)).split()
        if m.label != "PERSON" or len(full) < 2 or not own or own[-1] != full[-1]:
            continue
        if len(own) >= 2 and own[0] == full[0]:
            last_kept[full[-1]] = False
            continue
        if len(own) == 2 and len(own[0].rstrip(".")) == 1 and own[0][0] != full[0][0]:
            kept[m.start_char] = " ".join(own)  # "J. Biden" is not Hunter Biden
            continue
        if len(own) != 1:
            continue
        before = [w.rstrip(".,") for w in text[max(0, m.start_char - 40) : m.start_char].split()]
        # a formal title, capitalised ("Vice President Biden"); "judge Inaba" describes
        run = _title_run(before[-3:]) + m.text.split()[:-1]
        titles = [w.lower() for w in run if w] if run and run[0][:1].isupper() else []
        roles = {w for w in titles if w in TITLE_WORDS and w not in _GENDER_TITLES}
        sex = {"m" for w in titles if w + "." in _MALE_TITLES or w in _MALE_TITLES} | {
            "f" for w in titles if w + "." in _FEMALE_TITLES or w in _FEMALE_TITLES
        }
        gender = genders.get(m.canonical) or name_gender(m.canonical)
        if (roles and not roles & full_titles.get(m.canonical, set())) or (
            gender is not None and sex and gender not in sex
        ):
            last_kept[own[0]] = True
        if last_kept.get(own[0]):
            kept[m.start_char] = own[0]
    return kept


def _words_before(text: str, at: int, n: int) -> list[str]:
    return text[max(0, at - 12 * n) : at].lower().split()[-n:]


def _title_run(words: list[str]) -> list[str]:
    """The title words right before a name ("vice president" of "... said Vice President")."""
    run: list[str] = []
    for w in reversed(words):
        if w.lower() not in TITLE_WORDS:
            break
        run.insert(0, w)
    return run


# First words of place names that look like given names ("New York", "San Jose").
_PLACE_PREFIXES = word_set(
    """
    new san santa los las saint st fort port mount north south east west upper lower great
    little old lake glen palm grand el la le de
    """
)


def _unlisted_full_names(doc: Doc, entities: EntityIndex) -> dict[str, str]:
    """Surname -> full name for people the NER did not list in full ("Zach Parise's goal"
    with no mention): a two- or three-word proper-noun name ending with the surname, the
    only one the article gives, and no person of the article already has that surname."""
    found: dict[str, set[str]] = {}
    for tok in doc:
        if tok.pos_ != "PROPN" or not any(
            c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.lefts
        ):
            continue
        run = _name_run(doc, tok)
        if not 2 <= len(run) <= 3 or run[0].lower_ in _PLACE_PREFIXES:
            continue
        words = [t.text for t in run]
        if any(w.lower() in NOT_PERSON_WORDS or w.lower() in TITLE_WORDS for w in words):
            continue
        labels = {getattr(entities.mention_at(t.i), "label", None) for t in run}
        if labels - {None, "PERSON"} and not is_given_name(run[0].text):
            continue  # "Kate York" taken for a place: only with a common given name
        found.setdefault(words[-1], set()).add(" ".join(words))
    known = {m.canonical.split()[-1] for m in entities.mentions if " " in m.canonical}
    return {
        last: next(iter(names))
        for last, names in found.items()
        if len(names) == 1 and last not in known
    }
