"""Kill a codefactory process mid-run; the next start removes what it left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from codefactory.core.paths import runs_root
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sandbox.profile import LABEL, LABEL_PID

CHILD = """
import sys
from codefactory.core.languages import get_language
from codefactory.sandbox.docker_sandbox import DockerSandbox
php = get_language("php")
box = DockerSandbox(ahead=2)
print("started", flush=True)
box.run(php.image, php.run, {"main.php": b"<?php sleep(300);"}, php.limits)
"""


def _containers_of(sandbox: DockerSandbox, pid: int) -> list[dict[str, object]]:
    return list(sandbox.api.containers(all=True, filters={"label": f"{LABEL_PID}={pid}"}))


def test_reaper_removes_what_a_killed_run_left(sandbox: DockerSandbox) -> None:
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "started"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        running = sandbox.api.containers(
            filters={"label": [LABEL, f"{LABEL_PID}={child.pid}"], "status": "running"}
        )
        if running:
            break
        time.sleep(0.2)
    else:
        child.kill()
        raise AssertionError("the child's sandbox never started")
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert _containers_of(sandbox, child.pid), "nothing was left behind to reap"
    leftover_dirs = [p for p in runs_root().iterdir() if f"-{child.pid}-" in p.name]
    assert leftover_dirs

    DockerSandbox(ahead=0).close()  # a new start reaps

    assert _containers_of(sandbox, child.pid) == []
    assert not any(Path(p).exists() for p in leftover_dirs)
