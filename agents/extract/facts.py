"""The main incident an article reports, as one object: type, date, place, killed, injured, participants (pure).

Read from the article's event frames (:mod:`agents.extract.events`) and its parse. Each value is what this
article says, or None where it does not; the story stage (:mod:`agents.story.facts`) folds the articles' facts
into the story's, newest report first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc

from agents.extract.casualties import (
    OTHER_TIME,
    find_casualties,
    killed_together,
    others_hurt,
    settle_casualties,
    singular_casualties,
)
from agents.extract.context import Context
from agents.extract.entities import CanonicalEntities
from agents.extract.lexicon import INCIDENT_TYPES
from agents.extract.participants import incident_participants, lone_victim_age, told_ages, with_told_ages
from agents.extract.places import city_states, state_name
from agents.extract.placing import resolve_place
from schemas.extraction import ArticleFacts, EventFrame

__all__ = ["article_facts", "main_incident", "read_casualties"]

LEAD_SENTENCES = 6  # the sentences after the headline that tell the incident itself
_GUN = re.compile(r"\b(?:gun|guns|gunshot|gunfire|shot|shots|shooting|firearm|rifle|pistol|handgun|shotgun)\b", re.I)
# Someone died, however many: "a fatal shooting", "the shooting death of", "a murder-suicide".
_FATAL = re.compile(
    r"\b(?:fatal(?:ly)?\s+(?:[A-Z][\w.'-]*\s+){0,2}(?:shooting|shot|stabbing|crash|accident|wound)|(?:shooting|gun|gunshot)\s+death|"
    r"deadly\s+shooting|murder-suicide|homicide|kill(?:s|ed)?\s+(?:himself|herself))\b",
    re.I,
)


_CASUALTY_WORD = re.compile(
    r"kill|dead|death|died|dies|injur|wound|hurt|fatal|shot|shoot|hospital|casualt|slain|murder|suicide|struck|"
    r"hit\b|critical|condition|grazed",
    re.I,
)


_NO_ONE_ELSE = re.compile(
    r"\b(?:no\s+one|nobody)\s+else\b|\bno\s+other\s+(?:people|person|one|injuries)\b|\bnone\s+of\s+the\s+others\b", re.I
)


# "Another child was hospitalized": another person of this incident, not another incident.
_ANOTHER_PERSON = re.compile(
    r"\banother(?=\s+(?:[\w'-]+\s+)?(?:man|woman|boy|girl|teen|child|person|victim)\b|"
    r"\s+(?:(?:was|is)\s+)?(?:wounded|injured|hurt|hospitali[sz]ed)\b)",
    re.I,
)


def _other_time(text: str) -> bool:
    return OTHER_TIME.search(_ANOTHER_PERSON.sub("one", text)) is not None


def _read(text: str) -> tuple[dict[str, int], dict[str, int]]:
    """(counts the sentence states, one person killed or hurt that it tells without a number). A count of the
    people shot, where the sentence tells neither of dead nor of wounded ("Four people were found shot in the
    head"), stays ``shot``: everyone hit, the dead among them. ``others``: the people it tells as hurt beside the
    dead or another victim ("Teen killed, another wounded")."""
    if not _CASUALTY_WORD.search(text) or _other_time(text):
        return {}, {}
    found = find_casualties(text)[0]
    if set(found) == {"shot"} and found["shot"] > 1:
        return dict(found), singular_casualties(text)
    if _NO_ONE_ELSE.search(text):  # "no one else was hurt" says nothing of the one who was
        found = {kind: value for kind, value in found.items() if value}
    together = killed_together(text, found.get("killed", 0))
    if together is not None and together > found.get("killed", 0):
        # "shot an 8-year-old boy and then himself in a murder-suicide": the one shot is among the dead
        found = {**found, "killed": together}
    counts = settle_casualties(found)
    one = singular_casualties(text)
    if "killed" not in counts and "killed" not in one and _FATAL.search(text):
        one = {"killed": 1}
    return counts, one


_HEADLINE_DEATH = re.compile(r"\b(?:dies|died|dead|killed|slain)\b", re.I)
_PERSON_WORD = re.compile(
    r"\b(?:man|woman|boy|girl|teen|teenager|child|toddler|baby|infant|person|student|father|mother|son|daughter|victim|"
    r"\d{1,2}[- ]year[- ]old)\b",
    re.I,
)


def read_casualties(title: str, sentences: Sequence[str]) -> tuple[int | None, int | None]:
    """Killed and injured as the headline and the lead tell them: the highest count either gives of each kind.

    Sentences about another time or many incidents ("last year", "so far this year", "statewide") are left out.
    One person told as hurt in one sentence and dead in another ("a man was shot"; "he died at the hospital") is
    one victim: without a stated count of the wounded, a story with a death has none.
    """
    killed, injured, _ = _read_lead(title, sentences)
    return killed, injured


def _read_lead(title: str, sentences: Sequence[str]) -> tuple[int | None, int | None, bool]:
    """:func:`read_casualties`, and whether some sentence states a count of the wounded (not one person alone)."""
    counted: dict[str, int] = {}
    one: dict[str, int] = {}
    if _HEADLINE_DEATH.search(title) and _PERSON_WORD.search(title) and not OTHER_TIME.search(title):
        one["killed"] = 1  # "Officials: Boy, 15, who shot himself accidentally in head dies"
    others = 0  # the hurt told beside the dead or another victim ("Teen killed, another wounded")
    for text in [title, *sentences[:LEAD_SENTENCES]]:
        stated, single = _read(text)
        if stated or single or _ANOTHER_PERSON.search(text):
            others = max(others, others_hurt(text))
        if stated == {"injured": 1}:  # "a man was shot": one person hit, who may be the one who died
            stated, single = {}, {**single, "injured": 1}
        for kind, value in stated.items():
            counted[kind] = max(counted.get(kind, 0), value)
        for kind, value in single.items():
            one[kind] = max(one.get(kind, 0), value)
    killed = max(counted.get("killed", 0), one.get("killed", 0)) if "killed" in counted or "killed" in one else None
    wounded_counted = "injured" in counted
    if "shot" in counted and "injured" not in counted:
        # "Four people were found shot"; "all four died": the wounded are those shot who did not die.
        counted["injured"] = max(counted["shot"] - (killed or 0), 0)
    if "injured" in counted:
        injured: int | None = max(counted["injured"], others)
    elif "injured" in one:
        injured = others if killed else one["injured"] + others
    else:
        injured = others or None
    return killed, injured, wounded_counted


def _count(value: object) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else None


def main_incident(events: Sequence[EventFrame]) -> EventFrame | None:
    """The article's main incident: its first incident frame that gives casualties, else its first incident frame."""
    incidents = [e for e in events if e.type in INCIDENT_TYPES]
    with_counts = [e for e in incidents if "killed" in e.attributes or "injured" in e.attributes]
    chosen = with_counts or incidents
    return chosen[0] if chosen else None


def article_facts(
    doc: Doc, ents: CanonicalEntities, ctx: Context, events: Sequence[EventFrame], published: date | None
) -> ArticleFacts:
    """The facts of one article's main incident (all None when it reports none)."""
    main = main_incident(events)
    sentences = [t.strip() for t in ctx.sent_texts[: LEAD_SENTENCES + 2] if t.strip()]
    title, body = (sentences[0], sentences[1:]) if sentences else ("", [])
    killed, injured, wounded_counted = _read_lead(title, body)
    if main is None:
        if killed is None and injured is None:
            return ArticleFacts()
        # No incident word the lexicon knows ("a 3-year-old kills herself with a loaded gun"), but the headline or
        # the lead count the dead or hurt: the incident is those casualties.
        kind = "shooting" if _GUN.search(" ".join([title, *body[:LEAD_SENTENCES]])) else "casualties"
        main = EventFrame(type=kind, trigger=kind)
    people = incident_participants(doc, ents, ctx, main)
    ages = told_ages(people, ents, ctx.text)  # the full names the article gives one age beside, participants or not
    people = with_told_ages(people, ages)
    lead_killed = killed is not None and injured is None
    if killed is None and injured is None:
        killed, injured = _count(main.attributes.get("killed")), _count(main.attributes.get("injured"))
    named_killed = sum(1 for p in people if p.status and "killed" in p.status and p.role == "victim")
    named_injured = sum(1 for p in people if p.status and "injured" in p.status and p.role == "victim")
    # The people named as killed or hurt stand in for a count the text does not state (named people of other
    # incidents the article recalls would inflate a stated one).
    if named_killed and killed is None:
        if injured == 1 and not wounded_counted:
            injured = 0  # "a teen was shot" and the teen is named among the dead: one victim
        killed = named_killed
    if named_injured and injured is None and not lead_killed:
        # A victim named as shot may be the one the count says died: only the wounded beyond the dead count. Where
        # the lead told of the dead and of no one hurt, the people named as hurt are not counted beside them.
        injured = max(0, named_injured - max(0, (killed or 0) - named_killed))
    # A report that gives one kind of casualty gives its whole account: the other kind is none ("two men were
    # wounded" and nobody died; "a man was shot dead" and nobody else was hurt).
    if killed is not None and injured is None:
        injured = 0
    elif injured is not None and killed is None:
        killed = 0
    if (killed or 0) + (injured or 0) == 1:
        people = lone_victim_age(people, ctx)
    when = main.when if main.when and len(main.when) == 10 else (published.isoformat() if published else None)
    pairs = city_states(ctx.text)
    city = main.attributes.get("city")
    region = main.attributes.get("state")
    place = resolve_place(
        str(city) if city else None,
        state_name(str(region)) if region else None,
        ents.names.get(main.where) if main.where else None,
        ents,
        pairs,
        ctx.text,
        title,
    )
    return ArticleFacts(
        type=main.type,
        date=when,
        place=place,
        killed=killed,
        injured=injured,
        participants=people,
        ages=ages,
    )
