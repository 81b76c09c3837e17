"""What one child's review needs (scheduler/review.py): its length, the kinds it may be, and
who runs each kind."""

from __future__ import annotations

from builders import HOME, child_in_no_setting, make_child, make_config

from scheduler.review import (
    allowed_models,
    block_minutes,
    candidate_models,
    excluded_because,
    meeting_minutes,
    own_model,
    practitioner_for,
    pre_meeting_minutes,
    runs_on_link,
)

CONFIG = make_config(review={"interpreter_extra_minutes": 20})


def test_meeting_minutes_add_prior_concerns_and_an_interpreter() -> None:
    """45 minutes, +15 with prior concerns, +the interpreter minutes for a language other
    than English (English in any case or spacing needs none)."""
    assert meeting_minutes(make_child(), CONFIG) == 45
    assert meeting_minutes(make_child(prior_concerns=True), CONFIG) == 60
    assert meeting_minutes(make_child(home_language="Polish"), CONFIG) == 65
    assert meeting_minutes(make_child(home_language=" ENGLISH "), CONFIG) == 45
    both = make_child(prior_concerns=True, home_language="Urdu")
    assert meeting_minutes(both, CONFIG) == 80
    assert meeting_minutes(both, make_config()) == 60  # interpreter minutes default to 0


def test_only_a_joint_review_has_a_pre_meeting() -> None:
    """The practitioners' pre-meeting is part of the joint block only."""
    assert pre_meeting_minutes("joint", CONFIG) == 15
    assert pre_meeting_minutes("separate", CONFIG) == pre_meeting_minutes("home", CONFIG) == 0
    child = make_child(prior_concerns=True)
    assert block_minutes(child, "joint", CONFIG) == 75
    assert block_minutes(child, "home", CONFIG) == 60


def test_own_model_is_the_childs_else_the_authoritys() -> None:
    """A child's ``review_model`` wins over ``[review] model``."""
    config = make_config(review={"model": "separate"})
    assert own_model(make_child(), config) == "separate"
    assert own_model(make_child(review_model="home"), config) == "home"


def test_candidate_models_are_own_then_fallbacks_without_repeats() -> None:
    """Own kind first, then each fallback in order, each once."""
    config = make_config(review={"fallback": ["separate", "joint", "home"]})
    assert candidate_models(make_child(), config) == ("joint", "separate", "home")
    assert candidate_models(make_child(review_model="home"), config) == (
        "home",
        "separate",
        "joint",
    )


def test_excluded_because_names_what_the_data_lack() -> None:
    """Joint: no setting, or no consent; home: no home location. Otherwise allowed."""
    assert "no setting" in (excluded_because(child_in_no_setting(), "joint") or "")
    assert "consented" in (excluded_because(make_child(consent_to_share=False), "joint") or "")
    assert "home location" in (excluded_because(make_child(), "home") or "")
    assert excluded_because(make_child(consent_to_share=None), "joint") is None  # unknown: allowed
    assert excluded_because(make_child(**HOME), "home") is None
    assert excluded_because(child_in_no_setting(), "separate") is None


def test_allowed_models_drop_the_excluded_kinds() -> None:
    """With every fallback, a child without consent or a home is offered a clinic only."""
    config = make_config(review={"fallback": ["home", "separate"]})
    assert allowed_models(make_child(consent_to_share=False), config) == ("separate",)
    assert allowed_models(make_child(**HOME), config) == ("joint", "home", "separate")


def test_who_runs_each_kind_of_review() -> None:
    """Joint: the setting's link. Clinic and home: the caseload practitioner when given,
    else the link; nobody for a child in no setting without one, or an unlinked setting."""
    links = {"S001": "P001"}
    own = make_child(practitioner_id="P009")
    assert runs_on_link(own, "joint") and not runs_on_link(own, "separate")
    assert practitioner_for(own, "joint", links) == "P001"
    assert practitioner_for(own, "separate", links) == "P009"
    assert practitioner_for(make_child(), "home", links) == "P001"
    assert practitioner_for(make_child(), "joint", {}) is None
    assert practitioner_for(child_in_no_setting(practitioner_id="P002"), "separate", {}) == "P002"
    nobody = make_child(setting_id=None, key_person_id=None)
    assert practitioner_for(nobody, "separate", links) is None
