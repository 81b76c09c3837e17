"""The synthetic authority generator, the data writer and the ``generate`` command."""

from __future__ import annotations

import time
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from scheduler.calendar import add_months
from scheduler.cli import main
from scheduler.config import load_config
from scheduler.domain import ALL_SETTINGS, Authority, Child
from scheduler.generate import SIZES, generate_authority
from scheduler.io import write_data
from scheduler.io.schemas import TABLES
from scheduler.io.write_data import write_authority, write_workbook

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLUMNS = {table.name: list(table.names) for table in TABLES if table.name != "outcomes"}
"""The contract's tables and columns, in order (outcomes are written only when there are any)."""


@pytest.fixture(scope="module")
def small() -> Authority:
    return generate_authority(SIZES["small"], 7)


@pytest.fixture(scope="module")
def medium() -> Authority:
    return generate_authority(SIZES["medium"], 2027)


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


def test_large_generates_in_a_few_seconds() -> None:
    """``large`` (6,000 due) takes seconds, not minutes."""
    began = time.perf_counter()
    a = generate_authority(SIZES["large"], 1)
    assert time.perf_counter() - began < 10
    assert 1350 <= len(a.settings) <= 1650


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
    assert wide.children == default.children and wide.settings.keys() == default.settings.keys()


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
        assert c.setting_id in a.settings
        assert a.key_persons[c.key_person_id].setting_id == c.setting_id
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


# --- writing the contract's files --------------------------------------------------------------


def _cell(value: object) -> str | None:
    """A value as the contract writes it, computed independently of the writer."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        if value and all(isinstance(v, int) for v in value):
            return ",".join(WEEKDAYS[d] for d in sorted(value))
        return ";".join(sorted(str(v) for v in value)) or None
    return str(value)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _expected(a: Authority, table: str) -> list[dict[str, str | None]]:
    time_columns = {"day_start", "day_end", "open_time", "close_time"}
    tables: dict[str, list[object]] = {
        "practitioners": list(a.practitioners.values()),
        "settings": list(a.settings.values()),
        "key_persons": list(a.key_persons.values()),
        "children": list(a.children.values()),
        "absences": list(a.absences),
        "closures": list(a.closures),
    }
    records = tables[table]
    rows = []
    for record in records:
        row: dict[str, str | None] = {}
        for column in COLUMNS[table]:
            value = getattr(record, column)
            if column in time_columns:
                row[column] = _hhmm(value)
            elif column == "parent_unavailable_days" and not value:
                row[column] = None
            else:
                row[column] = _cell(value)
        rows.append(row)
    return rows


def test_written_csvs_read_back_as_the_same_rows(small: Authority, tmp_path: Path) -> None:
    """Every table is written with the contract's columns, in order, and the same values."""
    write_authority(small, tmp_path / "data")
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert names == sorted([f"{t}.csv" for t in COLUMNS] + ["config.toml"])
    for table, columns in COLUMNS.items():
        frame = pl.read_csv(tmp_path / "data" / f"{table}.csv", infer_schema=False)
        assert frame.columns == columns
        got = frame.to_dicts()
        expected = _expected(small, table)
        for row in expected:  # numbers are compared as numbers, not as their spelling
            for column in ("base_lat", "base_lon", "lat", "lon"):
                if column in row:
                    row[column] = str(float(row[column] or "nan"))
        for row in got:
            for column in ("base_lat", "base_lon", "lat", "lon"):
                if column in row:
                    row[column] = str(float(row[column] or "nan"))
        assert got == expected, table


def test_config_toml_writes_every_section_and_reads_back(small: Authority, tmp_path: Path) -> None:
    """config.toml spells out every section, uses TOML dates and loads to the same config."""
    write_authority(small, tmp_path / "data")
    path = tmp_path / "data" / "config.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(raw) >= {"term", "review", "travel", "priorities", "organiser", "privacy"}
    assert raw["term"]["start"] == date(2027, 1, 5)
    assert raw["priorities"]["funded_two"] == 3.0
    assert load_config(path) == small.config


