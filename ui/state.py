"""What one user's session holds: the loaded data, the working plan, a what-if, pins and the
running solve.

The **working plan** is the plan the coordinator is looking at. It is never only in the tab: a
session opens on what the plan store holds for its data (the published plan when it was made
from these data, else the newest draft of them: :func:`scheduler.working.opening_version`), and
every plan made on the Plan page (a new plan, a re-plan, "continue", a re-plan from today) is
saved as the next *draft* version, with a note saying what it was. A service lead's **what-if**
(Priorities page) is not saved: it sits beside the working plan, before and after, until the
lead keeps it as a draft or drops it. Only publishing (Versions page) changes what settings see.

Everything else lives in ``st.session_state`` and disappears with the session; nothing personal
is cached across users (no ``st.cache_data``/``st.cache_resource``) or written to disk other
than through the store.

The data a session starts on is the bundled sample authority, or the folder named by the
environment variable ``SCHEDULER_UI_DATA`` (``scheduler demo`` and the tests set it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from scheduler.config import Config
from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.io.load import LoadResult, load_authority, load_authority_from_upload
from scheduler.matching.links import LinkBasis
from scheduler.pins import pins_that_fit
from scheduler.pipeline import PlanOptions, PlanResult
from scheduler.plan import Pin, Plan
from scheduler.scheduling.solve import PieceBound
from scheduler.store import repository as repo
from scheduler.store.access import AccessDenied, Action, Identity, can
from scheduler.store.records import VersionInfo
from scheduler.wording import weight_label
from scheduler.working import data_hashes, dataset_hash, opening_version, result_of_version
from ui import auth, storage
from ui.background import JobKind, SolveJob, start_solve

DATA_ENV = "SCHEDULER_UI_DATA"
"""Environment variable: the data folder (or workbook, or zip) a new session starts on."""

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "data" / "sample"

# Session state keys (one place, so pages and tests agree).
DATA = "ir_data"
SOURCE = "ir_source"
WARNINGS = "ir_warnings"
UPLOAD_PROBLEMS = "ir_upload_problems"
DATA_HASH = "ir_data_hash"
WORKING = "ir_working"
OPENED = "ir_opened"
LAST_CHANGE = "ir_last_change"
WHAT_IF = "ir_what_if"
PROVEN = "ir_proven_pieces"
"""The pieces and bounds of the session's last plan or what-if: the next what-if's bounds
start from them as well as from the working plan's (which has none once read back)."""
LINK_BASIS = "ir_link_basis"
"""The session's last link problem (weights aside): a what-if prices it again when it fits,
also from a plan read back from the store (which has none)."""
JOB = "ir_job"
JOB_BEFORE = "ir_job_before"
JOB_PREVIOUS_VERSION = "ir_job_previous_version"
JOB_NOTE = "ir_job_note"
JOB_PROBLEMS = "ir_job_problems"
JOB_FAILED = "ir_job_failed"
JOB_IDENTITY = "ir_job_identity"
SAVE_FAILED = "ir_save_failed"
PINS = "ir_pins"
PINS_VERSION = "ir_pins_version"
PLAN_VERSION = "ir_plan_version"
MEMO = "ir_memo"

T = TypeVar("T")


@dataclass(frozen=True)
class DataSource:
    """Where the session's data came from, for the Data page's heading."""

    label: str
    sample: bool


@dataclass(frozen=True)
class Working:
    """The plan the session works on, the data it was made from (with the config it was made
    with) and its place in the store."""

    authority: Authority
    result: PlanResult
    info: VersionInfo | None
    """The stored version (``None``: saving failed; the plan is in this session only)."""

    @property
    def plan(self) -> Plan:
        return self.result.plan

    @property
    def version(self) -> int | None:
        return self.info.version if self.info is not None else None

    def describe(self) -> str:
        """``draft version 5`` / ``version 3 (published)`` / ``an unsaved plan``."""
        if self.info is None:
            return "an unsaved plan"
        if self.info.published:
            return f"version {self.info.version} (published)"
        return f"draft version {self.info.version}"


