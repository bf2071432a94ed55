"""Lemmas that introduce reported speech, writing or stance ("said", "told", "warned" ...).

Our own list, by lemma so every inflection counts. Compared with the inflected Gender Gap
Tracker list (sfu-discourse-lab/GenderGapTracker `quote_verb_list.txt`, MIT) it covers all of
its verbs but "accept" and "present" (rarely verbs of saying in news), and adds verbs common in
wire copy ("vow", "urge", "tout", "blast", "slam") and stance verbs ("believe", "expect"),
which news attribution corpora count as attributions too.
"""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """A set from whitespace-separated words (keeps long word lists readable)."""
    return frozenset(words.split())


SPEECH_VERBS = word_set(
    """
    say tell add state announce declare claim argue insist explain note warn write tweet post
    report reply respond answer ask acknowledge admit concede confirm deny assert contend
    maintain suggest predict promise vow pledge threaten urge caution complain criticize
    criticise praise accuse allege charge describe recall recount remark comment mention observe
    stress emphasize emphasise underscore reiterate repeat continue conclude estimate testify
    inform remind assure reassure boast brag joke quip shout yell scream whisper mutter exclaim
    cry sigh lament counter retort rebut dispute question wonder speculate propose recommend
    demand signal indicate reveal disclose proclaim guarantee swear affirm reaffirm clarify
    elaborate specify summarize advise muse opine posit theorize surmise decry denounce condemn
    blast slam lambaste hail laud applaud welcome plead beg implore relay echo chime interject
    tout trumpet bemoan grumble gripe concur aver attest acclaim declaim disclaim highlight
    illustrate demonstrate preach rave reassert reconfirm restate retell reckon persist ensure
    convince point predict release quote cite insist agree disagree believe think feel hope
    fear expect know understand acknowledge concede announce brief notify recount chant
    write text email tell rule find show sing
    """
)

# Verbs that take the quoted/reported clause as an object complement ("called the talks X").
NAMING_VERBS = word_set("call describe label dub brand term deem")

# Nouns that report what someone said when a that-clause follows ("Stumpf's insistence that
# only 1 percent ...", "the claim by Trump that ...").
CLAIM_NOUNS = word_set(
    """
    claim assertion insistence argument warning promise pledge vow suggestion accusation
    allegation contention statement remark comment emphasis admission denial complaint
    prediction assurance boast threat declaration announcement testimony
    """
)
