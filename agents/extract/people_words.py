"""The words and patterns a news report uses to tell of the people an incident happened to or was done by (pure):
verbs of killing, hurting and arresting, how ages are written beside a name, the words right after a name that tell
a fate, the nouns of a victim and a suspect, and sentences of another time (read by
:mod:`agents.extract.participants`)."""

from __future__ import annotations

import re

__all__ = [
    "AFTER_NAME",
    "AGED_PERSON",
    "AGE_AFTER",
    "AGE_APPOS_AFTER",
    "AGE_BEFORE",
    "AGE_NUMBER",
    "AGE_PAREN",
    "AGE_WORDS",
    "ARREST",
    "ARREST_CUE",
    "BOTH_AFTER",
    "CONDITIONS",
    "CREDIT_AFTER",
    "CREDIT_BEFORE",
    "DEATH_NOUNS",
    "DIE",
    "DIED",
    "HALF",
    "HURT",
    "HURT_CUE",
    "IDENTIFIED_AS",
    "KILL",
    "LIST_CUE",
    "MONTHS_AFTER",
    "MONTHS_BEFORE",
    "NAMED_AS",
    "NAME_NEXT",
    "NOT_NAME_WORDS",
    "NOT_VICTIM_NOUNS",
    "OBJECT_NEXT",
    "OFFICIAL",
    "ORG_WORDS",
    "OTHER_TIME",
    "PASSIVE_AUX",
    "PERSON_APPOS",
    "PERSON_NOUN",
    "PERSON_NOUN_GROUP",
    "PLACE_NAME_WORDS",
    "SAY",
    "SHOOT",
    "SHOOTER_AFTER",
    "SUSPECT_AFTER",
    "SUSPECT_BEFORE",
    "SUSPECT_CUE",
    "SUSPECT_NOUNS",
    "VICTIM_AFTER",
    "VICTIM_NOUNS",
    "WITNESS",
    "WOUNDS",
]

