"""The event lexicon: trigger words and their event types, the typing of a trigger token in context, and the
keys that relate the forms and synonyms of an event word (pure functions over spaCy tokens and strings).

:func:`trigger_type` is what :mod:`agents.extract.events` reads each candidate trigger with; :func:`event_key`,
:func:`event_sense`, :func:`lexicon_type` and :func:`event_class` are what the story stage and the event evaluation
compare event words by.
"""

from __future__ import annotations

from spacy.tokens import Token

from agents.extract.entities import CanonicalEntities

__all__ = [
    "AMOUNT_TYPES",
    "DURATION_TYPES",
    "INCIDENT_TYPES",
    "LOCAL_INCIDENT_TYPES",
    "SYMMETRIC_TYPES",
    "TRIGGERS",
    "WORD_BOUND_TYPES",
    "event_class",
    "event_key",
    "event_sense",
    "lexicon_type",
    "trigger_type",
]

# lemma -> event type. Context checks in trigger_type refine the ambiguous ones.
TRIGGERS: dict[str, str] = {
    # communication between parties
    "call": "call", "phone": "call", "telephone": "call", "conversation": "call", "chat": "call",
    "talk": "call", "speak": "call",
    # meetings and talks
    "meet": "meeting", "meeting": "meeting", "summit": "meeting", "receive": "meeting", "host": "meeting",
    "visit": "meeting", "negotiation": "meeting", "talks": "meeting",
    # threats
    "threaten": "threat", "threat": "threat", "warn": "threat", "warning": "threat", "vow": "threat",
    "retaliate": "threat", "retaliation": "threat", "ultimatum": "threat",
    # violence
    "attack": "attack", "strike": "attack", "airstrike": "attack", "bombing": "attack", "bomb": "attack",
    "shelling": "attack", "shell": "attack", "raid": "attack", "invade": "attack", "invasion": "attack",
    "assault": "attack", "offensive": "attack", "counteroffensive": "attack",
    "explosion": "explosion", "blast": "explosion", "explode": "explosion", "detonate": "explosion",
    "shoot": "shooting", "shooting": "shooting", "gunfire": "shooting", "fire": "fire",
    "stab": "stabbing", "stabbing": "stabbing",
    "kill": "killing", "murder": "killing", "homicide": "killing", "slay": "killing",
    # accidents and disasters
    "derail": "accident", "derailment": "accident", "crash": "accident", "collide": "accident",
    "collision": "accident", "capsize": "accident",
    "earthquake": "disaster", "quake": "disaster", "tremor": "disaster", "tsunami": "disaster",
    "flood": "disaster", "flooding": "disaster", "wildfire": "disaster", "blaze": "fire",
    "hurricane": "disaster", "tornado": "disaster", "landslide": "disaster", "eruption": "disaster",
    # justice
    "arrest": "arrest", "detain": "arrest", "apprehend": "arrest",
    "charge": "charge", "indict": "charge", "indictment": "charge",
    "accuse": "accusation", "blame": "accusation", "accusation": "accusation",
    # statements
    "announce": "statement", "announcement": "statement", "declare": "statement", "deny": "statement",
    "reject": "statement", "condemn": "statement", "denounce": "statement",
    # business and office
    "acquire": "acquisition", "acquisition": "acquisition", "buy": "acquisition", "purchase": "acquisition",
    "takeover": "acquisition", "merge": "merger", "merger": "merger",
    "resign": "resignation", "resignation": "resignation",
    "fine": "penalty", "penalty": "penalty",
}  # fmt: skip

