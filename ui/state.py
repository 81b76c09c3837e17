"""What one user's session holds: the loaded data, the current plan, pins and the running solve.

Everything lives in ``st.session_state``, so it belongs to one browser session and disappears
with it. Nothing personal is cached across users (no ``st.cache_data``/``st.cache_resource``)
and nothing is written to disk.

The data a session starts on is the bundled sample authority, or the folder named by the
environment variable ``SCHEDULER_UI_DATA`` (the seam tests use to start on a small authority).

Only coordinators and service leads have this working copy of the whole authority (a setting
user's page reads the published plan, cut to their setting). Every plan that lands is saved
as the next version in the plan store; pins are kept in the store (each change audited) and a
session starts with the stored pins that fit its data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from scheduler.config import Config
from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.io.load import LoadResult, load_authority, load_authority_from_upload
from scheduler.pipeline import PlanOptions, PlanResult
from scheduler.plan import Pin, Plan
from scheduler.store.access import AccessDenied, Action, Identity, can
from ui import auth, storage
from ui.background import JobKind, SolveJob, start_solve

DATA_ENV = "SCHEDULER_UI_DATA"
"""Environment variable: the data folder (or workbook, or zip) a new session starts on."""

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "data" / "sample"

# Session state keys (one place, so pages and tests agree).
AUTHORITY = "ir_authority"
BASE_CONFIG = "ir_base_config"
SOURCE = "ir_source"
WARNINGS = "ir_warnings"
UPLOAD_PROBLEMS = "ir_upload_problems"
RESULT = "ir_result"
BEFORE = "ir_before"
JOB = "ir_job"
JOB_PROBLEMS = "ir_job_problems"
JOB_FAILED = "ir_job_failed"
PINS = "ir_pins"
PINS_VERSION = "ir_pins_version"
PLAN_VERSION = "ir_plan_version"
MEMO = "ir_memo"
JOB_IDENTITY = "ir_job_identity"
SAVED_VERSION = "ir_saved_version"
SAVE_FAILED = "ir_save_failed"
JOB_NOTE = "ir_job_note"

T = TypeVar("T")


@dataclass(frozen=True)
class DataSource:
    """Where the session's data came from, for the Data page's heading."""

    label: str
    sample: bool


def start_path() -> Path:
    """The data a new session starts on."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else SAMPLE_DATA


def prepare() -> None:
    """Run at the top of every page: load the starting data once, collect a finished solve.

    Only for people who may see every setting: a setting user never gets the whole authority.
    """
    if not can(auth.current_identity(), Action.VIEW_ALL_SETTINGS):
        raise AccessDenied("not allowed: the whole authority's data")
    if AUTHORITY not in st.session_state:
        path = start_path()
        try:
            loaded = load_authority(path)
        except InputError as exc:
            st.session_state[AUTHORITY] = None
            st.session_state[UPLOAD_PROBLEMS] = list(exc.problems)
            st.session_state[SOURCE] = DataSource(f"the bundled data at {path.name}", True)
        else:
            _install(loaded, DataSource(_describe(path), path == SAMPLE_DATA))
    collect_finished_job()


def _describe(path: Path) -> str:
    return "the bundled sample authority" if path == SAMPLE_DATA else f"the data in {path.name}"


def _install(loaded: LoadResult, source: DataSource) -> None:
    """Make ``loaded`` the session's data; a plan made on other data no longer applies."""
    st.session_state[AUTHORITY] = loaded.authority
    st.session_state[BASE_CONFIG] = loaded.authority.config
    st.session_state[SOURCE] = source
    st.session_state[WARNINGS] = list(loaded.warnings)
    st.session_state[UPLOAD_PROBLEMS] = None
    st.session_state[RESULT] = None
    st.session_state[BEFORE] = None
    st.session_state[SAVED_VERSION] = None
    st.session_state[PINS] = _stored_pins_for(loaded.authority)
    st.session_state[PINS_VERSION] = st.session_state.get(PINS_VERSION, 0) + 1
    st.session_state[MEMO] = {}
    job = st.session_state.get(JOB)
    if isinstance(job, SolveJob):
        job.request_stop()
    st.session_state[JOB] = None


def load_upload(files: Mapping[str, bytes]) -> list[Problem] | None:
    """Validate uploaded files; install them when clean, else keep the current data.

    Returns the problems (also kept for the Data page), or ``None`` when the data loaded.
    """
    try:
        loaded = load_authority_from_upload(files)
    except InputError as exc:
        st.session_state[UPLOAD_PROBLEMS] = list(exc.problems)
        return list(exc.problems)
    names = ", ".join(sorted(files))
    _install(loaded, DataSource(f"your upload ({names})", False))
    return None


def load_start_data() -> None:
    """Go back to the data the session started on."""
    st.session_state.pop(AUTHORITY, None)
    prepare()


def authority() -> Authority | None:
    """The session's validated data under the current (possibly what-if) config."""
    value = st.session_state.get(AUTHORITY)
    return value if isinstance(value, Authority) else None


def base_config() -> Config | None:
    """The config as loaded from the data, before any what-if."""
    value = st.session_state.get(BASE_CONFIG)
    return value if isinstance(value, Config) else None


def source() -> DataSource | None:
    value = st.session_state.get(SOURCE)
    return value if isinstance(value, DataSource) else None


def warnings() -> list[Problem]:
    return list(st.session_state.get(WARNINGS) or [])


def upload_problems() -> list[Problem] | None:
    """Problems of the last rejected upload (``None`` once data loaded cleanly)."""
    value = st.session_state.get(UPLOAD_PROBLEMS)
    return list(value) if value is not None else None


