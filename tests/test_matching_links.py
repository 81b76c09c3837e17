"""Link matching in the domain: continuity, languages, availability fit, unreachable settings."""

from __future__ import annotations

from builders import (
    days,
    make_authority,
    make_child,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.availability import Availability
from scheduler.domain import Authority
from scheduler.matching.links import LINK_COST_TERMS, LinkOptions, LinkResult, choose_links
from scheduler.priority import LANGUAGE_POINTS


def links(authority: Authority) -> LinkResult:
    return choose_links(
        authority, Availability(authority), options=LinkOptions(time_limit=2, workers=1)
    )


def chosen(result: LinkResult) -> dict[str, str]:
    return {link.setting_id: link.practitioner_id for link in result.links}


def test_existing_link_kept_when_close_enough() -> None:
    """Continuity: the existing link stays even if another practitioner is a little nearer."""
    near = make_practitioner("P002", base_lat=51.5501, base_lon=-0.1)
    existing = make_practitioner("P001", base_lat=51.552, base_lon=-0.1)
    setting = make_setting(link_practitioner_id="P001")
    result = links(make_authority(practitioners=[near, existing], settings=[setting]))
    assert chosen(result) == {"S001": "P001"}
    assert result.links[0].kept_existing_link


def test_home_language_spoken_preferred() -> None:
    """A practitioner who speaks the children's home language wins over a slightly nearer one."""
    near = make_practitioner("P001", base_lat=51.5501)
    speaker = make_practitioner("P002", base_lat=51.552, languages=frozenset({"polish"}))
    setting = make_setting(link_practitioner_id=None)
    children = [make_child(f"C{i}", home_language="Polish") for i in range(3)]
    result = links(
        make_authority(practitioners=[near, speaker], settings=[setting], children=children)
    )
    assert chosen(result) == {"S001": "P002"}


def test_availability_fit_beats_distance() -> None:
    """A nearer practitioner who never works the key person's days loses to one who does."""
    near = make_practitioner("P001", working_days=days("Thu", "Fri"))
    far = make_practitioner("P002", base_lat=51.60, working_days=days("Mon", "Tue"))
    kp = make_key_person(working_days=days("Mon", "Tue"))
    result = links(make_authority(practitioners=[near, far], key_persons=[kp]))
    assert chosen(result) == {"S001": "P002"}


def test_unreachable_setting_has_no_link() -> None:
    """A setting open only when nobody works gets no link (children NO_LINK_PRACTITIONER)."""
    setting = make_setting(open_days=days("Sun"), link_practitioner_id=None)
    result = links(make_authority(settings=[setting]))
    assert result.links == []
    assert result.unlinked == ["S001"]


def test_settings_without_due_children_still_linked() -> None:
    """Links are standing relationships: a setting with no one due this term keeps one."""
    result = links(make_authority(children=[]))
    assert chosen(result) == {"S001": "P001"}
    assert result.links[0].children_due == 0


def test_a_day_of_reviews_includes_its_journey() -> None:
    """Capacity is counted in the loads' currency: a practitioner doing one review a day at a
    setting with one child due per working day is exactly full, not over-committed by the
    journeys (loads count each visit's round trip, so capacity counts one per day)."""
    from scheduler.review import block_minutes
    from scheduler.travel import haversine_km, travel_minutes

    practitioner = make_practitioner(max_reviews_per_day=1, base_lat=51.58)
    setting = make_setting(link_practitioner_id="P001")
    base = make_authority(practitioners=[practitioner], settings=[setting])
    availability = Availability(base)
    days_free = bin(availability.practitioner_days["P001"]).count("1")
    children = [make_child(f"C{i:03d}") for i in range(days_free)]
    authority = make_authority(practitioners=[practitioner], settings=[setting], children=children)
    availability = Availability(authority)
    assert len(availability.due) == days_free
    block = block_minutes(availability.due[0], "joint", authority.config)
    travel = authority.config.travel
    km = haversine_km(practitioner.base_lat, practitioner.base_lon, setting.lat, setting.lon)
    journey = 2 * travel_minutes(km, travel.speed_kmh, travel.detour_factor)
    assert journey > 0
    result = links(authority)
    assert result.capacity_minutes["P001"] == days_free * (block + journey)
    assert result.overcommitted == {}
    # One more child than days: over-committed by that child's block and journey.
    more = make_authority(
        practitioners=[practitioner], settings=[setting], children=[*children, make_child("C999")]
    )
    assert links(more).overcommitted == {"P001": block + journey}


def test_a_changed_link_says_what_it_gains() -> None:
    """An existing link who works none of the setting's open days is replaced, and links.csv's
    reason says so; a kept link says it was kept."""
    settings_ = [
        make_setting("S001", open_days=frozenset({0, 1}), link_practitioner_id="P001"),
        make_setting("S002", link_practitioner_id="P002"),
    ]
    practitioners = [
        make_practitioner("P001", working_days=frozenset({3, 4})),
        make_practitioner("P002"),
    ]
    authority = make_authority(practitioners=practitioners, settings=settings_)
    result = links(authority)
    reasons = {link.setting_id: link.reason for link in result.links}
    assert reasons["S002"] == "existing link kept"
    assert reasons["S001"] == "changed: Practitioner P001 works none of the setting's open days"


def test_a_pairs_cost_is_its_terms_and_the_chosen_links_report_them() -> None:
    """Home languages not spoken cost LANGUAGE_POINTS a child, under ``languages``; the other
    terms are in their own places; the chosen links' terms are summed in ``cost_terms``."""
    near = make_practitioner("P001", base_lat=51.5501)
    speaker = make_practitioner("P002", base_lat=51.552, languages=frozenset({"polish"}))
    setting = make_setting(link_practitioner_id=None)
    children = [make_child(f"C{i}", home_language="Polish") for i in range(3)]
    result = links(
        make_authority(practitioners=[near, speaker], settings=[setting], children=children)
    )
    missed, spoken = result.facts[("S001", "P001")].terms, result.facts[("S001", "P002")].terms
    assert missed.languages == 3 * LANGUAGE_POINTS and spoken.languages == 0
    assert missed.unseen == spoken.unseen == 0 and missed.change == spoken.change == 0
    assert 0 < missed.travel < spoken.travel  # P001 is nearer
    assert result.facts[("S001", "P002")].cost == spoken.total
    assert result.cost_terms() == {
        "unseen": 0,
        "travel": round(spoken.travel, 3),
        "change": 0,
        "languages": 0,
        "team": 0,
    }
    assert tuple(result.cost_terms()) == LINK_COST_TERMS


def test_children_a_practitioner_could_never_see_cost_their_priority() -> None:
    """A practitioner who never works the key person's days: every child's points under
    ``unseen``; a changed existing link its continuity points under ``change``."""
    near = make_practitioner("P001", working_days=days("Thu", "Fri"))
    far = make_practitioner("P002", base_lat=51.60, working_days=days("Mon", "Tue"))
    kp = make_key_person(working_days=days("Mon", "Tue"))
    authority = make_authority(
        practitioners=[near, far],
        key_persons=[kp],
        settings=[make_setting(link_practitioner_id="P001")],
    )
    result = links(authority)
    availability = Availability(authority)
    never = result.facts[("S001", "P001")].terms
    assert never.unseen == sum(availability.priority(c) for c in availability.due) > 0
    assert chosen(result) == {"S001": "P002"}
    assert result.facts[("S001", "P002")].terms.change > 0 == never.change
