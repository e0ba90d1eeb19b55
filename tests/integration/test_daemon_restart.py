"""A real `dockerd` restart in the middle of `codefactory verify`: the same verdicts as a run
without it, no lost row, no candidate blamed for our outage.

The test stops and starts the engine this machine's tests use, so it must always leave it up:
the restart runs in a detached shell (it completes even if pytest is killed mid-test), and a
`finally` starts the engine again the way `scripts/setup.sh` does if it is still down. Whatever
else uses the engine meanwhile sees the outage too (~6 s here).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest

FIXTURE = Path(__file__).parents[1] / "fixtures" / "mbpp_php.jsonl"
COPIES = 2  # 42 rows of the fixture and 6 slow ones: ~50 s a run here
# Candidates that take ~2 s a run, so that programs are running when the engine stops.
SLOW = {
    "code": "def add(a, b):\n    return a + b\n",
    "test_list": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"],
    "candidate": "function add($a, $b) { usleep(100000); return $a + $b; }",
}
SLOW_ROWS = 6
DOWN_S = 3.0  # how long the engine stays down
ENGINE_WAIT_S = 120.0
PIDFILE = Path("/var/run/docker.pid")
LOG = "/var/log/codefactory-dockerd.log"
# As scripts/setup.sh starts it when there is no systemd; appended so the old log survives.
START_DOCKERD = f"nohup dockerd >>{LOG} 2>&1 &"


def _systemd() -> bool:
    return Path("/run/systemd/system").is_dir() and shutil.which("systemctl") is not None


def _dockerd_pid() -> int | None:
    try:
        pid = int(PIDFILE.read_text().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        pass
    found = subprocess.run(["pidof", "dockerd"], capture_output=True, text=True, check=False)
    pids = found.stdout.split()
    return int(pids[0]) if len(pids) == 1 else None


def _engine_up() -> bool:
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _wait_engine(up: bool, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _engine_up() == up:
            return True
        time.sleep(0.3)
    return False


def _cannot_control() -> str | None:
    """Why this process cannot stop and start the engine, or None."""
    if os.geteuid() != 0:
        return "stopping dockerd needs root (run the docker tests as root, as CI does)"
    if _systemd():
        return None
    if shutil.which("dockerd") is None:
        return "no dockerd binary on PATH"
    if _dockerd_pid() is None:
        return "no single local dockerd process to restart (a remote or rootless engine?)"
    return None


def _restart_script(down_s: float) -> str:
    if _systemd():
        return f"systemctl stop docker; sleep {down_s}; systemctl start docker"
    pid = _dockerd_pid()
    # Waits for the old daemon to exit (its pidfile would stop a new one), then starts anew.
    return (
        f"kill -TERM {pid}; i=0; while kill -0 {pid} 2>/dev/null && [ $i -lt 600 ]; do "
        f"sleep 0.1; i=$((i+1)); done; kill -KILL {pid} 2>/dev/null; sleep {down_s}; "
        f"{START_DOCKERD}"
    )


def _ensure_engine() -> None:
    """Whatever happened, leave an engine that answers `docker info`."""
    if _wait_engine(True, ENGINE_WAIT_S):
        return
    if _systemd():
        subprocess.run(["systemctl", "restart", "docker"], check=False, timeout=120)
    elif _dockerd_pid() is None:
        subprocess.run(["sh", "-c", START_DOCKERD], check=False, start_new_session=True)
    assert _wait_engine(True, ENGINE_WAIT_S), f"dockerd did not come back: see {LOG}"


@pytest.fixture
def restartable(sandbox: object) -> Iterator[None]:
    reason = _cannot_control()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must be able to restart dockerd: {reason}")
        pytest.skip(reason)
    try:
        yield
    finally:
        _ensure_engine()


def _corpus(path: Path) -> None:
    """The fixture's rows, twice, with the slow ones between the copies: rows are done before,
    during and after the restart whatever the machine's speed."""
    lines = FIXTURE.read_text().splitlines()
    slow = [
        {**SLOW, "task_id": f"slow-{number}", "candidate": SLOW["candidate"] + f" // {number}"}
        for number in range(SLOW_ROWS)
    ]
    with path.open("w") as handle:
        for copy in range(COPIES):
            for number, line in enumerate(lines):
                row = json.loads(line)
                row["task_id"] = f"{row['task_id']}-{number}-{copy}"
                handle.write(json.dumps(row) + "\n")
            if copy == 0:
                handle.writelines(json.dumps(row) + "\n" for row in slow)


def _verify(source: Path, out: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "codefactory", "verify", "--target", "php", str(source)]
    args += ["--output", str(out), "--no-cache", "--quiet", "--json", "--concurrency", "4"]
    args += ["--no-dedup"]  # the corpus is copies on purpose: every row must come back
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


VERDICT = ("status", "tests_passed", "tests_total", "tests_from_source", "mutation_score")


def _verdicts(out: Path) -> dict[str, tuple[Any, ...]]:
    splits = datasets.load_dataset(str(out))  # verified rows in train, the others in rejected
    return {r["task_id"]: tuple(r[k] for k in VERDICT) for split in splits.values() for r in split}


def _our_containers(pid: int) -> int:
    found = subprocess.run(
        ["docker", "ps", "-q", "--filter", f"label=codefactory.pid={pid}"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return len(found.stdout.split())


def test_verify_survives_a_dockerd_restart(tmp_path: Path, restartable: None) -> None:
    source = tmp_path / "rows.jsonl"
    _corpus(source)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}

    calm = _verify(source, tmp_path / "calm", env)
    _, err = calm.communicate(timeout=600)
    assert calm.returncode == 0, err.decode()
    expected = _verdicts(tmp_path / "calm")
    assert len(expected) == COPIES * len(FIXTURE.read_text().splitlines()) + SLOW_ROWS

    stormy = _verify(source, tmp_path / "stormy", env)
    restarter = None
    try:
        deadline = time.monotonic() + 120
        while _our_containers(stormy.pid) == 0:  # the run is executing candidates
            assert stormy.poll() is None and time.monotonic() < deadline, "verify never started"
            time.sleep(0.2)
        time.sleep(2.0)
        while _our_containers(stormy.pid) == 0:  # stop the engine under running programs
            assert stormy.poll() is None, "verify ended before the restart"
            time.sleep(0.05)
        old_pid = _dockerd_pid()
        restarter = subprocess.Popen(
            ["sh", "-c", _restart_script(DOWN_S)],
            start_new_session=True,  # finishes the restart even if this process dies
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert _wait_engine(False, 60), "dockerd did not stop"
        assert stormy.poll() is None, "verify ended before the engine went down"
        assert _wait_engine(True, ENGINE_WAIT_S), f"dockerd did not come back: see {LOG}"
        assert _systemd() or _dockerd_pid() != old_pid
        _, err = stormy.communicate(timeout=600)
    finally:
        if stormy.poll() is None:
            stormy.send_signal(signal.SIGKILL)
            stormy.wait()
        if restarter is not None:
            restarter.wait(timeout=ENGINE_WAIT_S)
    assert stormy.returncode == 0, err.decode()
    got = _verdicts(tmp_path / "stormy")
    blamed = {k: v for k, v in got.items() if v[0] == "sandbox_error"}
    assert not blamed, f"left as sandbox_error after the retries: {blamed}"
    assert set(got) == set(expected), "rows lost or invented"
    differ = {k: (expected[k], got[k]) for k in expected if got[k] != expected[k]}
    assert not differ, f"verdicts changed by the restart (before, after): {differ}"
