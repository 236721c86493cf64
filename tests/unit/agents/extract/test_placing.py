"""Where an incident happened, as a reader of the story would place it (agents.extract.placing)."""

from __future__ import annotations

from agents.extract.placing import dateline, outlet_start
from schemas import Article


def _place(extractor, title: str, text: str) -> tuple[str | None, str | None]:  # type: ignore[no-untyped-def]
    [ex] = extractor.extract([Article(id="a", title=title, text=text)])
    place = ex.facts.place
    assert place is not None
    return place.city, place.region


def test_the_station_in_the_headline_is_not_where_it_happened(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Boy, 12, wounded in hunting accident - KOLR 10 News: Springfield, MO",
        "A 12-year-old boy was shot and wounded Saturday while hunting with his father near Ava, the Douglas County "
        "sheriff said. The boy was taken to a hospital in stable condition.",
    )
    assert city == ("Ava", "Missouri")


def test_a_dateline_without_a_state_places_the_story(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Gun used in homicide was stolen",
        "BELOIT — A 17-year-old was killed with a stolen gun, police said. The gun had been taken from a car in "
        "Janesville last month. The teen, of Beloit, was shot Friday night.",
    )
    assert city == ("Beloit", "Wisconsin")


def test_a_town_the_gazetteer_lacks_is_taken_from_the_dateline(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Man dies after being hit by a hunter's bullet",
        "GLEN FLORA, Wis. — A 62-year-old man died Saturday after he was hit by a bullet outside his home, "
        "Department of Natural Resources officials said. He was taken to a hospital in Ladysmith.",
    )
    assert city == ("Glen Flora", "Wisconsin")


def test_the_city_whose_police_handle_it_gives_city_and_state(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Family identifies 5-year-old boy fatally shot in Madisonville",
        "A 5-year-old boy was fatally shot in Madisonville on Saturday, Cincinnati police said. The boy's family "
        "had moved there from Louisville last year.",
    )
    assert city == ("Cincinnati", "Ohio")


def test_datelines_and_outlet_names() -> None:
    assert dateline("Headline\nKILLINGLY (AP) — State police say a boy has died.") == ("Killingly", None)
    assert dateline("Headline\n(CAMPBELLSBURG) - Police were called to a home.") == ("Campbellsburg", None)
    assert dateline("Headline\nHILLIARD, OH (WCMH) – Neighbors sat on stoops.") == ("Hilliard", "Ohio")
    assert dateline("Headline\nHENRY COUNTY, Ind. (WISH) — Police found three bodies.") is None
    assert dateline("Headline\nST.CLOUD, Fla. — Deputies were called.") == ("St. Cloud", "Florida")
    assert dateline("Headline\nA man was shot - police say - on Monday.") is None
    title = "Teen shot in Blytheville - KAIT Jonesboro, AR - Region 8 News"
    assert title[: outlet_start(title)] == "Teen shot in Blytheville"
    assert outlet_start("Shooting - what we know") == len("Shooting - what we know")


def test_a_part_of_a_city_named_for_it_is_in_that_city(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Four-year-old fatally shot himself in Southwest Baltimore",
        "A four-year-old boy fatally shot himself at a Southwest Baltimore home Saturday morning, a police "
        "spokeswoman said.",
    )
    assert city == ("Baltimore", "Maryland")
    city = _place(
        extractor,
        "Everybody loved her, family of slain 16-year-old says",
        "A 16-year-old girl was shot and killed Friday morning outside her mother's home in Southeast D.C. She was "
        "home from a boarding school she attended in Iowa.",
    )
    assert city == ("Washington", "District of Columbia")


def test_the_bronx_is_a_city_of_new_york(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Bronx teen fatally shot in apartment was examining pistol",
        "A 16-year-old died from an accidental gunshot wound inside an apartment Thursday in the Bronx. She once "
        "danced in Panama, her family said.",
    )
    assert city == ("Bronx", "New York")


def test_the_hospitals_town_is_not_where_it_happened(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Sheriff's Office investigating accidental shooting of 3-year-old",
        "The Williams County Sheriff's Office responded to a rural Williston address for a report of a gunshot. "
        "The child is in stable condition in a Fargo hospital. Officials in North Dakota are investigating.",
    )
    assert city == ("Williston", "North Dakota")


def test_a_dateline_with_its_state_beats_the_town_a_headline_says_someone_is_from(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Plainfield teen injured while squirrel hunting",
        "BROOKLYN, Ind. (WISH) — A Plainfield teen was hospitalized after accidentally being shot while squirrel "
        "hunting Friday night, conservation officers said.",
    )
    assert city == ("Brooklyn", "Indiana")


