"""Story facts against a record of the incidents (the Gun Violence Archive's, for GVC): field by field.

For each gold incident, the story holding most of its articles is scored: killed, injured, both; the city and
the state (over all incidents, and over those where an article names it); the date within a day; the
participants' names (recall and precision: same surname, and the same first name or its initial) and, of the
matched names, the age within a year and the role.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agents.cluster.settings import ClusterSettings
from agents.extract.places import US_STATES
from agents.story.facts import name_words
from agents.story.settings import StorySettings
from schemas.extraction import ArticleExtraction
from schemas.story import StoryFacts

if TYPE_CHECKING:
    from streams.eval.clustering import LabeledArticle

__all__ = [
    "FIELDS",
    "IncidentFileError",
    "IncidentScore",
    "evaluate_facts",
    "names_match",
    "read_incidents",
    "score_incident",
    "story_of_incident",
    "summarize",
]


# (name, what it means) of every reported figure, in the table's order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("killed", "killed exact"),
    ("injured", "injured exact"),
    ("both", "killed and injured both exact"),
    ("city", "city, where an article names it"),
    ("city_all", "city, over all incidents"),
    ("state", "state, over all incidents"),
    ("state_named", "state, where an article names it"),
    ("date", "date within 1 day"),
    ("names_recall", "participant names recall"),
    ("names_precision", "participant names precision"),
    ("age", "age within 1 year, of matched names"),
    ("role", "role, of matched names"),
)


def names_match(a: str, b: str) -> bool:
    """Same surname, and the same first name or its initial ("E.C. Robinson" = "Ed Robinson")."""
    wa, wb = name_words(a), name_words(b)
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    if len(wa) == 1 or len(wb) == 1:
        return False
    fa, fb = wa[0], wb[0]
    return fa == fb or (len(fa) == 1 and fb.startswith(fa)) or (len(fb) == 1 and fa.startswith(fb))


@dataclass
class IncidentScore:
    """One incident's checks: True / False where the check applies, absent where it does not."""

    checks: dict[str, bool] = field(default_factory=dict)
    gold_names: int = 0
    found_names: int = 0
    gold_matched: int = 0
    found_matched: int = 0
    ages: list[bool] = field(default_factory=list)
    roles: list[bool] = field(default_factory=list)


def _named(value: str, texts: Iterable[str], forms: Sequence[str] = ()) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", t, re.I) for t in texts for f in (value, *forms) if f)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def score_incident(gold: Mapping[str, Any], facts: StoryFacts | None, texts: Sequence[str]) -> IncidentScore:
    """Score one story's facts against one incident record; ``texts`` are the incident's articles."""
    facts = facts or StoryFacts()
    out = IncidentScore()
    c = out.checks
    c["killed"] = facts.killed == gold.get("killed")
    c["injured"] = facts.injured == gold.get("injured")
    c["both"] = c["killed"] and c["injured"]
    place = facts.place
    city = (place.city or "") if place else ""
    region = (place.region or "") if place else ""
    gold_city = gold.get("city") or ""
    if gold_city:
        c["city_all"] = city.lower() == gold_city.lower()
        if _named(gold_city, texts):
            c["city"] = c["city_all"]
    gold_state = gold.get("state") or ""
    if gold_state:
        c["state"] = region.lower() == gold_state.lower()
        ap = US_STATES.get(gold_state, ("", ""))[0]
        if _named(gold_state, texts, [ap] if ap != gold_state else []):
            c["state_named"] = c["state"]
    g_day, f_day = _day(gold.get("date")), _day(facts.date)
    if g_day is not None:
        c["date"] = f_day is not None and abs((f_day - g_day).days) <= 1
    gold_people = [p for p in gold.get("participants", []) if p.get("name")]
    out.gold_names, out.found_names = len(gold_people), len(facts.participants)
    matched_found: set[int] = set()
    for gp in gold_people:
        hit = next(
            (
                i
                for i, fp in enumerate(facts.participants)
                if i not in matched_found and names_match(gp["name"], fp.name)
            ),
            None,
        )
        if hit is None:
            continue
        matched_found.add(hit)
        out.gold_matched += 1
        fp = facts.participants[hit]
        if gp.get("age") is not None:
            out.ages.append(fp.age is not None and abs(fp.age - int(gp["age"])) <= 1)
        if gp.get("type"):
            out.roles.append(fp.role == gp["type"])
    out.found_matched = len(matched_found)
    return out


