"""Lemmas that introduce reported speech or writing ("said", "told", "warned" ...).

Our own list, by lemma so every inflection counts. Compared with the inflected Gender Gap
Tracker list (sfu-discourse-lab/GenderGapTracker `quote_verb_list.txt`, MIT) it covers its
verbs of communication, and adds verbs common in wire copy ("vow", "urge", "tout", "blast",
"slam"). Verbs of thinking, knowing and finding ("believe", "expect", "know", "find", "show")
are left out on purpose: they report a state of mind or a result, not speech.
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
    cry sigh lament counter retort rebut dispute question propose recommend
    demand signal indicate reveal disclose proclaim swear affirm reaffirm clarify
    elaborate specify summarize advise muse opine posit theorize decry denounce condemn
    blast slam lambaste hail laud applaud welcome plead beg implore relay echo chime interject
    tout trumpet bemoan grumble gripe concur aver attest acclaim declaim disclaim highlight
    preach rave reassert reconfirm restate retell point quote cite brief notify chant
    text email rule
    """
)

# Verbs of finding report what a study or its authors state ("a 2019 study found that ...",
# "polls show ..."); said of anyone else they are not speech ("they found her hiding").
FINDING_VERBS = word_set("find show")
STUDY_NOUNS = word_set(
    """
    study research survey poll report review analysis data evidence experiment trial paper
    researcher scientist investigation audit test finding findings meta-analysis
    """
)

# Verbs that take the quoted/reported clause as an object complement ("called the talks X").
NAMING_VERBS = word_set("call describe label dub brand term deem")

# Participles that give a name ("a poem called ...", "a show entitled ...", "known as ..."):
# what they introduce is a title or a name, not a quote.
NAME_GIVING_VERBS = word_set("call name title entitle dub nickname label brand know bill")

# Nouns for a kind of work, a sign or a tag: quoted words right after one are its title or
# its text ("the song "Hello"", "the headline "Mayor quits over budget""), not speech.
WORK_NOUNS = word_set(
    """
    song album book novel memoir biography film movie documentary show series sitcom play
    musical opera poem painting article column essay editorial op-ed headline slogan hashtag
    motto banner sign placard poster podcast episode track single video game app
    """
)

# Verbs of answering: the question right before "X replied" was put to X, not asked by X.
REPLY_VERBS = word_set("reply answer respond retort")

# Words a title leaves in lower case ("Dancing with the Stars", "Jewels after Jewels").
TITLE_MINOR_WORDS = word_set(
    """
    a an the and but or nor for so yet as at by in of off on per to up via vs with from into
    onto over upon after about than like
    """
)

# Nouns that report what someone said when a that-clause follows ("Stumpf's insistence that
# only 1 percent ...", "the claim by Trump that ...").
CLAIM_NOUNS = word_set(
    """
    claim assertion insistence argument warning promise pledge vow suggestion accusation
    allegation contention statement remark comment emphasis admission denial complaint
    prediction assurance boast threat declaration announcement testimony
    """
)

# Verbs of saying whose object is itself what was said ("reported a loss", "announced a
# tour", "claimed responsibility", "denied any involvement").
STATEMENT_OBJECT_VERBS = word_set(
    """
    announce report claim deny demand confirm reveal disclose predict promise estimate
    """
)

# Verbs of saying that also mean "go on" or "add to": with a to-infinitive they report
# nothing ("continues to give mixed signals", "added three assists to lead Boston").
GOING_ON_VERBS = word_set("continue add repeat")

# "asked not to be identified because ...": passives of these after a request ask for
# anonymity; they are not what the source said.
ANONYMITY_VERBS = word_set("identify name quote")

# Legal endings that make a company's short name its full one ("McClatchy" -> "McClatchy
# Co."); words that are part of a name ("Capital", "Media") are not endings.
ORG_ENDINGS = word_set(
    """
    Co. Co Inc. Inc Corp. Corp Corporation Company Group Holdings LLC Ltd Ltd. plc PLC
    """
)

# Words of a form's field labels ("NAME: Julie Schwarz", "BLOG: The Kitchen", "FOLLOW:
# Twitter"): a line opening with one of them in capitals is a field, not a speaker's turn.
FIELD_LABEL_WORDS = word_set(
    """
    name names blog website site web email e-mail phone tel fax address location date time
    follow source sources update updated note editor's correction clarification photo photos
    credit credits tags tag category price cost title subject member since
    hours ticket tickets venue genre length rating runtime platform platforms developer
    publisher
    """
)
