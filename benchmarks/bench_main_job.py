"""The README's main job (`translate --target php` on the bundled sample, embedded defaults), on a
cold cache, as of an earlier commit and as of the working tree, one after the other.

Each side runs the real CLI in its own process with its own empty cache (`CODEFACTORY_CACHE`),
the earlier commit from a temporary git worktree. Printed per side: wall, LLM busy seconds,
completion and prompt tokens, the effective rate (completion tokens per second of LLM time,
prefill included), verified and rejected rows, peak RSS of the process; then how many replies
are the same on both sides (by task and attempt).

    .venv/bin/python benchmarks/bench_main_job.py [--before HEAD] [--limit 40]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import datasets

ROOT = Path(__file__).resolve().parents[1]
# The venv's editable install of codefactory finds the package ahead of PYTHONPATH, so each side
# drops that finder and imports codefactory from its own tree (argv[1]), and says which it ran.
BOOT = """
import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
sys.path.insert(0, sys.argv[1])
import codefactory
print(codefactory.__file__, file=sys.stderr)
from codefactory.cli.app import main
sys.argv = ["codefactory", *sys.argv[2:]]
main()
"""


def run_side(code: Path, scratch: Path, name: str, limit: int) -> dict[str, Any]:
    out = scratch / f"out-{name}"
    env = {**os.environ, "CODEFACTORY_CACHE": str(scratch / name)}
    args = ["translate", "--target", "php", "--output", str(out), "--limit", str(limit)]
    command = [sys.executable, "-c", BOOT, str(code), *args, "--quiet", "--json"]
    stdout, stderr = scratch / f"{name}.out", scratch / f"{name}.err"
    started = time.monotonic()
    with stdout.open("wb") as o, stderr.open("wb") as e:
        child = subprocess.Popen(command, env=env, stdout=o, stderr=e)
        _, status, usage = os.wait4(child.pid, 0)  # reaped here for its own peak RSS
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name}: {status=}\n{stderr.read_text()[-2000:]}")
    lines = stdout.read_text().splitlines()
    summary = json.loads("\n".join(lines[lines.index("{") :]))["php"]
    ran = stderr.read_text().splitlines()[0]
    if not ran.startswith(str(code)):
        raise SystemExit(f"{name} ran {ran}, not the code in {code}")
    totals = summary["funnel"]["totals"]
    busy = summary["generation_busy_s"]
    return {
        "wall_s": round(wall, 1),
        "llm_busy_s": busy,
        "completion_tokens": totals.get("completion_tokens", 0),
        "prompt_tokens": totals.get("prompt_tokens", 0),
        "effective_tok_s": round(totals.get("completion_tokens", 0) / busy, 2) if busy else None,
        "verified": summary["train_rows"],
        "rejected": summary["rejected_rows"],
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux gives KiB
        "replies": _replies(out),
    }


def _replies(out: Path) -> dict[str, str]:
    """Every row's reply by task and generation, train and rejected alike."""
    replies = {}
    for split in datasets.load_dataset(str(out)).values():  # train and rejected
        for row in split:
            replies[f"{row['task_id']}/{row['generation_key']}"] = row["reply"]
    return replies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="HEAD", help="git ref of the earlier side")
    parser.add_argument("--limit", type=int, default=40)
    a = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        before = scratch / "before-tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), a.before],
            check=True,
            capture_output=True,
        )
        try:
            sides = {
                f"before ({a.before})": run_side(before, scratch, "before", a.limit),
                "after (working tree)": run_side(ROOT, scratch, "after", a.limit),
            }
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)])
    keys = [k for k in next(iter(sides.values())) if k != "replies"]
    print(f"{'':<22}" + "".join(f"{k:>18}" for k in keys))
    for name, side in sides.items():
        print(f"{name:<22}" + "".join(f"{side[k]!s:>18}" for k in keys))
    (b, x) = (side["replies"] for side in sides.values())
    same = sum(b.get(k) == v for k, v in x.items())
    print(f"replies the same on both sides: {same} of {len(x)} (before had {len(b)})")


if __name__ == "__main__":
    main()
