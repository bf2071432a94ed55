"""Common first names with a usual gender, so "she said" skips a Kevin and "he said" a Melanie.

A hint for pronoun resolution only, never stored: names not listed (or used by both genders,
like Leslie or Jordan) give no hint, and a title in the text ("Mr.", "Mrs.") wins over it.
"""

from __future__ import annotations

from tasks.entities import strip_titles
from tasks.reporting_verbs import word_set

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
    """
)


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
