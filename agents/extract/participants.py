"""The people of an incident: victims and suspects, with their ages and what became of them (pure).

A person named in the article is a participant when the parse ties them to the incident: the one shot, killed,
wounded, who died or was taken to hospital is a victim; the one who shot or killed someone, or was arrested,
charged or booked, is a suspect; an apposition says so outright ("the victim, Jane Doe", "the suspect, 23-year-old
John Roe"). Officials, witnesses and relatives who only speak are not participants. Ages come from "Jane Doe, 23,"
or "23-year-old Jane Doe".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from agents.extract.context import Context, mention_roots
from agents.extract.entities import CanonicalEntities, name_spans
from agents.extract.gazetteer import cities_named
from agents.extract.numbers import parse_number
from agents.extract.people_words import (
    AFTER_NAME,
    AGE_AFTER,
    AGE_APPOS_AFTER,
    AGE_BEFORE,
    AGE_NUMBER,
    AGE_PAREN,
    AGED_PERSON,
    ARREST,
    ARREST_CUE,
    BOTH_AFTER,
    CONDITIONS,
    CREDIT_AFTER,
    CREDIT_BEFORE,
    DEATH_NOUNS,
    DIE,
    DIED,
    HURT,
    HURT_CUE,
    IDENTIFIED_AS,
    KILL,
    LIST_CUE,
    MONTHS_AFTER,
    MONTHS_BEFORE,
    NAME_NEXT,
    NAMED_AS,
    NOT_NAME_WORDS,
    NOT_VICTIM_NOUNS,
    OBJECT_NEXT,
    OFFICIAL,
    ORG_WORDS,
    OTHER_TIME,
    PASSIVE_AUX,
    PERSON_APPOS,
    PERSON_NOUN,
    PLACE_NAME_WORDS,
    SAY,
    SHOOT,
    SHOOTER_AFTER,
    SUSPECT_AFTER,
    SUSPECT_BEFORE,
    SUSPECT_CUE,
    SUSPECT_NOUNS,
    VICTIM_AFTER,
    VICTIM_NOUNS,
    WITNESS,
    WOUNDS,
)
from agents.extract.places import state_name
from agents.extract.timex import is_month
from schemas.extraction import EventFrame, Participant

__all__ = ["incident_participants", "lone_victim_age", "told_ages", "with_told_ages"]


def _clause_head(tok: Token) -> tuple[Token, str]:
    """The verb (or noun) a mention hangs on, and the mention's relation to it, through appositions and conjuncts."""
    rel = tok.dep_
    while tok.dep_ in {"compound", "flat", "appos", "conj", "poss"} and tok.head is not tok:
        tok = tok.head
        rel = tok.dep_ if tok.dep_ not in {"compound", "flat", "appos", "conj"} else rel
    return tok.head, tok.dep_ if tok.dep_ not in {"compound", "flat"} else rel


def _lemmas(tok: Token) -> set[str]:
    """The verb and the words that complete it ("shot and killed", "fatally shot", "was pronounced dead")."""
    out = {tok.lemma_.lower()}
    for child in tok.children:
        if child.dep_ in {"advmod", "acomp", "oprd", "xcomp", "conj", "prt", "dobj", "attr"}:
            out.add(child.lemma_.lower())
    return out


def _age(start: int, end: int, text: str) -> int | None:
    """The age of the person named at ``start:end``: told beside the name, else told of the noun it is set beside
    ("The boy, Devon Quinn, …": the boy's age)."""
    age = _told_age(start, end, text)
    if age is None:
        before = text[max(0, start - 70) : start]
        return _age_of_noun(before[before.rfind("\n") + 1 :], text, start)
    return age


def _told_age(start: int, end: int, text: str) -> int | None:
    """The age written right beside a name at ``start:end`` ("Jane Doe, 23,", "23-year-old Jane Doe")."""
    after = text[end : end + 60]
    before = text[max(0, start - 70) : start]
    before = before[before.rfind("\n") + 1 :]  # an age is told on the name's own line ("… of 15-year-old\n\nJohn Roe")
    m = AGE_AFTER.match(after) or AGE_PAREN.match(after) or AGE_APPOS_AFTER.match(after) or BOTH_AFTER.match(after)
    if m is None and "year" in before.lower():  # (what AGE_BEFORE needs: "…-year-old")
        m = AGE_BEFORE.search(before)
    if m is None:
        months = MONTHS_AFTER.match(after) or (MONTHS_BEFORE.search(before) if "month" in before.lower() else None)
        return int(months.group(1)) // 12 if months is not None else None
    age = int(parse_number(next(g for g in m.groups() if g)) or 0)
    return age if 0 < age < 110 else None


def with_told_ages(people: list[Participant], ages: dict[str, int]) -> list[Participant]:
    """A participant found without an age where another mention of their full name has one beside it ("The other
    victims were Jane Doe, …" and, further down, "— Jane Doe, 34, of Elm Street"): that age (``ages``, of
    :func:`told_ages`)."""
    return [p.model_copy(update={"age": ages[p.name]}) if p.age is None and p.name in ages else p for p in people]


def _told_ages(name: str, text: str) -> set[int]:
    """The ages written beside each whole mention of ``name`` in ``text``."""
    return {age for start, end in name_spans(name, text) if (age := _told_age(start, end, text)) is not None}


def told_ages(people: Sequence[Participant], ents: CanonicalEntities, text: str) -> dict[str, int]:
    """The people an article names in full with one age beside them ("— Jane Doe, 34, of Elm Street"; "23-year-old
    John Roe"), its participants or not: where another report names them as victims or suspects without an age, the
    story takes it from here. A name told with two different ages gives none."""
    names = {p.name for p in people}
    names.update(_clean_name(e.name) for e in ents.entities if e.label == "PERSON")
    # and names the tagger missed or took for a firm or a place ("— Jane Doe, 24, of Elm Street"; "Sixteen-year-old
    # John Roe"), not the capitals of a headline or a place ("16-Year-Old Accidentally Shot\n\nThe", "But Black",
    # "Cedar Rapids", "Bladensburg High")
    names.update(_plausible_names(text))
    out: dict[str, int] = {}
    for name in sorted(names):
        if len(name.split()) >= 2:
            ages = _told_ages(name, text)
            if len(ages) == 1:
                out[name] = ages.pop()
    return out


def _plausible_names(text: str, end: int | None = None) -> list[str]:
    """Two or three capitalised words in ``text`` (up to ``end``) that may be a person's name, in order: not across a
    line break, nor with a stop word, nor a known city or state ("Shot\n\nThe", "But Black", "Cedar Rapids")."""
    return [
        name
        for m in _NAME_PAIR.finditer(text, 0, len(text) if end is None else end)
        if "\n" not in (name := m.group("name")) and not cities_named(name) and state_name(name) is None
        and not any(w.lower() in STOP_WORDS or w.lower() in NOT_NAME_WORDS | PLACE_NAME_WORDS for w in name.split())
    ]  # fmt: skip


