"""The synthetic authority generator (scheduler/generate/authority.py and the modules it
draws on): determinism, sizes, the shares of a real authority, outcomes part-way through a
term, and the committed samples. Writing the files: test_io_write_data.py; the command:
test_commands_generate.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Literal

import pytest

from scheduler.calendar import add_months
from scheduler.cli import main
from scheduler.domain import ALL_SETTINGS, Authority, Child, Outcome
from scheduler.generate.authority import SIZES, generate_authority
from scheduler.io.load import load_authority
from scheduler.io.schemas import TABLES
from scheduler.io.write_data import write_authority, write_workbook

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
SAMPLE_MIDTERM = REPO / "data" / "sample-midterm"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLUMNS = {table.name: list(table.names) for table in TABLES if table.name != "outcomes"}
"""The contract's tables and columns, in order (outcomes are written only when there are any)."""


@pytest.fixture(scope="module")
def small() -> Authority:
    return generate_authority(SIZES["small"], 7)


@pytest.fixture(scope="module")
def medium() -> Authority:
    return generate_authority(SIZES["medium"], 2027)


MIDTERM = date(2027, 2, 22)
"""The Monday after half term: six weeks of the term are history."""


@pytest.fixture(scope="module")
def large() -> Authority:
    """Large enough (8,400 children, ~2,000 outcomes) for shares to be measured, not guessed."""
    return generate_authority(SIZES["large"], 1, today=MIDTERM)


# --- an independent reading of the contract's rules, for the checks below ---------------------


def _due(a: Authority) -> list[Child]:
    term = a.config.term
    return [
        c
        for c in a.children.values()
        if c.reviewed_on is None
        and add_months(c.date_of_birth, 24) <= term.end
        and add_months(c.date_of_birth, 36) >= term.start
    ]


def _term_days(a: Authority) -> list[date]:
    """Weekdays of the term outside half term and not bank holidays (Good Friday 2027)."""
    term = a.config.term
    bank = {date(2027, 3, 26)}
    out = []
    for n in range((term.end - term.start).days + 1):
        d = date.fromordinal(term.start.toordinal() + n)
        if d.weekday() < 5 and d not in bank and not any(lo <= d <= hi for lo, hi in term.exclude):
            out.append(d)
    return out


def _away(a: Authority, person: str, day: date) -> bool:
    return any(x.person_id == person and x.start_date <= day <= x.end_date for x in a.absences)