@dataclass(frozen=True)
class WhatIf:
    """A service lead's what-if: the working plan before, the plan under other priorities."""

    before: Working
    authority: Authority
    result: PlanResult
    changed: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """Priority weights changed: name → (before, after)."""


@dataclass(frozen=True)
class Change:
    """The last re-plan's before and after (for "what changed" on the Plan page)."""

    before: Working
    after: Working
    kind: JobKind


def start_path() -> Path:
    """The data a new session starts on."""
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else SAMPLE_DATA


def prepare() -> None:
    """Run at the top of every page: load the starting data once, collect a finished solve,
    and open the store's plan for these data once.

    Only for people who may see every setting: a setting user never gets the whole authority.
    """
    if not can(auth.current_identity(), Action.VIEW_ALL_SETTINGS):
        raise AccessDenied("not allowed: the whole authority's data")
    if DATA not in st.session_state:
        path = start_path()
        try:
            loaded = load_authority(path)
        except InputError as exc:
            st.session_state[DATA] = None
            st.session_state[UPLOAD_PROBLEMS] = list(exc.problems)
            st.session_state[SOURCE] = DataSource(f"the bundled data at {path.name}", True)
            st.session_state[OPENED] = True
        else:
            _install(loaded, DataSource(_describe(path), path == SAMPLE_DATA))
    collect_finished_job()
    if not st.session_state.get(OPENED):
        # Marked opened only once it is: a run interrupted on the way (a quick click starts
        # the next run) must not leave the session without the stored plan.
        _open_stored()
        st.session_state[OPENED] = True


def _describe(path: Path) -> str:
    return "the bundled sample authority" if path == SAMPLE_DATA else f"the data in {path.name}"


def _install(loaded: LoadResult, source: DataSource) -> None:
    """Make ``loaded`` the session's data; the working plan is then the store's for them."""
    job = st.session_state.get(JOB)
    if isinstance(job, SolveJob):
        job.request_stop()
    st.session_state.update(
        {
            DATA: loaded.authority,
            SOURCE: source,
            WARNINGS: list(loaded.warnings),
            UPLOAD_PROBLEMS: None,
            DATA_HASH: dataset_hash(loaded.authority),
            WORKING: None,
            OPENED: False,
            LAST_CHANGE: None,
            WHAT_IF: None,
            PROVEN: (),
            LINK_BASIS: None,
            JOB: None,
            MEMO: {},
            PINS: _stored_pins_for(loaded.authority),
            PINS_VERSION: st.session_state.get(PINS_VERSION, 0) + 1,
            PLAN_VERSION: st.session_state.get(PLAN_VERSION, 0) + 1,
        }
    )


def _open_stored() -> None:
    """Open the store's plan for these data (published, else the newest draft), if any: as
    loaded, or with the outcomes recorded in the store merged in (a re-plan from today)."""
    loaded = data()
    if loaded is None:
        return
    try:
        stored = [r.outcome for r in repo.list_outcomes(storage.store())]
        hashes = data_hashes(loaded, stored)
        chosen = opening_version(repo.list_versions(storage.store()), hashes)
        if chosen is not None:
            open_version(chosen.version)
    except repo.StoreError:  # e.g. purged meanwhile: start without a plan
        storage.log.warning("could not open the stored plan for these data")


def open_version(version: int) -> Working:
    """Make stored ``version`` the working plan (its data and config, checked again)."""
    stored = repo.open_version(storage.store(), version)
    working = Working(stored.authority, result_of_version(storage.store(), stored), stored.info)
    _set_working(working)
    st.session_state[LAST_CHANGE] = None
    return working


def _set_working(working: Working | None) -> None:
    st.session_state[WORKING] = working
    st.session_state[PLAN_VERSION] = plan_version() + 1
    st.session_state[MEMO] = {}


def adopt(authority: Authority, result: PlanResult, info: VersionInfo | None) -> None:
    """Make a plan made outside a solve (a booking between plans) the working plan, with the
    one it replaces as "before"."""
    before = working()
    after = Working(authority, result, info)
    _set_working(after)
    st.session_state[LAST_CHANGE] = Change(before, after, "replan") if before else None


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
    st.session_state.pop(DATA, None)
    prepare()