def _age_of_noun(before: str, text: str, at: int) -> int | None:
    """The age the text gives the person noun a name is set beside at ``at``: "A 3-year-old boy was shot … The boy,
    Devon Quinn, was in his dad's car". "The boy" is the last boy given an age before it ("A 3-year-old boy shot
    himself … The boy is identified as Marques Green", though a 14-year-old boy is shot further down); with none
    before, the one age the whole text gives that noun, else none."""
    m = PERSON_APPOS.search(before) or NAMED_AS.search(before) or IDENTIFIED_AS.search(before)
    if m is None:
        return None
    noun = m.group("noun").lower() if m.group("noun") else None
    ages = set()
    if noun is not None and noun != "victim":
        told = [
            (a.start(), parse_number(a.group(1)))
            for a in re.finditer(rf"\b({AGE_NUMBER})[- ]year[- ]old\s+{noun}\b", text, re.I)
        ]
        earlier = [age for start, age in told if start < at]
        ages = {earlier[-1]} if earlier else {age for _, age in told}
    if not ages:  # "A 16-year-old boy was shot … The victim, identified as Deandre Banks": the one age the text gives
        ages = set(_unnamed_ages(text))
    age = int(ages.pop() or 0) if len(ages) == 1 else 0
    return age if 0 < age < 110 else None


def _unnamed_ages(text: str) -> set[int]:
    """The ages ``text`` gives people ("a 16-year-old boy", "the 2-year-old"), but not a suspect's, nor one told
    beside a full name ("9-year-old Jamyla Bolden was shot … last week"): that age is that person's."""
    return {
        int(parse_number(a.group(1)) or 0)
        for a in AGED_PERSON.finditer(text)
        if not (NAME_NEXT.match(text, a.end()) and not _title_case_line(text, a.start()))
    }


def _title_case_line(text: str, at: int) -> bool:
    """Whether the line holding ``at`` capitalises (nearly) every word, as headlines do ("16-Year-Old Accidentally
    Shot"): capitals there do not mark a name."""
    line = text[text.rfind("\n", 0, at) + 1 : (end if (end := text.find("\n", at)) >= 0 else len(text))]
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _appositive_nouns(tok: Token) -> set[str]:
    """Nouns set beside a name ("the victim, Jane Doe"; "John Roe, the suspect")."""
    out = set()
    root = tok
    while root.dep_ in {"compound", "flat"} and root.head is not root:
        root = root.head
    for child in root.children:
        if child.dep_ == "appos":
            out.add(child.lemma_.lower())
    if root.dep_ == "appos":
        out.add(root.head.lemma_.lower())
    return out


def _read_text(span: Span, text: str) -> tuple[str | None, set[str]]:
    """(role, statuses) from the words right after and before a name, where the parse gave none."""
    after = text[span.end_char : span.end_char + 120]
    before = text[max(0, span.start_char - 60) : span.start_char]
    if SUSPECT_AFTER.match(after) or SUSPECT_BEFORE.search(before) or SHOOTER_AFTER.match(after):
        return "suspect", {"arrested"} if re.match(
            AFTER_NAME + r"(?:\w+\s+){0,3}(?:arrested|booked|custody)", after
        ) else set()
    m = VICTIM_AFTER.match(after)
    if m is None and (NAMED_AS.search(before) or PERSON_APPOS.search(before)):
        return "victim", set()  # "the boy, Devon Quinn, was ..."; "the teen, identified as Briar Newsome"
    if m is None:
        sentence_start = text.rfind(".", 0, span.start_char) + 1
        cues = list(LIST_CUE.finditer(text, sentence_start, span.start_char))
        if not cues:
            return None, set()
        cue = cues[-1]  # the last cue before the name, in its sentence
        return "victim", {"injured"} if cue.group("hurt") else ({"killed"} if cue.group("dead") else set())
    what = m.group("what").lower()
    if not PASSIVE_AUX.search(m.group(0)) and OBJECT_NEXT.match(after[m.end() :]):
        return None, set()  # "the ferry Cedar Crest injured 6 people": the name did it, nothing happened to it
    if what.startswith(("fatally", "killed", "died", "dies", "pronounced", "found dead", "slain", "murdered")):
        return "victim", {"killed"}
    return "victim", {"injured"}


def _speaks(tok: Token) -> bool:
    """The mention is who says something ("said Lay, 69"; "Marie Black, 47, said"), not told to police."""
    while tok.dep_ in {"compound", "flat"} and tok.head is not tok:
        tok = tok.head
    head: Token | None = tok.head
    if tok.dep_ != "nsubj" or head is None:
        return False
    if head.lemma_.lower() not in SAY:  # "Black, 47, was at work ... and said she doesn't know"
        head = next((c for c in head.children if c.dep_ == "conj" and c.lemma_.lower() in SAY), None)
        if head is None:
            return False
    return not any(c.dep_ in {"dobj", "dative"} and OFFICIAL.search(c.text) for c in head.children)


def _noun_of(tok: Token) -> tuple[str, set[str]] | None:
    """(role, statuses) a death or arrest noun gives the person it is of ("the murders of A and B", "Doe's death")."""
    root = tok
    while root.dep_ in {"compound", "flat"} and root.head is not root:
        root = root.head
    if root.ent_type_ != "PERSON":
        return None  # "the death of a Glen Flora man": the name is a place's, told of someone else
    if root.dep_ == "poss":
        noun = root.head
    else:
        while root.dep_ in {"appos", "conj"} and root.head is not root:
            root = root.head
        if root.dep_ != "pobj" or root.head.lower_ != "of":
            return None
        noun = root.head.head
    lemma = noun.lemma_.lower()
    if lemma in DEATH_NOUNS or noun.lower_ == "deaths":
        return "victim", set()  # dead, but not counted: "the murders of two girls" may be of two incidents
    if lemma == "arrest" and noun.pos_ == "NOUN":
        return "suspect", {"arrested"}
    return None


