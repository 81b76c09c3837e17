"""Roles in the dashboard: each signed-in role sees and downloads only what it may.

AppTest fakes the signed-in user the supported way: ``at.secrets`` holds an ``[auth]`` section
(so the app believes a provider is configured) and ``at.user`` holds the claims. The store is a
fresh SQLite file per test (``SCHEDULER_DB_URL``) with a published plan for two settings whose
people have names that must never leak across: every element the app renders and every file
it offers is searched for them.
"""

from __future__ import annotations

import io
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options

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
    make_setting,
)

from scheduler.domain import Authority  # noqa: E402
from scheduler.io.write_data import write_authority  # noqa: E402
from scheduler.plan import Pin, Plan  # noqa: E402
from scheduler.store import repository as repo  # noqa: E402
from scheduler.store.access import Identity, Role, local_coordinator  # noqa: E402
from scheduler.store.db import DB_URL_ENV  # noqa: E402
from scheduler.store.records import AuditAction  # noqa: E402
from ui import auth, state, storage  # noqa: E402
from ui.navigation import pages_for  # noqa: E402

APP = str(ROOT / "streamlit_app.py")
PAGE_FILES = {
    "data": "ui/pages/data.py",
    "plan": "ui/pages/plan.py",
    "versions": "ui/pages/versions.py",
    "access": "ui/pages/access_admin.py",
    "priorities": "ui/pages/priorities.py",
    "capacity": "ui/pages/capacity.py",
    "setting": "ui/pages/setting.py",
}
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-for-tests-only",
    "client_id": "dashboard",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
}
ISSUER = "https://login.example.org"
COORDINATOR = "boss@example.org"
LEAD = "lead@example.org"
SETTING_ONE = "acorn@example.org"  # S001's staff

OURS = ("Acorn Nursery", "Zara Quill", "Z.Q. (C001)", "Kim Alpha")
THEIRS = ("S002", "Birch Pre-school", "C002", "Yusuf Rook", "Y.R.", "K002", "Kate Beta")
"""Anything of setting S002: none of it may reach S001's staff."""

pytestmark = pytest.mark.timeout(120)


def authority() -> Authority:
    """Two settings with a link practitioner each way; S001 has two children, S002 one."""
    return make_authority(
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
            make_child("C002", setting_id="S002", key_person_id="K002", name="Yusuf Rook"),
            make_child("C003", name="Xena Pike", funded=False),
        ],
    )


def plan_of(data: Authority, *, shift: int = 0) -> Plan:
    return make_plan(
        data,
        [
            appointment_for(data, "C001", start=hm("10:00") + shift),
            appointment_for(data, "C002", day=REVIEW_DAY + timedelta(days=1)),
            appointment_for(data, "C003", start=hm("13:00")),
        ],
    )


@dataclass
class World:
    """A store with version 1 published and version 2 (a small move) saved, and its people."""

    url: str
    data: Path
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
    store = repo.open_store(url)
    repo.save_plan(store, plan_of(data), data, actor="test")
    repo.publish(store, 1, actor="test")
    repo.save_plan(store, plan_of(data, shift=30), data, actor="test", note="moved")
    repo.set_identity(store, COORDINATOR, Role.COORDINATOR, actor="test")
    repo.set_identity(store, LEAD, Role.SERVICE_LEAD, actor="test")
    repo.set_identity(store, SETTING_ONE, Role.SETTING, setting_id="S001", actor="test")
    return World(url, folder, data)


def claims(email: str, **changed: Any) -> dict[str, Any]:
    """A provider's ID token claims for ``email``: verified, with its own account (``sub``)."""
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": True,
        "iss": ISSUER,
        "sub": f"account-of-{email}",
        **changed,
    }


