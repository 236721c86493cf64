"""Event frames and quotes of one parsed article (pure functions over a spaCy ``Doc``).

An event frame is a trigger word typed by a small lexicon (call, meeting, threat, attack, shooting, ...) with
its participants read from the dependency parse, its date normalized against the publish date, its place and
figures found in its sentence (durations, killed/injured counts, money amounts). Mentions of one happening
within the article ("spoke with Putin" ... "the call lasted an hour") are folded into one frame.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from agents.extract.entities import PLACE_LABELS, CanonicalEntities, role_is_specific
from agents.extract.numbers import format_duration, parse_amount, parse_duration, parse_number
from agents.extract.places import CityState, city_states, state_name
from agents.extract.timex import normalize_date
from schemas.extraction import EventFrame, Quote

__all__ = [
    "INCIDENT_TYPES",
    "LOCAL_INCIDENT_TYPES",
    "SYMMETRIC_TYPES",
    "TRIGGERS",
    "WORD_BOUND_TYPES",
    "build_context",
    "casualty_counts",
    "dates_compatible",
    "event_class",
    "event_key",
    "event_sense",
    "extract_events",
    "extract_quotes",
    "frame_at_token",
    "lexicon_type",
    "speakers",
    "tokens_with",
    "trigger_type",
]

# lemma -> event type. Context checks in _trigger_type refine the ambiguous ones.
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
_LIGHT_VERBS = frozenset(
    {
        "have",
        "hold",
        "make",
        "conduct",
        "launch",
        "carry",
        "stage",
        "give",
        "host",
        "join",
        "attend",
        "mount",
        "begin",
        "start",
        "end",
        "finish",
        "catch",
        "set",
        "open",
        "spark",
    }
)
_CONTAINING_PREPS = frozenset({"during", "in", "at", "after", "following"})
_TARGET_PREPS: dict[str, frozenset[str]] = {
    "call": frozenset({"with", "to"}),
    "meeting": frozenset({"with"}),
    "merger": frozenset({"with"}),
    "threat": frozenset({"against", "on", "to", "over", "for"}),
    "attack": frozenset({"on", "against"}),
    "explosion": frozenset({"at", "on"}),
    "acquisition": frozenset({"of"}),
}
_DEFAULT_TARGET_PREPS = frozenset({"on", "against"})
_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside"})
_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
_RELATIVE = frozenset({"which", "who", "that", "whom"})
_PROBE_ANCHOR = date(2000, 1, 1)
_FUTURE_AUX = frozenset({"will", "'ll", "shall", "going"})

# --- casualties --------------------------------------------------------------------------------------------
_NUMBER_WORD = (
    r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
    r"hundred|thousand|dozen)"
)
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|{_NUMBER_WORD}(?:[\s-]+(?:and[\s-]+)?{_NUMBER_WORD})*)"
_PEOPLE = (
    r"(?:people|persons?|m[ae]n|wom[ae]n|child(?:ren)?|kids?|teens?|teenagers?|boys?|girls?|victims?|"
    r"officers?|students?|adults?|residents?|workers?|passengers?|civilians?|soldiers?|others?|"
    r"bystanders?|babies|baby|infants?|toddlers?|customers|employees|individuals|youths?|relatives|"
    r"members?|suspects?|gunm[ae]n|patrons|guests|sons?|daughters?|brothers|sisters|friends)"
)
# "23-year-old", "young", "other" ... between the number and the noun (never another number)
_MODS = rf"(?:(?:\d+-year-old|(?!(?:and|or|of|in|{_NUMBER_WORD})\s)[a-zA-Z][a-zA-Z'-]*)\s+){{0,3}}?"
_AUXW = r"(?:were|was|are|is|have\s+been|has\s+been|had\s+been|been|got|later|also|reportedly|all|both|each)"
_HOWW = r"(?:fatally|critically|seriously|severely|gravely|mortally|non-fatally|slightly)"
_KILLED_WORD = (
    r"(?:killed|dead|died|murdered|slain|shot\s+dead|shot\s+to\s+death|fatally\s+(?:shot|wounded|injured)"
    r"|shot\s+and\s+killed|shot\s+and\s+fatally\s+wounded|gunned\s+down)"
)
_INJURED_WORD = r"(?:injured|wounded|hurt|hospitali[sz]ed|shot\s+and\s+(?:wounded|injured)|injured\s+by\s+gunfire)"
_NOT_FATAL = r"(?!\s+(?:and\s+killed|dead|to\s+death|and\s+fatally|fatally))"
_WHO = rf"\b(?P<n>{_NUM})[ \t]+{_MODS}(?:{_PEOPLE}\s+)?(?:{_AUXW}\s+)*"  # "two men were", "a 23-year-old man was"
_CASUALTY_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("killed", re.compile(rf"{_WHO}{_KILLED_WORD}\b", re.I)),
    ("injured", re.compile(rf"{_WHO}(?:{_HOWW}\s+)?{_INJURED_WORD}\b", re.I)),
    ("killed", re.compile(rf"\b(?:killing|killed|kills|murdering)\s+(?P<n>{_NUM})\b", re.I)),
    ("killed", re.compile(rf"\b(?:leaving|left)\s+(?P<n>{_NUM})\s+{_MODS}(?:{_PEOPLE}\s+)?dead\b", re.I)),
    ("injured", re.compile(rf"\b(?:injuring|wounding|injures|wounds|injured|wounded|hurting)\s+(?P<n>{_NUM})\b", re.I)),
    (
        "injured",
        re.compile(
            rf"\bsen(?:t|ds|ding)\s+(?P<n>{_NUM})\s+{_MODS}(?:{_PEOPLE}\s+)?to\s+"
            r"(?:the\s+|area\s+|a\s+)?hospitals?\b",
            re.I,
        ),
    ),
    ("killed", re.compile(rf"\b(?P<n>{_NUM})\s+(?:deaths|fatalities)\b", re.I)),
    ("injured", re.compile(rf"\b(?P<n>{_NUM})\s+(?:injuries)\b", re.I)),
    ("shot", re.compile(rf"{_WHO}shot\b{_NOT_FATAL}", re.I)),
    ("shot", re.compile(rf"\bshot\s+(?P<n>{_NUM})\s+{_MODS}{_PEOPLE}\b", re.I)),
    ("killed", re.compile(rf",\s*(?P<n>{_NUM})\s+(?:of\s+them\s+|of\s+whom\s+)?(?:fatally|died|dead)\b", re.I)),
    # "Darin Booker, 13, was shot and killed": one named victim with an age.
    ("killed", re.compile(rf"\b[A-Z][a-z]+\s+[A-Z][a-z]+,\s+\d{{1,2}},\s+(?:{_AUXW}\s+)+{_KILLED_WORD}\b(?P<n>)")),
    ("shot", re.compile(rf"\b[A-Z][a-z]+\s+[A-Z][a-z]+,\s+\d{{1,2}},\s+(?:{_AUXW}\s+)+shot\b{_NOT_FATAL}(?P<n>)")),
]
_WORD_ONLY = {"a", "an"}
_COUNTS = frozenset({"killed", "injured", "shot"})
_SINGULAR_PERSON = re.compile(
    r"\s+(?:[\w'-]+\s+){0,3}?(?:man|woman|person|child|boy|girl|teen|teenager|officer|"
    r"victim|baby|infant|toddler|student|resident|worker|bystander|driver|passenger)\b",
    re.I,
)


_AGE_AFTER = re.compile(r"[\s-]*(?:years?|months?|weeks?)[\s-]*old\b", re.I)


def _year_or_age(text: str, match: re.Match[str]) -> bool:
    """ "2013" is a year; "Darin Booker, 13, was killed" gives an age between commas, not a count."""
    raw = match.group("n")
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return True
    before, after = text[: match.start("n")].rstrip(), text[match.end("n") :]
    if _AGE_AFTER.match(after):
        return True
    return before.endswith(",") and after.startswith(",") and raw.isdigit()


def casualty_counts(text: str) -> dict[str, int]:
    """Killed / injured counts stated in one sentence ("two men were shot and killed", "7 deaths and 113 injuries").

    "shot" counts everyone hit; when a sentence gives "shot" and "killed" but no "injured", the difference is
    the injured (non-fatal) count, as the Gun Violence Archive counts it.
    """
    return _settle(_casualties(text)[0])


_NEGATED = re.compile(r"\b(?:no|not|not\s+a\s+single)\s*$", re.I)


def _casualties(text: str) -> tuple[dict[str, int], int]:
    """Counts and the offset of the first phrase that states one."""
    found: dict[str, int] = {}
    first = len(text)
    for kind, pattern in _CASUALTY_PATTERNS:
        for match in pattern.finditer(text):
            raw = match.group("n").strip()
            value = parse_number(raw) if raw else 1
            if value is None or not float(value).is_integer() or value > 100_000 or _year_or_age(text, match):
                continue
            # "a"/"an" counts one only before a singular person noun: "a man was killed", not "a number were".
            if raw.lower() in _WORD_ONLY and not _SINGULAR_PERSON.match(text[match.start("n") + len(raw) :]):
                continue
            if _NEGATED.search(text[: match.start("n")]):
                value = 0  # "No one was killed", "not one person was hurt": the sentence says zero
            found[kind] = max(found.get(kind, 0), int(value))
            first = min(first, match.start())
    return found, (first if found else 0)


def _settle(counts: dict[str, int]) -> dict[str, int]:
    """Turn "shot" (everyone hit) into the injured count when no sentence gives it: shot minus killed."""
    out = dict(counts)
    shot = out.pop("shot", None)
    if shot is not None and "injured" not in out:
        out["injured"] = max(shot - out.get("killed", 0), 0)
    return out


# --- trigger detection ---------------------------------------------------------------------------------------

# String ids of every trigger lemma as the lemmatizer writes it (lowercase; proper nouns keep their case).
_TRIGGER_IDS = frozenset(get_string_id(form) for lemma in (*TRIGGERS, "talk") for form in (lemma, lemma.title()))


def tokens_with(doc: Doc, attr: str, ids: frozenset[int]) -> list[Token]:
    """The tokens whose ``attr`` (ORTH, LEMMA, ...) is one of ``ids``, found on the Doc's array.

    Building a Python Token object per word is most of the cost of a pass over a Doc; this builds only the hits.
    """
    if not ids or not len(doc):
        return []
    column = doc.to_array(attr)
    hits = numpy.flatnonzero(numpy.isin(column, numpy.fromiter(ids, dtype=numpy.uint64, count=len(ids))))
    return [doc[int(i)] for i in hits]


def _trigger_type(tok: Token, ents: CanonicalEntities) -> str | None:
    """The event type a token triggers in context, or None."""
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
    elif lemma == "fire":
        if tok.pos_ != "NOUN" or tok.dep_ == "compound":
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
        if tok.pos_ != "VERB":
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


# --- participants --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    doc: Doc
    ents: CanonicalEntities
    person_subjects: list[tuple[int, str]]  # (token index, entity id) of persons as subjects outside quotes
    person_positions: list[tuple[int, str]]  # every person mention (token index of its root)
    place_ids: frozenset[str]
    gpe_by_stem: dict[str, str]  # "ukrai" -> "gpe:ukraine" to read "Ukrainian" as Ukraine in a frame
    roles: dict[str, str]  # entity id -> role
    sents: list[Span]
    sent_of: list[int]  # token index -> sentence index (Token.sent rescans the doc: too slow per token)
    quoted: list[tuple[int, int]]  # character spans of quotations
    text: str  # doc.text, joined once (the property rebuilds it on every access)
    ents_spans: tuple[Span, ...]  # doc.ents, built once

    def sent(self, tok: Token) -> Span:
        return self.sents[self.sent_of[tok.i]]


def _resolve(tok: Token, ctx: _Context, *, allow_nouns: bool) -> list[str]:
    """Participant ids a token stands for (entity id, a resolved pronoun, or a lowercased noun)."""
    ids = ctx.ents.token_ids
    if tok.i in ids:
        return [_norp_as_gpe(ids[tok.i], ctx)]
    low = tok.lower_
    if low in _PRONOUNS:
        found = _antecedent(tok, ctx)
        return [found] if found else []
    if low in _RELATIVE and tok.head.dep_ == "relcl":
        return _resolve(tok.head.head, ctx, allow_nouns=allow_nouns)
    if tok.pos_ in {"NOUN", "PROPN"}:
        for child in tok.children:
            if child.dep_ in {"poss", "compound", "amod"} and child.i in ids:
                return [_norp_as_gpe(ids[child.i], ctx)]
        if allow_nouns and tok.pos_ == "NOUN" and tok.is_alpha and not tok.is_stop:
            return ["np:" + tok.lemma_.lower()]
    return []


def _norp_as_gpe(eid: str, ctx: _Context) -> str:
    """A nationality read as its country when the article names it ("Ukrainian" → "gpe:ukraine")."""
    label, _, slug = eid.partition(":")
    if label in {"norp", "gpe"} and len(slug) >= 5:
        country = ctx.gpe_by_stem.get(slug[:5])
        if country is not None and len(country) < len(eid) + (4 if label == "norp" else 0) and country != eid:
            return country
    return eid


def _antecedent(tok: Token, ctx: _Context) -> str | None:
    """The person a he/she refers to: the last person named earlier in the sentence, else the last person subject."""
    sent_start = ctx.sent(tok).start
    pos = bisect_left(ctx.person_positions, (tok.i, ""))
    if pos and ctx.person_positions[pos - 1][0] >= sent_start:
        return ctx.person_positions[pos - 1][1]
    pos = bisect_left(ctx.person_subjects, (tok.i, ""))
    return ctx.person_subjects[pos - 1][1] if pos else None


def _with_conjuncts(tokens: Iterable[Token]) -> list[Token]:
    out: list[Token] = []
    for t in tokens:
        out.append(t)
        out.extend(c for c in t.conjuncts if c.i > t.i)
    return out


def _verb_subjects(verb: Token, depth: int = 0) -> list[Token]:
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"}]
    subjects += [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    if subjects:
        return _with_conjuncts(subjects)
    if depth < 3 and verb.dep_ in {"xcomp", "conj", "advcl", "pcomp"} and verb.head is not verb:
        return _verb_subjects(verb.head, depth + 1)
    return []


def _clause_verb(tok: Token) -> Token | None:
    """The verb a noun trigger hangs from through light verbs or containing prepositions ("during a call ...")."""
    cur = tok
    for _ in range(3):
        head = cur.head
        if head is cur:
            return None
        if cur.dep_ == "pobj" and head.dep_ == "prep":
            if head.lower_ not in _CONTAINING_PREPS and head.lower_ != "with":
                return None
            cur = head
            continue
        if head.pos_ in {"VERB", "AUX"}:
            if cur.dep_ == "prep" or head.lemma_ in _LIGHT_VERBS:
                return head
            return None
        return None
    return None


def _participants(tok: Token, kind: str, ctx: _Context) -> tuple[list[str], list[str]]:
    actors: list[str] = []
    targets: list[str] = []
    target_preps = _TARGET_PREPS.get(kind, _DEFAULT_TARGET_PREPS)
    allow_nouns = kind in INCIDENT_TYPES or kind in {"arrest", "charge"}
    if tok.pos_ == "VERB":
        passive = any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)
        for subj in _verb_subjects(tok):
            actors += _resolve(subj, ctx, allow_nouns=allow_nouns)
        for child in tok.children:
            if child.dep_ in {"dobj", "dative"} or (passive and child.dep_ == "nsubjpass"):
                for obj in _with_conjuncts([child]):
                    targets += _resolve(obj, ctx, allow_nouns=True)
            elif child.dep_ in {"xcomp", "ccomp"} and _trigger_lemma_kind(child) == kind:
                for grand in child.children:
                    if grand.dep_ == "prep" and grand.lower_ in target_preps | {"over", "for"}:
                        targets += _pobjs(grand, ctx)
    else:
        for child in tok.children:
            if child.dep_ in {"poss", "compound", "amod", "nmod"} and child.i in ctx.ents.token_ids:
                actors += _resolve(child, ctx, allow_nouns=False)
            elif child.dep_ == "compound":
                actors += [
                    a
                    for g in child.children
                    if g.dep_ in {"amod", "compound", "poss"} and g.i in ctx.ents.token_ids
                    for a in _resolve(g, ctx, allow_nouns=False)
                ]
            elif child.dep_ == "prep" and child.lower_ in {"by", "between", "among"}:
                actors += _pobjs(child, ctx)
        if not actors and kind in {"call", "meeting", "threat", "statement", "accusation", "merger"}:
            verb = _clause_verb(tok)
            if verb is not None:
                for subj in _verb_subjects(verb):
                    actors += _resolve(subj, ctx, allow_nouns=False)
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in target_preps:
            targets += _pobjs(child, ctx)
    actors = _unique(actors)
    targets = [t for t in _unique(targets) if t not in actors]
    return actors, targets


def _trigger_lemma_kind(tok: Token) -> str | None:
    return TRIGGERS.get(tok.lemma_.lower())


def _pobjs(prep: Token, ctx: _Context) -> list[str]:
    out: list[str] = []
    for obj in prep.children:
        if obj.dep_ == "pobj":
            for o in _with_conjuncts([obj]):
                out += _resolve(o, ctx, allow_nouns=True)
    return out


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# --- frames -------------------------------------------------------------------------------------------------


@dataclass
class _Mention:
    kind: str
    trigger: str
    trigger_text: str
    token: int
    sent_index: int
    start: int
    end: int
    actors: list[str]
    targets: list[str]
    when: str | None = None
    when_text: str | None = None
    where: str | None = None
    attributes: dict[str, str | int | float] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def entities(self) -> set[str]:
        return {p for p in (*self.actors, *self.targets) if not p.startswith("np:")}


def _future(tok: Token) -> bool:
    for t in (tok, tok.head):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in t.children):
            return True
    return False


def _attached(span: Span, anchors: set[int], hops: int = 4) -> bool:
    cur = span.root
    for _ in range(hops):
        if cur.head is cur:
            return False
        cur = cur.head
        if cur.i in anchors:
            return True
    return False


def extract_events(
    doc: Doc, ents: CanonicalEntities, published: date | None, context: _Context | None = None
) -> list[EventFrame]:
    """The article's event frames, one per happening, in order of first mention. Deterministic."""
    ctx = context if context is not None else build_context(doc, ents)
    sents = ctx.sents
    times = [e for e in ctx.ents_spans if e.label_ in {"DATE", "TIME"}]
    places = [e for e in ctx.ents_spans if e.label_ in PLACE_LABELS]
    candidates = [
        (tok, kind) for tok in tokens_with(doc, "LEMMA", _TRIGGER_IDS) if (kind := _trigger_type(tok, ents)) is not None
    ]
    kinds = {tok.i: kind for tok, kind in candidates}
    incident_sents = {ctx.sent_of[tok.i] for tok, kind in candidates if kind in INCIDENT_TYPES and kind != "killing"}
    # A threat word governed by another one ("vowed to retaliate", "warned of a retaliation") is that mention.
    governor: dict[int, int] = {}
    for tok, kind in candidates:
        head = tok.head
        if kind == "threat" and head is not tok:
            if kinds.get(head.i) == kind and tok.dep_ in {"xcomp", "dobj", "ccomp"}:
                governor[tok.i] = head.i
            elif head.dep_ == "prep" and tok.dep_ == "pobj" and kinds.get(head.head.i) == kind:
                governor[tok.i] = head.head.i
    mentions: dict[int, _Mention] = {}
    for tok, kind in candidates:
        if tok.i in governor or (kind == "killing" and ctx.sent_of[tok.i] in incident_sents):
            continue
        actors, targets = _participants(tok, kind, ctx)
        governed = {doc[g].lemma_.lower() for g in governor}
        targets = [t for t in targets if not (t.startswith("np:") and t[3:] in governed)]
        trigger = "talks" if tok.lemma_ == "talk" and tok.tag_ == "NNS" else tok.lemma_.lower()
        mention = _Mention(
            kind, trigger, tok.text, tok.i, ctx.sent_of[tok.i], tok.idx, tok.idx + len(tok.text), actors, targets
        )
        _attach_time(mention, tok, times, published, kinds, ctx)
        _attach_place(mention, tok, places, ctx)
        mentions[tok.i] = mention
    for child, gov in sorted(governor.items()):
        while gov in governor:
            gov = governor[gov]
        top = mentions.get(gov)
        if top is not None:
            _, more = _participants(ctx.doc[child], kinds[child], ctx)
            top.targets = [t for t in _unique([*top.targets, *more]) if t not in top.actors]
    ordered = [mentions[i] for i in sorted(mentions)]
    for m in ordered:
        if m.kind not in INCIDENT_TYPES and m.kind not in {"arrest", "charge"}:
            m.actors = [a for a in m.actors if not a.startswith("np:")]
        m.roles = {p: ctx.roles[p] for p in m.entities if p in ctx.roles}
        m.names = {p: ents.names[p] for p in m.entities if p in ents.names}
    _attach_figures(sents, ordered)
    frames = _fold(ordered)
    _date_main_incident(frames, times, published, ctx)
    pairs = city_states(ctx.text) if any(m.kind in INCIDENT_TYPES for m in frames) else []
    return [
        _frame(m, sents, _incident_place(m, ctx.text, ents, pairs) if m.kind in INCIDENT_TYPES else (None, None))
        for m in frames
    ]


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