def _state_of(verb: Token) -> set[str] | None:
    """What a clause says became of its subject, with no verb of shooting: "Jane Doe and John Roe were deceased"
    (dead); "Doe is in critical condition", "Doe suffered a gunshot wound", "Doe was treated for a wound" (hurt)."""
    lemma = verb.lemma_.lower()
    kids = list(verb.children)
    if lemma == "be" and any(c.dep_ == "acomp" and c.lower_ in {"dead", "deceased"} for c in kids):
        return {"killed"}
    if lemma in {"suffer", "sustain"}:
        for obj in (c for c in kids if c.dep_ == "dobj" and c.lemma_.lower() in WOUNDS):
            words = {a.lower_ for a in obj.children}
            return {"killed"} if words & {"fatal", "mortal"} else {"injured"}
    if lemma == "treat" and any(c.dep_ == "nsubjpass" for c in kids):
        return {"injured"}
    if lemma in {"be", "list", "remain"}:
        for prep in (c for c in kids if c.dep_ == "prep" and c.lower_ == "in"):
            for obj in (c for c in prep.children if c.dep_ == "pobj"):
                words = {a.lower_ for a in obj.children}
                if obj.lemma_.lower() == "condition" and words & CONDITIONS:
                    return {"injured"}
                if obj.lemma_.lower() == "hospital" or "hospital" in words:
                    return {"injured"}
    return None


# "charged in the killings of 23-year-old twins Rebeika Powell and Kayetie Melchor, 33-year-old Misty Nunley and …":
# every name of a list after a death noun's "of" is a victim, whatever verb the parse hangs the later ones on.
_DEATHS_OF = re.compile(r"\b(?:deaths?|killings?|murders?|slayings?)\s+of\s+", re.I)
_DEATH_LIST_GAP = re.compile(
    r"(?:\s+|,|and\b|(?:" + AGE_NUMBER + r")[- ]year[- ]old\b|[A-Z][\w'’.-]*|twins?\b|"
    r"(?:the\s+)?(?:brothers|sisters)\b)*"
)


def _in_death_list(span: Span, text: str) -> bool:
    """Whether a name stands in a list of names told after "the deaths of", "the killings of" (its sentence)."""
    start = max(0, span.start_char - 200)
    hits = list(_DEATHS_OF.finditer(text, start, span.start_char))
    if not hits:
        return False
    gap = text[hits[-1].end() : span.start_char]
    if "\n" in gap or "." in gap.replace(".,", ",") or re.match(r"\s+" + PERSON_NOUN + r"\b", text[span.end_char :]):
        return False  # another line or sentence; "the death of Glen Flora man": a place's name
    return bool(_DEATH_LIST_GAP.fullmatch(gap))


def _read_mention(tok: Token) -> tuple[str | None, set[str]]:
    """(role, statuses) one mention gives its person, from the clause it stands in."""
    nouns = _appositive_nouns(tok)
    role: str | None = None
    status: set[str] = set()
    if nouns & SUSPECT_NOUNS:
        role = "suspect"
    elif nouns & VICTIM_NOUNS:
        role = "victim"
    head, rel = _clause_head(tok)
    lemmas = _lemmas(head)
    if head.lemma_.lower() in SAY and rel in {"nsubj", "nsubjpass"}:
        return role, status
    if rel == "nsubjpass" and head.lemma_.lower() == "suspect":
        return "suspect", status  # "Cedric and James Poore … are suspected of shooting …": not yet arrested
    passive = rel in {"nsubjpass"} or (rel == "dobj")
    told = _noun_of(tok)
    if told is not None:
        return told if role is None or told[0] == role else (role, status)
    if rel == "pobj" and head.lower_ == "as" and head.head.lemma_.lower() == "identify":
        ident = {c.lemma_.lower() for c in head.head.children if c.dep_ in {"dobj", "nsubjpass"}}
        if ident & VICTIM_NOUNS or not ident & (SUSPECT_NOUNS | NOT_VICTIM_NOUNS):
            role = role or ("suspect" if ident & SUSPECT_NOUNS else "victim")
        return role, status
    state = _state_of(head) if rel in {"nsubj", "nsubjpass"} else None
    if state is not None:  # "suffered a gunshot wound and later died": dead
        return role or "victim", {"killed"} if lemmas & (KILL | DIE) else state
    if passive or (rel == "nsubj" and lemmas & DIE):
        if lemmas & ARREST:
            return "suspect", {"arrested"}
        if lemmas & (KILL | DIE):
            return role or "victim", {"killed"}
        if lemmas & (HURT | SHOOT):
            return role or "victim", {"injured"}
    elif (
        rel == "nsubj" and lemmas & (SHOOT | KILL | {"stab", "attack"}) and any(c.dep_ == "dobj" for c in head.children)
    ):
        return "suspect", status
    return role, status


def incident_participants(doc: Doc, ents: CanonicalEntities, ctx: Context, main: EventFrame) -> list[Participant]:
    """Victims and suspects of the article's main incident, in order of first mention."""
    found: dict[str, tuple[str | None, set[str], int | None]] = {}
    order: list[str] = []
    official = {e.id for e in ents.entities if any(OFFICIAL.search(r) for r in e.roles)}
    span_at = {i: span for span in ctx.ents_spans for i in range(span.start, span.end)}
    sentences_of: dict[str, list[int]] = {}  # person id -> the sentences that name them, in order
    speakers: set[tuple[str, int]] = set()  # (person, sentence) where the article quotes them ("said Lay, 69")
    for i, eid in ctx.person_positions:
        if ctx.sent_of[i] not in sentences_of.setdefault(eid, []):
            sentences_of[eid].append(ctx.sent_of[i])
    org_people = _org_people(doc, ents)  # names the tagger took for a firm: a person where the parse says what they did
    for i, eid in sorted([*ctx.person_positions, *org_people]):
        tok = doc[i]
        span = span_at.get(i, doc[i : i + 1])
        if CREDIT_BEFORE.search(ctx.text, max(0, span.start_char - 24), span.start_char) or CREDIT_AFTER.match(
            ctx.text, span.end_char
        ):
            continue  # "Photo: Mike Glenn, Chronicle"; "(Henry Sturm | Houston Chronicle)": who took the picture
        role: str | None = None
        status: set[str] = set()
        # "Last year, a 4-year-old boy, Kamarion Posey, shot himself": a sentence of another incident gives no role.
        if not OTHER_TIME.search(ctx.sent_texts[ctx.sent_of[i]]):
            listed = tok.ent_type_ == "PERSON" and _in_death_list(span, ctx.text)
            role, status = ("victim", set()) if listed else _read_mention(tok)
            if ents.labels.get(eid) != "PERSON" and not (status or role == "suspect"):
                role, status = None, set()  # a name the tagger took for a firm: a clear part, or the words after it
            if role is None:
                role, status = _read_text(span, ctx.text)
            elif not status:  # "The teen, identified as Jane Doe of Carlton, died": the words after tell the fate
                told_role, told_status = _read_text(span, ctx.text)
                status = told_status if told_role == role else status
        age = _age(span.start_char, span.end_char, ctx.text)
        if _speaks(tok):
            speakers.add((eid, ctx.sent_of[i]))
        before = found.get(eid)
        if before is None:
            order.append(eid)
            found[eid] = (role, status, age)
        else:
            found[eid] = (before[0] or role, before[1] | status, before[2] or age)
    _read_aged(ctx, found, order, official, sentences_of, speakers)
    _first_names_to_full(found, order, ents)
    out = []
    for eid in order:
        role, status, age = found[eid]
        if role is None or (eid in official and (role == "suspect" or not status)):
            continue  # an official is a participant only when something happened to them
        raw = ents.names.get(eid, eid)
        name = _clean_name(raw)
        if len(name.split()) < 2 and len(raw.split()) == 1:
            name = _family_name(raw, eid, ctx, ents, sentences_of, official, speakers)
            if len(name.split()) < 2:
                name = _first_name_before(raw, ctx, ents)
        elif len(name.split()) < 2 and age is not None and _surname_like(raw):
            name = raw  # "Kyle Sheriff, 17,": a surname that is also a word of office, told with an age
        if len(name.split()) < 2:
            continue  # a surname alone was already counted under the full name; junk words cut away
        out.append(Participant(name=name, age=age, role=role, status=_status_text(status)))
    out += _first_names_before(out, ctx.text)
    return _one_per_person(out + _untagged(ctx, ents, out))


