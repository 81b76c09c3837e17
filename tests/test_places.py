"""Where a review happens (scheduler/places.py): a setting, the practitioner's base (the
clinic) or the family's home, each one point with a key shared by reviews at that spot; a visit
is a practitioner at one place on one day."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from builders import (
    HOME,
    REVIEW_DAY,
    appointment_for,
    child_in_no_setting,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_practitioner,
    make_setting,
)

from scheduler.places import Place, base_place, place_key, review_place, visits


def test_the_base_is_the_clinic() -> None:
    """The practitioner's base is their clinic, at the base's coordinates."""
    p = make_practitioner("P007", base_lat=51.1, base_lon=-0.2)
    assert base_place(p) == Place("clinic:P007", 51.1, -0.2)


def test_each_kind_of_review_meets_at_its_place() -> None:
    """Joint at the setting, separate at the running practitioner's clinic, home at home."""
    authority = make_authority(
        practitioners=[make_practitioner(), make_practitioner("P002", base_lat=51.0, base_lon=0.0)],
        children=[make_child(**HOME)],
    )
    child = authority.children["C001"]
    setting = authority.settings["S001"]
    assert review_place(authority, child, "joint", "P001") == Place(
        "setting:S001", setting.lat, setting.lon
    )
    assert review_place(authority, child, "separate", "P002") == Place("clinic:P002", 51.0, 0.0)
    assert review_place(authority, child, "home", "P002") == Place(
        "home:C001", HOME["home_lat"], HOME["home_lon"]
    )


def test_no_place_where_the_data_do_not_say() -> None:
    """A joint review of a child in no setting, or a home visit without a home, has none."""
    authority = make_authority(children=[child_in_no_setting(), make_child("C002")])
    assert review_place(authority, authority.children["C001"], "joint", "P001") is None
    assert review_place(authority, authority.children["C002"], "home", "P001") is None


def test_siblings_at_home_are_two_places_with_the_same_point() -> None:
    """Home keys are per child (each child's own visit), even at the same address."""
    authority = make_authority(children=[make_child("C001", **HOME), make_child("C002", **HOME)])
    a = review_place(authority, authority.children["C001"], "home", "P001")
    b = review_place(authority, authority.children["C002"], "home", "P001")
    assert a is not None and b is not None
    assert a.key != b.key and (a.lat, a.lon) == (b.lat, b.lon)


def test_a_visit_is_a_practitioner_at_one_place_on_one_day() -> None:
    """Two reviews at one setting on one day are one visit; clinic reviews of children from two
    settings are one visit (the practitioner's own clinic); two home visits of children at the
    same setting are two (two homes); the next day is another visit."""
    a = make_authority(
        settings=[make_setting("S001"), make_setting("S002")],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001"),
            make_child("C002"),
            make_child("C003", setting_id="S002", key_person_id="K002"),
            make_child("C004", **HOME),
            make_child("C005", **HOME),
        ],
    )
    joint = [appointment_for(a, c, start=hm(t)) for c, t in (("C001", "10:00"), ("C002", "11:00"))]
    clinic = [
        appointment_for(a, c, start=hm(t), model="separate", practitioner_id="P001")
        for c, t in (("C001", "13:00"), ("C003", "14:00"))
    ]
    home = [
        appointment_for(a, c, start=hm(t), model="home", practitioner_id="P001")
        for c, t in (("C004", "15:00"), ("C005", "16:00"))
    ]
    assert place_key(clinic[0]) == place_key(clinic[1]) == "clinic:P001"
    assert place_key(joint[0]) == "setting:S001" and place_key(home[0]) == "home:C004"
    assert len(visits(joint)) == 1 and len(visits(clinic)) == 1 and len(visits(home)) == 2
    next_day = replace(joint[0], date=REVIEW_DAY + timedelta(days=1))
    assert len(visits([*joint, next_day])) == 2
