"""Personal names: the titles before them, and common first names with a usual gender.

Titles ("Foreign Minister", "Mr.") are stripped from names. A first name's gender lets "she said"
skip a Kevin and "he said" a Melanie.

A hint for pronoun resolution, and evidence that a mislabelled mention ("Eva Lindeman" as an
organisation) names a person; never stored. Names not listed (or used by both genders, like
Leslie or Jordan) give no gender hint, and a title in the text ("Mr.", "Mrs.") wins over it.
The lists mix English names with common names from the rest of the world's news (European,
Arabic, Turkish, Persian, South Asian, African, Latin American, East Asian romanisations).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import gender_guesser.detector

from newsflow.tasks.nlp.lexicons import word_set

FEMALE_NAMES = word_set(
    """
    abigail ada adriana agnes aisha alexandra alice alicia alison amanda amber amelia amy ana
    andrea angela angelina anita ann anna anne annie april ashley audrey ava barbara beatrice
    becky betsy betty beverly brenda bridget brittany carla carly carmen carol caroline
    carolyn catherine cathy charlotte chelsea cheryl christina christine claire clara claudia
    colleen cynthia dana daniela danielle deborah debbie debra denise diana diane donna
    dorothy elaine eleanor elena elisabeth elizabeth ellen elsa emily emma erica erin esther
    eva evelyn fiona frances gabriela gabrielle gina gloria grace hannah heather heidi helen
    hillary holly ingrid irene isabel isabella ivanka jacqueline jane janet janice jasmine
    jeanne jennifer jessica jill joan joanna joanne joyce judith judy julia julie karen
    katherine kathleen kathryn kathy katie kayla kelly kimberly kirsten kristen laura lauren
    linda lisa lois loretta louise lucy lydia lynn madeleine madison margaret maria marianne
    marie marilyn marion martha mary megan melania melanie melissa michelle monica nancy
    natalie natasha nicole nikki nina nora olivia pamela patricia paula pauline penny rachel
    rebecca regina rita roberta rosa rose ruth sabrina samantha sandra sara sarah sharon
    sheila shirley silvia sonia sophia sophie stephanie susan suzanne sylvia tamara tammy
    teresa theresa tiffany tina tracy ursula valerie vanessa veronica victoria virginia vivian
    wendy yolanda yvonne zoe
    agnieszka aleksandra alessandra amina anastasia anke annalena annegret antje ayse aylin
    beata birgit brigitte carmen chiara chioma christiane claudine dagmar elif elke emine
    esra fatima fatma francesca frauke gabriele giorgia giulia gudrun hanna hatice ilse
    ines ingrid irina isabelle jacinda jolanta justyna kamala karin katarzyna kerstin leila
    liesbeth lieve magdalena malgorzata manon margarethe marine marta marija mette monique
    nadia nadine natalia ngozi olena olga petra priya ragnhild renate rania sabine sanne
    sevim sigrid simone solveig svetlana tatiana tatyana ulrike ursula valentina yulia
    zeynep zofia nneka amani wanjiru ayumi yuko yoko keiko mei ling xiaoming anneke femke
    greta ewa iveta kristina lena maja nina ilona aurelie sandrine severine segolene
    """
)

MALE_NAMES = word_set(
    """
    aaron adam adrian alan albert alex alexander alfred andrew angelo anthony antonio arthur
    barack ben benjamin bernard bernie bill billy bob bobby brad brandon brian bruce bryan
    carl carlos charles charlie chris christopher chuck clarence craig curtis dan daniel
    darren dave david dennis derek diego dick don donald doug douglas duncan dylan ed eddie
    edward elijah eric ernest eugene frank franklin fred frederick gary gene george gerald
    gilbert glenn gordon graham greg gregory harold harry henry howard hugh ian isaac jack
    jacob jake james jared jason jeff jeffrey jeremy jerry jesse jim jimmy joe joel john
    johnny jon jonathan jose joseph josh joshua juan justin keith ken kenneth kevin kurt larry
    lawrence lee leo leon leonard lewis louis luis luke marc marco marcus mark martin matt
    matthew maurice max michael miguel mike mitch mitt mohammed muhammad nathan neil nicholas
    nick noah norman oliver oscar patrick paul pedro peter philip phillip ralph randy ray
    raymond reince richard rick robert roberto rod roger ron ronald roy rudy russell ryan sam
    samuel scott sean sergei seth simon stanley stephen steve steven stuart ted terry thomas
    tim timothy todd tom tommy tony travis trevor troy victor vincent vladimir walter wayne
    william willie xavier zachary
    abdullah abdul ahmad ahmed ali alexei alexey andrzej antonio bashar benjamin benedikt
    bogdan boris cem dmitry dmitri emmanuel emre enrique fernando francois francesco
    friedrich gerhard giuseppe hakan hans hassan heinrich helmut hussein ibrahim igor ivan
    jacques jan jens jerzy joachim jorge juergen jurgen kemal klaus krzysztof lars luca
    lukas luiz mahmoud marek mario matteo mehmet mikhail mohamed mohammad moshe murat mustafa
    narendra nikolai olaf omar oleksandr olivier pavel pedro pierre piotr rafael rahul rajesh
    recep reza sanjay sergey stefan sven tomasz ulrich viktor vladislav volodymyr wolfgang
    xi yair yusuf yuri zbigniew emmanuel giorgos kostas dimitris kwame olusegun uhuru
    cyril jean-pierre jean-luc jean-claude luiz javier alejandro sebastian mateusz pieter
    willem joost maarten jeroen bart henk sjoerd kees koen rishi keir nigel
    """
)


# More given names, common in English-language news (sport, entertainment, business) and
# across Europe; used as evidence of a person only, so no gender is implied.
OTHER_GIVEN_NAMES = word_set(
    """
    freddie patsy colton tyler cody dustin brett chad blake cole connor logan hunter
    austin brody carter cooper dalton garrett grant griffin hayden jace jaden jalen jamal
    jaylen jordan kai kyle landon levi liam mason miles nolan owen parker preston quinn reid
    riley ryder shane spencer tanner trent tucker wyatt zach zack zeke jake jarrod jared
    darius deandre demar devin dwayne dwight kawhi lebron luka marquise kareem shaquille
    trey tre tyrone andre antoine maxime mathieu nicolas thibaut kylian antoine didier
    novak rafael roger stan andy milos nikolaj mikkel rasmus frederik magnus mads
    henrik anders niklas nils oskar emil viktor tuukka teemu mikko jari jarkko sami kimmo
    aleksander leon janik dominik matej tomas jiri petr ondrej radek jakub lukasz pawel
    kamil wojciech dario luka ivan marin goran zoran milan nikola dusan aleksandar stefanos
    gianluigi gianluca lorenzo alessandro federico riccardo davide simone andrea paolo
    sergio alvaro pablo raul iker xabi ander inaki joao rui nuno tiago bruno andre gustavo
    thiago neymar vinicius rodrigo felipe mauricio eduardo ricardo jesus manuel ramon
    mamadou moussa ousmane abdoulaye cheikh ibrahima sadio idrissa oumar kofi
    kwesi yaw ama akua chidi chukwuemeka emeka obinna oluwaseun tunde femi seun
    arjun vikram vijay suresh ramesh anil sunil amit ashok deepak manoj pradeep rakesh
    ravi sachin virat rohit arvind nitin shashi priyanka deepika anushka sonia pooja neha
    kenji hiroshi takeshi haruki shinzo yoshihide fumio kazuo akira daisuke naomi yuki
    jin min hyun seung jae soo ji-hoon sung wei jun hao lei yang chen ming xiaoping
    dakota skyler taylor morgan casey jamie
    kendall kelsey lindsey mackenzie shelby sydney aubrey avery peyton harper addison
    brooke paige savannah sierra autumn summer heather crystal amber tiffany destiny
    kylie kayleigh kaitlyn courtney brittney chelsey whitney ashlee shania dolly reba
    loretta tammy wynonna faith carrie miranda kacey maren lainey gretchen
    """
)

# Given names that are also common words or place names ("Victoria Falls", "Bill Committee",
# "Marine Corps"): no evidence that a mention names a person.
_AMBIGUOUS_GIVEN = word_set(
    """
    april bill bob carol charlotte don florence frank grace june madison marine mark max may
    ray rose victoria virginia will christian georgia lincoln jackson austin chase dean
    autumn summer amber crystal destiny faith savannah sierra hunter parker carter cooper
    grant miles taylor morgan dakota kai jesus
    """
)


COMMON_WORDS_FILE = Path(__file__).parent / "data" / "common_words.txt"


@functools.cache
def common_words() -> frozenset[str]:
    """Words news writes in lower case at least as often as capitalised (from PolNeAR train
    text, ``make train-entities``)."""
    return frozenset(COMMON_WORDS_FILE.read_text(encoding="utf-8").split())


@functools.cache
def _detector() -> gender_guesser.detector.Detector:
    """gender-guesser's table of first names (read once: it is large)."""
    return gender_guesser.detector.Detector(case_sensitive=False)