def _first_names_before(people: Sequence[Participant], text: str) -> list[Participant]:
    """The people named by first name alone before a participant's full name, sharing it ("Cedric and James Poore
    are suspected of shooting …"): each has the participant's role and fate, not their age. Not where a first word
    is a surname elsewhere in the article ("Hicks and Cody Throneberry"), a title, or ends a name before it."""
    known = {p.name for p in people}
    out: list[Participant] = []
    for person in people:
        words = person.name.split()
        if len(words) != 2:
            continue
        pattern = rf"((?:{_FIRST_NAME},\s+)*{_FIRST_NAME}),?\s+and\s+{re.escape(person.name)}(?![\w'’-])"
        for m in re.finditer(pattern, text):
            before = text[max(0, m.start() - 30) : m.start()]
            if re.search(r"(?:[A-Z][\w'’.-]*|\b(?:of|from|in|at|near))[ \t]+$", before):
                continue  # "Kyle Zientek and Nicholas Piring": another full name; "of Marion and …": a town
            start = max(text.rfind(".", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
            end = min((i for i in (text.find(".", m.end()), text.find("\n", m.end())) if i >= 0), default=len(text))
            told = text[start:end]
            if not (DIED.search(told) or HURT_CUE.search(told) or SUSPECT_CUE.search(told) or "suspected" in told):
                continue  # "Rebecca and Michael Parsons were watching a movie": the sentence tells of no part in it
            for first in re.split(r",\s+", m.group(1)):
                name = f"{first} {words[-1]}"
                if (
                    name in known
                    or first == words[-1]
                    or _title_or_opener(first)
                    or first.lower() in STOP_WORDS
                    or is_month(first)
                    or re.search(rf"[A-Z][a-z]+[ \t]+{re.escape(first)}\b", text)
                ):
                    continue
                known.add(name)
                out.append(Participant(name=name, role=person.role, status=person.status))
    return out


def _org_people(doc: Doc, ents: CanonicalEntities) -> list[tuple[int, str]]:
    """Mentions of names the tagger called an organisation that read as a person's ("Nilda Sheffield"): two or three
    name words, none of a firm's or a place's, not a town."""
    ids = set()
    for e in ents.entities:
        name = ents.names.get(e.id, e.name)
        words = name.split()
        if e.label != "ORG" or not 2 <= len(words) <= 3 or not all(re.fullmatch(_NAME_WORD, w) for w in words):
            continue
        if any(w.lower() in ORG_WORDS or state_name(w) for w in words) or _title_or_opener(words[0]):
            continue
        if cities_named(name) or is_month(words[0]) or any(len(w) < 3 for w in words):
            continue
        if any(c.population >= 100_000 or len(words) > 2 for c in cities_named(" ".join(words[:-1]))):
            continue  # "San Diego Chargers", "Pittsburgh Steelers": a city's team or office
        ids.add(e.id)
    return mention_roots(doc, ents, ids)


def _one_per_person(people: list[Participant]) -> list[Participant]:
    """One participant per person: a name that is the first words of another's ("Benjamin David" of "Benjamin David
    Banky"), or the short form of its first name with the same surname ("Josh Guzman" of "Joshua Guzman"), is that
    person, who keeps what either mention told."""
    out: list[Participant] = []
    for p in people:
        if any(q.name.startswith(p.name + " ") or _short_form(p.name, q.name) for q in people):
            continue  # told in full elsewhere: that mention takes what this one told
        for short in people:
            if p.name.startswith(short.name + " ") or _short_form(short.name, p.name):
                p = p.model_copy(
                    update={"age": p.age or short.age, "role": p.role or short.role, "status": p.status or short.status}
                )
        out.append(p)
    return out


def _short_form(short: str, full: str) -> bool:
    """ "Josh Guzman" of "Joshua Guzman": two words each, one surname, the first name a shorter start of the other's."""
    a, b = short.split(), full.split()
    return len(a) == len(b) == 2 and a[1] == b[1] and len(a[0]) >= 3 and len(b[0]) > len(a[0]) and b[0].startswith(a[0])


def _status_text(status: set[str]) -> str | None:
    """The statuses as the report gives them ("killed, arrested")."""
    if "killed" in status:
        status = status - {"injured"}  # shot, then died: one victim, dead
    return ", ".join(s for s in ("killed", "injured", "unharmed", "arrested") if s in status) or None


def lone_victim_age(people: list[Participant], ctx: Context) -> list[Participant]:
    """The one victim of an incident of one victim, named without an age, where the text gives one age to whoever
    was killed or hurt ("A 2-year-old child was critically injured … The child, Jane Doe, …"): that age is the
    victim's. Not where the article names several victims, nor where its sentences of the dead and hurt give
    different ages, an age it gives a named person aside (the caller checks the incident's count is one)."""
    victims = [p for p in people if p.role == "victim"]
    if len(victims) != 1 or victims[0].age is not None:
        return people
    known = {p.age for p in people if p.age is not None}
    ages: set[int] = set()
    for text in ctx.sent_texts:
        if OTHER_TIME.search(text) or not (DIED.search(text) or HURT_CUE.search(text)):
            continue
        ages |= _unnamed_ages(text)
    ages -= known
    if len(ages) != 1 or not 0 < (age := ages.pop()) < 110:
        return people
    return [p.model_copy(update={"age": age}) if p is victims[0] else p for p in people]


# A name the tagger missed, where the words around it leave no doubt it is a person's and what happened to them:
# "Melody Cerros was shot and killed", "Kem Delaney, 19, died", "identified the victim as Ilanye Price".
_NAME_WORD = r"(?:[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?|[A-Z]['’][A-Za-z][a-z]+|[A-Z][a-z]*[A-Z][a-z]+)"
_UNTAGGED_NAME = rf"(?P<name>{_NAME_WORD}(?:\s+[A-Z]\.)?\s+{_NAME_WORD}(?:\s+(?:Jr\.|Sr\.|II|III))?)"
_NAME_PAIR = re.compile(_UNTAGGED_NAME)  # two or three capitalised words: a name, tagged or not
_UNTAGGED_VICTIM = re.compile(
    r"(?:^\s*|[;:]\s+|\n|\bvictim,\s+|\bvictims?\s+(?:was|were|is)\s+|\bidentified\s+(?:(?:him|her)\s+)?as\s+|"
    r"\b(?:say|says|said)\s+(?:that\s+)?)"
    + _UNTAGGED_NAME
    + r"(?P<age>\s*,\s*(?:age\s+)?\d{1,2}\s*,)?"
    + r"(?:\s+of\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?(?:\s*,\s*[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)?)?\s*,)?"  # of Carlton,
    + r"\s+(?:later\s+)?(?P<what>died|(?:was\s+)?pronounced\s+dead|"
    r"(?:was|has\s+been|had\s+been)\s+(?:found\s+dead|(?:fatally\s+)?shot\s+(?:and\s+killed|dead|to\s+death)|killed|"
    r"fatally\s+(?:shot|wounded)|(?:critically\s+|seriously\s+)?(?:shot|wounded|injured)))\b"
)
_UNTAGGED_IDENTIFIED = re.compile(
    rf"\bidentif(?:ied|ies)\s+the\s+(?:\w+\s+){{0,2}}?(?P<noun>victim|boy|girl|child|man|woman|teen|toddler)s?"
    rf"(?:\s+(?:to|by)\s+[\w ]{{1,30}}?)?\s+as\s+"
    rf"(?:\d{{1,2}}-year-old\s+)?{_UNTAGGED_NAME}(?P<age>\s*,\s*\d{{1,2}}\b)?"
)
# Told as the one it happened to, or the one who did it: "The boy is identified as Jane Doe"; "The suspect has been
# identified as 19-year-old John Roe".
_UNTAGGED_NAMED = re.compile(
    rf"\b(?P<noun>victim|boy|girl|child|man|woman|teen|teenager|toddler|infant|baby|suspect|shooter|gunman)\s+"
    rf"(?:is|was|has\s+been|had\s+been)\s+(?:identified\s+as|named)\s+(?:(?P<before>\d{{1,2}})-year-old\s+)?"
    rf"{_UNTAGGED_NAME}(?![\w'’-]|\s+[A-Z][a-z])(?P<age>\s*,\s*\d{{1,2}}\b)?"
)
# A list of the people an incident happened to or was done by, told as such: "The other victims were …", "identified
# the victims as …", "The injured victims, …, were taken", "The suspects have been identified as: …".
_LIST_OPEN = re.compile(
    r"\b(?:(?:the\s+)?(?:(?:other|injured|wounded|dead|four|three|two|five|six)\s+)?(?:victims?|suspects?|dead|injured|"
    r"wounded)\s+(?:were|are|was|is|have\s+been|had\s+been)(?:\s+identified(?:\s+\w+){0,4}?\s+as)?|"
    r"identif(?:ied|ies)\s+the\s+(?:(?:other|injured|wounded|dead)\s+)?(?:victims?|suspects?|dead)\s+as|"
    r"(?:boys|girls|men|women|children|teens|teenagers|brothers|sisters|siblings)\s+(?:were|have\s+been|had\s+been)\s+"
    r"identified(?:\s+\w+){0,4}?\s+as|"
    r"[Tt]he\s+(?:(?:other|injured|wounded|dead)\s+)?(?:victims|suspects)\s*,|"
    r"(?P<death>(?:deaths?|murders?|killings?|slayings?)\s+of))\s*:?\s+",
    re.I,
)
_LIST_ITEM = re.compile(
    rf"(?:(?P<before>\d{{1,2}})-year-old\s+(?:(?:twins?|brothers?|sisters?)\s+)?|(?P<months>\d{{1,2}})-month-old\s+)?"
    rf"{_UNTAGGED_NAME}(?![\w'’-])"
    r"(?P<age>\s*,\s*(?:age\s+)?\d{1,2}\b)?"
    r"(?:\s*,\s*(?:of|from)\s+[A-Z][\w.'’ ]{0,40}?(?=\s*[,;.]|\s+and\b|$))?"
    r"(?=\s*(?:[,;.:)]|and\b|were\b|are\b|was\b|$))"  # a name, not "Los Angeles residents"
)
# A name the tagger missed, told with an age: "Police arrested Tristan Roe, 28, of Westfield"; "19-year-old Jane Doe was
# found dead" (their part and fate from the sentence, as for the people named with an age).
_UNTAGGED_AGED = re.compile(
    rf"(?:(?<![\w-])(?P<before>\d{{1,2}})-year-old\s+)?{_UNTAGGED_NAME}"
    r"(?![\w'’-]|\s+[A-Z][a-z])(?P<age>\s*,\s*(?:age\s+)?\d{1,2}\s*,)?"
)
_LIST_SEP = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+")
# First names that share one surname, told as what happened to them or what they did: "The bodies of Clarence and
# Shauna Washington, both 35, were found"; "Michael, Connor, Jaeci and Kailey Westerhuis were shot dead".
_FIRST_NAME = r"(?<![\w'’.-])[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?"  # (not "Meekin" of "McMeekin")
_SHARED_SURNAME = re.compile(
    rf"(?P<firsts>(?:{_FIRST_NAME},\s+)*{_FIRST_NAME}),?\s+and\s+(?P<last>{_FIRST_NAME})\s+(?P<surname>{_NAME_WORD})"
    rf"(?![\w'’-]|\s+[A-Z])(?:\s*,\s*both\s+(?P<age>\d{{1,2}})\b\s*,?)?(?P<after>\s+(?:were|are|have\s+been|had\s+been)\s+"
    r"(?:\w+\s+){0,2}?(?P<what>shot\s+(?:dead|and\s+killed|to\s+death)|shot|killed|dead|wounded|injured|slain|"
    r"murdered|arrested|charged)\b)?"
)
# Children or a spouse named by first name after their relation to a person named in full: "Russell Smith, his wife,
# Shawna Smith, and their two children, 6-year-old Tylee and 2-year-old Blake"; "Rachael Johnson and her five-year-old
# son, Colton".
_KIN_OPEN = re.compile(
    r"\b(?:his|her|their)\s+(?:\w+\s+)??(?:(?P<age>" + AGE_NUMBER + r")[- ]year[- ]old\s+)?(?:[\w-]+\s+)??"
    r"(?:daughters?|sons?|children|kids|child|wife|husband|grandchildren|"
    r"grandsons?|granddaughters?|stepdaughters?|stepsons?)\s*(?:,|--|—|–|:)?\s*"
)
_KIN_ITEM = re.compile(
    rf"(?:(?P<before>{AGE_NUMBER})[- ]year[- ]old\s+)?(?P<first>{_FIRST_NAME})(?![\w'’-]|\s+[A-Z])"
    r"(?P<age>\s*,\s*(?:age\s+)?\d{1,2}\b(?![- ]year))?"
)
_KIN_DEAD = re.compile(r"\b(?:bodies|killed|killing|dead|slain|murdered|fatally)\b", re.I)
_KIN_HURT = re.compile(r"\b(?:wounded|injured|shot)\b", re.I)
_KIN_AFTER = re.compile(
    rf"(?:(?:{AGE_NUMBER})[- ]year[- ]old\s+)?{_FIRST_NAME},?\s+who\s+(?:was|were)\s+(?:\w+\s+)?"
    r"(?:shot|killed|wounded|injured)\b",
    re.I,
)
_SHARED_SURNAME_BEFORE = re.compile(r"\b(?:bodies|deaths?|murders?|killings?|slayings?)\s+of\s+$", re.I)
_NOT_FIRST = frozenset(
    {"The", "A", "An", "Police", "Officers", "Deputies", "Authorities", "Investigators", "He", "She", "They",
     "His", "Her", "Their", "When", "After", "Before", "While", "Sheriff", "Officer", "Deputy", "Chief", "Detective",
     "Sgt", "Lt", "Capt", "Mr", "Mrs", "Ms", "Dr", "Saturday", "Sunday", "Monday", "Tuesday", "Wednesday",
     "Thursday", "Friday", "One", "Two", "Three", "Another", "Both", "Neither", "Family", "Friends", "Neighbors"}
)  # fmt: skip


_UNTAGGED_SENTENCES = 10


def _untagged(ctx: Context, ents: CanonicalEntities, known: Sequence[Participant]) -> list[Participant]:
    """Victims whose names the tagger missed (see :data:`_UNTAGGED_VICTIM`), and people of a list told as the victims
    or the suspects (see :data:`_LIST_OPEN`), not told already under their name."""
    seen = {tuple(p.name.lower().split()[:: len(p.name.split()) - 1]) for p in known}
    surnames = {p.name.split()[-1].lower() for p in known}
    other = {e.name for e in ents.entities if e.label not in {"PERSON"}}
    places = {e.name for e in ents.entities if e.label in {"GPE", "LOC"}}
    out: list[Participant] = []
    for n, text in enumerate(ctx.sent_texts):
        if OTHER_TIME.search(text) or WITNESS.search(text):
            continue
        # later, an article recalls other incidents and their people: only a list told as the victims is read there
        for name, raw, role, status, how in _untagged_names(text, ctx.text, lists_only=n >= _UNTAGGED_SENTENCES):
            words = name.split()
            if words[0] in _NOT_FIRST or any(w.lower().strip(".") in NOT_NAME_WORDS for w in words):
                continue
            if any(w.lower() in PLACE_NAME_WORDS for w in words):
                continue
            if (how in {"aged", "named"} and name in places) or (
                not how and (name in other or any(name in o or o in name for o in other if len(o.split()) > 1))
            ):
                continue  # a place or an organisation the tagger knows (in a list of victims, the list says who)
            key = (words[0].lower(), words[-1].lower())
            if key in seen or (words[-1].lower() in surnames and not how):
                continue  # a list names each one: "Kevin Pimentel, Brady Pimentel and Trevor Pimentel"
            raw_age = re.sub(r"\D", "", raw)
            age = int(raw_age) if raw_age and 0 <= int(raw_age) < 110 else None
            if age is None and how == "named" and (where := name_spans(name, ctx.text)):
                age = _age(*where[0], ctx.text)  # "A 3-year-old boy … The boy is identified as Marques Green"
            seen.add(key)
            surnames.add(words[-1].lower())
            out.append(Participant(name=name, age=age, role=role, status=status))
    return out


def _untagged_names(text: str, whole: str, *, lists_only: bool = False) -> list[tuple[str, str, str, str | None, str]]:
    """(name, age text, role, status, how) of the people a sentence names as victims or suspects; how: "list" where told
    in a list of them, "aged" where told with an age (a firm has no age), "named" where told as who the victim or the
    suspect is: a person's name, whatever else the tagger took it for."""
    out: list[tuple[str, str, str, str | None, str]] = []
    for pattern in () if lists_only else (_UNTAGGED_VICTIM, _UNTAGGED_IDENTIFIED):
        for m in pattern.finditer(text):
            what = (m.groupdict().get("what") or "").lower()
            dead = any(w in what for w in ("killed", "died", "dead", "fatally", "death"))
            status = "killed" if dead else ("injured" if what else None)
            # told as who the victim is: a person's name, whatever the tagger took it for
            how = "named" if pattern is _UNTAGGED_IDENTIFIED or m.group(0).startswith("identified") else ""
            out.append((m.group("name"), m.group("age") or "", "victim", status, how))
    if not lists_only:
        for m in _UNTAGGED_NAMED.finditer(text):
            role = "suspect" if m.group("noun") in SUSPECT_NOUNS else "victim"
            out.append((m.group("name"), m.group("age") or m.group("before") or "", role, None, "named"))
    for cue in _LIST_OPEN.finditer(text):
        if cue.group("death") and lists_only:
            continue  # "the killing of Jane Doe" far down an article: often of another incident it recalls
        said = cue.group(0).lower()
        role = "suspect" if "suspect" in said else "victim"
        status = None
        if role == "victim" and re.search(r"\b(?:dead|killed|slain|deceased)\b", said):
            status = "killed"
        elif role == "victim" and re.search(r"\b(?:injured|wounded|hurt)\b", said):
            status = "injured"
        pos = cue.end()
        while (item := _LIST_ITEM.match(text, pos)) is not None:
            months = item.group("months")  # "10-month-old Justice Doe": whole years, as for a told age
            age = item.group("age") or item.group("before") or (str(int(months) // 12) if months else "")
            out.append((item.group("name"), age, role, status, "list"))
            pos = item.end()
            sep = _LIST_SEP.match(text, pos)
            if sep is None:
                break
            pos = sep.end()
    out.extend(_shared_surname(text, whole))
    out.extend(_kin(text))
    if not lists_only:
        pos = 0
        while (hit := _UNTAGGED_AGED.search(text, pos)) is not None:
            pos = hit.start("name") + 1
            if re.search(r"[A-Z][\w'’.-]*\s+$", text[: hit.start("name")]):
                continue  # "Indianapolis Metro Police": a name runs on before it
            pos = hit.end()
            if not (hit.group("before") or hit.group("age")):
                continue
            name = hit.group("name")
            if re.search(r"\b(?:of|from|in|at|near)\s+$", text[: hit.start("name")]):
                continue  # "Jane Doe, of West Haven, 26,": where someone lives
            if re.search(
                rf"\b(?:said|says|told|according\s+to)\s+(?:\w+\s+){{0,3}}{re.escape(name)}", text
            ) or re.match(r"\s*(?:,\s*\d{1,2}\s*,)?\s*(?:said|says|told)\b", text[hit.end("name") :]):
                continue  # who speaks: "said neighbour Jane Doe, 45"
            read = _fate([text])
            if read is not None:
                fate = ", ".join(sorted(read[1])) or None
                out.append((name, hit.group("age") or hit.group("before") or "", read[0], fate, "aged"))
    return out


def _kin(text: str) -> list[tuple[str, str, str, str | None, str]]:
    """The children or spouse a sentence names by first name after their relation to a person it names in full
    (:data:`_KIN_OPEN`), where it tells of their deaths or wounds: before them ("shot his wife Brenda", "the bodies of
    … and their two children, …"), or right after ("her son, 16-year-old Freland, who was shot"). Each is a victim
    with the family's surname: the last full name before the relation."""
    out: list[tuple[str, str, str, str | None, str]] = []
    for cue in _KIN_OPEN.finditer(text):
        full = _plausible_names(text, cue.start())
        if not full:
            continue
        surname = full[-1].split()[-1]
        dead = _KIN_DEAD.search(text, 0, cue.start())
        if dead is None and _KIN_HURT.search(text, 0, cue.start()) is None and not _KIN_AFTER.match(text, cue.end()):
            continue  # "Diana DeLeon told Eyewitness News her son Jaiden is a trooper": not told as hurt
        pos = cue.end()
        found: list[tuple[str, str, str, str | None, str]] = []
        while (item := _KIN_ITEM.match(text, pos)) is not None:
            first = item.group("first")
            if _title_or_opener(first) or first.lower() in STOP_WORDS or is_month(first) or first == surname:
                break
            age = item.group("age") or item.group("before") or ""
            found.append((f"{first} {surname}", age, "victim", "killed" if dead else None, "list"))
            pos = item.end()
            sep = _LIST_SEP.match(text, pos)
            if sep is None:
                break
            pos = sep.end()
        if len(found) == 1 and not found[0][1] and cue.group("age"):  # "her five-year-old son, Colton"
            found[0] = (found[0][0], str(parse_number(cue.group("age")) or ""), *found[0][2:])
        out.extend(found)
    return out


def _shared_surname(text: str, whole: str) -> list[tuple[str, str, str, str | None, str]]:
    """The people of a family named by first name before their shared surname (:data:`_SHARED_SURNAME`), where the
    sentence ``text`` tells what happened to them or what they did; not where a first word is a surname elsewhere in
    the article, ``whole`` ("Hicks and Cody Throneberry were charged": two surnames)."""
    out: list[tuple[str, str, str, str | None, str]] = []
    for m in _SHARED_SURNAME.finditer(text):
        before = _SHARED_SURNAME_BEFORE.search(text, max(0, m.start() - 40), m.start())
        what = (m.group("what") or "").lower()
        if before is None and not what:
            continue
        if re.search(r"[A-Z][\w'’.-]*[ \t]+$", text[max(0, m.start() - 30) : m.start()]):
            continue  # "Kyle Zientek and Nicholas Piring": the first word ends another full name
        firsts = [*re.split(r",\s+", m.group("firsts")), m.group("last")]
        if any(
            _title_or_opener(f) or f.lower() in STOP_WORDS or re.search(rf"[A-Z][a-z]+[ \t]+{re.escape(f)}\b", whole)
            for f in firsts
        ):
            continue
        role = "suspect" if what in {"arrested", "charged"} else "victim"
        status = "arrested" if what == "arrested" else None
        if role == "victim" and (before is not None or what in {"killed", "dead", "slain", "murdered"} or " " in what):
            status = "killed"
        elif what in {"wounded", "injured"}:
            status = "injured"
        out.extend((f"{f} {m.group('surname')}", m.group("age") or "", role, status, "list") for f in firsts)
    return out


_FAMILY = re.compile(
    r"\b(?:son|sons|daughter|daughters|child|children|brother|brothers|sister|sisters|wife|husband|mother|father|"
    r"twins?|siblings?|grandson|granddaughter|nephew|niece|cousin)\b",
    re.I,
)


def _first_names_to_full(
    found: dict[str, tuple[str | None, set[str], int | None]], order: list[str], ents: CanonicalEntities
) -> None:
    """A first name told alone is the one person the article names in full with it ("Kaleb Ahles entered the
    vehicle … Kaleb was pronounced dead"): what its mentions told joins that person's. Not where several people
    have that first name, or where it is also someone's surname."""
    full: dict[str, list[str]] = {}  # first name -> ids of the people named in full with it
    surnames = set()
    for eid in order:
        words = _clean_name(ents.names.get(eid, eid)).split()
        if ents.labels.get(eid) == "PERSON" and len(words) >= 2:
            full.setdefault(words[0], []).append(eid)
            surnames.add(words[-1])
    for eid in list(order):
        words = ents.names.get(eid, eid).split()
        if len(words) != 1 or words[0] in surnames or len(full.get(words[0], [])) != 1:
            continue
        to = full[words[0]][0]
        role, status, age = found.pop(eid)
        had_role, had_status, had_age = found[to]
        found[to] = (had_role or role, had_status | status if had_role in {None, role} else had_status, had_age or age)
        order.remove(eid)


def _family_name(
    first: str,
    eid: str,
    ctx: Context,
    ents: CanonicalEntities,
    sentences_of: dict[str, list[int]],
    official: set[str],
    speakers: set[tuple[str, int]],
) -> str:
    """A first name alone, told as family of a person named in full in the same sentence ("Russell Smith, his wife,
    Shawna Smith, and their two children, 6-year-old Tylee and 2-year-old Blake"): the family's surname. Not from
    an official's name or one who speaks ("Devon's brother …, police spokesman Anthony Guglielmi said"), nor where
    the sentence tells of a family only ("an attorney for Tyre's family, Sean Walton"), nor for a word that is
    a name of someone the article names in full ("Willis" of "Zion Willis")."""
    words = first.split()
    if len(words) != 1 or not words[0][:1].isupper():
        return first
    full_named = [ents.names.get(e, "").split() for e in sentences_of if e != eid and ents.labels.get(e) == "PERSON"]
    if any(words[0] == n[-1] for n in full_named if len(n) >= 2):
        return first  # "Willis" of "Zion Willis", told by one name: not someone else's kin
    for n in sorted(sentences_of.get(eid, [])):
        if not _FAMILY.search(ctx.sent_texts[n]):
            continue
        for i, other in ctx.person_positions:
            if (
                other != eid
                and ctx.sent_of[i] == n
                and ents.labels.get(other) == "PERSON"
                and other not in official
                and (other, n) not in speakers
                and ctx.doc[i].dep_ != "poss"  # "Weston's girlfriend": the kin of that one, not of this one
            ):
                full = _clean_name(ents.names.get(other, "")).split()  # no "Dance Theater", no spokesman's name
                if len(full) >= 2 and full[0] != words[0]:
                    return f"{words[0]} {full[-1]}"
    return first


# Words written before a surname that are no first name: titles, and words that open a sentence.
_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "rev", "reverend", "pastor", "father", "coach", "judge", "sen", "rep",
     "gov", "mayor", "officer", "deputy", "trooper", "sheriff", "chief", "detective", "sergeant", "sgt", "lt",
     "capt", "captain", "lieutenant", "corporal", "cpl", "agent", "prosecutor", "attorney", "president", "sir"}
)  # fmt: skip


def _first_name_before(surname: str, ctx: Context, ents: CanonicalEntities) -> str:
    """A surname the tagger kept alone ("Galarza" of "19-year-old Justice Galarza"; "Peek" of "identified the child as
    Sincere Peek"), where the text writes one first name right before it: the full name. Not where it writes two
    different first names, a title ("Officer Peek") or a capitalised word opening a sentence, nor where the article
    names someone in full with that word ("Braison" of "Braison Howard")."""
    if not surname[:1].isupper() or len(surname) < 2:
        return surname
    for e in ents.entities:
        full = ents.names.get(e.id, "").split()
        if e.label == "PERSON" and len(full) >= 2 and surname in full:
            return surname  # the full name is told ("Braison" of "Braison Howard"): that person, already counted
    firsts = set()
    for tok in ctx.doc:
        if tok.text != surname:
            continue
        words: list[Token] = []
        j = tok.i - 1
        while j >= 0 and len(words) < 3 and _name_word(ctx.doc[j]):
            words.insert(0, ctx.doc[j])
            j -= 1
        if 1 <= len(words) <= 2 and not words[0].is_sent_start:  # a capitalised word opening a sentence: no name
            firsts.add(" ".join(w.text for w in words))
    return f"{firsts.pop()} {surname}" if len(firsts) == 1 else surname


def _name_word(tok: Token) -> bool:
    """A word that may be a first or middle name before a surname: a proper noun, not a title or a common word."""
    text = tok.text
    return (
        tok.pos_ == "PROPN"
        and bool(tok.whitespace_)
        and tok.ent_type_ in {"PERSON", ""}
        and re.fullmatch(_NAME_WORD, text) is not None
        and not tok.is_stop
        and not _title_or_opener(text)
        and text.lower() not in NOT_NAME_WORDS
    )


def _title_or_opener(word: str) -> bool:
    """A capitalised word written before a surname that is no first name: a title ("Pastor", "Sgt") or a word that
    opens a sentence ("The", "Police")."""
    return word.lower() in _TITLES or word in _NOT_FIRST


def _read_aged(
    ctx: Context,
    found: dict[str, tuple[str | None, set[str], int | None]],
    order: list[str],
    official: set[str],
    sentences_of: dict[str, list[int]],
    speakers: set[tuple[str, int]],
) -> None:
    """People the parse gave no role but the article names with an age in a sentence about the incident ("Police
    identified them as Jane Doe, 33, and John Roe, 37"): news gives ages for the people an incident happened to or
    was done by, and for the neighbours and relatives it quotes (the sentences where they speak are left out). A
    suspect where the sentence tells of an arrest or a charge, else a victim; their fate from the sentence's words."""
    for eid in order:
        role, _, age = found[eid]
        if role is not None or age is None or eid in official:
            continue
        words = "|".join(re.escape(w) for w in _name_words_of(ctx, eid))
        carries = re.compile(rf"\b(?:{words})\s+(?:\w+\s+)?(?:loaded|drove|took|rushed|carried|brought|raced)\b")
        read = _fate(
            [
                ctx.sent_texts[n]
                for n in sorted(sentences_of.get(eid, []))
                if (eid, n) not in speakers and not (words and carries.search(ctx.sent_texts[n]))
            ]
        )  # "Tyson loaded Treyvon into his vehicle and was en-route to the hospital": who took the hurt one there
        if read is not None:
            found[eid] = (read[0], read[1], age)


def _name_words_of(ctx: Context, eid: str) -> list[str]:
    """The words of a person's name as the article gives it ("Tevin", "Tyson")."""
    return [w for w in ctx.ents.names.get(eid, "").split() if w[:1].isupper()]


def _fate(sentences: Sequence[str]) -> tuple[str, set[str]] | None:
    """Role and fate of a person the sentences name with an age: a suspect where they tell of an arrest or a charge
    (and no one dead or hurt), else a victim, dead or hurt as the words say; None where they tell of neither (or
    only of another time, or of witnesses)."""
    texts = [t for t in sentences if not OTHER_TIME.search(t) and not WITNESS.search(t)]
    if not any(DIED.search(t) or HURT_CUE.search(t) or SUSPECT_CUE.search(t) for t in texts):
        return None
    suspect = any(SUSPECT_CUE.search(t) and not (DIED.search(t) or HURT_CUE.search(t)) for t in texts)
    fate: set[str] = set()
    if suspect:
        if any(ARREST_CUE.search(t) for t in texts):
            fate.add("arrested")
    elif any(DIED.search(t) for t in texts):
        fate.add("killed")
    elif any(HURT_CUE.search(t) for t in texts):
        fate.add("injured")
    return ("suspect" if suspect else "victim"), fate


def _surname_like(name: str) -> bool:
    """A first name and one last word that may be a surname though it is also a word of office ("Kyle Sheriff")."""
    words = name.split()
    return len(words) == 2 and words[1].lower() in NOT_NAME_WORDS and words[0].lower() not in NOT_NAME_WORDS


def _clean_name(name: str) -> str:
    """The name without the words around it that belong to no name ("Demond Coffee Cook County" → "Demond Coffee");
    a name with such a word inside is no name ("Roy Police Lt")."""
    words = name.split()
    if any(w.lower().strip(".,") in PLACE_NAME_WORDS for w in words):
        return ""
    keep: list[str] = []
    for word in words:
        low = word.lower().strip(".,")
        if low in NOT_NAME_WORDS:
            if low == "county" and len(keep) > 2:
                keep.pop()  # "Demond Coffee Cook County": the county's name goes with it
            break
        keep.append(word)
    while keep and keep[-1] in STOP_WORDS:
        keep.pop()  # "Travonte Berry with": a word the tagger ran on into ("Jamie clayton" stays a name)
    return " ".join(keep) if len(keep) >= 2 else ""