INCIDENT_TYPES = frozenset(
    {"shooting", "attack", "explosion", "accident", "disaster", "killing", "stabbing", "fire", "casualties"}
)
# Incidents told through whoever the outlet names (victims, suspects, officials): participants do not tell two
# apart, time and place do. An attack in a war is told by who attacks whom, so it is not one of them.
LOCAL_INCIDENT_TYPES = INCIDENT_TYPES - {"attack"}
SYMMETRIC_TYPES = frozenset({"call", "meeting", "merger"})
DURATION_TYPES = frozenset({"call", "meeting"})
AMOUNT_TYPES = frozenset({"acquisition", "merger", "penalty"})
_EVENT_POS = frozenset({"NOUN", "VERB", "PROPN"})
_THREAT_CUES = frozenset(
    {
        "retaliate",
        "retaliation",
        "revenge",
        "response",
        "respond",
        "attack",
        "strike",
        "punish",
        "punishment",
        "consequence",
        "war",
    }
)


# --- trigger typing ------------------------------------------------------------------------------------------


_EXPLOSIVES = frozenset(
    {"bomb", "explosion", "device", "grenade", "shell", "mine", "missile", "rocket", "explosive", "blast", "charge"}
)
_PERSONAL = frozenset({"he", "she", "they", "i", "we", "you"})
# A shot of a ball or a camera, not a gun: words only a game or a film uses in the sentence ("scene", "field",
# "game", "photo", "film", "studio" and "episode" are a crime report's words too: "filmed the shooting", "a shooting
# at a recording studio"), none of a gun or a wound.
_GAME_OR_FILM = frozenset(
    {"percent", "percentage", "%", "pointer", "layup", "jumper", "dunk", "rebound", "assist", "playoff", "hoop",
     "puck", "fame", "movie", "filming", "sequel"}
)  # fmt: skip
_GUN_OR_WOUND = frozenset(
    {"gun", "handgun", "rifle", "pistol", "shotgun", "firearm", "weapon", "bullet", "round", "gunfire", "gunman",
     "gunshot", "wound", "injure", "injury", "kill", "dead", "death", "die", "fatal", "fatally", "hospital", "victim",
     "police", "officer", "deputy", "sheriff", "suspect", "arrest", "murder", "homicide", "paralyze", "paralyzed",
     "critical", "condition", "shooter", "trooper", "investigator", "investigate", "robbery", "robber"}
)  # fmt: skip
_PERSON_OBJECTS = frozenset({"him", "her", "them", "himself", "herself", "themselves", "me", "us", "he", "she", "they"})
_PERSON_NOUNS = frozenset(
    {"man", "woman", "boy", "girl", "teen", "teenager", "child", "person", "people", "fan", "player", "student",
     "guard", "driver", "resident", "worker", "employee", "father", "mother", "son", "daughter", "brother", "sister",
     "husband", "wife", "friend", "coach", "spectator", "bystander"}
)  # fmt: skip
_BURNING = frozenset({"burn", "flame", "douse", "extinguish", "firefighter", "smoke", "blaze", "burning"})


