"""The Service report and Outcomes pages, headless (AppTest), for each role.

A store with a published plan for two settings on a term replayed at ``[term] today``: C001
(S001) and C002 (S002) were booked before today, C003 (S001) after. Names of S002's people
must never reach S001's staff; a setting records outcomes only for its own joint reviews,
whatever the page is made to send.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``ui`` is not an installed package; the app runs from the root
    sys.path.insert(0, str(ROOT))

from builders import (  # noqa: E402
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_config,
    make_key_person,
    make_plan,
    make_practitioner,
    make_setting,
)

from scheduler.domain import Authority, Outcome  # noqa: E402
from scheduler.io.write_data import write_authority  # noqa: E402
from scheduler.store import repository as repo  # noqa: E402
from scheduler.store.access import AccessDenied, Identity, Role  # noqa: E402
from scheduler.store.db import DB_URL_ENV  # noqa: E402
from scheduler.store.records import AuditAction  # noqa: E402
from scheduler.wording import review_kind  # noqa: E402
from ui import state, storage  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
REPORT = "ui/pages/report.py"
OUTCOMES = "ui/pages/outcomes.py"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-for-tests-only",
    "client_id": "dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
COORDINATOR = "boss@example.org"
LEAD = "lead@example.org"
SETTING_ONE = "acorn@example.org"
TODAY = REVIEW_DAY + timedelta(days=2)
THEIRS = ("Birch Pre-school", "Yusuf Rook", "Y.R.", "C002", "Kate Beta")

pytestmark = pytest.mark.timeout(120)


def authority() -> Authority:
    """Three children turning 30 months in the term; a role that looks like Markdown."""
    return make_authority(
        practitioners=[make_practitioner(role="[pay here](http://evil.example)", team="North")],
        settings=[
            make_setting("S001", name="Acorn Nursery"),
            make_setting("S002", name="Birch Pre-school", lat=51.56),
        ],
        key_persons=[
            make_key_person("K001", name="Kim Alpha"),
            make_key_person("K002", setting_id="S002", name="Kate Beta"),
        ],
        children=[
            make_child("C001", name="Zara Quill", dob=date(2024, 3, 20)),
            make_child(
                "C002",
                setting_id="S002",
                key_person_id="K002",
                name="Yusuf Rook",
                dob=date(2024, 3, 25),
            ),
            make_child("C003", name="Xena Pike", funded=False, dob=date(2024, 3, 10)),
        ],
        config=make_config(term={"today": TODAY.isoformat()}),
    )


@dataclass
class World:
    url: str
    authority: Authority

    def store(self) -> repo.Store:
        return repo.open_store(self.url)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv(DB_URL_ENV, url)
    data = authority()
    folder = tmp_path / "data"
    write_authority(data, folder)
    monkeypatch.setenv(state.DATA_ENV, str(folder))
    plan = make_plan(
        data,
        [
            appointment_for(data, "C001", start=hm("10:00")),
            appointment_for(data, "C002", start=hm("11:00")),
            # after the 30-month date (10 Sep): will pass 30 months unreviewed
            appointment_for(data, "C003", day=REVIEW_DAY + timedelta(days=7)),
        ],
    )
    store = repo.open_store(url)
    repo.save_plan(store, plan, data, actor="test")
    repo.publish(store, 1, actor="test")
    repo.set_identity(store, COORDINATOR, Role.COORDINATOR, actor="test")
    repo.set_identity(store, LEAD, Role.SERVICE_LEAD, actor="test")
    repo.set_identity(store, SETTING_ONE, Role.SETTING, setting_id="S001", actor="test")
    return World(url, data)


def claims(email: str) -> dict[str, Any]:
    """A provider's ID token claims for ``email``: verified, with its own account."""
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": True,
        "iss": "https://login.example.org",
        "sub": f"account-of-{email}",
    }