def test_workbook_holds_the_same_tables(small: Authority, tmp_path: Path) -> None:
    """The .xlsx has one sheet per table, the same cells as the CSVs, config.toml beside it."""
    write_authority(small, tmp_path / "csv")
    write_workbook(small, tmp_path / "xlsx" / "authority.xlsx")
    assert (tmp_path / "xlsx" / "config.toml").read_bytes() == (
        tmp_path / "csv" / "config.toml"
    ).read_bytes()
    sheets = pl.read_excel(tmp_path / "xlsx" / "authority.xlsx", sheet_id=0)
    assert list(sheets) == list(COLUMNS)
    for table, frame in sheets.items():
        csv = pl.read_csv(tmp_path / "csv" / f"{table}.csv", infer_schema=False)
        assert frame.columns == csv.columns
        as_text = frame.select(pl.all().cast(pl.String))
        if table in ("practitioners", "settings"):  # numbers may differ only in spelling
            numeric = [c for c in frame.columns if frame[c].dtype.is_numeric()]
            assert numeric
            for c in numeric:
                assert frame[c].to_list() == csv[c].cast(frame[c].dtype).to_list()
            as_text, csv = as_text.drop(numeric), csv.drop(numeric)
        assert as_text.to_dicts() == csv.to_dicts(), table


def test_writing_replaces_a_folder_whole(small: Authority, tmp_path: Path) -> None:
    """An existing folder is replaced, not merged into; no temporary folder is left."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "stale.csv").write_text("x\n")
    write_authority(small, folder)
    assert not (folder / "stale.csv").exists()
    assert (folder / "children.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_failed_write_leaves_the_old_folder(
    small: Authority, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash half way leaves the previous folder untouched and no half-written sibling."""
    folder = tmp_path / "data"
    write_authority(small, folder)
    before = _files(folder)

    def boom(_: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(write_data, "config_toml", boom)
    with pytest.raises(RuntimeError):
        write_authority(generate_authority(60, 1), folder)
    assert _files(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


# --- the command -------------------------------------------------------------------------------


def test_command_writes_a_folder_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scheduler generate`` writes the folder and prints one line of counts."""
    out = tmp_path / "auth"
    assert main(["generate", "--children", "80", "--seed", "4", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "80 due" in line and "practitioners" in line
    assert _files(out)["children.csv"] == _children_csv(generate_authority(80, 4), tmp_path)


def _children_csv(a: Authority, tmp_path: Path) -> bytes:
    write_authority(a, tmp_path / "expected")
    return (tmp_path / "expected" / "children.csv").read_bytes()


def test_command_refuses_a_non_empty_folder_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-empty --out is an input error (exit 2) unless --force is given."""
    out = tmp_path / "auth"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    args = ["generate", "--children", "30", "--seed", "1", "--out", str(out)]
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"
    assert main([*args, "--force"]) == 0
    assert not (out / "notes.txt").exists()


def test_command_sizes_model_and_workbook(tmp_path: Path) -> None:
    """--size picks a graded size; --xlsx writes a workbook and config.toml only."""
    out = tmp_path / "book"
    args = ["generate", "--size", "small", "--seed", "2", "--out", str(out)]
    assert main([*args, "--xlsx", "--model", "separate"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["authority.xlsx", "config.toml"]
    assert 'model = "separate"' in (out / "config.toml").read_text()


def test_command_practitioners_sets_the_headcount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--practitioners N writes N practitioners; too few for the towns is an input error."""
    out = tmp_path / "wide"
    assert main(["generate", "--size", "small", "--seed", "2", "--practitioners", "20",
                 "--out", str(out)]) == 0  # fmt: skip
    assert "20 practitioners" in capsys.readouterr().out
    assert pl.read_csv(out / "practitioners.csv").height == 20
    bad = tmp_path / "bad"
    assert main(["generate", "--size", "small", "--seed", "2", "--practitioners", "2",
                 "--out", str(bad)]) == 2  # fmt: skip
    assert "cannot give each of 3 towns a team" in capsys.readouterr().err
    assert not bad.exists()


# --- loading what was written, and the committed sample -----------------------------------------


def test_generated_folder_loads_cleanly_and_equals_the_authority(
    small: Authority, tmp_path: Path
) -> None:
    """The contract loader accepts the folder (and the workbook) with no warnings."""
    load = pytest.importorskip("scheduler.io.load")
    write_authority(small, tmp_path / "csv")
    result = load.load_authority(tmp_path / "csv")
    assert result.warnings == []
    assert result.authority == small
    write_workbook(small, tmp_path / "xlsx" / "authority.xlsx")
    result = load.load_authority(tmp_path / "xlsx")
    assert result.warnings == []
    assert result.authority == small


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path) -> None:
    """data/sample is the medium authority with seed 2027, regenerated after any change."""
    write_authority(generate_authority(SIZES["medium"], 2027), tmp_path / "sample")
    assert _files(SAMPLE) == _files(tmp_path / "sample")
