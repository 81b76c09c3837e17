"""Mixed practice in a synthetic authority (scheduler/generate/review_models.py): who has which
kind of review, who holds the caseload, and a home location only where a home visit may be."""

from __future__ import annotations

import random

from builders import make_child, make_practitioner, make_setting

from scheduler.domain import Child
from scheduler.generate.children import GeneratedChild
from scheduler.generate.places import make_towns
from scheduler.generate.review_models import assign_review_models
from scheduler.generate.workforce import HEALTH_VISITOR, team_name

TOWNS = make_towns(random.Random(5), 1)
TEAM = team_name(TOWNS[0])


def assigned(children: list[Child], seed: int = 0) -> list[Child]:
    practitioners = [
        make_practitioner("P001", role=HEALTH_VISITOR, team=TEAM),
        make_practitioner("P002", role="nursery_nurse", team=TEAM),
    ]
    return assign_review_models(
        random.Random(seed),
        [GeneratedChild(c, 0) for c in children],
        {"S001": make_setting()},
        TOWNS,
        practitioners,
        [],
        "joint",
    )


def test_children_in_no_setting_have_a_caseload_visitor_and_a_home() -> None:
    """Seen at clinic or at home by a health visitor of their town's team, consent not asked."""
    many = [make_child(f"C{i:03d}", setting_id=None, key_person_id=None) for i in range(60)]
    out = assigned(many)
    assert {c.review_model for c in out} == {"separate", "home"}
    assert {c.practitioner_id for c in out} == {"P001"}  # the team's health visitor only
    assert all(c.home is not None and c.consent_to_share is None for c in out)


def test_a_child_on_a_protection_plan_is_seen_at_home_by_their_health_visitor() -> None:
    """Home model, caseload visitor, a home near the setting."""
    (child,) = assigned([make_child(child_protection=True)])
    assert child.review_model == "home" and child.practitioner_id == "P001"
    assert child.home is not None


def test_ordinary_children_keep_the_authoritys_model_and_minimal_data() -> None:
    """Most children at a setting: empty review_model (the authority's), no caseload, no home;
    those without consent have a clinic review."""
    out = assigned([make_child(f"C{i:03d}") for i in range(200)], seed=3)
    for child in out:
        assert child.home is None and child.practitioner_id is None
        if child.consent_to_share is False:
            assert child.review_model == "separate"
        assert child.review_model in (None, "separate")
    assert sum(c.review_model is None for c in out) > 150