def data() -> Authority | None:
    """The data as loaded (with their own config.toml)."""
    value = st.session_state.get(DATA)
    return value if isinstance(value, Authority) else None


def working() -> Working | None:
    value = st.session_state.get(WORKING)
    return value if isinstance(value, Working) else None


def authority() -> Authority | None:
    """The data to plan with: the working plan's (with the config it was made with, which may
    be a kept what-if's), else the data as loaded."""
    current = working()
    return current.authority if current is not None else data()


def base_config() -> Config | None:
    """The config as loaded from the data, before any what-if."""
    loaded = data()
    return loaded.config if loaded is not None else None


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
    """The working plan's result, if there is a working plan."""
    current = working()
    return current.result if current is not None else None


def last_change() -> Change | None:
    value = st.session_state.get(LAST_CHANGE)
    return value if isinstance(value, Change) else None


def what_if() -> WhatIf | None:
    value = st.session_state.get(WHAT_IF)
    return value if isinstance(value, WhatIf) else None


def _proven_pieces() -> tuple[PieceBound, ...]:
    value = st.session_state.get(PROVEN)
    return value if isinstance(value, tuple) else ()


def _link_basis() -> LinkBasis | None:
    value = st.session_state.get(LINK_BASIS)
    return value if isinstance(value, LinkBasis) else None


def plan_version() -> int:
    """Increases with every plan that lands; keys the per-plan download cache."""
    return int(st.session_state.get(PLAN_VERSION, 0))


def data_hash() -> str | None:
    value = st.session_state.get(DATA_HASH)
    return value if isinstance(value, str) else None


# --- pins -----------------------------------------------------------------------------------


def pins() -> list[Pin]:
    return list(st.session_state.get(PINS) or [])


def pins_version() -> int:
    """Changes whenever pins are replaced outside the editor (resets the editor's edits)."""
    return int(st.session_state.get(PINS_VERSION, 0))


def _stored_pins_for(loaded: Authority) -> list[Pin]:
    """The store's pins that name this data's settings and children."""
    try:
        return pins_that_fit(loaded, storage.stored_pins())
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


# --- solves ---------------------------------------------------------------------------------


def job() -> SolveJob | None:
    value = st.session_state.get(JOB)
    return value if isinstance(value, SolveJob) else None


def start_job(
    kind: JobKind,
    data: Authority,
    options: PlanOptions,
    *,
    previous: Plan | None = None,
    warm: PlanResult | None = None,
    note: str,
    compare_with: Working | None = None,
) -> SolveJob:
    """Start a solve for this session (a running one is stopped first). ``note`` is what the
    saved draft is labelled with (what-ifs are not saved); the result is compared with
    ``compare_with`` (default: the working plan)."""
    identity = auth.current_identity()
    if identity is None or not can(identity, Action.GENERATE_PLAN):
        raise AccessDenied("not allowed: generate a plan")
    running = job()
    if running is not None:
        running.request_stop()
    started = start_solve(
        data,
        options,
        kind=kind,
        pins=pins(),
        previous=previous,
        warm=warm,
        bounds_from=_proven_pieces() if kind == "what_if" else (),
        link_basis=_link_basis(),
    )
    before = compare_with or working()
    # a re-plan's draft records the version it was re-planned from (checked against it later)
    replanned_from = (
        before.version
        if previous is not None and before is not None and before.plan is previous
        else None
    )
    if kind == "what_if":  # the last what-if's answer is superseded: nothing to keep from it
        st.session_state[WHAT_IF] = None
    st.session_state.update(
        {
            JOB: started,
            JOB_BEFORE: before,
            JOB_PREVIOUS_VERSION: replanned_from,
            JOB_NOTE: note,
            JOB_IDENTITY: identity,
            JOB_PROBLEMS: None,
            JOB_FAILED: False,
        }
    )
    return started