def test_st_is_saint(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "4th charged in fatal St. Paul shooting",
        "ST. PAUL, Minn. — A fourth man was charged Wednesday in the shooting death of a teenager, police said.",
    )
    assert city == ("Saint Paul", "Minnesota")


def test_the_town_of_with_capitals_is_the_incidents_town(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Man and two children found dead in mobile home",
        "State police are investigating a murder-suicide. Three people were found dead at a mobile home park on Fifth "
        "Avenue in the Town of Wallkill, Orange County, N.Y., on Sunday. A Newburgh police officer said the man was "
        "retired.",
    )
    assert city == ("Wallkill", "New York")


def test_the_town_of_the_hospital_does_not_confirm_a_stations_dateline(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Hunter takes responsibility after shooting himself while testing ice",
        "WORCESTER (CBS) – Dylan Marsh was enjoying his holiday break back home in Orange after his first semester "
        "in college when his rifle went off on the ice.\n\nHe has spent the days since lying in the Intensive Care "
        "Unit at UMass Memorial Hospital in Worcester with his family at his bedside, Massachusetts state police "
        "said.",
    )
    assert city == ("Orange", "Massachusetts")


def test_a_town_a_distance_is_measured_from_is_not_the_place(extractor) -> None:  # type: ignore[no-untyped-def]
    # (also: "Michigan State Police" names the state; without it the largest Clinton or Adrian was in Missouri)
    city = _place(
        extractor,
        "3-year-old Lenawee County boy dies after accidentally shooting himself",
        "A 3-year-old boy died Sunday after he accidentally shot himself with a handgun he found in a bedroom, "
        "Michigan State Police said.\n\nTroopers were dispatched at 1:25 p.m. to a home on Tipton Highway, about 14 "
        "miles north of Adrian. The boy was pronounced dead at the scene.",
    )
    assert city == (None, "Michigan")


def test_a_victims_home_town_is_not_where_it_happened(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Sheriff: college student killed in gun accident at apartment",
        "Deputies responded to an apartment in the 400 block of Mill Run Lane around 11 p.m. Saturday and found "
        "Casey Dunmore, 21, of Sandersville, Georgia, dead from a gunshot wound. A roommate was charged with "
        "involuntary manslaughter.",
    )
    assert city == (None, "Georgia")
    # where the text also says where it happened, that town is the place
    city = _place(
        extractor,
        "Sheriff: college student killed in gun accident at apartment",
        "Casey Dunmore, 21, of Sandersville, Georgia, was shot and killed Saturday at an apartment in Wrens, "
        "deputies said.",
    )
    assert city == ("Wrens", "Georgia")


def test_a_victims_home_town_still_tells_the_state(extractor) -> None:  # type: ignore[no-untyped-def]
    # Rochester, New York is the larger; the victim's home, Kasson, lies only in Minnesota.
    city = _place(
        extractor,
        "Driver held after woman struck outside Rochester store",
        "Police arrested the driver who they say struck and killed a woman outside a grocery store in Rochester on "
        "Wednesday. Officers said Ruth Anne Lindqvist, 71, of Kasson, was crossing the parking lot with her "
        "husband.",
    )
    assert city == ("Rochester", "Minnesota")


def test_the_texts_own_city_and_state_beat_the_stations(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Boy, 4, hurt by stray bullet - WKRB News 3 - Memphis, Tennessee",
        "A 4-year-old boy was shot and wounded Sunday at his home in Olive Branch, Mississippi, police said.",
    )
    assert city == ("Olive Branch", "Mississippi")


def test_the_stations_town_breaks_a_tie_between_states(extractor) -> None:  # type: ignore[no-untyped-def]
    # Decatur is a town of Georgia and of Illinois (the larger); the station's city, Atlanta, says which.
    text = "A 2-year-old was shot in the leg at an apartment complex in Decatur on Monday, county police said."
    assert _place(extractor, "Toddler hurt by stray bullet - WQXR-TV Atlanta", text) == ("Decatur", "Georgia")
    assert _place(extractor, "Toddler hurt by stray bullet", text)[0] == "Decatur"