def result() -> PlanResult | None:
    """The current plan, if one was made."""
    value = st.session_state.get(RESULT)
    return value if isinstance(value, PlanResult) else None


def before() -> PlanResult | None:
    """The plan the last re-plan replaced (for before/after)."""
    value = st.session_state.get(BEFORE)
    return value if isinstance(value, PlanResult) else None


def plan_version() -> int:
    """Increases with every plan that lands; keys the per-plan download cache."""
    return int(st.session_state.get(PLAN_VERSION, 0))


# --- pins -----------------------------------------------------------------------------------


def pins() -> list[Pin]:
    return list(st.session_state.get(PINS) or [])


def pins_version() -> int:
    """Changes whenever pins are replaced outside the editor (resets the editor's edits)."""
    return int(st.session_state.get(PINS_VERSION, 0))


def _stored_pins_for(data: Authority) -> list[Pin]:
    """The store's pins that name this data's settings and children."""
    try:
        return storage.pins_for(data, storage.stored_pins())
    except Exception:  # the store is unreachable: start without pins rather than not at all
        storage.log.warning("could not read the stored pins")
        return []


def set_pins(new: Sequence[Pin], *, from_editor: bool = False) -> None:
    """Replace the pins (and save the change to the store, audited); unless they came from the
    editor itself, redraw the editor."""
    identity = auth.current_identity()
    if identity is None or not can(identity, Action.EDIT_PINS):
        raise AccessDenied("not allowed: edit pins")
    storage.sync_pins(pins(), list(new), identity)
    st.session_state[PINS] = list(new)
    if not from_editor:
        st.session_state[PINS_VERSION] = pins_version() + 1


# --- the solve ------------------------------------------------------------------------------


def job() -> SolveJob | None:
    value = st.session_state.get(JOB)
    return value if isinstance(value, SolveJob) else None


def start_job(
    kind: JobKind,
    data: Authority,
    options: PlanOptions,
    *,
    replan: bool = False,
    previous: Plan | None = None,
    note: str | None = None,
) -> SolveJob:
    """Start a solve for this session (a running one is stopped first).

    A re-plan starts from the session's plan (``replan``) or from ``previous``, a saved
    version's; ``note`` is what the saved result is labelled with.
    """
    identity = auth.current_identity()
    if identity is None or not can(identity, Action.GENERATE_PLAN):
        raise AccessDenied("not allowed: generate a plan")
    running = job()
    if running is not None:
        running.request_stop()
    current = result()
    if previous is None and replan and current is not None:
        previous = current.plan
    started = start_solve(data, options, kind=kind, pins=pins(), previous=previous)
    st.session_state[JOB_NOTE] = note
    st.session_state[JOB] = started
    st.session_state[JOB_IDENTITY] = identity
    st.session_state[JOB_PROBLEMS] = None
    st.session_state[JOB_FAILED] = False
    return started


def collect_finished_job() -> SolveJob | None:
    """If the session's solve has ended, keep its plan (or its problems); returns the job."""
    finished = job()
    if finished is None or finished.running:
        return None
    st.session_state[JOB] = None
    outcome = finished.result
    if outcome is not None:
        current = result()
        st.session_state[BEFORE] = current if finished.kind == "replan" else None
        st.session_state[RESULT] = outcome
        st.session_state[AUTHORITY] = finished.authority
        st.session_state[PLAN_VERSION] = plan_version() + 1
        st.session_state[MEMO] = {}
        _save(finished)
    else:
        st.session_state[JOB_PROBLEMS] = finished.problems
        st.session_state[JOB_FAILED] = finished.failed
    return finished


def _save(finished: SolveJob) -> None:
    """Keep the plan that just landed as the store's next version (who made it, from what)."""
    outcome = finished.result
    identity = st.session_state.get(JOB_IDENTITY)
    st.session_state[SAVED_VERSION] = None
    st.session_state[SAVE_FAILED] = False
    if outcome is None or not isinstance(identity, Identity):
        return
    note = st.session_state.get(JOB_NOTE) or ("re-plan" if finished.kind == "replan" else "plan")
    try:
        info = storage.save_version(finished.authority, outcome.plan, identity, note=note)
    except Exception as exc:  # the plan stays in the session; the page says it was not saved
        # the type only: a database error's text can quote the rows it was writing
        storage.log.error("saving the plan as a new version failed: %s", type(exc).__name__)
        st.session_state[SAVE_FAILED] = True
    else:
        st.session_state[SAVED_VERSION] = info.version


def saved_version() -> int | None:
    """The store's version number of the session's current plan (``None`` if not saved)."""
    value = st.session_state.get(SAVED_VERSION)
    return value if isinstance(value, int) else None


def save_failed() -> bool:
    return bool(st.session_state.get(SAVE_FAILED))


def job_problems() -> list[Problem] | None:
    """Problems (bad pins) that stopped the last solve."""
    value = st.session_state.get(JOB_PROBLEMS)
    return list(value) if value else None


def job_failed() -> bool:
    return bool(st.session_state.get(JOB_FAILED))


# --- per-plan memo for downloads ------------------------------------------------------------


def memo(key: str, build: Callable[[], T]) -> T:
    """Build something from the current plan once per plan (per session, in memory)."""
    store: dict[tuple[int, str], Any] = st.session_state.setdefault(MEMO, {})
    slot = (plan_version(), key)
    if slot not in store:
        store[slot] = build()
    value: T = store[slot]
    return value
