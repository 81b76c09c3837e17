"""A real Ray cluster for the tests: ``ray start --head`` on this machine, and a way to find
(and end) exactly the processes it started, never anyone else's.

Every process of a test cluster inherits a unique marker in its environment, which outlives
Ray's renaming of its workers (``ray::IDLE``); teardown kills the marked processes by id
(``ray stop`` would stop every Ray on the machine) and the tests assert none is left.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

MARKER_VAR = "SCHEDULER_TEST_RAY_MARKER"
RAY = str(Path(sys.executable).with_name("ray"))
STARTUP_SECONDS = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def marked_processes(marker: str) -> dict[int, str]:
    """Live processes (not zombies) carrying ``marker``, with their command line."""
    needle = f"{MARKER_VAR}={marker}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue  # gone meanwhile, or a zombie
        found[int(entry.name)] = command
    return found


def end_marked(marker: str, timeout: float = 20.0) -> dict[int, str]:
    """Kill the marked processes by id until none is left; returns any that survived."""
    deadline = time.monotonic() + timeout
    while (left := marked_processes(marker)) and time.monotonic() < deadline:
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    return marked_processes(marker)


def wait_until_gone(marker: str, timeout: float = 20.0) -> dict[int, str]:
    """Wait for the marked processes to end by themselves; returns any still running."""
    deadline = time.monotonic() + timeout
    while (left := marked_processes(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def marked_env(marker: str) -> dict[str, str]:
    """The environment of a marked process: token authentication on, usage statistics off."""
    return {
        **os.environ,
        MARKER_VAR: marker,
        "RAY_AUTH_MODE": "token",
        "RAY_USAGE_STATS_ENABLED": "0",
    }


@dataclass(frozen=True)
class Head:
    address: str
    marker: str


@contextmanager
def ray_head(cpus: int = 2) -> Iterator[Head]:
    """A one-node Ray cluster (``cpus`` CPUs) for the duration of the block.

    Token authentication is on (RAY_AUTH_MODE=token, as a cluster should run); the caller's
    process needs the same setting to join it.
    """
    marker = uuid.uuid4().hex
    temp = tempfile.mkdtemp(prefix="rt", dir="/tmp")  # short: Ray's socket paths must fit
    port = free_port()
    log = open(Path(temp) / "ray-start.log", "w")  # noqa: SIM115 (closed below)
    head = subprocess.Popen(
        [
            RAY,
            "start",
            "--head",
            "--block",
            "--node-ip-address=127.0.0.1",
            f"--port={port}",
            f"--num-cpus={cpus}",
            "--include-dashboard=false",
            f"--ray-client-server-port={free_port()}",
            f"--dashboard-agent-listen-port={free_port()}",
            f"--temp-dir={temp}",
            "--disable-usage-stats",
        ],
        env=marked_env(marker),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield Head(address=f"127.0.0.1:{port}", marker=marker)
    finally:
        left = end_marked(marker)
        head.wait(timeout=30)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)
        assert not left, f"Ray processes left behind: {left}"


def wait_for(address: str) -> None:
    """Block until a driver can join the cluster at ``address`` (Ray takes seconds to start)."""
    import ray

    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
            ray.shutdown()
            return
        except (ConnectionError, RuntimeError):
            ray.shutdown()
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)
