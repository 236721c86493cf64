"""Story facts: developments move them forward; sources that disagree about one moment stay a conflict."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.inprocess import Pipeline
from agents.story.facts import developments, fold_facts, is_development, participant_key
from schemas import Article, ArticleFacts, Conflict, ConflictValue, Participant, StoryUpdate


def _day(n: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, n, hour, tzinfo=UTC)


def _story(extractor, articles: list[Article]) -> StoryUpdate:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(extractor)
    pipeline.add_articles(articles)
    [story] = pipeline.final_stories()
    return story


TODDLER_DAY_ONE = Article(
    id="toddler-1",
    source="Lakeview Ledger",
    published=_day(2),
    title="Toddler critically injured in Marlow shooting remains in critical condition",
    text=(
        "MARLOW, Okla. — A 2-year-old boy was critically injured Sunday when a handgun went off inside an apartment "
        "on Birch Street, Marlow police said. The boy remains in critical condition at a hospital in Oklahoma City. "
        "Police said the gun belonged to a relative and no one else was hurt."
    ),
)
TODDLER_DAY_TWO = Article(
    id="toddler-2",
    source="Prairie Daily",
    published=_day(3),
    title="Toddler shot in Marlow apartment has died, police say",
    text=(
        "MARLOW, Okla. — The 2-year-old boy who was shot inside a Marlow apartment on Sunday has died, police said "
        "Monday. The boy was pronounced dead at a hospital in Oklahoma City. Police said the handgun went off inside "
        "the apartment on Birch Street and that the gun belonged to a relative."
    ),
)


def test_injured_then_dead_is_a_development_not_a_conflict(extractor) -> None:  # type: ignore[no-untyped-def]
    pipeline = Pipeline(extractor)
    pipeline.add_articles([TODDLER_DAY_ONE])
    pipeline.add_articles([TODDLER_DAY_TWO])
    first, last = pipeline.updates[0], pipeline.updates[-1]
    assert (first.facts.killed, first.facts.injured) == (0, 1)
    assert (last.facts.killed, last.facts.injured) == (1, 0)
    assert {(d.field, d.from_, d.to, d.article_id) for d in last.changes.developments} >= {
        ("killed", 0, 1, "toddler-2")
    }
    assert not [c for c in last.conflicts if c.attribute in {"killed", "injured"}]
    assert last.title == TODDLER_DAY_TWO.title  # the title follows the newest development
    assert "has died" in last.summary[0].text
    assert last.facts.place is not None and last.facts.place.region == "Oklahoma"
    assert last.facts.date == "2026-03-01" or last.facts.date == "2026-03-02"  # Sunday, before the reports


def test_sources_that_disagree_about_one_moment_stay_a_conflict() -> None:
    same_time = _day(4)
    conflict = Conflict(
        event_id="e1",
        attribute="killed",
        values=[
            ConflictValue(value=3, sources=["A"], article_ids=["a"]),
            ConflictValue(value=5, sources=["B"], article_ids=["b"]),
        ],
    )
    assert not is_development(conflict, {"a": same_time, "b": same_time})
    assert is_development(conflict, {"a": _day(4), "b": _day(5)})  # 3 on day four, 5 on day five: the toll rose
    assert not is_development(conflict, {"a": _day(5), "b": _day(4)})  # a toll that falls is no development


def test_the_newest_report_moves_the_facts_and_says_so() -> None:
    early = ArticleFacts(
        type="shooting",
        killed=1,
        injured=2,
        participants=[Participant(name="Ann Lee", role="victim", status="injured")],
    )
    later = ArticleFacts(
        type="shooting",
        killed=2,
        injured=1,
        participants=[
            Participant(name="Ann Lee", age=34, role="victim", status="killed"),
            Participant(name="Bo Kent", role="suspect", status="arrested"),
        ],
    )
    before, _ = fold_facts([("a", "A", _day(1), early)])
    after, provenance = fold_facts([("a", "A", _day(1), early), ("b", "B", _day(2), later)])
    assert (after.killed, after.injured) == (2, 1)
    lee = next(p for p in after.participants if participant_key(p.name) == ("lee", "ann"))
    assert (lee.status, lee.age) == ("killed", 34)
    moved = {(d.field, d.from_, d.to) for d in developments(before, after, provenance, {"b"})}
    assert moved == {("killed", 1, 2), ("injured", 2, 1), ("participants.Ann Lee.status", "injured", "killed")}
    assert developments(before, after, provenance, {"c"}) == []  # the change did not come with this version
    assert provenance["latest"] == ("b", "B")


def test_a_statistic_is_not_a_count_of_the_incident(extractor) -> None:  # type: ignore[no-untyped-def]
    article = Article(
        id="balloon",
        title="Parade balloon hits lamppost, injuring two spectators",
        text=(
            "A parade balloon struck a lamppost on Sixth Avenue on Thursday and injured two spectators, police said. "
            "Across the state, 416 motorists died in crashes last year, according to the transportation department."
        ),
    )
    [ex] = extractor.extract([article])
    assert ex.facts.killed in (None, 0) and ex.facts.injured == 2
    assert all(e.attributes.get("killed") != 416 for e in ex.events)


def test_figurative_words_are_not_incidents(extractor) -> None:  # type: ignore[no-untyped-def]
    articles = [
        Article(id="a", title="Editorial", text="The newspaper blasted South Korea over its handling of the talks."),
        Article(id="b", title="Finals", text="Faker was simply on fire in the final game, the commentators said."),
        Article(id="c", title="Blaze", text="The house on Elm Street was on fire when firefighters arrived."),
    ]
    blasted, faker, house = extractor.extract(articles)
    assert not [e for e in blasted.events if e.type == "explosion"]
    assert not [e for e in faker.events if e.type == "fire"]
    assert [e for e in house.events if e.type == "fire"]


def test_a_shot_of_a_game_or_a_film_is_no_shooting(extractor) -> None:  # type: ignore[no-untyped-def]
    articles = [
        Article(id="g", title="Jays top Drake", text="The Jays shot 46 percent from the floor in a 65-53 win."),
        Article(id="f", title="Star", text="The actress, who shot to fame in a 1999 film, is back in the studio."),
        Article(
            id="p",
            title="Lineman visits team",
            text="Richard Collins, whose playing days ended when he was shot in September, visited the playoff team.",
        ),
    ]
    articles += [
        Article(id="n", title="Fan hurt", text="A fan was shot outside the arena after the playoff game on Sunday."),
        Article(id="w", title="Video", text="A bystander filmed the shooting outside the recording studio."),
    ]
    game, film, player, fan, filmed = extractor.extract(articles)
    assert not [e for e in game.events if e.type == "shooting"] and game.facts.type != "shooting"
    assert not [e for e in film.events if e.type == "shooting"]
    for real in (player, fan, filmed):  # a person shot, or words a crime report uses too: still a shooting
        assert [e for e in real.events if e.type == "shooting"], real.article.text


def test_the_region_comes_from_the_dateline_and_the_text(extractor) -> None:  # type: ignore[no-untyped-def]
    dateline = Article(
        id="d",
        title="Man wounded in Englewood shooting",
        text="ENGLEWOOD, Colo. (AP) — A man was shot and wounded outside a bar on Broadway early Saturday, police say.",
    )
    chicago = Article(
        id="c",
        title="Teen shot in Englewood",
        text=(
            "A 16-year-old boy was shot and wounded Friday night in the Englewood neighborhood on the South Side, "
            "Chicago police said. The boy was taken to a hospital in stable condition."
        ),
    )
    colorado, illinois = extractor.extract([dateline, chicago])
    assert colorado.facts.place is not None and colorado.facts.place.region == "Colorado"
    assert illinois.facts.place is not None
    assert (illinois.facts.place.city, illinois.facts.place.region) == ("Chicago", "Illinois")


def test_a_rising_toll_is_a_development_and_leaves_the_conflicts(extractor) -> None:  # type: ignore[no-untyped-def]
    day_one = Article(
        id="club-1",
        source="Lakeview Ledger",
        published=_day(7, 10),  # Saturday
        title="Two killed in shooting at Marlow nightclub",
        text=(
            "MARLOW, Okla. — Two people were killed and three were wounded in a shooting at a nightclub on Main "
            "Street early Saturday, Marlow police said. The gunman fled before officers arrived."
        ),
    )
    day_two = Article(
        id="club-2",
        source="Prairie Daily",
        published=_day(8),  # Sunday
        title="Death toll in Marlow nightclub shooting rises to three",
        text=(
            "MARLOW, Okla. — Three people were killed in the shooting at a nightclub on Main Street early Saturday, "
            "Marlow police said Sunday, after one of the wounded died at a hospital. Two people remain hospitalized."
        ),
    )
    pipeline = Pipeline(extractor)
    pipeline.add_articles([day_one])
    pipeline.add_articles([day_two])
    last = pipeline.updates[-1]
    assert (last.facts.killed, last.facts.injured) == (3, 2)
    assert ("killed", 2, 3) in {(d.field, d.from_, d.to) for d in last.changes.developments}
    [event] = [e for e in last.events if e.type == "shooting"]  # both reports tell one shooting
    assert set(event.article_ids) == {"club-1", "club-2"}
    assert not [c for c in last.conflicts if c.attribute == "killed"]
    assert last.title == day_two.title


def test_an_event_keeps_its_id_and_is_new_once(extractor) -> None:  # type: ignore[no-untyped-def]
    """A late article whose id sorts first joins a published event: the event keeps its id, nothing is "new"
    again, and a conflict is new only in the version where it first appears (issue 28, item 11)."""
    first = TODDLER_DAY_ONE.model_copy(update={"id": "m-2"})
    late = TODDLER_DAY_ONE.model_copy(
        update={"id": "a-0", "source": "Valley Herald", "published": _day(2, 11), "text": TODDLER_DAY_ONE.text + " "}
    )
    pipeline = Pipeline(extractor)
    pipeline.add_articles([first])
    pipeline.add_articles([late])
    v1, v2 = pipeline.updates[0], pipeline.updates[-1]
    assert v2.version == 2
    assert {e.id for e in v1.events} <= {e.id for e in v2.events}
    assert v2.changes.new_events == []
    assert all(c not in {f"{x.event_id}:{x.attribute}" for x in v1.conflicts} for c in v2.changes.new_conflicts)


def test_two_published_events_that_become_one_keep_the_older_id() -> None:
    from agents.story.state import keep_event_ids
    from schemas import StoryEvent

    prev = StoryUpdate(
        story_id="s",
        version=3,
        title="t",
        events=[
            StoryEvent(id="ev-old", type="fire", trigger="fire", article_ids=["a"]),
            StoryEvent(id="ev-newer", type="fire", trigger="blaze", article_ids=["b"]),
        ],
        conflicts=[Conflict(event_id="ev-newer", attribute="killed", values=[])],
    )
    cur = StoryUpdate(
        story_id="s",
        version=1,
        title="t",
        events=[StoryEvent(id="ev-fresh", type="fire", trigger="fire", article_ids=["a", "b", "c"])],
        conflicts=[Conflict(event_id="ev-fresh", attribute="killed", values=[])],
    )
    kept, merged = keep_event_ids(prev, cur)
    assert [e.id for e in kept.events] == ["ev-old"] and kept.conflicts[0].event_id == "ev-old"
    assert merged == {"ev-newer": "ev-old"}
    assert keep_event_ids(None, cur) == (cur, {})


def test_a_name_that_did_the_harm_is_no_victim(extractor) -> None:  # type: ignore[no-untyped-def]
    article = Article(
        id="deck",
        title="Six injured in ferry fire",
        text="A fire on the car deck of the passenger ferry Cedar Crest injured 6 people on Wednesday, police said.",
    )
    [ex] = extractor.extract([article])
    assert ex.facts.injured == 6
    assert not [p for p in ex.facts.participants if p.name == "Cedar Crest"]