def summarize(scores: Sequence[IncidentScore]) -> dict[str, dict[str, float | int]]:
    """Each figure as {"score", "of"}: the share of incidents (or names) that pass, and how many were checked."""
    out: dict[str, dict[str, float | int]] = {}

    def share(hits: int, of: int) -> dict[str, float | int]:
        return {"score": round(hits / of, 4) if of else 0.0, "of": of}

    for name, _ in FIELDS:
        if name == "names_recall":
            out[name] = share(sum(s.gold_matched for s in scores), sum(s.gold_names for s in scores))
        elif name == "names_precision":
            out[name] = share(sum(s.found_matched for s in scores), sum(s.found_names for s in scores))
        elif name in ("age", "role"):
            values = [v for s in scores for v in (s.ages if name == "age" else s.roles)]
            out[name] = share(sum(values), len(values))
        else:
            values = [s.checks[name] for s in scores if name in s.checks]
            out[name] = share(sum(values), len(values))
    return out


class IncidentFileError(ValueError):
    """A line of an incidents file cannot be used; the message names the file and line."""


def read_incidents(path: Path) -> dict[str, dict[str, Any]]:
    """Incident id (the articles' ``story`` label) → its record, from a JSON-lines file."""
    out: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out[str(row["story"])] = row
            except (ValueError, KeyError, TypeError) as exc:
                raise IncidentFileError(f"{path}:{lineno}: not an incident record ({exc}); fix or remove it") from exc
    return out


def story_of_incident(story_by_article: Mapping[str, str], article_ids: Sequence[str]) -> str | None:
    """The story holding most of an incident's articles (ties: the story of its earliest article)."""
    stories = [story_by_article[a] for a in article_ids if a in story_by_article]
    if not stories:
        return None
    counts = Counter(stories)
    best = max(counts.values())
    return next(s for s in stories if counts[s] == best)


def evaluate_facts(
    articles_path: Path,
    incidents_path: Path,
    *,
    model: str,
    batch_size: int,
    workers: int = 1,
    cache_dir: Path | None = None,
    cluster: ClusterSettings | None = None,
    story: StorySettings | None = None,
    on_error: Any = None,
) -> dict[str, Any]:
    """Run the in-process pipeline on the articles and score each incident's story (see the module docstring).

    Returns the summary (:func:`summarize`), the number of incidents, and per incident its checks.
    """
    from agents.inprocess import Pipeline
    from streams.eval.clustering import follow_merges, load_file

    incidents = read_incidents(incidents_path)
    labeled, extractions, _ = load_file(
        articles_path, workers=workers, model=model, batch_size=batch_size, cache_dir=cache_dir, on_error=on_error
    )
    pipeline = Pipeline(None, cluster or ClusterSettings(), story or StorySettings())
    story_by_article: dict[str, str] = {}
    for ex in extractions:
        if isinstance(ex, ArticleExtraction):
            result = pipeline.add_extraction(ex)
            if result.story_id is not None:
                story_by_article[ex.article.id] = result.story_id
            for split in result.splits:  # articles that left their story
                story_by_article.update(dict.fromkeys(split.article_ids, split.new_story_id))
    finals = {u.story_id: u for u in pipeline.final_stories()}
    merged_into = {sid: st.merged_into for sid, st in pipeline.states.items() if st.merged_into is not None}
    resolved = {aid: follow_merges(merged_into, sid) for aid, sid in story_by_article.items()}
    by_incident: dict[str, list[LabeledArticle]] = {}
    for item in labeled:
        if item.gold is not None:
            by_incident.setdefault(item.gold, []).append(item)
    scores, rows = [], []
    for incident_id, record in incidents.items():
        items = by_incident.get(incident_id, [])
        sid = story_of_incident(resolved, [i.article.id for i in items])
        update = finals.get(sid) if sid is not None else None
        texts = [f"{i.article.title}\n{i.article.text}" for i in items]
        score = score_incident(record, update.facts if update is not None else None, texts)
        scores.append(score)
        rows.append({"incident": incident_id, "story_id": sid, **score.checks})
    return {"incidents": len(incidents), "scores": summarize(scores), "per_incident": rows}