def frame_at_token(
    doc: Doc,
    ents: CanonicalEntities,
    tok: Token,
    kind: str,
    published: date | None,
    ctx: _Context | None = None,
    *,
    trigger: str | None = None,
    span: tuple[int, int] | None = None,
) -> EventFrame:
    """The frame of one given trigger token, read as :func:`extract_events` reads its own triggers.

    Participants, time, place and figures come from the same helpers; nothing is folded with other mentions.
    ``trigger`` overrides the lemma written as the frame's trigger; ``span`` its character offsets.
    """
    ctx = ctx if ctx is not None else build_context(doc, ents)
    times = [e for e in ctx.ents_spans if e.label_ in {"DATE", "TIME"}]
    places = [e for e in ctx.ents_spans if e.label_ in PLACE_LABELS]
    actors, targets = _participants(tok, kind, ctx)
    start, end = span if span is not None else (tok.idx, tok.idx + len(tok.text))
    mention = _Mention(
        kind, trigger or tok.lemma_.lower(), ctx.text[start:end], tok.i, ctx.sent_of[tok.i], start, end, actors, targets
    )
    _attach_time(mention, tok, times, published, {tok.i: kind}, ctx)
    _attach_place(mention, tok, places, ctx)
    if mention.kind not in INCIDENT_TYPES and mention.kind not in {"arrest", "charge"}:
        mention.actors = [a for a in mention.actors if not a.startswith("np:")]
    mention.roles = {p: ctx.roles[p] for p in mention.entities if p in ctx.roles}
    mention.names = {p: ents.names[p] for p in mention.entities if p in ents.names}
    _attach_figures(ctx.sents, [mention])
    place: tuple[str | None, str | None] = (None, None)
    if kind in INCIDENT_TYPES:
        place = _incident_place(mention, ctx.text, ents, city_states(ctx.text))
    return _frame(mention, ctx.sents, place)