@functools.cache
def _first_names() -> frozenset[str]:
    """gender-guesser's first names of one clear gender (about 38,000, from many countries),
    less the common words ("Will", "Grant") and names used by both genders ("Casey", "San")."""
    detector = _detector()
    common = common_words()
    return frozenset(
        low
        for name in detector.names
        if (low := name.lower()) not in common
        and len(low) > 2
        and detector.get_gender(name) in ("male", "female")
    )


@functools.cache
def _all_first_names() -> frozenset[str]:
    """Every first name gender-guesser knows, of any gender or none ("Jo", "Armani")."""
    detector = _detector()
    return frozenset(name.lower() for name in detector.names)


def is_any_first_name(word: str) -> bool:
    """A first name somewhere in the world, common word or not ("Magic" is not, "Will" is):
    its absence, with a common word beside it, says "Echo Dot" names no one."""
    low = word.lower().strip(".")
    return is_given_name(word) or any(part in _all_first_names() for part in low.split("-"))


def is_first_name(word: str) -> bool:
    """A first name from our lists or from the world's first names: evidence that a two-word
    name the model called a place or an organisation ("Sheryl Crow", "Pavle Petrovic")
    names a person. Broader than ``is_given_name``, so used only for the first of several
    words, never for a name alone."""
    low = word.lower().strip(".")
    if "-" in low.strip("-"):  # "Jo-Wilfried", "Eva-Marie", "Rose-Lynn" ("rose" a word too)
        parts = low.split("-")
        return any(is_first_name(part) for part in parts) and all(
            part in _all_first_names() or is_first_name(part) for part in parts
        )
    return is_given_name(word) or (low not in _AMBIGUOUS_GIVEN and low in _first_names())