def _person_on_fire(tok: Token, ents: CanonicalEntities) -> bool:
    """ "Faker was simply on fire": a person "on fire" is doing well, unless something says they burned."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ != "on":
        return False
    verb = prep.head
    for subj in (c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}):
        label = ents.labels.get(ents.token_ids.get(subj.i, ""), "")
        if (
            label == "PERSON"
            or subj.lower_ in _PERSONAL
            or (subj.pos_ == "PROPN" and label not in {"FAC", "GPE", "LOC"})
        ):
            return not any(w.lemma_.lower() in _BURNING for w in verb.sent)
    return False


def _game_or_film_shot(tok: Token, ents: CanonicalEntities) -> bool:
    """ "The Jays shot 46 percent"; "filming begins … shooting in May"; "shot to fame": words of a game or a film
    around the shot and none of a gun, a wound or the police, nor a person shot ("he was shot in September", "a fan
    was shot after the playoff game")."""
    lemmas = {w.lemma_.lower() for w in tok.sent}
    if lemmas & _GUN_OR_WOUND or not lemmas & _GAME_OR_FILM:
        return False
    for c in tok.children:
        if c.dep_ in {"dobj", "nsubjpass"} and (
            c.lower_ in _PERSON_OBJECTS
            or c.lemma_.lower() in _PERSON_NOUNS
            or ents.labels.get(ents.token_ids.get(c.i, ""), "") == "PERSON"
        ):
            return False
    return True


def trigger_type(tok: Token, ents: CanonicalEntities) -> str | None:
    """The event type a token triggers in context (the extractor's own lexicon and checks), or None."""
    if tok.pos_ not in _EVENT_POS or tok.i in ents.token_ids or (tok.is_stop and tok.lemma_ != "call"):
        return None
    lemma = tok.lemma_.lower()
    if lemma == "talk" and tok.tag_ == "NNS":
        lemma = "talks"
    kind = TRIGGERS.get(lemma)
    if kind is None:
        return None
    children = list(tok.children)
    preps = {c.lower_ for c in children if c.dep_ == "prep"}
    if lemma in {"talk", "speak"}:
        # "spoke with Putin" is a call; "spoke to reporters" or "talked about it" is not an event of its own.
        if tok.pos_ != "VERB" or not _has_entity_object(tok, {"with", "to"}, ents, {"PERSON", "ORG"}):
            return None
    elif lemma == "call":
        if tok.pos_ != "NOUN" or "for" in preps or tok.head.lemma_ == "answer":
            return None
    elif lemma in {"receive", "host"}:
        if not any(c.dep_ == "dobj" and ents.labels.get(ents.token_ids.get(c.i, ""), "") == "PERSON" for c in children):
            return None
    elif lemma == "visit" and tok.pos_ == "VERB":
        if not any(c.dep_ == "dobj" and c.i in ents.token_ids for c in children):
            return None
    elif lemma == "warn":
        if not ({"of", "against"} & preps or _subtree_has(tok, _THREAT_CUES)):
            return None
    elif lemma == "vow":
        if not _subtree_has(tok, _THREAT_CUES):
            return None
    elif lemma in {"retaliate", "retaliation"}:
        if not _irrealis(tok):
            return "attack"
    elif lemma == "strike":
        if tok.pos_ == "VERB":
            if any(c.dep_ == "nsubj" and TRIGGERS.get(c.lemma_.lower()) == "disaster" for c in children):
                return None
        elif not ({"on", "against"} & preps or any(c.dep_ in {"compound", "amod"} for c in children)):
            return None
    elif lemma == "blast" and tok.pos_ == "VERB":
        # "The newspaper blasted South Korea" criticizes; only a bomb, a device or an explosion blasts.
        if not any(c.dep_ == "nsubj" and c.lemma_.lower() in _EXPLOSIVES for c in children):
            return None
    elif lemma == "fire":
        if tok.pos_ != "NOUN" or tok.dep_ == "compound":
            return None
        if _person_on_fire(tok, ents):
            return None
        if tok.head.lemma_ == "open" or any(c.lower_ == "gun" for c in children):
            return "shooting"
        if tok.head.lower_ in {"under", "cease"} or tok.head.lemma_ in {"come", "draw"}:
            return None
        return "fire"
    elif lemma == "shell" and tok.pos_ != "VERB":  # shell casings
        return None
    elif lemma == "kill" and (
        tok.pos_ != "VERB"
        or not any(
            c.dep_ == "nsubj" and TRIGGERS.get(c.lemma_.lower()) is None and c.pos_ in {"PROPN", "NOUN", "PRON"}
            for c in children
        )
    ):
        return None  # "two were killed" is a count; "a man killed his wife" is a killing
    elif lemma == "shoot":
        if tok.pos_ != "VERB" or _game_or_film_shot(tok, ents):
            return None
    elif lemma == "shooting" and _game_or_film_shot(tok, ents):
        return None
    elif lemma == "charge":
        if tok.pos_ != "VERB" or "with" not in preps:
            return None
    elif lemma in {"buy", "purchase"} and tok.pos_ == "VERB":
        if not any(c.dep_ == "dobj" and ents.labels.get(ents.token_ids.get(c.i, ""), "") == "ORG" for c in children):
            return None
    elif lemma == "fine":
        if tok.pos_ == "NOUN" and not any(c.ent_type_ == "MONEY" for c in tok.subtree):
            return None
    elif lemma in {"reject", "deny", "declare"} and not any(
        c.dep_ in {"nsubj"} and c.i in ents.token_ids for c in children
    ):
        return None
    return kind


def _has_entity_object(tok: Token, preps: set[str], ents: CanonicalEntities, labels: set[str]) -> bool:
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in preps:
            for obj in prep.children:
                if obj.dep_ == "pobj" and ents.labels.get(ents.token_ids.get(obj.i, ""), "") in labels:
                    return True
    if tok.lemma_ == "talk" and any(c.dep_ == "nsubj" and c.conjuncts for c in tok.children):
        return True
    return False


def _subtree_has(tok: Token, lemmas: frozenset[str]) -> bool:
    return any(t.lemma_.lower() in lemmas for t in tok.subtree if t is not tok and t.i - tok.i < 12)


def _irrealis(tok: Token) -> bool:
    """A threatened rather than a carried-out retaliation ("will retaliate", "vowed to retaliate", "warned of ...")."""
    cur: Token | None = tok
    for _ in range(4):
        if cur is None:
            break
        if any(
            c.dep_ == "aux" and c.lemma_ in {"will", "would", "must", "shall", "could", "may", "might"}
            for c in cur.children
        ):
            return True
        if cur.lemma_ in {"vow", "threaten", "warn", "threat", "have", "need", "promise", "pledge"} and cur is not tok:
            return True
        if cur.dep_ in {"ROOT"}:
            break
        cur = cur.head
    return tok.pos_ == "NOUN"


# --- forms and senses of event words -------------------------------------------------------------------------

# Nominal and verbal forms of one event that suffix stripping cannot relate, and clipped forms.
_EVENT_FORMS: dict[str, str] = {
    "death": "die", "dead": "die", "deadly": "die", "shot": "shoot", "gunshot": "shoot", "quake": "earthquake",
    "explosion": "explode", "collision": "collide", "invasion": "invade", "acquisition": "acquire",
    "decision": "decide", "sale": "sell", "loss": "lose", "theft": "steal", "robbery": "rob", "trial": "try",
    "injury": "injure", "birth": "bear", "bought": "buy", "purchase": "buy", "sold": "sell", "arson": "arson",
    "detention": "detain", "conviction": "convict", "suspension": "suspend", "resignation": "resign",
    "retaliation": "retaliate", "derailment": "derail", "eruption": "erupt", "talks": "talk",
}  # fmt: skip
_EVENT_SUFFIXES = (
    ("ation", "at"),
    ("ition", ""),
    ("ment", ""),
    ("ings", ""),
    ("ing", ""),
    ("ion", ""),
    ("ure", ""),
    ("al", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("e", ""),
    ("y", ""),
)
_DERIVED = ("ation", "ition", "ment", "ing", "ion", "ure", "al")
# Types whose lexicon words name different happenings ("deny" / "announce", "earthquake" / "tsunami"); in the
# other types the words of one type tell one happening ("strike" / "attack", "arrest" / "detain").
WORD_BOUND_TYPES = frozenset({"statement", "disaster", "other"})


def event_key(word: str) -> str:
    """One key for the verbal and nominal forms of an event word: "arrested"/"arrest", "shooting"/"shot".

    Expects a lemma (or a lowercase word); derivations suffix stripping cannot relate come from a small table.
    """
    w = word.lower().strip()
    w = _EVENT_FORMS.get(w, w)
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 5:
        # A plural of a derived noun keys as its singular ("negotiations", "deaths", "announcements").
        single = w[:-1]
        if single in _EVENT_FORMS or single.endswith(_DERIVED):
            w = _EVENT_FORMS.get(single, single)
    for suffix, replacement in _EVENT_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + replacement
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]  # "announcement" -> "announce" -> "announc", as "announce" itself
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]  # "shopping" -> "shopp" -> "shop"
    return w