def speakers(tok: Token, ctx: _Context) -> list[str]:
    """Who says what a verb of saying reports: its subjects, common nouns included ("police said"), or the object
    of "according to"."""
    found = [p for subj in _verb_subjects(tok) for p in _resolve(subj, ctx, allow_nouns=True)]
    if tok.lower_ == "according":
        found += [p for c in tok.children if c.dep_ == "prep" for p in _pobjs(c, ctx)]
    return _unique(found)


def trigger_type(tok: Token, ents: CanonicalEntities) -> str | None:
    """The event type a token triggers in context (the extractor's own lexicon and checks), or None."""
    return _trigger_type(tok, ents)


def _when_said(span: Span) -> bool:
    """The day something was said or reported ("said on Thursday", "reported Sunday"), not when it happened."""
    head = span.root.head
    if head.dep_ == "prep" and head.head is not head:
        head = head.head
    return head.lemma_.lower() in _SAY


def _date_main_incident(frames: list[_Mention], times: Sequence[Span], published: date | None, ctx: _Context) -> None:
    """An article's main incident without a date of its own takes the first day its lead names.

    Local news tells when in a sentence of its own ("Police responded around 3:15 a.m. Sunday").
    """
    main = next((m for m in frames if m.kind in INCIDENT_TYPES), None)
    if main is None or main.when is not None:
        return
    for span in times:
        if ctx.sent_of[span.start] > 4:
            break
        if _DATELINE_END.match(ctx.text, span.end_char) or _when_said(span):
            continue  # the day a story was filed or said ("the Register reported Sunday") is not the incident's
        iso = normalize_date(span.text, published)
        if iso is not None and len(iso) == 10 and (published is None or iso <= published.isoformat()):
            main.when, main.when_text = iso, span.text
            return


