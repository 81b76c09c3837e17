"""Tiny random authorities (hypothesis) for the brute-force tests: 1–2 practitioners, 1–2
settings, a few children of every kind of review over three days, small enough to enumerate
every plan (tests/brute_force.py)."""

from __future__ import annotations

from collections.abc import Sequence

from builders import (
    days,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_practitioner,
    make_setting,
)
from hypothesis import strategies as st

from scheduler.domain import Authority

THREE_DAYS = {"start": "2026-09-08", "end": "2026-09-10", "exclude": [], "bank_holidays": "none"}


@st.composite
def tiny_authorities(
    draw: st.DrawFn,
    *,
    hours: Sequence[str],
    children: tuple[int, int],
    rooms: bool,
    shared_parent_one_in: int,
) -> Authority:
    """Practitioners start at one of the first three ``hours`` and end at one of the last
    three; ``children`` is the (least, most) number; ``rooms`` draws a setting's rooms (else
    one); one child in ``shared_parent_one_in`` shares a parent with the others drawn so."""
    n_p = draw(st.integers(1, 2))
    practitioners = [
        make_practitioner(
            f"P{i}",
            working_days=draw(st.frozensets(st.integers(1, 3), min_size=1)),
            day_start=hm(draw(st.sampled_from(hours[:3]))),
            day_end=hm(draw(st.sampled_from(hours[3:]))),
            max_reviews_per_day=draw(st.integers(1, 3)),
            base_lat=51.5 + draw(st.sampled_from([0.0, 0.02, 0.05])),
        )
        for i in range(n_p)
    ]
    settings_, key_persons = [], []
    for s in range(draw(st.integers(1, 2))):
        settings_.append(
            make_setting(
                f"S{s}",
                lat=51.5 + draw(st.sampled_from([0.0, 0.03, 0.06])),
                open_days=draw(st.frozensets(st.integers(1, 3), min_size=1)),
                open_time=hm(draw(st.sampled_from(["08:00", "09:30"]))),
                close_time=hm(draw(st.sampled_from(["11:30", "13:00"]))),
                rooms=draw(st.integers(1, 2)) if rooms else 1,
                link_practitioner_id="P0",
            )
        )
        key_persons.append(make_key_person(f"K{s}", setting_id=f"S{s}"))
    children_ = []
    for c in range(draw(st.integers(*children))):
        s = draw(st.integers(0, len(settings_) - 1))
        extra: dict[str, object] = {}
        kind = draw(st.sampled_from(["joint", "joint", "separate", "home", "no consent"]))
        if kind == "separate":
            extra["review_model"] = "separate"
        elif kind == "home":
            extra.update(review_model="home", home_lat=51.51, home_lon=-0.1)
        elif kind == "no consent":
            extra["consent_to_share"] = False
        if draw(st.booleans()) and n_p > 1:
            extra["practitioner_id"] = f"P{draw(st.integers(0, n_p - 1))}"
        if draw(st.integers(0, shared_parent_one_in - 1)) == 0:
            extra["parent_email"] = "same.parent@example.org"
        if draw(st.integers(0, 3)) == 0:
            extra["parent_unavailable_days"] = days("Wed")
        children_.append(
            make_child(
                f"C{c}",
                setting_id=f"S{s}",
                key_person_id=f"K{s}",
                funded=draw(st.booleans()),
                prior_concerns=draw(st.integers(0, 4)) == 0,
                **extra,
            )
        )
    config = make_config(
        term=THREE_DAYS,
        review={
            "meeting_minutes": 30,
            "pre_meeting_minutes": draw(st.sampled_from([0, 15])),
            "prior_concerns_extra_minutes": 15,
            "fallback": draw(st.sampled_from([[], ["separate"]])),
        },
        travel={"day_starts_at_base": draw(st.booleans())},
    )
    return make_authority(
        practitioners=practitioners,
        settings=settings_,
        key_persons=key_persons,
        children=children_,
        config=config,
    )