KILL = frozenset({"kill", "murder", "slay", "execute", "strangle", "gun", "fatally", "dead", "death"})
HURT = frozenset({"wound", "injure", "hurt", "hospitalize", "hospitalise", "graze", "hit", "strike", "stab"})
SHOOT = frozenset({"shoot", "shot", "fire"})
DIE = frozenset({"die", "succumb", "pronounce", "perish"})
ARREST = frozenset(
    {"arrest", "charge", "book", "indict", "jail", "detain", "apprehend", "capture", "convict", "sentence", "accuse"}
)
SUSPECT_NOUNS = frozenset({"suspect", "gunman", "shooter", "killer", "assailant", "attacker", "defendant", "accused"})
VICTIM_NOUNS = frozenset({"victim", "deceased"})
# Who else an article identifies by name: "The father has been identified as Shawn Lenhart" is not the shot boy.
NOT_VICTIM_NOUNS = frozenset(
    {"father", "mother", "parent", "husband", "wife", "boyfriend", "girlfriend", "grandfather", "grandmother",
     "uncle", "aunt", "relative", "neighbor", "neighbour", "witness", "homeowner", "owner", "officer", "deputy",
     "trooper"}
)  # fmt: skip
OFFICIAL = re.compile(
    r"\b(?:police|officer|chief|sheriff|deputy|spokes(?:wo)?man|spokesperson|detective|sergeant|sgt|lieutenant|lt|"
    r"captain|capt|mayor|governor|attorney|prosecutor|judge|coroner|examiner|commissioner|trooper|agent|"
    r"senator|president|reporter|anchor|councilman|councilwoman|superintendent|director)\b",
    re.I,
)
AGE_AFTER = re.compile(
    r"^\s*,\s*(?:age\s+|aged\s+|both\s+|also\s+)?(\d{1,2})(?![- ]year)"
    r"\s*(?:[,;.)–—-]|\s+(?:and|of|from|who|was|is)\b|$)"
    r"|^\s+(?:was|is)\s+(\d{1,2})\s+years?\s+old\b"
)
# "Jane Doe and John Roe, both 18": the first of two people told with one age ("Jane Doe, also 18": the second).
BOTH_AFTER = re.compile(r"^\s+and\s+(?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*\s*,\s*both\s+(\d{1,2})\b(?![- ]year)")
AGE_PAREN = re.compile(r"^\s*\((\d{1,2})\)")
# A baby's age in months ("21-month-old Jane Doe"; "Jane Doe, 17 months,"; "Jane Doe, age 17 months"): whole years.
MONTHS_BEFORE = re.compile(r"\b(\d{1,2})[- ]month[- ]old\s+(?:\w+\s+){0,2}$", re.I)
MONTHS_AFTER = re.compile(r"^\s*,\s*(?:age\s+|aged\s+)?(\d{1,2})\s+months?(?:\s+old)?\b")
AGE_WORDS = (
    "(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|"
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen"
)  # read by parse_number
AGE_NUMBER = r"(?<![\w-])(?:\d{1,2}|" + AGE_WORDS + ")"
# "Michael Parsons, a 17-year-old rising senior"; "George Rosado, a very troubled 17-year-old"
AGE_APPOS_AFTER = re.compile(r"^\s*,\s+(?:a|an)\s+(?:\w+\s+){0,2}?(" + AGE_NUMBER + r")[- ]year[- ]old\b", re.I)
HALF = r"(?:[- ]and[- ]a[- ]half)?"  # "the 2-and-a-half-year-old": 2
AGE_BEFORE = re.compile(
    r"(" + AGE_NUMBER + r")" + HALF + r"[- ]year[- ]old\s+(?:\w+\s+){0,2}$"
    r"|(" + AGE_NUMBER + r")[- ]year[- ]old\s+twins\s+(?:[A-Z][\w'’-]*\s+){1,3}and\s+$"  # "23-year-old twins A and B"
    r"|(" + AGE_NUMBER + r")[- ]year[- ]old(?:\s+\w+){1,2}\s*,\s*$"  # "his 13-year-old son, Anthony Ellison"
    r"|(" + AGE_NUMBER + r")[- ]year[- ]old(?:\s+\w+)?\s+(?:has\s+been|was|is)\s+identified\s+as\s+$",
    re.I,
)
SAY = frozenset({"say", "tell", "add", "state", "explain", "describe", "recall", "according", "speak", "write"})
# Words of a sentence that tell what happened to the people it names with their ages.
DIED = re.compile(
    r"\b(?:died|dies|dead|deceased|killed|slain|murdered|fatal(?:ly)?|pronounced|homicide|death|bodies)\b", re.I
)
HURT_CUE = re.compile(
    r"\b(?:shot|shooting|wounded|injured|injury|injuries|hurt|hospital(?:i[sz]ed)?|gunshot\s+(?:wounds?|to)|struck|"
    r"critical|stable|"
    r"surgery|victims?|"
    r"survivors?)\b",
    re.I,
)
# Right after a name: what happened to that person ("Jane Doe, 23, was shot and killed"; "John Roe was arrested").
AFTER_NAME = (
    r"(?:\s*,\s*(?:\d{1,2}|age\s+\d{1,2})\s*,)?(?:\s*,\s*(?:of|from)\s+[A-Z][\w .'-]{0,30},"
    r"|\s+of\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?(?:\s*,\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)?)?\s*,)?\s+"
)  # "Jane Doe, 23, of Elm Grove, was …"; "Briar Newsome of Carlton, Georgia, was pronounced dead"
VICTIM_AFTER = re.compile(
    AFTER_NAME + r"(?:(?:was|is|had\s+been|has\s+been|were|later|also)\s+)*(?P<what>(?:fatally\s+)?shot|killed|"
    r"wounded|injured|struck|hit|died|dies|pronounced\s+dead|found\s+dead|found\s+shot|slain|murdered|"
    r"hospitali[sz]ed|taken\s+to)\b",
)
PASSIVE_AUX = re.compile(r"\b(?:was|is|were|been)\b")
OBJECT_NEXT = re.compile(
    r"\s+(?:\d|(?:a|an|the|his|her|their|two|three|four|five|six|seven|eight|nine|ten|several|him|them)\b)", re.I
)
SUSPECT_AFTER = re.compile(
    AFTER_NAME + r"(?:(?:was|is|has\s+been|had\s+been|later)\s+)*(?:arrested|charged|booked|indicted|"
    r"accused|faces|facing|pleaded|turned\s+himself\s+in|taken\s+into\s+custody)\b",
)
SUSPECT_BEFORE = re.compile(
    r"\b(?:arrested|charged|booked|indicted|identif(?:ied|ies)\s+the\s+(?:suspect|shooter|gunman)\s+as|suspect|"
    r"shooter|gunman)\s*,?\s*(?:(?:is|was|as)\s+)?(?:\d{1,2}-year-old\s+)?$",
    re.I,
)
# "Police say Ja'Mare Stewart shot and killed 14-year-old ...": the one who shot, in the active voice.
SHOOTER_AFTER = re.compile(
    AFTER_NAME + r"(?:(?:allegedly|accidentally|fatally|then|later)\s+)?(?:shot|killed|stabbed|shoots|kills)\s+"
    r"(?:and\s+killed\s+)?(?:his|her|their|a|an|the|two|three|\d|[A-Z])",
)
# A list of the people an incident happened to: "The other victims were ...", "Injured were ...".
LIST_CUE = re.compile(
    r"\b(?:(?P<hurt>injured|wounded|hurt|treated\s+for\s+[\w\s\"“”]{0,30}?injuries[\"”]?)\s+(?:were|are)|"
    r"(?P<dead>killed|dead|slain)\s+(?:were|are)|victims?\s+(?:were|are|was|is)|identif(?:ied|ies)\s+the\s+victims?\s+as)\b",
    re.I,
)
# Just before a name: the person the story is about, set beside the name ("The boy, Devon Quinn, was in his dad's
# car"; "The 4th person, Refugio Modesto-DeLaCruz, was taken by ambulance").
PERSON_NOUN = (
    r"(?:boy|girl|child|toddler|teen|teenager|infant|baby|youth|woman|man|person|student|victim|hunter|youngster)"
)
PERSON_NOUN_GROUP = "(?P<noun>" + PERSON_NOUN + ")"
PERSON_APPOS = re.compile(
    r"\b[Tt]he\s+(?:(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|young|injured|wounded|dead|slain|\d{1,2}-year-old)"
    r"\s+)?" + PERSON_NOUN_GROUP + r"\s*,\s*(?:(?:later\s+)?identified\s+as\s+)?$"
)
# Told as who the incident happened to: "The boy is identified as Marques Green"; "the coroner said the boy was named
# Ezequiel Melendez"; "identified the toddler that died as Paxton Shannon"; "The dead student is Colin Brough".
NAMED_AS = re.compile(
    r"\b" + PERSON_NOUN_GROUP + r"s?\s+(?:(?:is|was|has\s+been|had\s+been)\s+)?(?:named|identified\s+as)\s+$"
    r"|\bidentif(?:ied|ies)\s+the\s+(?:\w+\s+){0,3}?" + PERSON_NOUN + r"\s+(?:who|that)\s+(?:died|was\s+\w+)\s+as\s+$"
    r"|\b(?:dead|deceased|slain|injured|wounded)\s+" + PERSON_NOUN + r"\s+(?:is|was)\s+$",
    re.I,
)
IDENTIFIED_AS = re.compile(r"\bidentified\s+(?:\w+\s+){0,2}?as\s+(?P<noun>)$", re.I)
# Any person told with an age ("a 16-year-old boy", "the 2-year-old"), not a suspect.
AGED_PERSON = re.compile(
    rf"\b({AGE_NUMBER}){HALF}[- ]year[- ]old\b(?!\s+(?:\w+\s+)?(?:{'|'.join(sorted(SUSPECT_NOUNS))})\b)", re.I
)
NAME_NEXT = re.compile(r"\s+[A-Z][a-z][\w'’-]*\s+[A-Z][\w'’-]+\b(?!\s+[A-Z])(?!\s+" + PERSON_NOUN + r"\b)")
SUSPECT_CUE = re.compile(
    r"\b(?:arrested|charged|charges?|booked|accused|suspects?|gunman|shooter|custody|indicted|jailed|faces?|"
    r"pleaded|convicted|sentenced|turned\s+(?:the\s+gun\s+on\s+)?himself|killing\s+himself|murder-suicide)\b",
    re.I,
)
# Words that are no part of a person's name when a headline or a byline runs into one ("Roy Police Lt",
# "Girl Shot", "Demond Coffee Cook County").
NOT_NAME_WORDS = frozenset(
    {"police", "lt", "sgt", "officer", "chief", "sheriff", "county", "boy", "girl", "man", "woman", "teen", "shot",
     "killed", "news", "chronicle", "department", "street", "avenue", "road", "city", "township", "says", "said"}
)  # fmt: skip
# Words of a place's or an institution's name that NER took for a person ("Gary Methodist", "Ryder Trauma Center").
PLACE_NAME_WORDS = frozenset(
    {"methodist", "theater", "theatre", "center", "centre", "hospital", "trauma", "medical", "church", "school",
     "university", "college", "memorial", "mall", "club", "restaurant", "apartments", "baptist", "presbyterian",
     "regional", "clinic", "academy", "high", "elementary", "middle", "park"}
)  # fmt: skip
# A sentence about another time than the incident's: the people it names are of another incident.
OTHER_TIME = re.compile(
    r"\b(?:last\s+(?:year|month|week|summer|winter|spring|fall)|earlier\s+this\s+(?:year|month)|"
    r"(?:years?|months?|weeks?)(?:\s+and\s+a\s+half)?\s+ago|(?:the\s+)?previous\s+(?:year|month|week)|in\s+(?:19|20)\d\d|"
    r"(?:a|one|two|three|several)\s+(?:years?|months?|weeks?)\s+(?:earlier|before|prior))\b",
    re.I,
)
# Those who saw it: "Two of his cousins, both 18, witnessed the shooting."
WITNESS = re.compile(r"\b(?:witness(?:ed|es)?|eyewitness(?:es)?)\b", re.I)
# A picture's credit: the photographer is no participant.
CREDIT_BEFORE = re.compile(r"\b(?:Photo(?:graph)?s?|Image|Credit|Courtesy|Video)(?:\s+by)?\s*[:|]?\s*$", re.I)
CREDIT_AFTER = re.compile(r"\s*\|\s*[A-Z]|\s*/\s*(?:AP|Staff|Getty|Reuters)\b|,\s+(?:staff\s+)?photographer\b")
ARREST_CUE = re.compile(r"\b(?:arrested|charged|booked|in\s+custody|indicted|jailed|detained)\b", re.I)
# Words of a firm's, a force's or a place's name: a name with one is no person's, whatever the tagger says.
ORG_WORDS = frozenset(
    {"police", "department", "county", "office", "news", "school", "university", "college", "inc", "co", "corp",
     "group", "center", "centre", "church", "bank", "hospital", "club", "team", "association", "company", "court",
     "sheriff", "city", "state", "bureau", "services", "service", "academy", "park", "street", "road", "avenue",
     "market", "store", "mall", "apartments", "motel", "hotel", "restaurant", "bar", "lounge", "facebook", "twitter",
     "instagram", "youtube", "gofundme", "fund", "foundation", "council", "board", "agency", "patrol", "institute",
     "press", "times", "post", "tribune", "herald", "journal", "daily", "online", "media", "radio", "tv", "western",
     "eastern", "northern", "southern", "slope", "valley", "river", "lake", "mountain", "island", "beach", "coast",
     "navy", "naval", "army", "marines", "courthouse", "jail", "prison", "airport", "station"}
)  # fmt: skip

# A noun that tells what happened to the person it is "of": "the deaths of Jane Doe and her daughter", "the bodies of
# …", "Doe's murder" (dead); "the arrest of John Roe" (arrested).
DEATH_NOUNS = frozenset({"death", "murder", "killing", "slaying", "body", "homicide"})
# A condition or a wound the subject of a clause is in or suffered: "in critical condition", "a gunshot wound".
CONDITIONS = frozenset({"critical", "stable", "serious", "fair", "grave", "guarded"})
WOUNDS = frozenset({"wound", "injury", "gunshot"})