def build_context(doc: Doc, ents: CanonicalEntities, text: str | None = None) -> _Context:
    """What event and quote extraction share about a Doc: sentences, quotations, persons for pronouns.

    ``text`` is the text the Doc was parsed from, when the caller has it (saves rebuilding ``doc.text``).
    """
    sents = list(doc.sents)
    sent_of = [0] * len(doc)
    for index, sent in enumerate(sents):
        sent_of[sent.start : sent.end] = [index] * (sent.end - sent.start)
    if text is None or not doc or len(text) != doc[-1].idx + len(doc[-1].text_with_ws):
        text = doc.text
    quoted = _quote_spans(text)
    persons_subj: list[tuple[int, str]] = []
    persons_all: list[tuple[int, str]] = []
    for i, eid in sorted(ents.token_ids.items()):
        if ents.labels.get(eid) != "PERSON":
            continue
        tok = doc[i]
        if tok.head.i in ents.token_ids and ents.token_ids[tok.head.i] == eid and tok.head is not tok:
            continue  # not the root of its mention
        persons_all.append((i, eid))
        if tok.dep_ in {"nsubj", "nsubjpass"} and not _inside(tok.idx, quoted):
            persons_subj.append((i, eid))
    gpe_by_stem: dict[str, str] = {}
    for e in sorted(ents.entities, key=lambda e: (len(e.id), e.id)):
        if e.label == "GPE" and len(e.id) >= 9:
            gpe_by_stem.setdefault(e.id[4:9], e.id)
    places = frozenset(e.id for e in ents.entities if e.label in PLACE_LABELS)
    return _Context(
        doc,
        ents,
        persons_subj,
        persons_all,
        places,
        gpe_by_stem,
        ents.roles_by_entity,
        sents,
        sent_of,
        quoted,
        text,
        tuple(doc.ents),
    )