def signed_in(email: str | None, script: str = APP, **changed: Any) -> AppTest:
    """The app (or one page file) for a user signed in with ``email`` (``None``: signed out);
    ``changed`` claims replace the defaults (``None`` removes one)."""
    at = AppTest.from_file(str(ROOT / script) if script != APP else APP, default_timeout=30)
    at.secrets = {"auth": dict(AUTH)}
    if email is None:
        at.user = {"is_logged_in": False}
    else:
        at.user = {k: v for k, v in claims(email, **changed).items() if v is not None}
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def rendered(at: AppTest) -> str:
    """Everything the app sent to the browser: every element, every table's cells."""
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
    walk(at.sidebar)
    return "\n".join(parts)


def leaks(text: str) -> list[str]:
    return [marker for marker in THEIRS if marker in text]


@dataclass
class Offered:
    """A file the page offered for download."""

    file_name: str
    content: Callable[[], bytes | str]


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[Offered]:
    """Every file the app hands to a download button (eager or built on click)."""
    files: list[Offered] = []
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def record_add(
        self: MediaFileManager, content: Any, mimetype: str, *args: Any, **kw: Any
    ) -> str:
        if kw.get("is_for_static_download"):
            files.append(Offered(str(kw.get("file_name") or ""), lambda: content))
        return add(self, content, mimetype, *args, **kw)

    def record_deferred(self: MediaFileManager, build: Any, *args: Any, **kw: Any) -> str:
        files.append(Offered(str(kw.get("file_name") or ""), build))
        return add_deferred(self, build, *args, **kw)

    monkeypatch.setattr(MediaFileManager, "add", record_add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    return files


def as_text(content: bytes | str) -> str:
    return content.decode("utf-8", "replace") if isinstance(content, bytes) else content


# --- the menu -------------------------------------------------------------------------------


def test_menu_shows_each_role_only_its_pages() -> None:
    """Coordinators get every page, leads no Access or Outcomes page, a setting its own page,
    its report figures and its outcomes."""
    titles = {
        role: [spec.title for specs in pages_for(who).values() for spec in specs]
        for role, who in {
            "coordinator": local_coordinator(),
            "lead": Identity(LEAD, Role.SERVICE_LEAD),
            "setting": Identity(SETTING_ONE, Role.SETTING, "S001"),
        }.items()
    }
    assert titles["coordinator"] == [
        "Data",
        "Plan",
        "Versions",
        "Access",
        "Priorities",
        "Capacity",
        "My setting",
        "Service report",
        "Outcomes",
    ]
    assert titles["lead"] == [
        "Data",
        "Plan",
        "Versions",
        "Priorities",
        "Capacity",
        "My setting",
        "Service report",
    ]
    assert titles["setting"] == ["My setting", "Service report", "Outcomes"]


def test_a_setting_user_cannot_switch_to_another_page(world: World) -> None:
    """Only the setting page is registered for a setting user: switching elsewhere fails."""
    at = run(signed_in(SETTING_ONE))
    for page in ("plan", "data", "versions", "access", "priorities", "capacity"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(PAGE_FILES[page])


# --- a setting user's own page --------------------------------------------------------------


def test_a_setting_user_sees_only_its_own_setting(world: World, offered: list[Offered]) -> None:
    """S001's staff see S001's published slots, no picker, and nothing of S002 anywhere."""
    at = run(signed_in(SETTING_ONE))
    assert at.title[0].value == "My setting"
    assert not [s for s in at.selectbox if s.label == "Setting"]  # fixed, no picker
    text = rendered(at)
    assert not leaks(text), leaks(text)
    for marker in ("Acorn Nursery", "Z.Q. (C001)", "Kim Alpha"):
        assert marker in text
    assert "From the published plan, version 1." in [c.value for c in at.caption]
    slots = at.dataframe[0].value
    assert sorted(slots["child"]) == ["X.P. (C003)", "Z.Q. (C001)"]
    assert state.DATA not in at.session_state  # the whole authority never loaded


def test_a_setting_users_downloads_hold_only_its_own_setting(
    world: World, offered: list[Offered]
) -> None:
    """Every file offered to S001 (feed, bundle, letters, invitation) is S001's; each is audited."""
    run(signed_in(SETTING_ONE))
    names = sorted(f.file_name for f in offered)
    assert names == sorted(
        ["S001.ics", "S001.zip", "letters-S001.html", "C001.ics", "letter-C001.html"]
    ), names
    for file in offered:
        content = file.content()
        body = as_text(content)
        if file.file_name.endswith(".zip"):
            with zipfile.ZipFile(io.BytesIO(content if isinstance(content, bytes) else b"")) as z:
                body = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
                assert not [n for n in z.namelist() if "S002" in n or "C002" in n]
        assert not leaks(body), (file.file_name, leaks(body))
    feed = next(f for f in offered if f.file_name == "S001.ics").content()
    calendar = Calendar.from_ical(feed)
    assert "Acorn Nursery" in str(calendar.get("X-WR-CALNAME"))
    assert len(list(calendar.walk("VEVENT"))) >= 2
    entries = repo.list_audit(world.store(), actor=SETTING_ONE)
    done = {(e.action, e.target) for e in entries}
    assert (AuditAction.CALENDAR_EXPORTED, "setting:S001") in done
    assert (AuditAction.LETTERS_EXPORTED, "setting:S001") in done
    assert (AuditAction.SIGNED_IN, "dashboard") in done


def test_query_params_and_widget_state_cannot_reach_another_setting(
    world: World, offered: list[Offered]
) -> None:
    """``?setting=S002``, a forged picker value or a forged child choice still shows only S001."""
    at = signed_in(SETTING_ONE)
    at.query_params["setting"] = "S002"
    at.session_state["ir_setting"] = "S002"
    at.session_state["ir_setting_source"] = "session"
    at.session_state["ir_setting_child"] = "C002"
    at.run()
    text = rendered(at)
    assert not leaks(text), leaks(text)
    assert "setting" not in at.query_params  # not reflected back either
    assert at.selectbox(key="ir_setting_child").value in ("C001", "C003")
    for file in offered:
        assert "S002" not in file.file_name and "C002" not in file.file_name
        assert not leaks(as_text(file.content())), file.file_name


def test_every_other_page_refuses_a_setting_user(world: World) -> None:
    """Each page, opened directly (as a typed URL would), says "not allowed" and shows nothing."""
    for page, script in PAGE_FILES.items():
        if page == "setting":
            continue
        at = run(signed_in(SETTING_ONE, script))
        assert [t.value for t in at.title] == ["Not allowed"], page
        assert not at.dataframe and not at.download_button and not at.metric, page
        assert not leaks(rendered(at)), page
        assert state.DATA not in at.session_state, page
    denied = repo.list_audit(world.store(), action=AuditAction.ACCESS_DENIED, actor=SETTING_ONE)
    assert {e.target for e in denied} == {f"page:{p}" for p in PAGE_FILES if p != "setting"}


def test_unknown_and_signed_out_visitors_get_nothing(world: World) -> None:
    """A stranger gets a polite refusal, a signed-out visitor a sign-in button: no menu, no data."""
    stranger = run(signed_in("stranger@example.org"))
    assert any("is not allowed to use this dashboard" in w.value for w in stranger.warning)
    assert not stranger.dataframe and not stranger.download_button
    stranger.switch_page(PAGE_FILES["setting"])  # no menu was registered: tries the file
    run(stranger)
    assert not stranger.dataframe and not stranger.download_button
    assert not leaks(rendered(stranger)) and "Acorn" not in rendered(stranger)
    refused = repo.list_audit(world.store(), action=AuditAction.ACCESS_DENIED)
    assert [e.actor for e in refused] == ["stranger@example.org"]

    anonymous = run(signed_in(None))
    assert [b.label for b in anonymous.button] == ["Sign in"]
    assert not anonymous.dataframe and "Acorn" not in rendered(anonymous)

    unverified = run(signed_in(COORDINATOR, email_verified=False))
    assert any("not verified" in w.value for w in unverified.warning)
    assert not unverified.dataframe


@pytest.mark.parametrize(
    "verified", ["false", "true", "False", 1, 0, None], ids=lambda v: f"email_verified={v!r}"
)
def test_only_a_literal_true_email_verified_signs_in(world: World, verified: Any) -> None:
    """A string (even "true"), a number or a missing claim is not a verification: refused, with
    nothing of the app drawn; the identity is not tied to the account either."""
    at = run(signed_in(COORDINATOR, email_verified=verified))
    assert any("not verified" in w.value for w in at.warning)
    assert not at.dataframe and not at.download_button and not leaks(rendered(at))
    assert "Acorn" not in rendered(at)
    assert repo.bound_identities(world.store()) == set()


def test_the_first_sign_in_ties_the_identity_to_the_provider_account(world: World) -> None:
    """After the first sign-in, the issuer + sub is the key: another account (another provider,
    or another user at the same one) with the same verified address is refused and audited;
    the tied account gets in even after its address changes."""
    first = run(signed_in(COORDINATOR))
    assert first.title[0].value == "Data"
    store = world.store()
    assert repo.bound_identities(store) == {COORDINATOR}
    (bound,) = repo.list_audit(store, action=AuditAction.IDENTITY_BOUND)
    assert bound.actor == COORDINATOR and bound.details == {"issuer": ISSUER}

    for other in ({"sub": "someone-else"}, {"iss": "https://evil.example"}):
        at = run(signed_in(COORDINATOR, **other))
        assert any("different account" in w.value for w in at.warning)
        assert not at.dataframe and "Acorn" not in rendered(at)
    denied = repo.list_audit(store, action=AuditAction.ACCESS_DENIED, actor=COORDINATOR)
    assert len(denied) == 2  # once per session, and each attempt above is a session
    renamed = run(signed_in("new.address@example.org", sub=f"account-of-{COORDINATOR}"))
    assert (
        renamed.title[0].value == "Data"
    )  # the same account (iss + sub), whatever its address now

    assert repo.unbind_identity(store, COORDINATOR, actor="cli:root")
    again = run(signed_in(COORDINATOR, sub="a-replacement-account"))
    assert again.title[0].value == "Data"


def test_a_sign_in_without_issuer_or_subject_is_refused(world: World) -> None:
    """Without the account's issuer and sub there is nothing to key the identity on."""
    for missing in ({"sub": None}, {"iss": None}, {"sub": ""}):
        at = run(signed_in(COORDINATOR, **missing))
        assert any("which account" in w.value for w in at.warning)
        assert not at.dataframe


# --- service lead and coordinator -----------------------------------------------------------


def test_a_service_lead_reads_all_but_cannot_publish_upload_or_manage(world: World) -> None:
    """The lead sees versions and the audit log but no Publish button, upload form or Access."""
    at = run(signed_in(LEAD))
    assert at.title[0].value == "Data"
    assert not at.file_uploader  # coordinators upload
    assert "Look at the data" not in [e.label for e in at.expander]  # nor every child's record
    assert "Look at the data" in [e.label for e in run(signed_in(COORDINATOR)).expander]
    at.switch_page(PAGE_FILES["versions"])
    run(at)
    assert at.title[0].value == "Versions"
    assert not [b for b in at.button if b.label.startswith("Publish")]
    assert any(h.value == "Audit log" for h in at.header)
    with pytest.raises(ValueError):
        at.switch_page(PAGE_FILES["access"])
    direct = run(signed_in(LEAD, PAGE_FILES["access"]))
    assert [t.value for t in direct.title] == ["Not allowed"]


def test_a_coordinator_publishes_and_settings_see_the_new_version(world: World) -> None:
    """The Versions page offers the draft (version 2), says what publishing it changes for whom
    (C001 moves: one family, S001's calendar), asks once, then publishes; audited; S001 sees
    version 2."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["versions"])
    run(at)
    assert at.selectbox(key="ir_publish_which").value == 2  # the working draft is offered
    told = " ".join(m.value for m in at.markdown)
    assert "Against the published version 1" in told
    assert "1 child moves" in told and "**1 family**" in told and "**1 setting**" in told
    at.button(key="ir_version_publish").click()
    run(at)
    assert repo.published_version(world.store()).version == 1  # type: ignore[union-attr]
    at.button(key="ir_version_publish_yes").click()  # asked once
    run(at)
    assert repo.published_version(world.store()).version == 2  # type: ignore[union-attr]
    published = repo.list_audit(world.store(), action=AuditAction.PLAN_PUBLISHED)
    assert published[0].actor == COORDINATOR and published[0].details["version"] == 2

    setting = run(signed_in(SETTING_ONE))
    assert "From the published plan, version 2." in [c.value for c in setting.caption]

    # the older version 1 is not a draft any more: offered only when asked for
    again = run(signed_in(COORDINATOR))
    again.switch_page(PAGE_FILES["versions"])
    run(again)
    assert not [b for b in again.selectbox if b.key == "ir_publish_which"]
    assert any("No draft saved after the published version" in c.value for c in again.caption)
    again.checkbox(key="ir_publish_older").check()
    run(again)
    assert again.selectbox(key="ir_publish_which").value == 1


def test_publishing_can_be_called_off(world: World) -> None:
    """ "Not now" publishes nothing."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["versions"])
    run(at)
    at.button(key="ir_version_publish").click()
    run(at)
    at.button(key="ir_version_publish_no").click()
    run(at)
    assert repo.published_version(world.store()).version == 1  # type: ignore[union-attr]
    assert not repo.list_audit(world.store(), action=AuditAction.PLAN_PUBLISHED, actor=COORDINATOR)


def test_compare_defaults_to_the_published_and_the_working_plan(world: World) -> None:
    """Compare opens on two different versions: the published one and the one being worked on."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["versions"])
    run(at)
    assert (
        at.selectbox(key="ir_version_before").value,
        at.selectbox(key="ir_version_after").value,
    ) == (1, 2)
    assert any("From version 1 to version 2: 1 child moves" in m.value for m in at.markdown)


def test_a_coordinator_issues_and_revokes_a_feed_token_shown_once(world: World) -> None:
    """The clear token appears once in the page, resolves to S001, is never audited, and dies
    when revoked."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["access"])
    run(at)
    at.selectbox(key="ir_token_target").set_value("S001")
    at.button(key="ir_token_issue").click()
    run(at)
    url = at.code[0].value
    assert "/feeds/" in url and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    store = world.store()
    assert repo.resolve_feed_token(store, token) == repo.FeedTarget("setting", "S001")
    assert token not in str(repo.list_audit(store))
    run(at)
    assert not at.code  # shown once
    assert at.button(key="ir_token_revoke").disabled  # revoking asks first
    at.checkbox(key="ir_token_revoke_sure").check()
    run(at)
    at.button(key="ir_token_revoke").click()
    run(at)
    assert repo.resolve_feed_token(store, token) is None
    actions = [e.action for e in repo.list_audit(store, actor=COORDINATOR)]
    assert AuditAction.FEED_TOKEN_ISSUED in actions and AuditAction.FEED_TOKEN_REVOKED in actions


def test_a_coordinator_manages_who_may_sign_in(world: World) -> None:
    """Adding someone as S002's staff lets them in to S002 only; the last coordinator stays."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["access"])
    run(at)
    at.text_input(key="ir_identity_email").set_value("Birch@Example.org ")
    at.selectbox(key="ir_identity_role").set_value(Role.SETTING)
    at.selectbox(key="ir_identity_setting").set_value("S002")
    next(b for b in at.button if b.label == "Save").click()
    run(at)
    added = repo.get_identity(world.store(), "birch@example.org")
    assert added == Identity("birch@example.org", Role.SETTING, "S002")

    birch = run(signed_in("birch@example.org"))
    assert "Birch Pre-school" in rendered(birch) and "Acorn" not in rendered(birch)

    at.selectbox(key="ir_identity_remove_who").set_value(COORDINATOR)
    next(b for b in at.button if b.label == "Remove").click()
    run(at)
    assert any("Tick the box" in w.value for w in at.warning)  # asks first
    at.checkbox(key="ir_identity_remove_sure").check()
    next(b for b in at.button if b.label == "Remove").click()
    run(at)
    assert any("last coordinator" in e.value for e in at.error)
    assert repo.get_identity(world.store(), COORDINATOR) is not None


def test_an_opened_version_becomes_the_working_plan_again(world: World) -> None:
    """ "Work on version 1" from the Versions page: the Plan page shows version 1 (published);
    a re-plan from it is saved as version 3 under that note and keeps C001's slot."""
    at = open_version(COORDINATOR, 1)
    at.button(key="ir_version_work").click()
    run(at)
    assert at.title[0].value == "Termly rota"  # the Plan page
    assert at.session_state[state.WORKING].version == 1
    at.switch_page(PAGE_FILES["plan"])  # AppTest's next run starts from the menu's page
    run(at)
    at.slider(key="ir_time_limit").set_value(5)
    at.button(key="ir_replan").click()
    wait_for_solve(run(at))
    info = repo.version_info(world.store(), 3)
    assert (info.note, info.saved_by) == ("re-plan of version 1 (published)", COORDINATOR)
    working = at.session_state[state.WORKING]
    assert working.version == 3
    kept = {a.child_id: (a.date, a.start) for a in working.plan.appointments}
    assert kept["C001"] == (REVIEW_DAY, hm("10:00"))
    assert repo.published_version(world.store()).version == 1  # type: ignore[union-attr]


def test_plans_weights_and_pins_are_saved_and_audited(world: World) -> None:
    """A new plan becomes version 3 by the coordinator; a what-if kept with a new weight and pin
    changes are audited under the coordinator's address."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["plan"])
    run(at)
    at.slider(key="ir_time_limit").set_value(5)
    at.number_input(key="ir_link_limit").set_value(1)
    at.button(key="ir_generate").click()
    wait_for_solve(run(at))
    assert at.session_state[state.WORKING].version == 3
    assert repo.version_info(world.store(), 3).saved_by == COORDINATOR

    next(b for b in at.button if b.label == "Pin every current link").click()
    run(at)
    at.switch_page(PAGE_FILES["priorities"])
    run(at)
    at.slider(key="ir_weight_funded_two").set_value(9.0)
    at.slider(key="ir_whatif_limit").set_value(3)
    next(b for b in at.button if b.label == "Try these priorities").click()
    wait_for_solve(run(at))
    at.button(key="ir_whatif_keep").click()
    run(at)
    assert at.session_state[state.WORKING].version == 4
    at.switch_page(PAGE_FILES["plan"])
    run(at)
    at.button(key="ir_pins_remove").click()
    run(at)
    at.button(key="ir_pins_remove_yes").click()  # asked once
    run(at)

    actions = [e.action for e in repo.list_audit(world.store(), actor=COORDINATOR)]
    for expected in (
        AuditAction.PLAN_GENERATED,
        AuditAction.WEIGHTS_CHANGED,
        AuditAction.PIN_ADDED,
        AuditAction.PIN_REMOVED,
    ):
        assert expected in actions, expected
    assert repo.current_pins(world.store()) == []


def test_stored_pins_for_other_data_are_left_alone(world: World) -> None:
    """A session writes back only its changes to the pins: other data's pins stay (which pins
    fit the data is scheduler.pins.pins_that_fit, tested in test_pins.py)."""
    mine = Pin("link", setting_id="S001", practitioner_id="P001")
    moved = Pin("appointment", setting_id="S001", child_id="C001", date=REVIEW_DAY, start=600)
    foreign = [
        Pin("link", setting_id="S001", practitioner_id="P999"),  # unknown practitioner
        Pin("appointment", setting_id="S001", child_id="C002", date=REVIEW_DAY),  # not at S001
        Pin("appointment", setting_id="S001", child_id="C001", date=date(2025, 1, 7)),  # term
        Pin("link", setting_id="S999", practitioner_id="P001"),  # unknown setting
    ]

    store = world.store()
    for pin in [*foreign, mine]:
        repo.add_pin(store, pin, actor="test")
    boss = Identity(COORDINATOR, Role.COORDINATOR)
    storage.sync_pins([mine], [moved], boss)
    assert repo.current_pins(store) == [*foreign, moved]
    actions = [e.action for e in repo.list_audit(store, actor=COORDINATOR)]
    assert actions == [AuditAction.PIN_ADDED, AuditAction.PIN_REMOVED]  # newest first


def open_version(email: str, version: int) -> AppTest:
    """The Versions page, signed in as ``email``, with ``version`` opened."""
    at = run(signed_in(email))
    at.switch_page(PAGE_FILES["versions"])
    run(at)
    at.selectbox(key="ir_version_open").set_value(version)
    return run(at)


def wait_for_solve(at: AppTest, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while at.session_state[state.JOB] is not None:
        assert time.monotonic() < deadline, "the solve did not finish in time"
        time.sleep(0.2)
        run(at)


# --- without a provider ---------------------------------------------------------------------


def test_without_a_provider_one_local_coordinator_with_a_notice(world: World) -> None:
    """No [auth] section: the app runs as the local coordinator and says so in the sidebar."""
    at = AppTest.from_file(APP, default_timeout=30)
    run(at)
    assert at.title[0].value == "Data"
    assert any("No sign-in is configured" in i.value for i in at.sidebar.info)


@pytest.mark.parametrize(
    ("address", "local"),
    [("localhost", True), ("127.0.0.1", True), ("::1", True), ("0.0.0.0", False), (None, False)],
)
def test_the_local_coordinator_exists_only_on_a_loopback_address(
    monkeypatch: pytest.MonkeyPatch, address: str | None, local: bool
) -> None:
    """Without sign-in, a server listening beyond this computer lets nobody in."""
    fake_request(monkeypatch, {"Host": "localhost:8501"}, "127.0.0.1")
    with patch_config_options({"server.address": address, "global.appTest": False}):
        assert auth.served_locally() is local


def fake_request(monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], remote: str) -> None:
    """``st.context`` as a request with these headers from this address would have it."""
    import streamlit as st
    from streamlit.runtime.context import StreamlitHeaders

    fake = type("Context", (), {"headers": StreamlitHeaders(headers.items()), "ip_address": remote})
    monkeypatch.setattr(st, "context", fake())
    monkeypatch.setattr(auth, "get_script_run_ctx", lambda **_: object())  # a served run


def test_bare_mode_is_not_a_request() -> None:
    """The script imported by plain Python (no server, no run context) serves nobody: the
    check does not refuse it (a refusal page there would only crash the import)."""
    with patch_config_options({"server.address": "localhost", "global.appTest": False}):
        assert auth.served_locally() is True


LOCAL_HOST = {"Host": "localhost:8501"}


@pytest.mark.parametrize(
    ("headers", "remote", "local"),
    [
        (LOCAL_HOST, "127.0.0.1", True),
        ({"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, "127.0.0.1", True),
        ({**LOCAL_HOST, "X-Forwarded-For": "203.0.113.9"}, "127.0.0.1", False),
        ({**LOCAL_HOST, "Forwarded": "for=203.0.113.9"}, "127.0.0.1", False),
        (LOCAL_HOST, "203.0.113.9", False),
        ({"Host": "evil.example:8501"}, "127.0.0.1", False),  # DNS rebinding
        ({**LOCAL_HOST, "Origin": "http://evil.example"}, "127.0.0.1", False),  # cross-site
        ({}, "127.0.0.1", False),  # no Host at all
    ],
)
def test_a_relayed_remote_or_rebound_request_is_not_local(
    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], remote: str, local: bool
) -> None:
    """Even on localhost, a request a proxy relayed, from elsewhere, or addressed to another
    host name (a DNS-rebinding page) or from another site's page gets no coordinator."""
    fake_request(monkeypatch, headers, remote)
    with patch_config_options({"server.address": "localhost", "global.appTest": False}):
        assert auth.served_locally() is local


@pytest.fixture(autouse=True)
def _fresh_store_handles() -> Iterator[None]:
    """Each test's store URL is new; drop cached handles so files can be removed."""
    yield
    storage._open.cache_clear()


def test_a_removed_or_moved_identitys_download_buttons_stop_working(world: World) -> None:
    """A download drawn for someone is checked against the store when clicked: once they are
    removed, or moved to another setting, the button builds nothing and audits nothing."""
    from scheduler.store.access import AccessDenied, Action

    store = world.store()
    seen = repo.get_identity(store, SETTING_ONE)
    assert seen is not None

    def button() -> Callable[[], bytes]:
        return storage.audited(
            lambda: b"calendar",
            seen,
            Action.DOWNLOAD_CALENDARS,
            AuditAction.CALENDAR_EXPORTED,
            target="setting:S001",
            setting_id="S001",
        )

    assert button()() == b"calendar"  # while they may
    drawn_then_moved, drawn_then_removed = button(), button()
    repo.set_identity(store, SETTING_ONE, Role.SETTING, setting_id="S002", actor="test")
    with pytest.raises(AccessDenied):
        drawn_then_moved()
    repo.remove_identity(store, SETTING_ONE, actor="test")
    with pytest.raises(AccessDenied):
        drawn_then_removed()
    exported = repo.list_audit(store, action=AuditAction.CALENDAR_EXPORTED, actor=SETTING_ONE)
    assert len(exported) == 1  # only the click made while they were allowed


def test_access_defaults_to_least_privilege_and_asks_before_deleting(world: World) -> None:
    """A new person starts as a setting's staff (and must be given a setting); the purge form
    suggests no date, only previews, and deleting needs the box ticked."""
    at = run(signed_in(COORDINATOR))
    at.switch_page(PAGE_FILES["access"])
    run(at)
    assert at.selectbox(key="ir_identity_role").value == Role.SETTING
    at.text_input(key="ir_identity_email").set_value("new@example.org")
    next(b for b in at.button if b.label == "Save").click()
    run(at)
    assert any("Choose their setting" in e.value for e in at.error)
    assert repo.get_identity(world.store(), "new@example.org") is None

    old_term = {"name": "Autumn 2019", "start": "2019-09-02", "end": "2019-12-20", "exclude": []}
    old = make_authority(children=[make_child("C009")], config=make_config(term=old_term))
    repo.save_plan(world.store(), make_plan(old), old, actor="test")
    assert at.date_input(key="ir_purge_before").value is None  # no date suggested
    assert not [b for b in at.button if b.label == "Delete for good"]  # only after a preview
    at.date_input(key="ir_purge_before").set_value(date(2020, 1, 1))
    next(b for b in at.button if b.label == "Show what would go").click()
    run(at)
    assert any("would delete the children's data of 1 dataset(s)" in i.value for i in at.info)
    delete = at.button(key="ir_purge_delete")
    assert delete.disabled and delete.proto.type != "primary"
    assert len(repo.list_versions(world.store())) == 3  # nothing deleted by looking
    at.checkbox(key="ir_purge_confirm").check()
    run(at)
    at.button(key="ir_purge_delete").click()
    run(at)
    assert any("Deleted the children's data of 1 dataset(s)" in s.value for s in at.success)