def signed_in(email: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": dict(AUTH)}
    at.user = claims(email)
    at.run()
    if page is not None:
        at.switch_page(page)
    return run(at)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rendered(at: AppTest) -> str:
    parts: list[str] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if getattr(node, "type", "") == "arrow_data_frame":
            parts.append(node.value.to_csv())
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return "\n".join(parts)


@dataclass
class Offered:
    file_name: str
    content: Callable[[], bytes | str]


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[Offered]:
    """Every file a download button offers (built on click)."""
    files: list[Offered] = []
    add_deferred = MediaFileManager.add_deferred

    def record_deferred(self: MediaFileManager, build: Any, *args: Any, **kw: Any) -> str:
        files.append(Offered(str(kw.get("file_name") or ""), build))
        return add_deferred(self, build, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def metric(at: AppTest, label: str) -> str:
    return str(next(m.value for m in at.metric if m.label == label))


# --------------------------------------------------------------------------- service report


def test_coordinator_sees_the_metric_forecast_and_children_by_name(
    world: World, offered: list[Offered]
) -> None:
    """Whole authority: the metric (nobody reviewed yet: 0.0%), the forecast from the
    published plan, the child who will miss it by name; the workbook and outcomes.csv are
    offered and audited when built."""
    at = signed_in(COORDINATOR, REPORT)
    assert at.title[0].value == "Service report"
    assert metric(at, "Reviewed by 30 months") == "0.0%"
    assert metric(at, "Forecast") == "66.7%"
    at_risk = at.dataframe[-1].value
    assert list(at_risk["Child"]) == ["Xena Pike (C003)"]
    workbook = next(f for f in offered if f.file_name.endswith(".xlsx")).content()
    assert isinstance(workbook, bytes)
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    assert book.sheetnames[0] == "Summary"
    assert {f.file_name for f in offered} >= {"outcomes.csv"}
    actions = [e.action for e in repo.list_audit(world.store(), actor=COORDINATOR)]
    assert AuditAction.REPORT_EXPORTED in actions


def test_data_text_in_the_sentences_is_escaped(world: World) -> None:
    """A role that looks like a Markdown link is shown as its characters, not as a link."""
    repo.record_outcome(
        world.store(),
        Outcome("C001", REVIEW_DAY, "attended", practitioner_id="P001"),
        setting_id="S001",
        actor="test",
    )
    at = signed_in(COORDINATOR, REPORT)
    sentences = " ".join(m.value for m in at.markdown)
    # (U+2060, invisible, keeps Streamlit's GFM from linking the bare address: ui/markup.py)
    assert "\\[pay here\\]\\(http\u2060\\:\\/\\/evil\\.example\\)" in sentences
    assert "[pay here](http://evil.example)" not in sentences


def test_recorded_outcomes_move_the_metric(world: World) -> None:
    """An attended outcome recorded in the dashboard counts at once: C001 reviewed by 30 months."""
    repo.record_outcome(
        world.store(),
        Outcome("C001", REVIEW_DAY, "attended", asq3=True, venue="setting"),
        setting_id="S001",
        actor="test",
    )
    at = signed_in(COORDINATOR, REPORT)
    assert metric(at, "Reviewed by 30 months") == "33.3%"
    assert metric(at, "ASQ-3 completed") == "100.0%"


def test_service_lead_sees_counts_per_setting_not_names(world: World) -> None:
    at = signed_in(LEAD, REPORT)
    text = rendered(at)
    assert "Xena Pike" not in text and "Zara Quill" not in text
    counts = at.dataframe[-1].value
    assert list(counts["Children"]) == [1]


def test_a_setting_user_sees_its_own_counts_only(world: World) -> None:
    """S001's staff: S001's two children (C003 will miss the metric), no names, nothing of S002."""
    at = signed_in(SETTING_ONE, REPORT)
    text = rendered(at)
    assert not [m for m in THEIRS if m in text]
    assert "Xena Pike" not in text and "Zara Quill" not in text
    assert metric(at, "Will miss the metric") == "1"
    assert "0 of the 2 children who turned 30 months in the period" in text  # C001, C003
    assert state.DATA not in at.session_state


# --------------------------------------------------------------------------- outcomes


def test_coordinator_records_an_outcome_with_who_and_when(world: World) -> None:
    """Any past review; stored with the coordinator's address, audited; shown in the table."""
    at = signed_in(COORDINATOR, OUTCOMES)
    review = at.selectbox(key="ir_outcome_review")
    assert (
        sorted(review.options) == sorted([f"C002|{REVIEW_DAY}", f"C001|{REVIEW_DAY}"])
        or len(review.options) == 2
    )
    review.set_value(f"C002|{REVIEW_DAY}")
    run(at)
    at.radio(key=f"ir_outcome_kind_C002_{REVIEW_DAY}").set_value("was_not_brought")
    run(at)
    at.button(key="ir_outcome_save").click()
    run(at)
    stored = repo.list_outcomes(world.store())
    assert [(r.outcome.child_id, r.outcome.outcome, r.recorded_by) for r in stored] == [
        ("C002", "was_not_brought", COORDINATOR)
    ]
    assert stored[0].setting_id == "S002"
    entries = repo.list_audit(world.store(), action=AuditAction.OUTCOME_RECORDED)
    assert [e.actor for e in entries] == [COORDINATOR]
    # shown in the tables, in the words the form uses (no column or code names)
    past, recorded = (df.value for df in at.dataframe)
    assert list(past.columns) == ["Date", "Start", "Child", "Setting", "Kind of review", "Outcome"]
    assert set(past["Kind of review"]) == {review_kind("joint")} != {"joint"}
    assert list(recorded.columns)[:4] == ["Date", "Child", "Setting", "Outcome"]
    assert {"Consent to share", "Recorded by", "Recorded at"} <= set(recorded.columns)
    assert list(recorded["Recorded by"]) == [COORDINATOR]


def test_a_setting_records_only_its_own_joint_reviews(world: World) -> None:
    """The list offers S001's past review only; a forged choice of S002's review records
    nothing; the server-side function refuses it outright."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.secrets = {"auth": dict(AUTH)}
    at.user = claims(SETTING_ONE)
    at.run()
    at.switch_page(OUTCOMES)
    at.session_state["ir_outcome_review"] = f"C002|{REVIEW_DAY}"
    run(at)
    review = at.selectbox(key="ir_outcome_review")
    assert len(review.options) == 1 and "(C001)" in review.options[0]
    assert review.value == f"C001|{REVIEW_DAY}"
    assert not [m for m in THEIRS if m in rendered(at)]
    at.button(key="ir_outcome_save").click()
    run(at)
    stored = repo.list_outcomes(world.store())
    assert [(r.outcome.child_id, r.recorded_by) for r in stored] == [("C001", SETTING_ONE)]

    acorn = Identity(SETTING_ONE, Role.SETTING, setting_id="S001")
    with pytest.raises(AccessDenied):
        storage.record_outcome(acorn, Outcome("C002", REVIEW_DAY, "attended"), TODAY)
    assert len(repo.list_outcomes(world.store())) == 1


def test_a_service_lead_cannot_open_the_outcomes_page(world: World) -> None:
    """Not in the lead's menu; opened directly, it says not allowed."""
    at = AppTest.from_file(str(ROOT / OUTCOMES), default_timeout=30)
    at.secrets = {"auth": dict(AUTH)}
    at.user = claims(LEAD)
    run(at)
    assert [t.value for t in at.title] == ["Not allowed"]