def _attach_time(
    mention: _Mention,
    tok: Token,
    times: Sequence[Span],
    published: date | None,
    triggers: dict[int, str],
    ctx: _Context,
) -> None:
    anchors = {tok.i, *(c.i for c in tok.conjuncts)}
    if tok.pos_ != "VERB":
        verb = _clause_verb(tok)
        if verb is not None:
            anchors.add(verb.i)
    sent = ctx.sent(tok)
    in_sent = [t for t in times if sent.start <= t.start < sent.end and not _DATELINE_END.match(ctx.text, t.end_char)]
    future = _future(tok)
    # Whether a span names a day is read against any anchor; what day it is, against the publish date.
    probe = published or _PROBE_ANCHOR
    chosen = None
    for span in in_sent:
        if _attached(span, anchors) and normalize_date(span.text, probe, future=future):
            chosen = span
            break
    if chosen is None and mention.kind in INCIDENT_TYPES:
        # The sentence's only date, unless it visibly belongs to another event of the sentence.
        others = set(triggers) - anchors
        usable = [
            s
            for s in in_sent
            if normalize_date(s.text, probe, future=future) and not _attached(s, others) and not _when_said(s)
        ]
        if len(usable) == 1:
            chosen = usable[0]
    if chosen is not None:
        mention.when = normalize_date(chosen.text, published, future=future)
        mention.when_text = chosen.text