# Words of general English that name one kind of happening ("slay" / "kill", "discover" / "find"): a frame's
# sense is the first word of its class. Only words whose common news sense is the class's: no word of a class
# names another happening in a story that uses both ("fire" someone is not here: a fire is a blaze).
_SENSE_CLASSES: tuple[tuple[str, ...], ...] = (
    ("kill", "slay", "assassinate", "die", "death", "dead", "perish", "fatality", "pass away"),
    ("shoot", "shooting", "gun down", "open fire"),
    ("hit", "strike", "slam", "pound", "jolt", "rock"),
    ("win", "victory", "triumph", "beat", "defeat", "prevail"),
    ("injure", "wound", "hurt"),
    ("damage", "harm"),
    ("destroy", "destruction", "demolish", "raze", "flatten", "wreck", "devastate", "devastation"),
    ("cut", "sever"),
    ("find", "discover", "discovery", "locate", "uncover"),
    ("release", "issue", "unveil", "publish", "free"),
    ("put", "place"),
    ("enter", "admit", "admission", "check in"),
    ("arrest", "detain", "apprehend", "capture", "nab"),
    ("dismiss", "sack", "oust", "dismissal", "ouster", "let go", "lay off"),
    ("resign", "quit", "step down"),
    ("hire", "appoint", "appointment", "recruit"),
    ("rob", "robbery", "heist", "steal", "theft", "burglary", "burglarize", "loot"),
    ("flee", "escape"),
    ("foil", "thwart", "repel", "repulse"),
    ("fix", "repair", "mend", "patch", "restore"),
    ("marry", "wed", "wedding", "marriage"),
    ("kidnap", "abduct", "abduction", "kidnapping"),
    ("sue", "lawsuit"),
    ("investigate", "investigation", "probe", "inquiry"),
    ("ban", "bar", "prohibit", "prohibition"),
    ("protest", "demonstrate", "demonstration"),
    ("deploy", "deployment", "dispatch"),
    ("deal", "agreement", "pact"),
)  # fmt: skip


