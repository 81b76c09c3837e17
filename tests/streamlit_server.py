"""What the tests that run a real Streamlit server share: the browser prerequisite, a free
port, starting ``streamlit run`` and waiting until it is healthy, and a small published store."""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from builders import (
    REVIEW_DAY,
    appointment_for,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_setting,
    make_unscheduled,
)

from scheduler.domain import Authority
from scheduler.io.write_data import write_authority
from scheduler.plan import ReasonCode
from scheduler.store import repository as repo
from scheduler.store.db import Store

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


def require_browser(*modules: str) -> None:
    """Skip without Chromium or the given Python modules; fail instead when REQUIRE_BROWSER=1."""
    problem = None
    if not CHROMIUM.exists():
        problem = f"Chromium is not installed at {CHROMIUM}"
    else:
        for name in ("playwright", "axe_playwright_python", *modules):
            try:
                importlib.import_module(name)
            except ImportError as exc:
                problem = f"{name} is missing: {exc}"
                break
    if problem:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(problem + " (REQUIRE_BROWSER=1)")
        pytest.skip(problem)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_streamlit(
    script: str,
    *,
    port: int,
    log_path: Path,
    env: dict[str, str],
    address: str = "127.0.0.1",
    extra: Sequence[str] = (),
) -> Iterator[str]:
    """``streamlit run script`` on localhost until the block ends; yields the base URL once
    ``/_stcore/health`` answers ok (fails the test with the server's log otherwise)."""
    command = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", address,
        "--browser.gatherUsageStats", "false",
        *extra,
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{address}:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited early:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not become healthy:\n{log_path.read_text()}")
            time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def two_settings() -> Authority:
    """C001 (Zara) at S001 (Acorn Nursery), C002 (Yusuf) at S002 (Birch Pre-school), and C003
    (Wren) at S001, whom the plan does not book."""
    return make_authority(
        settings=[
            make_setting("S001", name="Acorn Nursery"),
            make_setting("S002", name="Birch Pre-school", lat=51.56),
        ],
        key_persons=[make_key_person("K001"), make_key_person("K002", setting_id="S002")],
        children=[
            make_child("C001", name="Zara Quill"),
            make_child("C002", setting_id="S002", key_person_id="K002", name="Yusuf Rook"),
            make_child("C003", name="Wren Ash", funded=False),
        ],
    )


UNBOOKED_REASON = (
    "No time was left with P001 on the possible days: each had reviews of children who had "
    "to be seen sooner. Add a session or move a review."
)


def published_two_settings(url: str, data_folder: Path | None = None) -> Store:
    """A store at ``url`` with version 1 published: C001 (Zara) at S001 (Acorn Nursery) and
    C002 (Yusuf) at S002 (Birch Pre-school) booked, C003 (Wren, S001) not booked (capacity).
    With ``data_folder`` the data are written there too (a dashboard started on them opens on
    this plan). The caller disposes of the engine."""
    data = two_settings()
    if data_folder is not None:
        write_authority(data, data_folder)
    plan = make_plan(
        data,
        [
            appointment_for(data, "C001"),
            appointment_for(data, "C002", day=REVIEW_DAY + timedelta(days=1)),
        ],
        [make_unscheduled("C003", "S001", ReasonCode.CAPACITY, UNBOOKED_REASON)],
    )
    store = repo.open_store(url)
    repo.save_plan(store, plan, data, actor="test")
    repo.publish(store, 1, actor="test")
    return store
