"""A setting sees its own children with no review booked: who, the see-by date, why; nobody
else's. The list comes from :func:`scheduler.unbooked.unbooked_children` (tested directly too).

The store holds a published plan for two settings: S001 has one child booked and two not
(one whose name and reason are full of markup), S002 has one not booked, who must never show
on S001's page.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from builders import (
    appointment_for,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
    make_unscheduled,
)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from test_ui_roles import COORDINATOR, run, signed_in  # noqa: E402

from scheduler.domain import Authority  # noqa: E402
from scheduler.io.write_data import write_authority  # noqa: E402
from scheduler.plan import Plan, ReasonCode  # noqa: E402
from scheduler.store import repository as repo  # noqa: E402
from scheduler.store.access import Role  # noqa: E402
from scheduler.store.db import DB_URL_ENV  # noqa: E402
from scheduler.unbooked import REASON_WORDS, unbooked_children  # noqa: E402
from ui import state  # noqa: E402

pytestmark = pytest.mark.timeout(120)

STAFF = "acorn@example.org"
MARKUP_REASON = "**Jo** <b>Smith</b>'s time was full: [add](http://x.example) a session; =SUM(A1)"
"""A plan sentence naming a practitioner whose name is markdown, HTML and a formula."""


def authority() -> Authority:
    return make_authority(
        practitioners=[make_practitioner(name="**Jo** <b>Smith</b>")],
        settings=[
            make_setting("S001", name="Acorn Nursery"),
            make_setting("S002", name="Birch Pre-school", lat=51.56),
        ],
        key_persons=[
            make_key_person("K001", name="Kim Alpha"),
            make_key_person("K002", setting_id="S002", name="Kate Beta"),
        ],
        children=[
            make_child("C001", name="Zara Quill"),
            make_child("C003", name="Xena Pike", dob=date(2024, 3, 31)),
            make_child("C004", name="Wes Upton", dob=date(2024, 9, 1)),
            make_child("C002", setting_id="S002", key_person_id="K002", name="Yusuf Rook"),
        ],
    )


def plan_of(data: Authority) -> Plan:
    return make_plan(
        data,
        [appointment_for(data, "C001")],
        [
            make_unscheduled("C004", "S001", ReasonCode.CAPACITY, MARKUP_REASON),
            make_unscheduled("C003", "S001", ReasonCode.FOLLOW_UP, "Not brought twice."),
            make_unscheduled("C002", "S002", ReasonCode.NO_COMMON_DAY, "No common day for Y.R."),
        ],
    )


def test_unbooked_children_are_the_settings_own_soonest_first() -> None:
    """S001's two, by see-by date (30 months: C003 30 Sep 2026, C004 1 Mar 2027), in words."""
    data = authority()
    rows = unbooked_children(data, plan_of(data), "S001")
    assert [r.child_id for r in rows] == ["C003", "C004"]
    first, second = rows
    assert first.child == "X.P. (C003)" and first.see_by == date(2026, 9, 30)
    assert not first.past_see_by  # the term starts 7 Sep 2026
    assert first.reason == REASON_WORDS[ReasonCode.FOLLOW_UP]
    assert second.see_by == date(2027, 3, 1) and second.detail == MARKUP_REASON
    assert [r.child_id for r in unbooked_children(data, plan_of(data), "S002")] == ["C002"]


def test_a_child_past_the_see_by_date_is_marked() -> None:
    """A child who turned 30 months before the term started is flagged as already late."""
    data = make_authority(children=[make_child(dob=date(2024, 1, 10))])
    plan = make_plan(data, [], [make_unscheduled()])
    (row,) = unbooked_children(data, plan, "S001")
    assert row.see_by == date(2026, 7, 10) and row.past_see_by


def test_a_child_who_moved_setting_is_not_shown_to_the_old_one() -> None:
    """An unscheduled row naming S001 for a child now at S002 is S002's business only."""
    data = authority()
    plan = make_plan(data, [], [make_unscheduled("C002", "S001")])
    assert unbooked_children(data, plan, "S001") == []


def test_every_reason_code_has_words_for_settings() -> None:
    """No code falls back to its bare name."""
    assert set(REASON_WORDS) == set(ReasonCode)


@dataclass
class Store:
    url: str


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    data = authority()
    folder = tmp_path / "data"
    write_authority(data, folder)
    monkeypatch.setenv(state.DATA_ENV, str(folder))
    opened = repo.open_store(url)
    repo.save_plan(opened, plan_of(data), data, actor="test")
    repo.publish(opened, 1, actor="test")
    repo.set_identity(opened, COORDINATOR, Role.COORDINATOR, actor="test")
    repo.set_identity(opened, STAFF, Role.SETTING, setting_id="S001", actor="test")
    return Store(url)


def _unbooked_table(at: object) -> object:
    headers = [h.value for h in at.header]  # type: ignore[attr-defined]
    assert "Children not booked yet" in headers, headers
    alts = [d for d in at.dataframe if "no review booked" in (d.proto.alt or "")]  # type: ignore[attr-defined]
    assert len(alts) == 1
    return alts[0].value


def test_a_setting_user_sees_its_unbooked_children_and_nobody_elses(store: Store) -> None:
    """S001's staff see C003 and C004 with see-by dates and reasons; not S002's C002; the
    markup in a reason is shown as written, in a table, never as markdown."""
    at = run(signed_in(STAFF))
    table = _unbooked_table(at)
    assert list(table["child"]) == ["X.P. (C003)", "W.U. (C004)"]
    assert [str(d)[:10] for d in table["see_by"]] == ["2026-09-30", "2027-03-01"]
    assert list(table["why"]) == [
        REASON_WORDS[ReasonCode.FOLLOW_UP],
        REASON_WORDS[ReasonCode.CAPACITY],
    ]
    assert list(table["detail"])[1] == MARKUP_REASON
    shown = [markdown.value for markdown in at.markdown]
    assert not [m for m in shown if "Jo** <b>" in m or "C002" in m]
    assert any(r"\*\*Jo\*\* \<b\>Smith\<\/b\>" in m for m in shown)  # printed as written
    everything = "\n".join(str(e.proto) for e in at.main)
    assert "C002" not in everything and "Y.R." not in everything and "Yusuf" not in everything


def test_a_coordinator_sees_each_settings_own_list(store: Store) -> None:
    """Choosing S002 shows S002's child only; S001's are gone."""
    at = run(signed_in(COORDINATOR, "ui/pages/setting.py"))
    if [r for r in at.radio if r.key == "ir_setting_source"]:
        at.radio(key="ir_setting_source").set_value("published")
        run(at)
    at.selectbox(key="ir_setting").set_value("S002")
    run(at)
    table = _unbooked_table(at)
    assert list(table["child"]) == ["Y.R. (C002)"]
    assert list(table["why"]) == [REASON_WORDS[ReasonCode.NO_COMMON_DAY]]