def _sense_of_key() -> dict[str, str]:
    out: dict[str, str] = {}
    for words in _SENSE_CLASSES:
        head = event_key(words[0])
        for word in words:  # the key of the word and of its regular forms ("slay" / "slaying" key apart)
            for form in (word, word + "s", word + "ing", word + "ed"):
                out.setdefault(event_key(form), head)
    return out


_SENSES: dict[str, str] = {}


def event_sense(word: str) -> str:
    """The :func:`event_key` of an event word's synonym class ("slain" / "killed", "discovered" / "found")."""
    if not _SENSES:
        _SENSES.update(_sense_of_key())
    key = event_key(word)
    return _SENSES.get(key, key)


def _key_types() -> dict[str, str]:
    by_key: dict[str, set[str]] = {}
    for word, kind in TRIGGERS.items():
        by_key.setdefault(event_sense(word), set()).add(kind)
    return {key: next(iter(kinds)) for key, kinds in by_key.items() if len(kinds) == 1}


_KEY_TYPES: dict[str, str] = {}


def lexicon_type(word: str) -> str | None:
    """The lexicon type of an event word, of another form of it ("shot" -> shooting, "killings" -> killing) or of
    a synonym ("slain" -> killing, "nabbed" -> arrest).

    A word counts when its :func:`event_sense` is the sense of lexicon words of one type only.
    """
    w = word.lower().strip()
    kind = TRIGGERS.get(w)
    if kind is not None:
        return kind
    if not _KEY_TYPES:
        _KEY_TYPES.update(_key_types())
    return _KEY_TYPES.get(event_sense(w))


def event_class(kind: str, trigger: str) -> str:
    """What two frames must share to tell one happening: the type, or the event word for word-bound types."""
    return f"{kind}:{event_sense(trigger)}" if kind in WORD_BOUND_TYPES else kind
