"""Clustering mentions that name the same entity and choosing each cluster's canonical name and
label ("Kerry" after "John Kerry", "ISIS" after "Islamic State, also known as ISIS").

Separate because it runs on the finished mention list and reads only text, never spaCy tokens.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from newsflow.tasks.nlp.entity_forms import (
    _COMPANY_TAILS,
    _CORPORATE_SUFFIXES,
    _LEGAL_FORM_KEYS,
    _MINOR_WORDS,
    _PERSONISH_LABELS,
    _PLACE_ABBREVIATIONS,
    ALIASES,
    LEGAL_FORMS,
    MIN_FUZZY_NAME,
    NAME_PARTICLES,
    NOT_PERSON_WORDS,
    _is_demonym,
    _is_nationality,
    _key,
    _one_edit_apart,
    clean_surface,
    surname_forms,
)
from newsflow.tasks.nlp.entity_lexicons import (
    COUNTRIES,
    KNOWN_ORGS,
    LEGAL_FORM_WORDS,
    ORG_HEAD_WORDS,
)
from newsflow.tasks.nlp.names import (
    FEMALE_NAMES,
    KIN_WORDS,
    MALE_NAMES,
    TITLE_GENDERS,
    TITLE_WORDS,
    is_given_name,
    name_gender,
    strip_titles,
)
from newsflow.tasks.records import Mention

_ACRONYM_DEF_RE = re.compile(r"\s*\(\s*(?:the\s+)?([A-Z][A-Za-z.&-]{1,11})\s*\)")
_AKA_RE = re.compile(
    r",?\s+(?:also\s+|better\s+|commonly\s+|widely\s+)?(?:known|referred\s+to|called)\s+as\s+(?:the\s+)?",
    re.IGNORECASE,
)


def _display(text: str, label: str) -> str:
    """Case-normalise shouted names ("MOSCOW" -> "Moscow"), keep acronyms ("NATO")."""
    letters = [c for c in text if c.isalpha()]
    shouted = letters and all(c.isupper() for c in letters) and "." not in text
    acronyms = all(len(w) <= 4 for w in text.split(" "))  # "US EPA"
    first, _, rest = text.partition(" ")
    if letters and text.isupper() and rest and first.rstrip(".").lower() in _PLACE_ABBREVIATIONS:
        return " ".join(w.capitalize() for w in text.split(" "))  # "ST. JOSEPH"
    if shouted and len(letters) > 4 and not acronyms and (label != "ORG" or " " in text):
        return " ".join(w.capitalize() for w in text.split(" "))
    return text


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _MINOR_WORDS and w[:1].isalpha())


def _canonicalise(text: str, mentions: list[Mention], bases: list[str]) -> list[str]:
    """One canonical string per mention (same string = same entity within this article)."""
    n = len(mentions)
    # Spelling variants: prefer a mixed-case spelling seen in the article over a shouted one.
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    for base in bases:
        spelled[base.lower()][base] += 1
    forms: list[str] = []
    for base, m in zip(bases, mentions, strict=True):
        variants = spelled[base.lower()]
        mixed = [v for v in variants if not v.isupper()]
        best = max(mixed, key=lambda v: variants[v]) if mixed else _display(base, m.label)
        forms.append(ALIASES.get(_key(best), best))

    # Explicit aliases in the text: "the Islamic State (ISIS)", "X, also known as Y".
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(keep: int, other: int) -> None:
        a, b = find(keep), find(other)
        if a != b:
            parent[b] = a

    by_key: dict[str, list[int]] = defaultdict(list)
    for i, form in enumerate(forms):
        by_key[_key(form)].append(i)
    for idxs in by_key.values():
        for j in idxs[1:]:
            union(idxs[0], j)
    starts = {m.start_char: i for i, m in enumerate(mentions)}
    for i, m in enumerate(mentions):
        tail = text[m.end_char : m.end_char + 60]
        acr = _ACRONYM_DEF_RE.match(tail)
        if acr and " " in forms[i] and acr.group(1)[0].lower() == forms[i][0].lower():
            short = acr.group(1).replace(".", "")
            for j in by_key.get(_key(short), []):
                union(i, j)
            if ALIASES.get(_key(short)) is None and _key(short) not in by_key:
                by_key[_key(short)] = []
        aka = _AKA_RE.match(tail)
        if aka:
            j = starts.get(m.end_char + aka.end())
            if j is not None:
                for k in by_key[_key(forms[j])]:
                    union(i, k)
    # Acronyms that spell a longer name of the article: "FBI" ~ "Federal Bureau of Investigation".
    long_by_initials: dict[str, set[int]] = defaultdict(set)
    for i, form in enumerate(forms):
        if " " in form:
            long_by_initials[_initials(form)].add(find(i))
            head, _, last = form.rpartition(" ")
            if " " in head and _key(last) in LEGAL_FORMS:  # "IBM": no "C" for its "Corp."
                long_by_initials[_initials(head)].add(find(i))
    for i, form in enumerate(forms):
        if form.isupper() and " " not in form and 2 <= len(form) <= 6:
            roots = long_by_initials.get(form.replace(".", ""), set())
            if len(roots) == 1:
                union(next(iter(roots)), i)
    _link_abbreviated_words(mentions, forms, find, union)

    _link_org_names(mentions, forms, find, union)
    _link_person_names(mentions, forms, find, union, _titles(text, mentions))

    # The cluster's name: the longest (then most frequent) form, aliases resolved.
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        members[find(i)].append(i)
    result = [""] * n
    for idxs in members.values():
        alias = next((ALIASES[_key(forms[i])] for i in idxs if _key(forms[i]) in ALIASES), None)
        name = alias or _cluster_name(idxs, forms)
        for i in idxs:
            result[i] = name
    return result


def _abbreviates(short: str, word: str) -> bool:
    """ "VW" of "Volkswagen": the first letters agree and the others follow in order."""
    short, word = short.lower(), word.lower()
    if short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(c in rest for c in short[1:])


def _link_abbreviated_words(mentions: list[Mention], forms: list[str], find, union) -> None:
    """A short form in capitals joins the one one-word organisation of the article it
    abbreviates letter by letter ("VW" ~ "Volkswagen"); a name known on its own ("AP",
    "AMD") never does."""
    orgs = [i for i, m in enumerate(mentions) if m.label == "ORG"]
    words = {find(j): forms[j] for j in orgs if " " not in forms[j] and not forms[j].isupper()}
    for i in orgs:
        short = forms[i]
        if not (short.isupper() and short.isalpha() and 2 <= len(short) <= 4):
            continue
        if _key(short) in KNOWN_ORGS or find(i) in words:
            continue
        roots = {
            r for r, w in words.items() if len(w) >= 2 * len(short) + 2 and _abbreviates(short, w)
        }
        if len(roots) == 1:
            union(roots.pop(), i)


def _link_org_names(mentions: list[Mention], forms: list[str], find, union) -> None:
    """Join an organisation's short name to the one longer name of the article it shortens:
    without a place or nationality in front ("Senate" of "Nigerian Senate", "Taliban" of
    "Afghan Taliban"), or the head word alone ("Chronicle" of "San Francisco Chronicle"),
    or a corporate suffix behind
    ("McClatchy" of "McClatchy Co.", "Edmunds" of "Edmunds.com", "GateHouse" of "GateHouse
    Media"). Failing those, the words a registered company's name opens with ("Robeson" of
    "Robeson Industries Corp"), unless a person of the article bears them as a surname."""
    places = {_key(f) for m, f in zip(mentions, forms, strict=True) if m.label in ("GPE", "NORP")}
    orgs = [i for i, m in enumerate(mentions) if m.label == "ORG"]
    surnames = {
        _key(s)
        for m, f in zip(mentions, forms, strict=True)
        if m.label == "PERSON" and " " in f
        for s in surname_forms(f)
    }
    for i in orgs:
        short = forms[i].split(" ")
        roots = set()
        companies = set()
        for j in orgs:
            longer = forms[j].split(" ")
            if len(longer) <= len(short) and not forms[j].endswith(".com"):
                continue
            head, tail = longer[: len(longer) - len(short)], longer[len(longer) - len(short) :]
            prefixed = (
                head
                and tail == short
                and (
                    _key(" ".join(head)) in places
                    or (len(head) == 1 and _is_demonym(head[0]))
                    or (_team_like(short) and all(w[:1].isupper() for w in head))
                    or (len(short) == 1 and _key(short[0]) in ORG_HEAD_WORDS)
                )
            )
            suffixed = (
                longer[: len(short)] == short
                and len(longer) > len(short)
                and all(
                    _key(w) in _CORPORATE_SUFFIXES | _COMPANY_TAILS for w in longer[len(short) :]
                )
                and (
                    _key(forms[i]) not in surnames  # "Bloomberg" of Michael R. Bloomberg too
                    or not any(_key(w) in _LEGAL_FORM_KEYS for w in longer[len(short) :])
                )
            )
            registered = (
                [_POSSESSIVE_END_RE.sub("", w) for w in longer[: len(short)]] == short
                and len(longer) > len(short) + 1
                and _key(longer[-1]) in LEGAL_FORMS
                and short[0][:1].isupper()
                and _key(forms[i]) not in surnames
            )  # "Robeson" of "Robeson Industries Corp", "Union Faith" of "Union Faith Canada Ltd"
            dotcom = forms[j] == forms[i] + ".com"
            division = (
                len(short) == 1
                and longer[0] == short[0]
                and not any(
                    _key(w) in ORG_HEAD_WORDS | NOT_PERSON_WORDS | _LEGAL_FORM_KEYS
                    for w in longer[1:]
                )
            )  # "GE" of "GE Healthcare", "Ascom" of "Ascom North America"
            if prefixed or suffixed or dotcom or division:
                roots.add(find(j))
            elif registered:
                companies.add(find(j))
        roots = roots or companies
        if len(roots) == 1:
            union(roots.pop(), i)
    _link_inverted_names(orgs, forms, union)


_POSSESSIVE_END_RE = re.compile(r"['’]s?$")  # "Moody's" of "Moody's Investors Service Inc"
_OF_NAME_RE = re.compile(r"([A-Z][a-z]+) of (?:the )?([A-Z].*)")


def _link_inverted_names(orgs: list[int], forms: list[str], union) -> None:
    """ "Department of Homeland Security" is "Homeland Security Department" and, its
    subject having two words or more, "Homeland Security"; "Government of Syria" is the
    "Syrian government" (a people's adjective opening like its place)."""
    by_key = {_key(forms[i]): i for i in orgs}
    for i in orgs:
        match = _OF_NAME_RE.fullmatch(forms[i])
        if match is None:
            continue
        head, subject = match.group(1).lower(), match.group(2)
        for key, j in by_key.items():
            words = key.split(" ")
            inverted = words[-1] == head and (
                " ".join(words[:-1]) == _key(subject)
                or (
                    len(words) == 2
                    and " " not in subject
                    and _is_nationality(forms[j].split(" ")[0])
                    and words[0][:4] == _key(subject)[:4]
                )
            )
            if inverted or (key == _key(subject) and " " in subject):
                union(i, j)


def _team_like(words: list[str]) -> bool:
    """ "Steelers", "Red Wings": a plural name, as teams and bands go by ("Pittsburgh
    Steelers"), not a country ("Philippines")."""
    last = words[-1]
    return (
        last[:1].isupper()
        and last.endswith("s")
        and not last.endswith(("ss", "'s", "us"))
        and _key(" ".join(words)) not in COUNTRIES | ALIASES.keys()
    )


def _name_length(form: str) -> int:
    """Number of words, not counting middle initials ("Donald J. Trump" ~ "Donald Trump")."""
    return sum(1 for w in form.split(" ") if not re.fullmatch(r"[A-Z]\.?", w))


# Titles that are not a rank: "Mr. Kerry" may shorten any Kerry of the article.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "former", "late"})


@dataclass(slots=True)
class _Titles:
    """What the words around one mention say of the person: a rank ("Vice President", "Sen."),
    a gender ("Mrs.", "Congressman") and a family role ("his son Hunter Biden")."""

    ranked: bool = False
    gender: str | None = None
    kin: bool = False


def _titles(text: str, mentions: list[Mention]) -> list[_Titles]:
    """The titles of each mention, in its span or in the words right before it."""
    out = []
    for m in mentions:
        before = text[max(0, m.start_char - 30) : m.start_char].split()[-3:]
        inside = m.text.split(" ")[:-1]
        words = [w.lower().rstrip(".,") for w in [*before, *inside]]
        capitalised = [w.rstrip(".,") for w in [*before, *inside] if w[:1].isupper()]
        genders = {TITLE_GENDERS[w.lower()] for w in capitalised if w.lower() in TITLE_GENDERS}
        out.append(
            _Titles(
                ranked=any(w in TITLE_WORDS and w not in _HONORIFICS for w in words),
                gender=genders.pop() if len(genders) == 1 else None,
                kin=any(w.lower().strip(".,;:") in KIN_WORDS for w in before[-2:]),
            )
        )
    return out


def _title_conflict(short: _Titles, full: _Titles, full_name: str) -> bool:
    """A shorter name cannot be this full name: "Mrs. Clinton" is no "Bill Clinton", and
    "Vice President Biden" is no "Hunter Biden" the article introduces as a son."""
    gender = full.gender or name_gender(full_name)
    if short.gender and gender and short.gender != gender:
        return True
    return short.ranked and full.kin


def _link_person_names(mentions, forms, find, union, titles: list[_Titles]) -> None:
    """Join surnames and first names to the full name they abbreviate, when unambiguous.

    Full names with the same first and last word are one person ("Donald J. Trump").
    A shorter name joins the nearest preceding full name it is a surname form of ("van Dam",
    "Ortiz Mendes", "Assad") or starts with; when none precedes, the only following one.
    A multi-word surname form joins whatever the model labelled it ("Van Dam" as a work of
    art), a one-word one only when it is labelled like a name. A surname with a rank ("Vice
    President Biden") prefers a full name given a rank too ("Vice President Joe Biden") over
    a relative named plainly ("Hunter Biden"), and never joins a full name its titles
    contradict (``_title_conflict``): then it stays a name of its own.
    """
    full: list[int] = []
    for i, m in enumerate(mentions):
        if m.label == "PERSON" and len(forms[i].split(" ")) >= 2:
            full.append(i)
    by_ends: dict[tuple[str, str], int] = {}
    for i in full:
        words = forms[i].lower().split(" ")
        key = (words[0], words[-1])
        if key not in by_ends:
            by_ends[key] = i
        elif _middles_agree(forms[by_ends[key]], forms[i]):
            union(by_ends[key], i)
    if not full:
        return
    _join_name_variants(by_ends, union)
    shorter_of = {j: {_key(f) for f in surname_forms(forms[j])} for j in full}
    words_of = {j: _key(forms[j]).split(" ") for j in full}

    # full names that do not shorten another one ("De Graaf" shortens "Mark de Graaf")
    shortened = set().union(*shorter_of.values())
    heads = [j for j in full if _key(forms[j]) not in shortened]
    clusters = _ClusterFacts(titles, heads, find)

    # where a short name may find its full name: by surname form, by first name, by initial
    by_shorter: dict[str, list[int]] = defaultdict(list)
    by_first: dict[str, list[int]] = defaultdict(list)
    by_initial: dict[str, list[int]] = defaultdict(list)
    for j in full:
        for key in shorter_of[j]:
            by_shorter[key].append(j)
        by_first[words_of[j][0]].append(j)
        by_initial[words_of[j][-1][:1]].append(j)

    full_titles = {j: clusters.titles_of(find(j)) for j in full}
    for i, m in enumerate(mentions):
        key = _key(forms[i])
        n_words = len(key.split(" "))
        if key in ALIASES or (n_words == 1 and m.label not in _PERSONISH_LABELS):
            continue
        candidates = []
        own: _Titles | None = None
        near = set(by_shorter.get(key, ())) | set(by_first.get(key, ()) if n_words == 1 else ())
        for j in sorted(near):
            if j == i or len(forms[j].split(" ")) <= n_words:
                continue
            first_name = n_words == 1 and words_of[j][0] == key
            if first_name and m.label != "PERSON" and not is_given_name(key):
                continue  # "Apple" is no first name of "Apple Watches"
            own = own or clusters.titles_of(find(i))
            if not _title_conflict(own, full_titles[j], forms[j]):
                candidates.append(j)
        if clusters.ranked(find(i)) and any(clusters.ranked(find(j)) for j in candidates):
            candidates = [j for j in candidates if clusters.ranked(find(j))]
        if not candidates and n_words == 1 and len(key) >= MIN_FUZZY_NAME:
            # "McLenney" after "Tyresha McClenney": a typo in a long surname
            candidates = [
                j
                for j in by_initial.get(key[:1], ())
                if j != i and _one_edit_apart(key, words_of[j][-1])
            ]
        roots = {find(j) for j in candidates}
        target = None
        if len(roots) == 1:
            target = roots.pop()
        elif roots:
            before = [j for j in candidates if mentions[j].start_char < m.start_char]
            target = find(before[-1]) if before else None
        # spellings are already joined ("Scott" = "Scott"): never let a shared surname merge
        # two people ("Keith Lamont Scott" and "Rakeyia Scott")
        if target is not None and (find(i) == target or not clusters.has_head(find(i))):
            clusters.merged(target, find(i))
            union(target, i)


class _ClusterFacts:
    """What each cluster of person mentions says of its person (titles, a full name that
    shortens no other), kept per cluster root as clusters merge, so asking costs no pass
    over all mentions."""

    def __init__(self, titles: list[_Titles], heads: list[int], find) -> None:
        self._facts: dict[int, tuple[bool, bool, frozenset[str]]] = {}
        for k, t in enumerate(titles):
            ranked, kin, genders = self._facts.get(find(k), (False, False, frozenset()))
            self._facts[find(k)] = (
                ranked or t.ranked,
                kin or t.kin,
                genders | {t.gender} if t.gender else genders,
            )
        self._heads = {find(j) for j in heads}

    def titles_of(self, root: int) -> _Titles:
        ranked, kin, genders = self._facts.get(root, (False, False, frozenset()))
        return _Titles(
            ranked=ranked, gender=next(iter(genders)) if len(genders) == 1 else None, kin=kin
        )

    def ranked(self, root: int) -> bool:
        return self._facts.get(root, (False, False, frozenset()))[0]

    def has_head(self, root: int) -> bool:
        return root in self._heads

    def merged(self, keep: int, other: int) -> None:
        """Roots ``keep`` and ``other`` become one cluster rooted at ``keep``."""
        if keep == other:
            return
        a = self._facts.pop(other, (False, False, frozenset()))
        b = self._facts.get(keep, (False, False, frozenset()))
        self._facts[keep] = (a[0] or b[0], a[1] or b[1], a[2] | b[2])
        if other in self._heads:
            self._heads.discard(other)
            self._heads.add(keep)


def _middles_agree(a: str, b: str) -> bool:
    """ "Donald J. Trump" may be "Donald Trump" and "John M. Ford" "John Milo Ford", but
    "George H.W. Bush" is no "George W. Bush": both give a middle name and they differ."""
    initials = [
        "".join(c for c in " ".join(name.split(" ")[1:-1]) if c.isupper()) for name in (a, b)
    ]
    return not all(initials) or initials[0] == initials[1]


def _spells_out_initials(full: str, short: str) -> bool:
    """ "John Milo Ford" spells out "John M. Ford": the same first and last words, and each
    middle initial of the shorter one opens the other's middle name."""
    a, b = full.split(" "), short.split(" ")
    if len(a) != len(b) or len(a) < 3 or a[0] != b[0] or a[-1] != b[-1] or a == b:
        return False
    pairs = list(zip(a[1:-1], b[1:-1], strict=True))
    return all(
        x == y or (re.fullmatch(r"[A-Z]\.?", y) is not None and len(x) > 2 and x[0] == y[0])
        for x, y in pairs
    )


def _first_names_agree(short: str, long: str) -> bool:
    """ "B." or "Josh" may write "Benjamin" or "Joshua": an initial, or a first name that
    opens the other with three letters or more."""
    short, long = sorted((short.rstrip("."), long.rstrip(".")), key=len)
    if len(short) == 1:
        return long[:1] == short
    return len(short) >= 3 and long.startswith(short) and short != long


def _join_name_variants(by_ends: dict[tuple[str, str], int], union) -> None:
    """Full names with one surname whose first names are an initial or a short form of each
    other ("B. U. Nzeribe", "Josh Apte" for "Benjamin Nzeribe", "Joshua Apte") are one
    person, when that surname has only one such pair: "Dale Ford" and "John Ford" stay two."""
    by_last: dict[str, list[str]] = defaultdict(list)
    for first, last in by_ends:
        by_last[last].append(first)
    for last, firsts in by_last.items():
        pairs = [
            (a, b)
            for k, a in enumerate(firsts)
            for b in firsts[k + 1 :]
            if _first_names_agree(a, b)
        ]
        touched = [w for pair in pairs for w in pair]
        if len(pairs) == 1 and len(set(touched)) == 2 and len(set(firsts) - set(touched)) == 0:
            a, b = pairs[0]
            union(by_ends[(a, last)], by_ends[(b, last)])


def _cluster_name(idxs: list[int], forms: list[str]) -> str:
    """The name a cluster goes by: a full name over a surname, then the usual spelling
    ("Hillary Clinton" rather than a one-off "Crooked Hillary Clinton"), then the longer one.

    A multi-word surname ("Ortiz Mendes", "van Dam", "Suu Kyi") is no full name when the
    cluster also has it with a given name in front; a form opening with a given name is.
    """
    distinct = {forms[i] for i in idxs}
    surnames = {
        _key(short)
        for f in distinct
        for short in surname_forms(f)
        if short.split(" ")[0].lower() not in FEMALE_NAMES | MALE_NAMES
    }
    counts = Counter(forms[i] for i in idxs)
    shortened = {
        f
        for f in distinct
        for g in distinct
        if " " in f
        and " " in g
        and f.split(" ")[-1] == g.split(" ")[-1]
        and len(f.split(" ")[0].rstrip(".")) < len(g.split(" ")[0])
        and _first_names_agree(f.split(" ")[0], g.split(" ")[0])
    }  # "Josh Apte" when the cluster also has "Joshua Apte"
    shortened |= {
        f for f in distinct for g in distinct if _spells_out_initials(g, f)
    }  # "John M. Ford" when the cluster also has "John Milo Ford"
    return max(
        counts,
        key=lambda f: (
            _name_length(f) > 1 and _key(f) not in surnames,
            f not in shortened,
            not f.isupper() or f == f.lower(),  # "Volkswagen" over the "VW" it abbreviates
            not any(w.islower() and w not in _MINOR_WORDS | NAME_PARTICLES for w in f.split(" ")),
            all(f.startswith(g) for g in distinct),  # "Edmunds.com" over "Edmunds"
            counts[f],
            _name_length(f),
            -len(f),
        ),
    )


def _cluster_labels(mentions: list[Mention], canon: list[str]) -> dict[str, str]:
    """A cluster's label: the model's label for its longest form ("Donald Trump" PERSON beats
    three "Trump" ORG), then the majority of all its mentions."""
    members: dict[str, list[Mention]] = defaultdict(list)
    for m, c in zip(mentions, canon, strict=True):
        members[c.lower()].append(m)
    labels: dict[str, str] = {}
    for c, ms in members.items():
        overall = Counter(m.label for m in ms)
        longest = max(_name_length(strip_titles(clean_surface(m.text))) for m in ms)
        top = Counter(
            m.label for m in ms if _name_length(strip_titles(clean_surface(m.text))) == longest
        )
        labels[c] = max(top, key=lambda label: (top[label], overall[label]))
        if labels[c] == "PERSON" and any(w in LEGAL_FORM_WORDS for w in _cased(ms, c)[1:]):
            labels[c] = "ORG"  # "Forvaltnings AB Providentia", however its words were found
    return labels


def _cased(ms: list[Mention], key: str) -> list[str]:
    """The words of a cluster's longest mention that spells its name, as written."""
    for m in sorted(ms, key=lambda m: -len(m.text)):
        if clean_surface(m.text).lower() == key:
            return clean_surface(m.text).split(" ")
    return []