def collect_finished_job() -> SolveJob | None:
    """If the session's solve has ended, keep its plan (or its problems); returns the job.

    A what-if's plan waits beside the working plan; any other becomes the working plan and is
    saved as the next draft.
    """
    finished = job()
    if finished is None or finished.running:
        return None
    st.session_state[JOB] = None
    outcome = finished.result
    if outcome is None:
        st.session_state[JOB_PROBLEMS] = finished.problems
        st.session_state[JOB_FAILED] = finished.failed
        return finished
    st.session_state[PROVEN] = outcome.piece_bounds
    st.session_state[LINK_BASIS] = outcome.links.basis
    before = st.session_state.get(JOB_BEFORE)
    before = before if isinstance(before, Working) else None
    if finished.kind == "what_if" and before is not None:
        old, new = before.authority.config.priorities, finished.authority.config.priorities
        changed = {
            name: (float(getattr(old, name)), float(getattr(new, name)))
            for name in type(new).model_fields
            if getattr(old, name) != getattr(new, name)
        }
        st.session_state[WHAT_IF] = WhatIf(before, finished.authority, outcome, changed)
        return finished
    note = str(st.session_state.get(JOB_NOTE) or "plan")
    after = _save(finished.authority, outcome, note)
    _set_working(after)
    st.session_state[WHAT_IF] = None
    st.session_state[LAST_CHANGE] = (
        Change(before, after, finished.kind) if before is not None else None
    )
    return finished


def _save(data: Authority, outcome: PlanResult, note: str) -> Working:
    """Keep a plan as the store's next draft (who made it, from what); on failure the plan
    stays in this session, marked unsaved."""
    identity = st.session_state.get(JOB_IDENTITY) or auth.current_identity()
    st.session_state[SAVE_FAILED] = False
    if not isinstance(identity, Identity):
        return Working(data, outcome, None)
    try:
        previous_version = st.session_state.get(JOB_PREVIOUS_VERSION)
        info = storage.save_version(
            data,
            outcome.plan,
            identity,
            note=note,
            previous_version=previous_version if isinstance(previous_version, int) else None,
        )
    except Exception as exc:  # the plan stays in the session; the page says it was not saved
        # the type only: a database error's text can quote the rows it was writing
        storage.log.error("saving the plan as a new version failed: %s", type(exc).__name__)
        st.session_state[SAVE_FAILED] = True
        return Working(data, outcome, None)
    return Working(data, outcome, info)


def keep_what_if() -> Working | None:
    """Keep the what-if as the next draft; it becomes the working plan."""
    current = what_if()
    if current is None:
        return None
    identity = auth.current_identity()
    if identity is None or not can(identity, Action.GENERATE_PLAN):
        raise AccessDenied("not allowed: save a plan")
    st.session_state[JOB_IDENTITY] = identity
    changes = ", ".join(
        f"{weight_label(name)} {old:g} → {new:g}" for name, (old, new) in current.changed.items()
    )
    note = "what-if kept" + (f": {changes}" if changes else "")
    after = _save(current.authority, current.result, note[:500])
    _set_working(after)
    st.session_state[LAST_CHANGE] = Change(current.before, after, "what_if")
    st.session_state[WHAT_IF] = None
    return after


def drop_what_if() -> None:
    st.session_state[WHAT_IF] = None


def save_failed() -> bool:
    return bool(st.session_state.get(SAVE_FAILED))


def job_problems() -> list[Problem] | None:
    """Problems (bad pins) that stopped the last solve."""
    value = st.session_state.get(JOB_PROBLEMS)
    return list(value) if value else None


def job_failed() -> bool:
    return bool(st.session_state.get(JOB_FAILED))


# --- per-plan memo --------------------------------------------------------------------------


def memo(key: str, build: Callable[[], T]) -> T:
    """Build something from the current plan once per plan (per session, in memory)."""
    store: dict[tuple[int, str], Any] = st.session_state.setdefault(MEMO, {})
    slot = (plan_version(), key)
    if slot not in store:
        store[slot] = build()
    value: T = store[slot]
    return value