def _attach_place(mention: _Mention, tok: Token, places: Sequence[Span], ctx: _Context) -> None:
    sent = ctx.sent(tok)
    anchors = {tok.i, *(c.i for c in tok.conjuncts)}
    for span in places:
        if not sent.start <= span.start < sent.end:
            continue
        prep = span.root.head
        if (
            span.root.dep_ == "pobj"
            and prep.lower_ in _PLACE_PREPS
            and (prep.head.i in anchors or _attached(span, anchors, hops=3))
        ):
            eid = ctx.ents.token_ids.get(span.root.i)
            if eid and eid in ctx.place_ids:
                mention.where = eid
                return


def _attach_figures(sents: Sequence[Span], mentions: list[_Mention]) -> None:
    """Durations, casualty counts and amounts of a sentence go to the nearest fitting mention."""
    by_sent: dict[int, list[_Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sent_index, []).append(m)
    last_incident: _Mention | None = None
    for index, sent in enumerate(sents):
        text = sent.text
        here = by_sent.get(index, [])
        incidents = [m for m in here if m.kind in INCIDENT_TYPES]
        durable = [m for m in here if m.kind in DURATION_TYPES]
        if durable:
            seconds = parse_duration(text)
            if seconds and seconds < 7 * 86400:
                durable[0].attributes.setdefault("duration", format_duration(seconds))
        counts, offset = (
            _casualties(text) if _CASUALTY_CUE.search(text) and not _AGGREGATE_CUE.search(text) else ({}, 0)
        )
        if counts:
            at = sent.start_char + offset
            before = [m for m in incidents if m.start <= at]
            target = before[-1] if before else (incidents[0] if incidents else None)
            if target is None and last_incident is not None and index - last_incident.sent_index <= 2:
                target = last_incident
            if target is None:
                target = _Mention("casualties", "casualty", "", sent.start, index, at, at, [], [])
                mentions.append(target)
                incidents = [target]
            for key, value in counts.items():
                old = target.attributes.get(key)
                target.attributes[key] = max(int(old), value) if isinstance(old, int) else value
        if incidents:
            last_incident = incidents[-1]
        priced = [m for m in here if m.kind in AMOUNT_TYPES]
        if priced:
            amount = parse_amount(text)
            if amount is not None:
                priced[0].attributes.setdefault("amount", amount[0])
                priced[0].attributes.setdefault("currency", amount[1])
    mentions.sort(key=lambda m: m.start)


# "NEW HAVEN, Conn., Oct. 27 (UPI) --": a dateline's date is when the story was filed, not when it happened.
_DATELINE_END = re.compile(r"\)?\s*(?:\((?:AP|UPI|Reuters|AFP|CNN|CBS|NBC|ABC)[^)]*\)\s*)?(?:--|—|–)")
# Tallies over many incidents ("seven people killed in 33 separate shootings this weekend") are not one event's.
_AGGREGATE_CUE = re.compile(
    r"\b(?:separate|incidents|so far|this year|year to date|statewide|nationwide|citywide)\b", re.I
)
_CASUALTY_CUE = re.compile(r"kill|dead|death|died|injur|wound|hurt|fatal|shot|hospital|casualt|slain|murder", re.I)


# When one article's mentions of two incident types fold into one frame, the frame takes the first type here.
_INCIDENT_PRIORITY = (
    "shooting",
    "stabbing",
    "explosion",
    "accident",
    "disaster",
    "attack",
    "killing",
    "fire",
    "casualties",
)


def _same_happening_kind(a: _Mention, b: _Mention) -> bool:
    """Types one happening may be told with in one article: "shot" ... "the killing" ... "four dead"."""
    if a.kind == b.kind:
        return True
    kinds = {a.kind, b.kind}
    if "casualties" in kinds:
        return kinds <= INCIDENT_TYPES
    if "killing" in kinds:
        return bool(kinds & {"shooting", "stabbing", "attack", "explosion"})
    if kinds == {"shooting", "fire"}:
        return True
    if kinds == {"shooting", "explosion"}:  # "a shotgun blast"
        return "blast" in {a.trigger, b.trigger}
    attack = a if a.kind == "attack" else b
    return kinds == {"shooting", "attack"} and attack.trigger in {"strike", "hit", "assault"}


def dates_compatible(a: str | None, b: str | None) -> bool:
    """Two ISO dates can name one happening: either is unknown, or one contains the other ("2025-06" / "2025-06-04").

    ISO weeks ("2025-W22") are compared by their year only.
    """
    if not a or not b:
        return True
    a, b = (a[:4], b[:4]) if "W" in a or "W" in b else (a, b)
    return a.startswith(b) or b.startswith(a)


def _days_apart(a: str | None, b: str | None) -> int | None:
    if not a or not b or len(a) != 10 or len(b) != 10:
        return None
    try:
        return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)
    except ValueError:
        return None


