"""A real Ray cluster for the tests: ``ray start --head`` on this machine, and a way to find
(and end) exactly the processes it started, never anyone else's.

A test cluster's processes are found two ways, since neither alone finds them all: workers
start their own process group but inherit a unique marker in their environment (which outlives
Ray's renaming of them to ``ray::IDLE``); Ray's agents get a trimmed environment but stay in
the process group of the command that started the cluster. Teardown kills exactly those
processes by id (``ray stop`` would stop every Ray on the machine), and the tests assert that
none is left.
"""

from __future__ import annotations

import importlib.util
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


@dataclass(frozen=True)
class Mark:
    """How to recognise one test cluster's processes: ``marker`` or process group ``group``."""

    marker: str
    group: int | None = None


def marked_processes(mark: Mark) -> dict[int, str]:
    """Live processes (not zombies) of the cluster, with their command line."""
    needle = f"{MARKER_VAR}={mark.marker}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            state, group = fields[0], int(fields[2])
            ours = group == mark.group or needle in (entry / "environ").read_bytes().split(b"\0")
            if not ours or state == "Z":
                continue
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError):
            continue  # gone meanwhile
        found[int(entry.name)] = command
    return found


def end_marked(mark: Mark, timeout: float = 20.0) -> dict[int, str]:
    """Kill the cluster's processes by id until none is left; returns any that survived."""
    deadline = time.monotonic() + timeout
    while (left := marked_processes(mark)) and time.monotonic() < deadline:
        for pid in left:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.2)
    return marked_processes(mark)


def wait_until_gone(mark: Mark, timeout: float = 20.0) -> dict[int, str]:
    """Wait for the cluster's processes to end by themselves; returns any still running."""
    deadline = time.monotonic() + timeout
    while (left := marked_processes(mark)) and time.monotonic() < deadline:
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
    mark: Mark
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def ray_head(cpus: int = 2) -> Iterator[Head]:
    """A one-node Ray cluster (``cpus`` CPUs) for the duration of the block.

    Token authentication is on (RAY_AUTH_MODE=token, as a cluster should run); the caller's
    process needs the same setting to join it.
    """
    marker = uuid.uuid4().hex
    temp = tempfile.mkdtemp(prefix="rt", dir="/tmp")  # short: Ray's socket paths must fit
    port = free_port()
    log_path = Path(temp) / "ray-start.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below)
    command = [
        RAY,
        "start",
        "--head",
        "--block",
        "--node-ip-address=127.0.0.1",
        f"--port={port}",
        f"--num-cpus={cpus}",
        "--include-dashboard=false",
        f"--dashboard-agent-listen-port={free_port()}",
        f"--temp-dir={temp}",
        "--disable-usage-stats",
    ]
    if importlib.util.find_spec("grpc") is not None:
        # Ray Client (ray[client], which needs grpc) listens on 10001 unless told otherwise;
        # without grpc Ray refuses the option and starts no client server at all
        command.append(f"--ray-client-server-port={free_port()}")
    head = subprocess.Popen(
        command,
        env=marked_env(marker),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    mark = Mark(marker, group=head.pid)  # start_new_session: its group is its pid
    try:
        yield Head(address=f"127.0.0.1:{port}", mark=mark, process=head, log=log_path)
    finally:
        left = end_marked(mark)
        head.wait(timeout=30)
        log.close()
        shutil.rmtree(temp, ignore_errors=True)
        assert not left, f"Ray processes left behind: {left}"


def _listening(address: str) -> bool:
    host, port = address.rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, int(port))) == 0


def wait_for(head: Head) -> None:
    """Block until a driver can join the cluster (Ray takes seconds to start); fail at once,
    with Ray's own words, if ``ray start`` gave up.

    ``ray.init`` is only tried once the cluster's port listens: against a cluster that never
    came up it waits minutes inside Ray.
    """
    import ray

    deadline = time.monotonic() + STARTUP_SECONDS
    while not _listening(head.address):
        if head.process.poll() is not None:
            tail = head.log.read_text(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"ray start exited ({head.process.returncode}): {tail}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the Ray head did not listen on {head.address}")
        time.sleep(0.5)
    address = head.address
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