def _capacity(a: Authority) -> int:
    days = _term_days(a)
    total = 0
    for p in a.practitioners.values():
        fit = (p.day_end - p.day_start) // 60  # joint model: 15 min pre-meeting + 45 min meeting
        per_day = min(p.max_reviews_per_day, fit)
        worked = [
            d for d in days if d.weekday() in p.working_days and not _away(a, p.practitioner_id, d)
        ]
        total += per_day * len(worked)
    return total


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- determinism and size ----------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    """Two runs with one seed write exactly the same bytes."""
    write_authority(generate_authority(120, 11), tmp_path / "a")
    write_authority(generate_authority(120, 11), tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_different_seeds_give_different_authorities(tmp_path: Path) -> None:
    """Another seed gives other children and settings."""
    write_authority(generate_authority(120, 11), tmp_path / "a")
    write_authority(generate_authority(120, 12), tmp_path / "b")
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a["children.csv"] != b["children.csv"]
    assert a["settings.csv"] != b["settings.csv"]


def test_sizes_are_the_children_due() -> None:
    """The graded sizes are as documented."""
    assert SIZES == {"small": 300, "medium": 1500, "large": 6000, "xlarge": 20000}


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_due_count_and_scale(fixture: str, request: pytest.FixtureRequest) -> None:
    """Exactly N children are due, some are not, settings ≈ N/4, a team per town."""
    a: Authority = request.getfixturevalue(fixture)
    n = SIZES[fixture]
    assert len(_due(a)) == n
    assert len(a.children) > n * 1.2
    assert 0.9 * n / 4 <= len(a.settings) <= 1.1 * n / 4
    assert n / 90 <= len(a.practitioners) <= n / 25
    teams = {p.team for p in a.practitioners.values()}
    assert 3 <= len(teams) <= 8


def test_large_has_its_scale(large: Authority) -> None:
    """``large`` has 6,000 children due and about 1,500 settings."""
    assert len(_due(large)) == SIZES["large"]
    assert 1350 <= len(large.settings) <= 1650


def test_a_fixed_headcount_spreads_the_same_capacity_over_more_people() -> None:
    """``practitioners=N`` gives exactly N practitioners, every team staffed, and about the
    capacity the default workforce has (80-86% of the due children)."""
    from scheduler.generate import review_capacity

    default = generate_authority(SIZES["medium"], 3)
    wide = generate_authority(SIZES["medium"], 3, practitioners=50)
    assert len(wide.practitioners) == 50 > 1.5 * len(default.practitioners)
    assert {p.team for p in wide.practitioners.values()} == {
        p.team for p in default.practitioners.values()
    }
    due = len(_due(wide))
    assert 0.78 * due <= review_capacity(wide) <= 0.88 * due
    assert wide.settings.keys() == default.settings.keys()
    # The same children; only the caseload practitioner comes from the other workforce.
    assert [replace(c, practitioner_id=None) for c in wide.children.values()] == [
        replace(c, practitioner_id=None) for c in default.children.values()
    ]
    holders = {c.practitioner_id for c in wide.children.values() if c.practitioner_id}
    assert holders and holders <= set(wide.practitioners)


def test_team_sizes_follow_demand_and_staff_every_town() -> None:
    """Largest remainders: the headcount is met exactly, in proportion, one per town at least."""
    from scheduler.generate.workforce import team_sizes

    assert team_sizes([100, 300, 600], 13) == [2, 4, 7]
    assert team_sizes([0, 10, 0], 3) == [1, 1, 1]
    assert sum(team_sizes([7, 3, 11, 5], 23)) == 23
    with pytest.raises(ValueError, match="cannot give each of 4 towns"):
        team_sizes([1, 1, 1, 1], 3)


# --- the proportions the optimiser's priorities depend on --------------------------------------


def test_proportions_of_due_children(medium: Authority) -> None:
    """About 40% funded, 5–10% SEND and prior concerns, some overdue, some starting late."""
    due = _due(medium)
    term = medium.config.term

    def share(n: int) -> float:
        return n / len(due)

    assert 0.35 <= share(sum(c.funded_two for c in due)) <= 0.45
    assert 0.05 <= share(sum(c.send for c in due)) <= 0.10
    assert 0.05 <= share(sum(c.prior_concerns for c in due)) <= 0.10
    overdue = [c for c in due if add_months(c.date_of_birth, 30) < term.start]
    assert 0.03 <= share(len(overdue)) <= 0.10
    starting = [c for c in due if c.starts_on and term.start <= c.starts_on <= term.end]
    assert share(len(starting)) >= 0.05
    assert sum(c.funded_two for c in starting) > 0.5 * len(starting)
    unavailable = [c for c in due if c.parent_unavailable_days]
    assert 0.10 <= share(len(unavailable)) <= 0.20
    assert all(1 <= len(c.parent_unavailable_days) <= 2 for c in unavailable)
    with_name = [c for c in due if c.parent_name]
    assert share(len(with_name)) >= 0.85
    assert any(c.parent_email is None for c in with_name)


def test_birthdays_fall_before_during_and_after_the_term(medium: Authority) -> None:
    """Children reach 24 months before, during and after the term; some were reviewed."""
    term = medium.config.term
    second = [add_months(c.date_of_birth, 24) for c in medium.children.values()]
    assert any(d < term.start for d in second)
    assert any(term.start <= d <= term.end for d in second)
    assert any(d > term.end for d in second)
    reviewed = [(c, c.reviewed_on) for c in medium.children.values() if c.reviewed_on]
    assert len(reviewed) >= 0.1 * len(medium.children)
    for c, on in reviewed:
        assert add_months(c.date_of_birth, 24) <= on < term.start


def test_home_languages_meet_practitioners_languages(medium: Authority) -> None:
    """Some families speak other languages, and some practitioners speak them too."""
    languages = Counter(c.home_language for c in medium.children.values())
    assert languages["English"] > 0.6 * len(medium.children)
    spoken = {lang for p in medium.practitioners.values() for lang in p.languages}
    homes = {str(lang).lower() for lang in languages if lang and lang != "English"}
    assert len(homes) >= 3
    assert spoken and spoken <= homes


# --- referential integrity and the shape of settings -------------------------------------------


def test_every_reference_resolves(medium: Authority) -> None:
    """Children, key persons, links, absences and closures point at records that exist."""
    a = medium
    for c in a.children.values():
        if c.setting_id is None:
            assert c.key_person_id is None
        else:
            assert c.setting_id in a.settings and c.key_person_id is not None
            assert a.key_persons[c.key_person_id].setting_id == c.setting_id
        assert c.practitioner_id is None or c.practitioner_id in a.practitioners
    for k in a.key_persons.values():
        assert k.setting_id in a.settings
    people = set(a.practitioners) | set(a.key_persons)
    assert all(x.person_id in people and x.start_date <= x.end_date for x in a.absences)
    assert all(c.setting_id == ALL_SETTINGS or c.setting_id in a.settings for c in a.closures)
    links = [s.link_practitioner_id for s in a.settings.values() if s.link_practitioner_id]
    assert all(p in a.practitioners for p in links)
    assert 0.7 <= len(links) / len(a.settings) <= 0.9


def test_links_are_local(medium: Authority) -> None:
    """An existing link practitioner is based near the setting, not across the authority."""
    from scheduler.travel import haversine_km

    for s in medium.settings.values():
        if s.link_practitioner_id:
            p = medium.practitioners[s.link_practitioner_id]
            assert haversine_km(s.lat, s.lon, p.base_lat, p.base_lon) < 15


def test_childminders_are_one_person_one_room(medium: Authority) -> None:
    """A childminder has exactly one key person and one room; the mix has many of them."""
    staff = Counter(k.setting_id for k in medium.key_persons.values())
    kinds = Counter(s.type for s in medium.settings.values())
    assert kinds["childminder"] > 0.4 * len(medium.settings)
    assert all(kinds[t] > 0 for t in ("children_centre", "maintained", "pvi"))
    for s in medium.settings.values():
        if s.type == "childminder":
            assert staff[s.setting_id] == 1 and s.rooms == 1
        else:
            assert staff[s.setting_id] >= 2 and 1 <= s.rooms <= 3


def test_working_patterns_are_plausible(medium: Authority) -> None:
    """Key persons work 2–5 of their setting's open days; practitioners 2–5 days, 1–4 a day."""
    for k in medium.key_persons.values():
        open_days = medium.settings[k.setting_id].open_days
        assert k.working_days <= open_days and len(k.working_days) >= min(2, len(open_days))
    for p in medium.practitioners.values():
        assert 2 <= len(p.working_days) <= 5 and p.working_days <= set(range(5))
        assert 1 <= p.max_reviews_per_day <= 4 and p.day_end - p.day_start >= 4 * 60
    for s in medium.settings.values():
        assert s.close_time - s.open_time >= 6 * 60


def test_places_are_in_england_and_clustered(medium: Authority) -> None:
    """Settings lie in England, within a few km of a health centre."""
    from scheduler.travel import haversine_km

    bases = {(p.base_lat, p.base_lon) for p in medium.practitioners.values()}
    for s in medium.settings.values():
        assert 50.5 <= s.lat <= 54.5 and -3.0 <= s.lon <= 0.5
        assert min(haversine_km(s.lat, s.lon, b[0], b[1]) for b in bases) < 12


def test_emails_use_reserved_domains_only(medium: Authority) -> None:
    """No generated address can reach a real person."""
    a = medium
    emails = [p.email for p in a.practitioners.values()] + [s.email for s in a.settings.values()]
    emails += [k.email for k in a.key_persons.values() if k.email]
    emails += [c.parent_email for c in a.children.values() if c.parent_email]
    emails.append(a.config.organiser.email)
    assert all(e.rsplit("@", 1)[1] in {"example.org", "example.com", "example.net"} for e in emails)


def test_ids_are_zero_padded() -> None:
    """Ids look like P001, S0001, K00001, C00001."""
    a = generate_authority(40, 3)
    assert next(iter(a.practitioners)) == "P001"
    assert next(iter(a.settings)) == "S0001"
    assert next(iter(a.key_persons)) == "K00001"
    assert next(iter(a.children)) == "C00001"


def test_term_and_config(medium: Authority) -> None:
    """Spring 2027 with its half term and Good Friday; contract defaults elsewhere."""
    cfg = medium.config
    assert cfg.term.name == "Spring 2027"
    assert (cfg.term.start, cfg.term.end) == (date(2027, 1, 5), date(2027, 3, 26))
    assert cfg.term.exclude == ((date(2027, 2, 15), date(2027, 2, 19)),)
    assert cfg.term.bank_holidays == "england"
    assert cfg.review.model == "joint" and cfg.priorities.funded_two == 3.0
    assert generate_authority(40, 3, model="separate").config.review.model == "separate"


def test_closures_include_one_for_every_setting(medium: Authority) -> None:
    """One authority-wide closure day, and a training day at a few settings."""
    term = medium.config.term
    assert sum(c.setting_id == ALL_SETTINGS for c in medium.closures) == 1
    assert any(c.setting_id != ALL_SETTINGS for c in medium.closures)
    assert all(term.start <= c.date <= term.end for c in medium.closures)


# --- capacity is short, but most children could be seen ----------------------------------------


@pytest.mark.parametrize("fixture", ["small", "medium"])
def test_capacity_is_75_to_90_percent_of_due(fixture: str, request: pytest.FixtureRequest) -> None:
    """Reviews the workforce could do, counted independently, fall short of the children due."""
    a: Authority = request.getfixturevalue(fixture)
    assert 0.75 <= _capacity(a) / len(_due(a)) <= 0.90


def test_separate_model_is_calibrated_too() -> None:
    """In the separate model blocks are 45 minutes; capacity is still short."""
    from scheduler.generate import review_capacity

    a = generate_authority(SIZES["small"], 5, model="separate")
    assert 0.75 <= review_capacity(a) / len(_due(a)) <= 0.90


def test_few_children_have_no_common_day(medium: Authority) -> None:
    """Only a few percent of due children share no review day with any local practitioner."""
    a = medium
    days = _term_days(a)
    closed = {(c.setting_id, c.date) for c in a.closures}
    team_of_base = {}
    for p in a.practitioners.values():
        team_of_base[(p.base_lat, p.base_lon)] = p.team
    from scheduler.travel import haversine_km

    stuck = 0
    for c in _due(a):
        if c.setting_id is None or c.key_person_id is None:
            continue  # seen at clinic or home by their caseload practitioner: no setting's days
        s, k = a.settings[c.setting_id], a.key_persons[c.key_person_id]
        first = max(add_months(c.date_of_birth, 24), c.starts_on or date.min)
        last = add_months(c.date_of_birth, 36)
        ok = [
            d
            for d in days
            if first <= d <= last
            and d.weekday() in s.open_days
            and (s.setting_id, d) not in closed
            and (ALL_SETTINGS, d) not in closed
            and d.weekday() in k.working_days
            and not _away(a, k.key_person_id, d)
            and d.weekday() not in c.parent_unavailable_days
        ]
        base = min(team_of_base, key=lambda b: haversine_km(s.lat, s.lon, b[0], b[1]))
        team = [p for p in a.practitioners.values() if p.team == team_of_base[base]]
        if not any(
            d.weekday() in p.working_days and not _away(a, p.practitioner_id, d)
            for p in team
            for d in ok
        ):
            stuck += 1
    assert stuck / len(_due(a)) <= 0.06


# --- need and risk ------------------------------------------------------------------------------


def _share(children: list[Child], test: object) -> float:
    return sum(1 for c in children if test(c)) / len(children)  # type: ignore[operator]


def test_welfare_statuses_have_national_shares(large: Authority) -> None:
    """Looked after ~0.5%, protection plan ~0.5%, child in need plan ~2.3% (3.3% in all, as the
    DfE's children in need rate), never two at once; protection plans mean prior concerns."""
    kids = list(large.children.values())
    assert 0.003 <= _share(kids, lambda c: c.looked_after) <= 0.008
    assert 0.003 <= _share(kids, lambda c: c.child_protection) <= 0.008
    assert 0.015 <= _share(kids, lambda c: c.child_in_need) <= 0.035
    assert 0.025 <= _share(kids, _status) <= 0.045
    assert all(c.looked_after + c.child_protection + c.child_in_need <= 1 for c in kids)
    assert all(c.prior_concerns for c in kids if c.child_protection)


def _status(c: Child) -> bool:
    return c.looked_after or c.child_protection or c.child_in_need


def _deciles(children: list[Child], lo: int, hi: int) -> list[Child]:
    return [c for c in children if c.imd_decile is not None and lo <= c.imd_decile <= hi]


def test_deprivation_deciles_skew_to_the_most_deprived(large: Authority) -> None:
    """Every child has a decile 1-10, all ten occur, and young children live in the most
    deprived fifth more often than in the least deprived fifth."""
    kids = list(large.children.values())
    assert all(c.imd_decile in range(1, 11) for c in kids)
    counts = Counter(c.imd_decile for c in kids)
    assert all(counts[d] >= 0.03 * len(kids) for d in range(1, 11))
    assert len(_deciles(kids, 1, 2)) > len(_deciles(kids, 9, 10))


def test_funded_places_go_to_the_most_deprived(large: Authority) -> None:
    """Funded two-year-olds are concentrated in the most deprived deciles: most of them live in
    deciles 1-4, and a child there is several times likelier to hold a place than in 8-10."""
    due = _due(large)
    funded = [c for c in due if c.funded_two]
    assert 0.35 <= len(funded) / len(due) <= 0.45
    assert len(_deciles(funded, 1, 4)) >= 0.55 * len(funded)
    poor, rich = _deciles(due, 1, 3), _deciles(due, 8, 10)
    assert _share(poor, lambda c: c.funded_two) >= 3 * _share(rich, lambda c: c.funded_two)
    for c in large.children.values():  # looked-after children are eligible
        if c.looked_after and c.setting_id and add_months(c.date_of_birth, 24) <= MIDTERM:
            assert c.funded_two
        if c.setting_id is None:
            assert not c.funded_two  # a funded place is a place at a setting


def test_welfare_statuses_follow_deprivation(large: Authority) -> None:
    """Care and plans are several times commoner in the most deprived deciles (the Child
    Welfare Inequalities Project found over ten times between the two ends)."""
    kids = list(large.children.values())
    poor, rich = _deciles(kids, 1, 3), _deciles(kids, 8, 10)
    assert _share(poor, _status) >= 3 * _share(rich, _status)


def test_earlier_reviews_not_brought_mostly_none(large: Authority) -> None:
    """Mostly 0, some 1, a few 2 or more; commoner for children booked in an earlier term."""
    kids = list(large.children.values())
    counts = Counter(c.was_not_brought_before for c in kids)
    assert counts[0] >= 0.85 * len(kids)
    assert 0.04 <= counts[1] / len(kids) <= 0.12
    assert 0.003 <= sum(n for k, n in counts.items() if k >= 2) / len(kids) <= 0.03
    start = large.config.term.start
    booked = [c for c in kids if add_months(c.date_of_birth, 24) < start]
    new = [c for c in kids if add_months(c.date_of_birth, 24) >= start]
    missed = lambda c: c.was_not_brought_before > 0  # noqa: E731
    assert _share(booked, missed) > _share(new, missed)


# --- review models, caseloads and homes --------------------------------------------------------


def _team_bases(a: Authority, team: str | None) -> list[tuple[float, float]]:
    return [(p.base_lat, p.base_lon) for p in a.practitioners.values() if p.team == team]


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from scheduler.travel import haversine_km

    return haversine_km(a[0], a[1], b[0], b[1])


def test_children_in_no_setting(large: Authority) -> None:
    """~3% attend no setting: no key person, a caseload health visitor, a clinic or home review,
    and a home a few km from their health visitor's team."""
    a = large
    due = _due(a)
    alone = [c for c in due if c.setting_id is None]
    assert 0.02 <= len(alone) / len(due) <= 0.045
    models = Counter(c.review_model for c in alone)
    assert set(models) == {"separate", "home"} and models["separate"] > models["home"]
    for c in alone:
        assert c.key_person_id is None and c.practitioner_id is not None and c.home is not None
        holder = a.practitioners[c.practitioner_id]
        assert holder.role == "health_visitor"
        assert min(_km(c.home, b) for b in _team_bases(a, holder.team)) < 12


def test_no_consent_or_declined_joint_means_a_clinic_review(large: Authority) -> None:
    """5-10% of children at a setting have a separate review (no consent to share, or the parent
    declined a joint meeting); no child without consent is down for a joint review."""
    at_setting = [c for c in _due(large) if c.setting_id is not None and not c.child_protection]
    separate = [c for c in at_setting if c.review_model == "separate"]
    assert 0.05 <= len(separate) / len(at_setting) <= 0.10
    assert {c.review_model for c in at_setting} == {None, "separate"}
    refused = [c for c in at_setting if c.consent_to_share is False]
    assert refused and all(c.review_model == "separate" for c in refused)
    assert any(c.consent_to_share is True for c in separate)  # declined the joint meeting
    assert any(c.consent_to_share is None for c in at_setting)  # not yet asked


def test_child_protection_reviews_are_at_home_by_the_caseload_health_visitor(
    large: Authority,
) -> None:
    """A child on a protection plan is seen at home by a health visitor of the local team."""
    a = large
    protected = [c for c in a.children.values() if c.child_protection]
    assert protected
    for c in protected:
        assert c.review_model == "home" and c.home is not None and c.practitioner_id
        holder = a.practitioners[c.practitioner_id]
        assert holder.role == "health_visitor"
        assert min(_km(c.home, b) for b in _team_bases(a, holder.team)) < 15
        if c.setting_id:
            s = a.settings[c.setting_id]
            assert _km(c.home, (s.lat, s.lon)) < 8


def test_caseloads_and_homes_only_where_they_matter(large: Authority) -> None:
    """The caseload column is filled for children in no setting, looked after or on a plan, and
    held by a health visitor not on long leave; home coordinates only for children who may be
    seen at home (minimum personal data)."""
    a = large
    away: Counter[str] = Counter()
    for x in a.absences:
        away[x.person_id] += (x.end_date - x.start_date).days + 1
    for c in a.children.values():
        assert (c.practitioner_id is not None) == (c.setting_id is None or _status(c))
        assert (c.home is not None) == (c.setting_id is None or c.child_protection)
        if c.practitioner_id:
            holder = a.practitioners[c.practitioner_id]
            assert holder.role == "health_visitor" and away[c.practitioner_id] <= 20


def test_every_team_has_a_health_visitor_and_every_base_an_address(medium: Authority) -> None:
    """Caseloads need a health visitor in every team; clinic letters need the base's address."""
    teams = {p.team for p in medium.practitioners.values()}
    for team in teams:
        members = [p for p in medium.practitioners.values() if p.team == team]
        assert any(p.role == "health_visitor" for p in members)
    for p in medium.practitioners.values():
        town = (p.team or "").removesuffix(" Locality Team")
        assert p.base_address and p.base_address.endswith(f", {town}")
    by_base = {(p.base_name, p.base_address) for p in medium.practitioners.values()}
    assert len(by_base) == len({p.base_name for p in medium.practitioners.values()})


@pytest.mark.parametrize("seed", range(6))
def test_even_a_one_person_team_is_a_health_visitor(seed: int) -> None:
    """With one practitioner per town, each is a health visitor: someone must hold the local
    families' caseloads (a community nursery nurse works under a health visitor)."""
    a = generate_authority(120, seed, practitioners=3)
    assert all(p.role == "health_visitor" for p in a.practitioners.values())
    holders = {c.practitioner_id for c in a.children.values() if c.practitioner_id}
    assert holders and all(a.practitioners[h].role == "health_visitor" for h in holders)


# --- a term part-way through -------------------------------------------------------------------


def test_today_adds_outcomes_and_changes_nothing_else() -> None:
    """With ``today`` the authority is the same but for ``[term] today`` and its outcomes."""
    plain = generate_authority(SIZES["small"], 9)
    mid = generate_authority(SIZES["small"], 9, today=MIDTERM)
    assert mid.config.term.today == MIDTERM and plain.config.term.today is None
    assert replace(mid, outcomes=()).with_config(plain.config) == plain
    assert mid.outcomes and not plain.outcomes


def test_same_seed_and_today_give_byte_identical_files(tmp_path: Path) -> None:
    """Outcomes are deterministic too."""
    write_authority(generate_authority(200, 5, today=MIDTERM), tmp_path / "a")
    write_authority(generate_authority(200, 5, today=MIDTERM), tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert "outcomes.csv" in _files(tmp_path / "a")


def test_today_must_fall_inside_the_term() -> None:
    """A date outside the term is refused, naming the option."""
    from scheduler.generate import GenerateError

    with pytest.raises(GenerateError, match="inside the term") as error:
        generate_authority(40, 1, today=date(2027, 4, 1))
    assert error.value.option == "today"
    assert generate_authority(40, 1, today=date(2027, 1, 5)).outcomes == ()  # the first day


def test_outcome_shares_are_realistic(large: Authority) -> None:
    """About one booked review in ten not brought (8-12%), a few cancelled by either side and
    declined, ASQ-3 at ~90% of attended reviews, consent mostly given."""
    outcomes = large.outcomes
    kinds = Counter(o.outcome for o in outcomes)
    n = len(outcomes)
    assert n >= 1000
    assert 0.08 <= kinds["was_not_brought"] / n <= 0.12
    for kind in ("cancelled_by_parent", "cancelled_by_service"):
        assert 0.01 <= kinds[kind] / n <= 0.06
    assert 0 < kinds["declined"] / n <= 0.03
    assert kinds["attended"] / n >= 0.75
    attended = [o for o in outcomes if o.outcome == "attended"]
    assert 0.85 <= sum(bool(o.asq3) for o in attended) / len(attended) <= 0.95
    assert sum(bool(o.consent_to_share) for o in attended) / len(attended) >= 0.85
    venues = Counter(o.venue for o in attended)
    assert venues["setting"] > venues["clinic"] > venues["home"] > 0


def _allowed(a: Authority, c: Child, d: date) -> bool:
    """The contract's allowed dates, with settling in (v2)."""
    first = add_months(c.date_of_birth, 24)
    if c.starts_on:
        first = max(first, c.starts_on + timedelta(days=a.config.review.settle_days))
    return first <= d <= add_months(c.date_of_birth, 36)


def _check_outcomes(a: Authority) -> None:
    """Every outcome as the v2 contract reads it, computed without the generator's code."""
    today = a.config.term.today
    assert today is not None
    days = set(_term_days(a))
    due = {c.child_id for c in _due(a)}
    closed = {(c.setting_id, c.date) for c in a.closures}
    by_child: dict[str, list[Outcome]] = {}
    seen: set[tuple[str, date]] = set()
    for o in a.outcomes:
        c = a.children[o.child_id]
        assert o.child_id in due and (o.child_id, o.date) not in seen
        seen.add((o.child_id, o.date))
        assert o.date < today and o.date in days and _allowed(a, c, o.date)
        assert o.date.weekday() not in c.parent_unavailable_days
        by_child.setdefault(o.child_id, []).append(o)
        if o.outcome != "attended":
            assert o.venue is None and o.practitioner_id is None and o.asq3 is None
            continue
        model = c.review_model or a.config.review.model
        assert o.venue == {"joint": "setting", "separate": "clinic", "home": "home"}[model]
        assert o.practitioner_id is not None and o.asq3 is not None
        p = a.practitioners[o.practitioner_id]
        assert o.date.weekday() in p.working_days and not _away(a, p.practitioner_id, o.date)
        link = a.settings[c.setting_id].link_practitioner_id if c.setting_id else None
        if model == "joint":
            assert c.setting_id and c.key_person_id and c.consent_to_share is not False
            s, k = a.settings[c.setting_id], a.key_persons[c.key_person_id]
            assert o.consent_to_share is True
            assert o.date.weekday() in s.open_days and o.date.weekday() in k.working_days
            assert (s.setting_id, o.date) not in closed and (ALL_SETTINGS, o.date) not in closed
            assert not _away(a, k.key_person_id, o.date)
        if model != "joint" and c.practitioner_id:
            assert p.practitioner_id == c.practitioner_id
        elif link:
            assert p.practitioner_id == link
        else:  # a setting without a link gets one from the plan: a practitioner nearby
            assert c.setting_id
            s = a.settings[c.setting_id]
            assert _km((s.lat, s.lon), (p.base_lat, p.base_lon)) < 15
        if model == "home":
            assert c.home is not None
    for child_id, history in by_child.items():
        c = a.children[child_id]
        missed = c.was_not_brought_before
        assert missed < 2  # not brought twice before the term: follow-up, not a booking
        for earlier, later in pairwise(history):
            assert earlier.date + timedelta(days=14) <= later.date
        for o in history[:-1]:  # nothing is booked after attended, declined or a second miss
            assert o.outcome not in ("attended", "declined")
            missed += o.outcome == "was_not_brought"
            assert missed < 2


def test_outcomes_are_consistent_with_the_data(large: Authority) -> None:
    """Every outcome: a due child, one per date, before today, on a review day inside the
    child's allowed dates, with everyone the child's model needs there, the right venue and
    practitioner; nothing booked after attended, declined or a second child not brought."""
    _check_outcomes(large)
    follow_up = [
        c
        for c in _due(large)
        if c.was_not_brought_before
        + sum(o.outcome == "was_not_brought" for o in large.outcomes if o.child_id == c.child_id)
        >= 2
    ]
    assert follow_up  # some families are for the named practitioner to follow up


@pytest.mark.parametrize("model", ["joint", "separate"])
def test_a_midterm_folder_loads_without_any_problem(
    model: Literal["joint", "separate"], tmp_path: Path
) -> None:
    """The written folder passes ``scheduler validate`` (no problems, no warnings) and loads
    back to the same authority, outcomes included; so does the workbook. In the separate
    model the same rules hold and no review is at a setting."""
    mid = generate_authority(SIZES["small"], 4, model=model, today=MIDTERM)
    _check_outcomes(mid)
    venues = {o.venue for o in mid.outcomes if o.outcome == "attended"}
    assert ("setting" in venues) == (model == "joint")
    write_authority(mid, tmp_path / "mid")
    result = load_authority(tmp_path / "mid")
    assert result.warnings == []
    assert result.authority == mid
    assert main(["validate", str(tmp_path / "mid")]) == 0
    write_workbook(mid, tmp_path / "book" / "authority.xlsx")
    book = load_authority(tmp_path / "book")
    assert book.warnings == [] and book.authority == mid


# --- loading what was written, and the committed sample -----------------------------------------


def test_generated_folder_loads_cleanly_and_equals_the_authority(
    small: Authority, tmp_path: Path
) -> None:
    """The contract loader accepts the folder (and the workbook) with no warnings."""
    write_authority(small, tmp_path / "csv")
    result = load_authority(tmp_path / "csv")
    assert result.warnings == []
    assert result.authority == small
    write_workbook(small, tmp_path / "xlsx" / "authority.xlsx")
    result = load_authority(tmp_path / "xlsx")
    assert result.warnings == []
    assert result.authority == small


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/sample is the medium authority with seed 2027, regenerated after any change."""
    write_authority(generate_authority(SIZES["medium"], 2027), tmp_path / "sample")
    assert _files(SAMPLE) == _files(tmp_path / "sample")


def test_committed_midterm_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/sample-midterm is the same authority on 22 February 2027, with its outcomes."""
    write_authority(
        generate_authority(SIZES["medium"], 2027, today=MIDTERM), tmp_path / "sample-midterm"
    )
    assert _files(SAMPLE_MIDTERM) == _files(tmp_path / "sample-midterm")
    plain, mid = _files(SAMPLE), _files(SAMPLE_MIDTERM)
    assert set(mid) == set(plain) | {"outcomes.csv"}
    assert all(mid[name] == plain[name] for name in plain if name != "config.toml")