def _compatible(frame: _Mention, m: _Mention) -> int:
    """-1 when the mention cannot be this frame; else a score (shared participants count most)."""
    if not _same_happening_kind(frame, m):
        return -1
    local = frame.kind in LOCAL_INCIDENT_TYPES and m.kind in LOCAL_INCIDENT_TYPES
    if not dates_compatible(frame.when, m.when) and not (local and _days_apart(frame.when, m.when) == 1):
        return -1  # "late Thursday" ... "early Friday": one night's incident may be dated either day
    fe, me = frame.entities, m.entities
    if local:
        # One article's incident is told through victims, suspects and places in turn: only dates keep apart.
        return 1 + 10 * len(fe & me) + (5 if frame.kind == m.kind else 0)
    if fe and me:
        shared = fe & me
        if not shared:
            return -1
        if m.kind in SYMMETRIC_TYPES and (me - fe) and (fe - me):
            return -1  # call(A, B) and call(A, C): two calls
        if m.kind not in SYMMETRIC_TYPES:
            fa = {a for a in frame.actors if not a.startswith("np:")}
            ma = {a for a in m.actors if not a.startswith("np:")}
            if fa and ma and not fa & ma:
                return -1
        return 10 * len(shared) + 1
    return 1


def _fold(mentions: list[_Mention]) -> list[_Mention]:
    """Fold the mentions of one happening into one frame: same type, shared participants, or an anaphor."""
    frames: list[_Mention] = []
    for m in mentions:
        best, best_score = None, 0
        for frame in frames:
            score = _compatible(frame, m)
            if score > best_score or (score == best_score and score > 0 and best is not None):
                best, best_score = frame, score
        if best is None:
            frames.append(m)
            continue
        if (
            _INCIDENT_PRIORITY.index(m.kind) < _INCIDENT_PRIORITY.index(best.kind)
            if (m.kind in _INCIDENT_PRIORITY and best.kind in _INCIDENT_PRIORITY)
            else False
        ):
            best.kind, best.trigger, best.trigger_text = m.kind, m.trigger, m.trigger_text
        best.actors = _unique([*best.actors, *m.actors])
        best.targets = [t for t in _unique([*best.targets, *m.targets]) if t not in best.actors]
        best.when = best.when or m.when
        best.when_text = best.when_text or m.when_text
        best.where = best.where or m.where
        for key, value in m.attributes.items():
            old = best.attributes.get(key)
            if old is None:
                best.attributes[key] = value
            elif key in _COUNTS and isinstance(old, int) and isinstance(value, int):
                best.attributes[key] = max(old, value)
        best.roles = {**m.roles, **best.roles}
        best.names = {**m.names, **best.names}
    return frames


def _frame(m: _Mention, sents: Sequence[Span], place: tuple[str | None, str | None]) -> EventFrame:
    attributes: dict[str, str | int | float] = dict(m.attributes)
    if _COUNTS & attributes.keys():
        counts = {k: int(v) for k, v in attributes.items() if k in _COUNTS}
        attributes = {k: v for k, v in attributes.items() if k not in _COUNTS} | _settle(counts)
    if m.kind in INCIDENT_TYPES:
        city, state = place
        if city and city.endswith((" County", " Parish")):
            attributes.setdefault("county", city)
        elif city:
            attributes.setdefault("city", city)
        if state:
            attributes.setdefault("state", state)
    return EventFrame(
        type=m.kind,
        trigger=m.trigger,
        trigger_text=m.trigger_text,
        actors=m.actors,
        targets=m.targets,
        when=m.when,
        when_text=m.when_text,
        where=m.where,
        attributes=dict(sorted(attributes.items())),
        sentence=sents[m.sent_index].text.strip(),
        sentence_index=m.sent_index,
        start=m.start,
        end=m.end,
        roles={k: v for k, v in sorted(m.roles.items()) if role_is_specific(v)},
        names=dict(sorted(m.names.items())),
    )


