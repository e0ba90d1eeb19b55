"""kill -9 in the middle of `translate`; the rerun pays only for what was not finished."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import datasets

ROWS = [
    {
        "task_id": i,
        "code": f"def f{i}(a):\n    return a + {i}",
        "test_list": [f"assert f{i}(1) == {1 + i}"],
    }
    for i in range(8)
]


def _replies(delay: float) -> dict[str, object]:
    table: dict[str, object] = {
        f"def f{i}(": [f"```php\nfunction f{i}($a) {{ return $a + {i}; }}\n```"] for i in range(8)
    }
    table["__delay_s"] = delay
    return table


def _generations(cache: Path) -> int:
    if not cache.exists():
        return 0
    with sqlite3.connect(cache) as db:
        try:
            return int(
                db.execute("SELECT COUNT(*) FROM results WHERE kind = 'generation'").fetchone()[0]
            )
        except sqlite3.OperationalError:
            return 0


def test_kill_9_then_resume(tmp_path: Path, sandbox: object) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    replies = tmp_path / "replies.json"
    out = tmp_path / "out"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    cache = tmp_path / "cache" / "codefactory" / "cache.sqlite"
    args = [
        sys.executable,
        "-m",
        "codefactory",
        "translate",
        str(source),
        "--backend",
        "fake",
        "--model",
        str(replies),
        "--output",
        str(out),
        "--samples",
        "1",
        "--repair",
        "0",
        "--no-augment",
        "--quiet",
        "--json",
    ]

    replies.write_text(json.dumps(_replies(delay=0.7)))
    victim = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while _generations(cache) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    paid = _generations(cache)
    assert 3 <= paid < 8, paid
    assert not out.exists()

    replies.write_text(json.dumps(_replies(delay=0.0)))
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    totals = json.loads(done.stdout)["php"]["funnel"]["totals"]
    assert totals["generations_from_cache"] == paid
    assert totals["completion_tokens"] == 20 * (8 - paid)  # only the unfinished ones
    train = datasets.load_dataset(str(out))["train"]
    assert sorted(train["task_id"]) == [str(i) for i in range(8)]  # nothing lost, no duplicate