def test_a_regional_stations_state_gives_way_to_the_town_of_the_lead(extractor) -> None:  # type: ignore[no-untyped-def]
    # The station's headline names South Carolina; the lead's town is only in Georgia.
    city = _place(
        extractor,
        "Man dead, brother charged after argument - WQRB-TV: Augusta, Aiken, SC, News & Weather",
        "A shooting late Friday in Grovetown left one man dead and his brother facing charges.\n\nThe Columbia "
        "County Sheriff's Office said deputies were called to a home on Lee Street shortly before midnight.",
    )
    assert city == ("Grovetown", "Georgia")
    # where the station's state has the lead's town, it stays
    city = _place(
        extractor,
        "Man dead, brother charged after argument - WQRB-TV: Augusta, Aiken, SC, News & Weather",
        "A shooting late Friday in Aiken left one man dead and his brother facing charges.",
    )
    assert city == ("Aiken", "South Carolina")


def test_the_headlines_town_of_the_state_the_places_agree_on(extractor) -> None:  # type: ignore[no-untyped-def]
    # A long page names other states in other stories; the text's places agree on California, and the headline's
    # town there comes before the paper's own city.
    city = _place(
        extractor,
        "Deputy shoots armed man after two hurt in fight outside Gilroy",
        "SALINAS — A sheriff's deputy shot and killed a man who was armed with a machete after two people were hurt "
        "in a fight at a ranch outside Gilroy on Sunday, the Salinas sheriff's office said. Deputies from Salinas "
        "and Hollister answered the call.\n\nIn other news, a Texas company will open a plant in Iowa next year, "
        "and a Salinas school board meeting was moved to Tuesday.",
    )
    assert city == ("Gilroy", "California")


def test_a_dateline_the_text_never_names_again_gives_way_to_the_leads_town(extractor) -> None:  # type: ignore[no-untyped-def]
    title = "Woman hurt in last week's shooting has died, deputies say"
    lead = (
        "The Chippewa County Sheriff's Office said Monday that the woman hurt in last week's shooting has died.\n\n"
        "Dana Pell died Monday of the wounds she suffered March 3 in Cadott, deputies said."
    )
    assert _place(extractor, title, "EAU CLAIRE, Wis. —\n\n" + lead) == ("Cadott", "Wisconsin")
    # a dateline the text names again is where it happened
    told = lead.replace("in Cadott, deputies said", "in Eau Claire, deputies said. She had moved from Cadott")
    assert _place(extractor, "Woman hurt in shooting has died", "EAU CLAIRE, Wis. —\n\n" + told) == (
        "Eau Claire",
        "Wisconsin",
    )
    # a large city's dateline keeps a part of it that the gazetteer lacks: the city is Memphis, not "Orange Mound"
    text = "MEMPHIS, Tenn. —\n\nA man was shot and wounded in Orange Mound late Sunday, police said."
    assert _place(extractor, "Man wounded in overnight shooting", text) == ("Memphis", "Tennessee")


def test_a_local_station_report_that_names_no_place_is_placed_in_the_stations_city(extractor) -> None:  # type: ignore[no-untyped-def]
    title = "Boy hurt while cleaning rifle at home - KBXE News 4 - Boise, Idaho"
    text = (
        "A 12-year-old boy was hurt Saturday when a rifle he was cleaning went off, police said.\n\n"
        '"He is lucky," said his mother, Dana Wells. The boy was recovering at a hospital.'
    )
    assert _place(extractor, title, text) == ("Boise", "Idaho")
    # a report that names a town is placed there, not in the station's city
    assert _place(extractor, title, text.replace("went off, police", "went off in Nampa, police")) == (
        "Nampa",
        "Idaho",
    )


def test_a_large_city_named_only_for_its_hospital_does_not_hold_the_town(extractor) -> None:  # type: ignore[no-untyped-def]
    city = _place(
        extractor,
        "Teen wounded by friend's handgun in Gretna",
        "A 16-year-old girl was accidentally shot Tuesday night in Gretna, police said. She was taken to a New "
        "Orleans hospital with a wound to her arm.",
    )
    assert city == ("Gretna", "Louisiana")
    # where the text names the large city as a place, the town is a part of it
    city = _place(
        extractor,
        "Man shot in Englewood",
        "A man was shot Sunday in Englewood, Chicago police said. He was in good condition.",
    )
    assert city == ("Chicago", "Illinois")


def test_a_place_without_a_town_is_not_named_for_a_person(extractor) -> None:  # type: ignore[no-untyped-def]
    title = "Teen killed in overnight shooting - WQRT News 4"
    text = (
        "A 17-year-old boy was shot and killed Saturday night, police said. Officers identified him as Marcus Hill, "
        "17, of Detroit."
    )
    [ex] = extractor.extract([Article(id="a", title=title, text=text)])
    place = ex.facts.place
    assert place is not None
    assert (place.name, place.city, place.region) == (None, None, "Michigan")