def is_given_name(word: str) -> bool:
    """A common first name of either gender ("Eva", "Mehmet") that is not also a common word."""
    low = word.lower().strip(".")
    known = low in FEMALE_NAMES or low in MALE_NAMES or low in OTHER_GIVEN_NAMES
    return known and low not in _AMBIGUOUS_GIVEN


def name_gender(full_name: str) -> str | None:
    """ "f", "m" or None from the first word of a name ("Melanie Austin" -> "f")."""
    words = strip_titles(full_name).split()
    if not words:
        return None
    first = words[0].lower().strip(".")
    if first in FEMALE_NAMES:
        return "f"
    if first in MALE_NAMES:
        return "m"
    return None


# Words that precede a name without being part of it (lower case, no trailing dot).
TITLE_WORDS = word_set(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady madam president vice
    prime minister foreign defense defence interior finance justice deputy
    secretary state general gen attorney senator sen rep representative congressman
    congresswoman gov governor mayor judge chief justice speaker chancellor king queen prince
    princess pope rev reverend father sister brother imam rabbi ambassador commissioner
    chairman chairwoman chair ceo director spokesman spokeswoman spokesperson adviser advisor
    former late candidate nominee leader house senate majority minority whip lt col colonel
    maj major capt captain sgt sergeant adm admiral cmdr commander officer detective agent
    coach premier president-elect first sheikh emir crown supreme sheriff inspector
    commander-in-chief mp mep councillor councilor councilman councilwoman alderman
    assemblyman assemblywoman delegate lawmaker treasurer comptroller auditor clerk controller
    chancellor provost dean superintendent commissioner marshal constable warden magistrate
    prosecutor lieutenant corporal private pastor bishop cardinal archbishop rabbi cleric
    ayatollah mufti monsignor baroness baron duke duchess earl count countess emperor empress
    sultan president-elect premier-elect vice-president chief-of-staff spokesperson
    pvt pfc cpl spc det supt atty amb insp sens reps govs cmdrs sgts
    """
)
# Nationality / party words that may precede a title ("Russian Foreign Minister ...").
_NATIONALITY_SUFFIXES = ("an", "ese", "ish", "ian", "i", "ic", "ch")


# Titles that say a person's gender: "Mrs. Clinton" cannot shorten "Bill Clinton".
TITLE_GENDERS: dict[str, str] = dict.fromkeys(
    word_set(
        """
        mr sir lord king prince father brother congressman chairman spokesman businessman
        councilman alderman assemblyman
        """
    ),
    "m",
) | dict.fromkeys(
    word_set(
        """
        mrs ms miss madam lady dame queen princess sister congresswoman chairwoman
        spokeswoman businesswoman councilwoman alderwoman assemblywoman
        """
    ),
    "f",
)

# Family roles that introduce a relative ("his son, Hunter Biden"): not the titled person.
KIN_WORDS = word_set(
    """
    son sons daughter daughters wife husband brother sister father mother dad mom mum
    uncle aunt nephew niece cousin grandson granddaughter grandfather grandmother stepson
    stepdaughter stepfather stepmother widow widower fiancé fiance fiancée fiancee
    girlfriend boyfriend
    """
)


# Titles that name a person by the given name alone ("Prince Andrew", "Pope Francis"): there
# the title stays, as the name the person goes by (a regnal number drops it: "Edward IV").
ROYAL_TITLES = word_set("king queen prince princess pope emperor empress sultan")
_ROYAL_NAME_RE = re.compile(r"[A-Z][a-z]+")


def strip_titles(name: str) -> str:
    """Remove leading titles: "Russian Foreign Minister Sergei Lavrov" -> "Sergei Lavrov"."""
    words = name.split(" ")
    i = 0
    while i < len(words) - 1:
        word = words[i].lower().rstrip(".").rstrip(",")
        nxt = words[i + 1].lower().rstrip(".")
        if word in TITLE_WORDS or (
            words[i][:1].isupper() and word.endswith(_NATIONALITY_SUFFIXES) and nxt in TITLE_WORDS
        ):
            i += 1
        else:
            break
    if i and words[i - 1].lower() in ROYAL_TITLES and _ROYAL_NAME_RE.fullmatch(" ".join(words[i:])):
        i -= 1  # "Prince Andrew": the title is part of the name
    return " ".join(words[i:])
