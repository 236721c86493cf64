"""Cross-source merging of event frames and entities (agents.story.merge)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from agents.story.merge import entity_id_map, merge_entities, merge_events, role_conflicts
from schemas.extraction import Entity, EventFrame


def frame(kind: str, actors: list[str], targets: list[str] = (), **kw: object) -> EventFrame:  # type: ignore[assignment]
    return EventFrame(type=kind, trigger=kw.pop("trigger", kind), actors=actors, targets=list(targets), **kw)


# --- behaviour on small hand-made stories ---------------------------------------------------------------------


def test_one_happening_reported_twice_is_one_event_citing_both_sources() -> None:
    events, conflicts = merge_events(
        [
            (
                "a1",
                "daily.example",
                frame(
                    "call",
                    ["person:maria-lopez"],
                    ["person:tom-reed"],
                    when="2025-03-10",
                    attributes={"duration": "45m"},
                ),
            ),
            (
                "b1",
                "herald.example",
                frame("call", ["person:reed"], ["person:lopez"], when="2025-03-10", attributes={"duration": "45m"}),
            ),
        ]
    )
    assert len(events) == 1
    assert events[0].sources == ["daily.example", "herald.example"]
    assert events[0].article_ids == ["a1", "b1"]
    assert set(events[0].actors) | set(events[0].targets) == {"person:maria-lopez", "person:tom-reed"}
    assert conflicts == []


def test_disagreeing_numbers_are_a_conflict_with_each_side_and_its_sources() -> None:
    events, conflicts = merge_events(
        [
            ("a1", "daily.example", frame("disaster", [], when="2025-03-11", attributes={"killed": 12})),
            ("b1", "herald.example", frame("disaster", [], when="2025-03-11", attributes={"killed": 14})),
            ("c1", "wire.example", frame("disaster", [], when="2025-03-11", attributes={"killed": 14})),
        ]
    )
    assert len(events) == 1
    assert events[0].attributes["killed"] == 14  # the value most sources give
    [conflict] = conflicts
    assert conflict.event_id == events[0].id and conflict.attribute == "killed"
    assert [(v.value, v.sources) for v in conflict.values] == [
        (12, ["daily.example"]),
        (14, ["herald.example", "wire.example"]),
    ]


def test_same_office_different_name_merges_and_is_a_conflict() -> None:
    # Two outlets name the chief executive differently; the acquisition is the same.
    roles = {"person:ann-park": "globex ceo"}
    events, conflicts = merge_events(
        [
            (
                "a1",
                "daily.example",
                frame(
                    "meeting",
                    ["person:lee-chan"],
                    ["person:ann-park"],
                    roles=roles,
                    names={"person:ann-park": "Ann Park"},
                ),
            ),
            (
                "b1",
                "herald.example",
                frame(
                    "meeting",
                    ["person:lee-chan"],
                    ["person:anne-parker"],
                    roles={"person:anne-parker": "globex ceo"},
                    names={"person:anne-parker": "Anne Parker"},
                ),
            ),
        ]
    )
    assert len(events) == 1
    [conflict] = conflicts
    assert conflict.attribute == "name:globex ceo"
    assert {(v.value, tuple(v.sources)) for v in conflict.values} == {
        ("Ann Park", ("daily.example",)),
        ("Anne Parker", ("herald.example",)),
    }


def test_calls_with_different_partners_stay_apart() -> None:
    events, _ = merge_events(
        [
            (
                "a1",
                "daily.example",
                frame("call", ["person:maria-lopez"], ["person:tom-reed"], roles={"person:tom-reed": "us president"}),
            ),
            (
                "b1",
                "herald.example",
                frame(
                    "call",
                    ["person:maria-lopez"],
                    ["person:ines-sola"],
                    roles={"person:ines-sola": "un secretary-general"},
                ),
            ),
        ]
    )
    assert len(events) == 2
    assert all(len(e.sources) == 1 for e in events)


def test_dates_a_few_days_apart_conflict_but_far_apart_are_two_events() -> None:
    near, near_conflicts = merge_events(
        [
            ("a1", "daily.example", frame("fire", [], when="2025-03-11")),
            ("b1", "herald.example", frame("fire", [], when="2025-03-12")),
        ]
    )
    assert len(near) == 1 and [c.attribute for c in near_conflicts] == ["when"]
    far, _ = merge_events(
        [
            ("a1", "daily.example", frame("fire", [], when="2025-03-11")),
            ("b1", "herald.example", frame("fire", [], when="2025-04-20")),
        ]
    )
    assert len(far) == 2


def test_different_cities_are_different_incidents() -> None:
    events, _ = merge_events(
        [
            ("a1", "daily.example", frame("shooting", [], attributes={"city": "Dayton", "killed": 1})),
            ("b1", "herald.example", frame("shooting", [], attributes={"city": "Toledo", "killed": 1})),
        ]
    )
    assert len(events) == 2


def test_one_article_never_reports_one_event_twice() -> None:
    events, _ = merge_events(
        [
            ("a1", "daily.example", frame("shooting", [], start=10)),
            ("a1", "daily.example", frame("shooting", [], start=500)),
        ]
    )
    assert len(events) == 2


def test_event_ids_are_deterministic_and_survive_a_later_source() -> None:
    first = [("a1", "daily.example", frame("threat", ["gpe:borduria"], ["gpe:syldavia"], start=40))]
    later = [*first, ("z9", "herald.example", frame("threat", ["gpe:borduria"], [], start=7))]
    (before,), _ = merge_events(first)
    (after,), _ = merge_events(later)
    assert before.id == after.id == merge_events(first)[0][0].id
    assert after.sources == ["daily.example", "herald.example"]


def test_entity_id_map_lets_events_use_the_story_entity_ids() -> None:
    lists = [
        [Entity(id="person:vera-novak", name="Vera Novak", label="PERSON")],
        [Entity(id="person:novak", name="Novak", label="PERSON")],
    ]
    ids = entity_id_map(lists)
    assert ids == {"person:vera-novak": "person:vera-novak", "person:novak": "person:vera-novak"}
    events, _ = merge_events([("a1", "d", frame("resignation", ["person:novak"]))], entity_ids=ids)
    assert events[0].actors == ["person:vera-novak"]


def test_story_entities_unify_spellings_and_short_forms_and_sum_mentions() -> None:
    story = merge_entities(
        [
            [
                Entity(
                    id="person:volodymyr-zelenskyy",
                    name="Volodymyr Zelenskyy",
                    label="PERSON",
                    mentions=3,
                    aliases=["Volodymyr Zelenskyy", "Zelenskyy"],
                )
            ],
            [
                Entity(id="person:zelensky", name="Zelensky", label="PERSON", mentions=2),
                Entity(id="org:zelensky", name="Zelensky", label="ORG", mentions=1),
            ],
        ]
    )
    assert [(e.id, e.mentions) for e in story] == [("person:volodymyr-zelenskyy", 6)]
    assert story[0].aliases == ["Volodymyr Zelenskyy", "Zelensky", "Zelenskyy"]


def test_a_bare_surname_does_not_fuse_two_people() -> None:
    story = merge_entities(
        [
            [Entity(id="person:john-smith", name="John Smith", label="PERSON")],
            [
                Entity(id="person:jane-smith", name="Jane Smith", label="PERSON"),
                Entity(id="person:smith", name="Smith", label="PERSON"),
            ],
        ]
    )
    assert sorted(e.id for e in story) == ["person:jane-smith", "person:john-smith", "person:smith"]


# --- properties -------------------------------------------------------------------------------------------------

ENTITIES = ["person:ada-byron", "person:byron", "person:alan-turing", "org:acme", "gpe:ruritania", "np:gunman"]
ROLES = {"person:ada-byron": "acme ceo", "person:alan-turing": "acme ceo"}

frames = st.builds(
    lambda kind, actors, targets, when, killed, start: EventFrame(
        type=kind,
        trigger=kind,
        actors=actors,
        targets=[t for t in targets if t not in actors],
        when=when,
        attributes={} if killed is None else {"killed": killed},
        start=start,
        roles={p: ROLES[p] for p in (*actors, *targets) if p in ROLES},
        names={p: p.split(":")[1].replace("-", " ").title() for p in (*actors, *targets) if not p.startswith("np:")},
    ),
    st.sampled_from(["call", "shooting", "threat"]),
    st.lists(st.sampled_from(ENTITIES), max_size=2, unique=True),
    st.lists(st.sampled_from(ENTITIES), max_size=2, unique=True),
    st.sampled_from([None, "2025-03-10", "2025-03-11", "2025-05-01"]),
    st.sampled_from([None, 1, 2]),
    st.integers(min_value=0, max_value=3),
)
reports = st.lists(
    st.tuples(st.sampled_from(["a1", "b2", "c3", "d4"]), frames),
    max_size=8,
).map(lambda rs: [(a, f"{a}.example", f) for a, f in rs])  # one outlet per article, as in real input


@settings(max_examples=150, deadline=None)
@given(reports, st.randoms(use_true_random=False))
def test_merge_is_order_independent(items: list, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = list(items)
    rnd.shuffle(shuffled)
    assert merge_events(items) == merge_events(shuffled)
    assert merge_events(items) == merge_events(list(reversed(items)))


@settings(max_examples=150, deadline=None)
@given(reports)
def test_merge_is_idempotent(items: list) -> None:  # type: ignore[no-untyped-def]
    once = merge_events(items)
    assert merge_events(items + items) == once
    if items:
        assert merge_events([*items, items[0]]) == once


@settings(max_examples=150, deadline=None)
@given(reports)
def test_every_report_is_cited_and_sources_are_sorted_and_distinct(items: list) -> None:  # type: ignore[no-untyped-def]
    events, conflicts = merge_events(items)
    cited = {a for e in events for a in e.article_ids}
    assert cited == {a for a, _, _ in items}
    ids = [e.id for e in events]
    assert len(ids) == len(set(ids))
    for e in events:
        assert e.sources == sorted(set(e.sources)) and e.article_ids == sorted(set(e.article_ids))
    for c in conflicts:
        assert c.event_id in ids and len(c.values) >= 2


@settings(max_examples=150, deadline=None)
@given(reports)
def test_a_forming_event_knows_what_its_reports_say(items: list) -> None:  # type: ignore[no-untyped-def]
    """The merge keeps what it compares of each forming event (articles, participants, speakers, offices, days,
    places, event words) up to date as reports join, rather than recomputing it from the reports on every
    comparison (cubic in a story of hundreds of articles); it must still be exactly what those reports say."""
    from agents.extract.lexicon import event_class
    from agents.story.merge import _canonical_reports, _cluster_reports, _day

    for c in _cluster_reports(_canonical_reports(items), None):
        ms = c.members
        assert c.articles == {m.article_id for m in ms}
        assert c.entities == {p for m in ms for p in m.actors + m.targets if not p.startswith("np:")}
        assert c.actors == {a for m in ms for a in m.actors if not a.startswith("np:")}
        assert c.speakers == {a for m in ms for a in m.actors}
        assert c.roles == {k: v for m in ms for k, v in m.roles.items()}
        assert c.days == {d for m in ms if (d := _day(m.frame.when)) is not None}
        assert c.wheres == {m.frame.where for m in ms if m.frame.where}
        assert c.triggers == {m.frame.trigger for m in ms}
        assert {event_class(m.frame.type, m.frame.trigger) for m in ms} == {c.key}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                [
                    Entity(id="person:ada-byron", name="Ada Byron", label="PERSON", mentions=2),
                    Entity(id="person:byron", name="Byron", label="PERSON"),
                    Entity(id="org:byron", name="Byron", label="ORG"),
                    Entity(id="gpe:ruritania", name="Ruritania", label="GPE", mentions=3),
                    Entity(id="norp:ruritanian", name="Ruritanian", label="NORP"),
                ]
            ),
            max_size=4,
        ),
        max_size=4,
    ),
    st.randoms(use_true_random=False),
)
def test_merge_entities_is_order_independent_and_sums_mentions(lists: list, rnd) -> None:  # type: ignore[no-untyped-def]
    shuffled = [list(x) for x in lists]
    rnd.shuffle(shuffled)
    for x in shuffled:
        rnd.shuffle(x)
    story = merge_entities(lists)
    assert story == merge_entities(shuffled)
    assert sum(e.mentions for e in story) == sum(e.mentions for x in lists for e in x)


def test_role_conflicts_name_each_holder_of_one_office_with_its_sources() -> None:
    ruiz = Entity(id="person:elena-ruiz", name="Elena Ruiz", label="PERSON", roles=["harbor master captain"])
    short = Entity(id="person:ruiz", name="Ruiz", label="PERSON", roles=["harbor master captain"])
    ortiz = Entity(id="person:elena-ortiz", name="Elena Ortiz", label="PERSON", roles=["harbor master captain"])
    mayor = Entity(id="person:al-brook", name="Al Brook", label="PERSON", roles=["mayor"])  # not one office
    [conflict] = role_conflicts(
        [("a1", "gazette.example", [ruiz, mayor]), ("b1", "ledger.example", [ortiz]), ("c1", "herald.example", [short])]
    )
    assert conflict.event_id == "" and conflict.attribute == "name:harbor master captain"
    assert [(v.value, v.sources) for v in conflict.values] == [
        ("Elena Ortiz", ["ledger.example"]),
        ("Elena Ruiz", ["gazette.example", "herald.example"]),
    ]
    assert role_conflicts([("a1", "gazette.example", [ruiz]), ("c1", "herald.example", [short])]) == []


# --- entity grouping compares only names that can match -------------------------------------------------------

_WORDS = (
    "smith smyth john jane putin vladimir zelensky zelenskyy volodymyr kim jong un corp inc dr abdullah abdulla "
    "mediterranean mediteranean sea port halloway internationale internationl"
).split()


def _group_ids_full_scan(names: dict[str, str]) -> dict[str, str]:
    """The grouping as it was before blocking: every new name is compared with every group made so far."""
    from agents.extract.entities import entity_slug, names_match, tokens_match
    from agents.story.merge import _LABEL_GROUPS, _words

    order = sorted(names, key=lambda i: (-_words(names[i]), -len(names[i]), i))
    rep: dict[str, str] = {}
    heads: list[str] = []
    for eid in order:
        label = eid.split(":", 1)[0]
        group = _LABEL_GROUPS.get(label, label)
        fits = [
            h
            for h in heads
            if _LABEL_GROUPS.get(h.split(":", 1)[0], h.split(":", 1)[0]) == group
            and (
                h.split(":", 1)[0] == label
                or entity_slug(names[h]) == entity_slug(names[eid])
                or _words(names[eid]) < _words(names[h])
            )
            and (names_match(names[eid], names[h]) or names_match(eid, h))
        ]
        if len(fits) > 1:
            last = entity_slug(names[eid]).split("-")[-1]
            fits = [h for h in fits if tokens_match(last, entity_slug(names[h]).split("-")[-1])] or fits
        rep[eid] = fits[0] if len(fits) == 1 else eid
        if len(fits) != 1:
            heads.append(eid)
    return rep


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["person", "org", "gpe", "loc", "event"]),
            st.lists(st.sampled_from(_WORDS), min_size=1, max_size=4),
            st.sampled_from(["", "Dr. ", "the "]),
        ),
        min_size=1,
        max_size=40,
    )
)
@example([("org", ["internationale"], ""), ("org", ["internationl"], "")])  # two edits apart, both long
def test_entity_grouping_finds_what_a_full_scan_finds(spec: list[tuple[str, list[str], str]]) -> None:
    """Blocking (a story of hundreds of articles is not compared name by name) must not change a single group:
    spelling variants ("zelensky" / "zelenskyy"), surnames, first words of long names, honorifics and labels."""
    from agents.story.merge import _group_ids

    names = {f"{label}:{'-'.join(words)}": prefix + " ".join(w.title() for w in words) for label, words, prefix in spec}
    assert _group_ids(names) == _group_ids_full_scan(names)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(["person", "org", "gpe", "loc"]),
                st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3),
                st.sampled_from(["", "Dr. ", "the "]),
            ),
            min_size=0,
            max_size=12,
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.integers(min_value=0, max_value=40), max_size=6),
)
@example(  # a new full name makes the short form, grouped alone before, ambiguous; a head disappears
    [[("person", ["smith"], "")], [("person", ["john", "smith"], "")], [("person", ["jane", "smith"], "")]],
    [0, 1],
)
def test_entity_grouping_with_a_memo_is_the_grouping_without(
    steps: list[list[tuple[str, list[str], str]]], dropped: list[int]
) -> None:
    """A story's grouping is redone on every article with the memo of its last one (agents.story.state keeps them); the
    memo may only save work. Each step adds names, renames some (a fuller spelling: "Dr." prefixes) and loses
    some (a story that absorbed another, an article replaced), and must give what a grouping from scratch gives."""
    from agents.story.merge import GroupMemo, _group_ids

    memo = GroupMemo()
    names: dict[str, str] = {}
    for n, step in enumerate(steps):
        for label, words, prefix in step:
            names[f"{label}:{'-'.join(words)}"] = prefix + " ".join(w.title() for w in words)
        if n < len(dropped) and names:
            names.pop(sorted(names)[dropped[n] % len(names)])
        assert _group_ids(names, memo) == _group_ids(names)
    other = GroupMemo()  # another story's memo gives the same grouping too
    _group_ids({"person:john-smith": "John Smith", "person:smith": "Smith"}, other)
    assert _group_ids(names, other) == _group_ids(names)


_PARTICIPANT_WORDS = _WORDS + "rait raite felt mark w gigante louis vincent larue fred frederick c duncan".split()
_participants = st.builds(
    lambda label, words: f"{label}:{'-'.join(words)}",
    st.sampled_from(["person", "org", "gpe", "loc", "norp", "fac", "event"]),
    st.lists(st.sampled_from(_PARTICIPANT_WORDS), min_size=1, max_size=4),
)


@settings(max_examples=400, deadline=None)
@given(st.sets(_participants, max_size=6), st.lists(st.sets(_participants, max_size=8), min_size=1, max_size=4))
@example({"person:duncan-rait"}, [{"person:duncan-raite", "person:mark-felt"}])  # one letter apart, same first name
@example({"person:smith"}, [{"person:vladimir-kim-smith", "org:smith-inc"}])  # one word against three, a suffix
@example({"gpe:smith"}, [{"gpe:smith", "loc:smith"}])  # one of theirs is mine, another may be too
def test_participants_are_matched_against_a_cluster_as_a_full_scan_matches_them(
    mine: set[str], members: list[set[str]]
) -> None:
    """A report is compared only with the participants of a cluster it may match (an event cluster of a big story
    names hundreds): it must find every pair a comparison with all of them finds, both ways."""
    from agents.story.merge import _Cluster, _Member, _mine_matched, _shared, _theirs_matched

    cluster = _Cluster("other", "other")
    for n, entities in enumerate(members):
        frame = EventFrame(type="other", trigger="x", actors=sorted(entities))
        cluster.add(_Member(f"a{n}", "s", frame, sorted(entities), [], {}, {}))
    assert _mine_matched(mine, cluster) == _shared(mine, cluster.entities)
    assert _theirs_matched(mine, cluster) == _shared(cluster.entities, mine)


def test_one_name_under_two_labels_is_one_story_entity() -> None:
    """ "Port Halloway" a place in one report and a person in another is one entity (issue 28, item 12)."""
    from agents.story.merge import merge_entities
    from schemas.extraction import Entity

    place = Entity(id="fac:port-halloway", name="Port Halloway", label="FAC", mentions=5)
    person = Entity(id="person:port-halloway", name="Port Halloway", label="PERSON", mentions=2)
    [entity] = [e for e in merge_entities([[place], [person]]) if e.name == "Port Halloway"]
    assert (entity.id, entity.label, entity.mentions) == ("fac:port-halloway", "FAC", 7)
