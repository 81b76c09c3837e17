"""The dashboard's "Find a slot" tab, headless: ranked slots for a child, "Book slot 1" pins it
and saves a checked version; counter-proposals on record can be accepted with one click."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from builders import hm, make_authority, make_child, make_config, make_practitioner
from streamlit.testing.v1 import AppTest

from scheduler.domain import Authority
from scheduler.io.write_data import write_authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.replies import ReplyRecord, ReplyState
from scheduler.store import repository as repo
from scheduler.store.db import DB_URL_ENV
from scheduler.store.opening import open_store

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ui import state, storage  # noqa: E402
from ui.components.tables import DATE_FORMAT  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
THREE_DAYS = {"start": "2026-09-08", "end": "2026-09-10", "exclude": [], "bank_holidays": "none"}

pytestmark = pytest.mark.timeout(240)


def authority() -> Authority:
    """P001 sees two children a day on three days; four children, all booked."""
    return make_authority(
        practitioners=[make_practitioner("P001", max_reviews_per_day=2)],
        children=[
            make_child("C1", name="Ada **Bold** Lovelace", funded=True),
            make_child("C2"),
            make_child("C3"),
            make_child("C4", funded=False),
        ],
        config=make_config(term=THREE_DAYS),
    )


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    data = authority()
    folder = tmp_path / "data"
    write_authority(data, folder)
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    open_store(url, create=True).dispose()
    monkeypatch.setenv(DB_URL_ENV, url)
    monkeypatch.setenv(state.DATA_ENV, str(folder))
    storage._open.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    result = make_plan(data, PlanOptions(time_limit=3, link_time_limit=1, workers=1))
    assert result.check.ok
    loaded = at.session_state[state.WORKING].authority if at.session_state[state.WORKING] else data
    info = storage.save_version(loaded, result.plan, _local(), note="plan")
    at.session_state[state.WORKING] = state.Working(loaded, result, info)
    at.switch_page("ui/pages/plan.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    yield at
    storage._open.cache_clear()


def _local():  # type: ignore[no-untyped-def]
    from scheduler.store.access import LOCAL_SUBJECT, Identity, Role

    return Identity(LOCAL_SUBJECT, Role.COORDINATOR)


def test_find_and_book(app: AppTest) -> None:
    """A booked child asking to move: the free slots on other days, nobody else moving;
    "Book slot 1" saves a new checked version with the slot pinned and makes it the plan."""
    plan = app.session_state[state.WORKING].result.plan
    child = "C1"
    current = next(a for a in plan.appointments if a.child_id == child)
    app.selectbox(key="ir_find_child").set_value(child).run()
    assert not app.exception, [e.message for e in app.exception]
    (table,) = [df for df in app.dataframe if "Who else moves" in df.value.columns]
    assert set(table.value["Who else moves"]) == {"nobody else moves"}
    assert current.date not in set(table.value["Date"].dt.date)
    before = repo.count_versions(storage.store())
    app.button(key=f"ir_book_{child}_1").click().run()
    assert not app.exception, [e.message for e in app.exception]
    assert repo.count_versions(storage.store()) == before + 1
    result = app.session_state[state.WORKING].result
    moved = next(a for a in result.plan.appointments if a.child_id == child)
    assert moved.date == table.value["Date"].dt.date[0] and moved.date != current.date
    assert result.check.ok
    pins = repo.current_pins(storage.store())
    assert [(p.child_id, p.date, p.start) for p in pins] == [(child, moved.date, moved.start)]
    assert any("Booked C1" in s.value for s in app.success)
    # the child is named by initials and id (the full name never appears)
    assert any("C1" in m.value for m in app.markdown)
    assert not any("Bold" in m.value or "Lovelace" in m.value for m in app.markdown)


def test_slots_read_like_the_appointments_table(app: AppTest) -> None:
    """The slots name the practitioner (not only an id), show dates as every other table does
    (``Tue 8 Sep 2026``, not a timestamp) and say who else moves in words."""
    app.selectbox(key="ir_find_child").set_value("C2").run()
    assert not app.exception, [e.message for e in app.exception]
    (table,) = [df for df in app.dataframe if "Who else moves" in df.value.columns]
    assert list(table.value.columns) == [
        "Rank", "Date", "Time", "Kind of review", "Practitioner", "Priority points",
        "Days before see-by date", "Who else moves",
    ]  # fmt: skip
    assert set(table.value["Practitioner"]) == {"Practitioner P001 (P001)"}
    config = json.loads(table.proto.columns)
    assert config["Date"]["type_config"]["format"] == DATE_FORMAT


def test_accept_a_counter_proposal(app: AppTest) -> None:
    """A parent's proposed time on record: shown as possible, accepted in one click."""
    plan = app.session_state[state.WORKING].result.plan
    booked = plan.appointments[0]
    proposal = ReplyRecord(
        booked.child_id,
        ReplyState.COUNTER_PROPOSED,
        0,
        datetime(2026, 9, 2, 9, 0, tzinfo=UTC),
        "k" * 32,
        proposed_date=booked.date,
        proposed_start=hm("15:00"),  # the afternoon: the planner fills mornings first
    )
    version = app.session_state[state.WORKING].version
    repo.record_replies(storage.store(), version, [proposal], actor="cli:test")
    app.run()
    button = [b for b in app.button if b.key == f"ir_accept_{booked.child_id}"]
    assert button, [m.value for m in app.markdown]
    button[0].click().run()
    assert not app.exception, [e.message for e in app.exception]
    moved = next(
        a
        for a in app.session_state[state.WORKING].result.plan.appointments
        if a.child_id == booked.child_id
    )
    assert (moved.date, moved.start) == (booked.date, hm("15:00"))