def _incident_place(
    m: _Mention, text: str, ents: CanonicalEntities, pairs: Sequence[CityState]
) -> tuple[str | None, str | None]:
    """City and state of an incident.

    A "City, State" pair the article writes wins: the one naming the incident's own place, else one whose city
    the headline names, else the first (usually the dateline). Without a pair, the incident's own place (or the
    headline's) is the city and the only state the article names is the state.
    """
    title = text.split("\n", 1)[0]
    own = ents.names.get(m.where, "") if m.where else ""
    for pair in pairs:
        if own and pair.city.lower() == own.lower():
            return pair.city, pair.state
    for pair in pairs:
        if pair.city in title:
            return pair.city, pair.state
    states = {p.state for p in pairs} or {
        name for e in ents.entities if e.label == "GPE" and (name := state_name(e.name))
    }
    state = next(iter(states)) if len(states) == 1 else None
    if state is None:
        return None, None  # outside a US "City, State" context a headline place may be a country
    city: str | None = None
    if own and state_name(own) is None and own not in _NOT_CITIES and m.where and m.where[:4] in {"gpe:", "loc:"}:
        city = own
    else:
        city = next(
            (
                e.name
                for e in ents.entities
                if e.label == "GPE" and e.name in title and state_name(e.name) is None and e.name not in _NOT_CITIES
            ),
            None,
        )
    if city is None and pairs:
        return pairs[0].city, pairs[0].state
    return city, state


_NOT_CITIES = frozenset({"U.S.", "US", "United States", "America", "USA"})


# --- quotes -------------------------------------------------------------------------------------------------

_CURLY = re.compile(r"“([^”]+)”|(?:(?<=\s)|(?<=^)|(?<=[(\[—-]))‘([^‘’]*(?:’\w[^‘’]*)*)’(?!\w)", re.M)
_PARAGRAPH = re.compile(r"\n\s*\n")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation: curly pairs, and straight double quotes paired in order within a paragraph."""
    spans = [(m.start(), m.end()) for m in _CURLY.finditer(text)]
    offset = 0
    for paragraph in _PARAGRAPH.split(text):
        begin = text.find(paragraph, offset)
        marks = [begin + i for i, ch in enumerate(paragraph) if ch == '"']
        spans += [(marks[i], marks[i + 1] + 1) for i in range(0, len(marks) - 1, 2)]
        offset = begin + len(paragraph)
    return sorted(spans)


_SAY = frozenset(
    {
        "say",
        "tell",
        "add",
        "state",
        "write",
        "warn",
        "declare",
        "announce",
        "insist",
        "explain",
        "note",
        "claim",
        "argue",
        "advise",
        "urge",
        "stress",
        "post",
        "tweet",
        "ask",
        "reply",
        "confirm",
        "describe",
        "report",
        "cite",
        "quote",
        "reaffirm",
        "vow",
        "threaten",
        "accuse",
    }
)


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a < offset < b for a, b in spans)


def extract_quotes(doc: Doc, ents: CanonicalEntities, context: _Context | None = None) -> list[Quote]:
    """Quotations of four words or more with their speaker: the subject of the reporting verb next to them."""
    ctx = context if context is not None else build_context(doc, ents)
    spans = ctx.quoted
    sents = ctx.sents
    starts = [s.start_char for s in sents]
    quotes: list[Quote] = []
    previous_speaker: str | None = None
    previous_end = -1
    for a, b in spans:
        body = ctx.text[a + 1 : b - 1].strip()
        if len(body.split()) < 4:
            continue
        index = max(0, bisect_left(starts, a + 1) - 1)
        speaker = _speaker(sents, index, a, b, ctx)
        if speaker is None and previous_speaker is not None and a - previous_end < 200:
            speaker = previous_speaker  # a quote continued after a paragraph break
        quotes.append(Quote(speaker=speaker, text=body, sentence_index=index))
        previous_speaker, previous_end = speaker, b
    return quotes


def _speaker(sents: Sequence[Span], index: int, a: int, b: int, ctx: _Context) -> str | None:
    for sent in sents[index : index + 2]:
        for tok in sent:
            if a <= tok.idx < b or tok.lemma_.lower() not in _SAY or tok.pos_ != "VERB":
                continue
            for subj in _verb_subjects(tok):
                found = _resolve(subj, ctx, allow_nouns=True)
                if found:
                    return found[0]
            for child in tok.children:  # "according to" / passive "was quoted by"
                if child.dep_ == "agent":
                    for obj in child.children:
                        found = _resolve(obj, ctx, allow_nouns=True)
                        if found:
                            return found[0]
        if sent.end_char > b:
            break
    sent = sents[index]
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc) and tok.nbor().lower_ == "to":
            found = _resolve(tok.nbor(2), ctx, allow_nouns=True)
            if found:
                return found[0]
    return None
