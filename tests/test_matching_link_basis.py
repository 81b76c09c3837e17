"""A link problem priced again under other weights is the one built afresh under them, and an
earlier basis is used only for the data, children, pins and previous links it came from."""

from __future__ import annotations

from dataclasses import replace

import pytest
from builders import (
    days,
    make_authority,
    make_child,
    make_key_person,
    make_practitioner,
    make_setting,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny import tiny_authorities

import scheduler.matching.links as links_module
from scheduler.availability import Availability
from scheduler.config import Priorities
from scheduler.domain import Authority
from scheduler.matching.links import (
    LinkOptions,
    LinkProblem,
    build_link_problem,
    choose_links,
    link_basis,
    price_links,
)
from scheduler.priority import KM_POINTS, STUCK_CONTINUITY_POINTS, VISIT_POINTS

WEIGHTS = tuple(Priorities.model_fields)


def _weighted(authority: Authority, **weights: float) -> Authority:
    priorities = authority.config.priorities.model_copy(update=weights)
    return authority.with_config(authority.config.model_copy(update={"priorities": priorities}))


def _same_problem(got: LinkProblem, fresh: LinkProblem) -> None:
    assert got.facts == fresh.facts
    assert (got.unlinked, got.capacity, got.existing, got.hint) == (
        fresh.unlinked,
        fresh.capacity,
        fresh.existing,
        fresh.hint,
    )
    assert got.due_by_setting == fresh.due_by_setting
    if fresh.problem is None:
        assert got.problem is None
        return
    assert got.problem is not None
    assert got.problem.pairs.equals(fresh.problem.pairs)
    assert got.problem.capacities.equals(fresh.problem.capacities)
    assert dict(got.problem.pinned) == dict(fresh.problem.pinned)
    assert got.problem.overload_penalty == fresh.problem.overload_penalty
    assert got.problem.balance_weight == fresh.problem.balance_weight


def _varied() -> Authority:
    """Every term of a pair's cost: a child one candidate never sees, an unspoken home
    language, another team, an existing link."""
    near = make_practitioner("P001", working_days=days("Thu", "Fri"), team="North")
    far = make_practitioner(
        "P002",
        base_lat=51.60,
        working_days=days("Mon", "Tue", "Thu"),
        languages=frozenset({"polish"}),
        team="South",
    )
    kp = make_key_person(working_days=days("Mon", "Tue"))
    children = [
        make_child("C001", home_language="Polish"),
        make_child("C002", funded=False, prior_concerns=True),
        make_child("C003"),
    ]
    return make_authority(
        practitioners=[near, far],
        key_persons=[kp],
        settings=[make_setting(link_practitioner_id="P001")],
        children=children,
    )


@pytest.mark.parametrize("weight", WEIGHTS)
def test_a_basis_priced_under_new_weights_is_the_problem_built_afresh(weight: str) -> None:
    old = _varied()
    new = _weighted(old, **{weight: getattr(old.config.priorities, weight) + 2.5})
    basis = link_basis(old, Availability(old))
    fresh = build_link_problem(new, Availability(new))
    priced = price_links(basis, new, Availability(new))
    _same_problem(priced, fresh)
    w, availability = new.config.priorities, Availability(new)
    for f in priced.facts.values():  # each term under the new weights
        assert f.terms.change == w.continuity * STUCK_CONTINUITY_POINTS * f.changes_link
        assert f.terms.travel == w.travel * f.visits * (
            VISIT_POINTS + 2 * f.distance_km * KM_POINTS
        )
        never = [c for c in availability.due if not availability.link_days(c, f.practitioner_id)]
        assert f.terms.unseen == sum(availability.priority(c) for c in never)
    facts = fresh.facts.values()
    assert any(f.unseeable for f in facts) and any(f.language_misses for f in facts)
    assert any(f.crosses_team for f in facts) and any(f.changes_link for f in facts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    tiny_authorities(
        hours=("08:00", "08:30", "09:00", "12:00", "13:00", "15:00"),
        children=(0, 5),
        rooms=False,
        shared_parent_one_in=4,
    ),
    st.fixed_dictionaries({w: st.sampled_from([0.0, 0.5, 1.0, 3.0]) for w in WEIGHTS}),
)
def test_priced_again_equals_built_afresh_on_tiny_authorities(
    old: Authority, weights: dict[str, float]
) -> None:
    new = _weighted(old, **weights)
    priced = build_link_problem(new, Availability(new), bases=[link_basis(old, Availability(old))])
    _same_problem(priced, build_link_problem(new, Availability(new)))


def _moved(authority: Authority) -> Authority:
    """The same authority with P002 working only Thursdays, when the key person is away."""
    p2 = replace(authority.practitioners["P002"], working_days=days("Thu"))
    return replace(authority, practitioners={**authority.practitioners, "P002": p2})


def test_a_basis_fits_only_the_inputs_it_came_from() -> None:
    old = _varied()
    basis = link_basis(old, Availability(old))
    every = frozenset(old.children)
    assert basis.fits(_weighted(old, travel=9.0), every, {}, {}, 10)
    assert not basis.fits(_moved(old), every, {}, {}, 10)
    assert not basis.fits(old, every - {"C001"}, {}, {}, 10)
    assert not basis.fits(old, every, {"S001": "P002"}, {}, 10)
    assert not basis.fits(old, every, {}, {"S001": "P002"}, 10)
    assert not basis.fits(old, every, {}, {}, 3)
    longer = old.config.model_copy(
        update={"review": old.config.review.model_copy(update={"meeting_minutes": 90})}
    )
    assert not basis.fits(old.with_config(longer), every, {}, {}, 10)


def test_a_basis_that_does_not_fit_is_worked_out_again() -> None:
    old = _varied()
    new = _moved(old)
    priced = build_link_problem(new, Availability(new), bases=[link_basis(old, Availability(old))])
    _same_problem(priced, build_link_problem(new, Availability(new)))
    assert priced.facts != build_link_problem(old, Availability(old)).facts


def test_choose_links_prices_a_fitting_basis_rather_than_working_it_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = _varied()
    first = choose_links(old, Availability(old), options=LinkOptions(time_limit=2, workers=1))
    assert first.basis is not None
    calls: list[object] = []
    real = links_module.link_basis
    monkeypatch.setattr(
        links_module, "link_basis", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    new = _weighted(old, travel=4.0)
    elsewhere = link_basis(_moved(old), Availability(_moved(old)))  # not patched: not counted
    again = choose_links(
        new,
        Availability(new),
        options=LinkOptions(time_limit=2, workers=1),
        bases=[elsewhere, first.basis],
    )
    assert calls == []
    assert again.basis is first.basis
    choose_links(
        _moved(old),
        Availability(_moved(old)),
        options=LinkOptions(time_limit=2, workers=1),
        bases=[first.basis],
    )
    assert len(calls) == 1
    assert again.facts == build_link_problem(new, Availability(new)).facts


def test_same_but_weights() -> None:
    old = _varied()
    assert old.same_but_weights(_weighted(old, funded_two=7.0, travel=0.0))
    assert not old.same_but_weights(_moved(old))
    assert not old.same_but_weights(
        old.with_config(
            old.config.model_copy(
                update={"review": old.config.review.model_copy(update={"fallback": ["separate"]})}
            )
        )
    )


def _reordered(authority: Authority) -> Authority:
    """The same records in the reverse row order: everything derived keeps the files' order."""
    return replace(
        authority,
        practitioners=dict(reversed(authority.practitioners.items())),
        settings=dict(reversed(authority.settings.items())),
        key_persons=dict(reversed(authority.key_persons.items())),
        children=dict(reversed(authority.children.items())),
    )


def test_a_basis_fits_only_data_in_its_own_row_order() -> None:
    """Row order is part of the data (the problem's pairs, capacities and unlinked settings
    follow it, and the links search breaks ties by it): the same records in another order are
    worked out afresh, so the problem is the one built from them."""
    two = make_authority(
        practitioners=[make_practitioner(), make_practitioner("P002", base_lat=51.58)],
        settings=[make_setting(), make_setting("S002", lat=51.56, link_practitioner_id="P002")],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        children=[make_child(), make_child("C002", setting_id="S002", key_person_id="K002")],
    )
    other = _reordered(two)
    basis = link_basis(two, Availability(two))
    assert not basis.fits(other, frozenset(two.children), {}, {}, 10)
    priced = build_link_problem(other, Availability(other), bases=[basis])
    _same_problem(priced, build_link_problem(other, Availability(other)))
