"""kill -9 of a Ray run's driver, and every Ray process it started, mid-way; the rerun pays only
for what was not finished, through a shared directory store (what every node of a cluster
would reach) instead of the one-machine SQLite file."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import datasets
import pytest
from test_kill_resume import ROWS, _replies

from codefactory.core.cache import Cache


def test_kill_9_of_a_ray_run_then_resume_from_a_shared_store(
    tmp_path: Path, sandbox: object
) -> None:
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed: pip install -e '.[ray]'")
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    replies = tmp_path / "replies.json"
    out = tmp_path / "out"
    store = f"{tmp_path}/store/"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "CODEFACTORY_CACHE": store}
    args = [sys.executable, "-m", "codefactory", "translate", str(source), "--backend", "fake"]
    args += ["--model", str(replies), "--output", str(out), "--samples", "1", "--repair", "0"]
    args += ["--no-augment", "--quiet", "--json", "--engine", "ray", "--ray-address", "local"]

    def paid() -> int:
        return Cache(store).count("generation") if Path(store).exists() else 0

    replies.write_text(json.dumps(_replies(delay=1.5)))
    # Its own session: the kill takes the driver and the Ray it started (raylet, workers) at once.
    victim = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 180
    while paid() < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()
    before = paid()
    assert 2 <= before < 8, before
    assert not out.exists()

    replies.write_text(json.dumps(_replies(delay=0.0)))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    totals = json.loads(done.stdout)["php"]["funnel"]["totals"]
    assert totals["generations_from_cache"] >= before
    assert totals["completion_tokens"] == 20 * (8 - totals["generations_from_cache"])
    assert paid() == 8
    train = datasets.load_dataset(str(out))["train"]
    assert sorted(train["task_id"]) == [str(i) for i in range(8)]  # nothing lost, no duplicate
