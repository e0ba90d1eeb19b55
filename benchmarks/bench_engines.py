"""The Ray engine's overhead on one machine: the same translate run on `--engine local` and
`--engine ray`, side by side, with the model's replies cached and everything else paid.

Each run gets a fresh cache holding only the generation entries of your own cache (so no
model runs when the main job has been run once here), and pays the Python's tests and every
verdict in the sandbox. Prints each run's wall time, what it verified and the median ratio.

    .venv/bin/python benchmarks/bench_engines.py [--runs 2] [--limit 40] [--target php]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codefactory.core.paths import default_cache_path


def replies_only(source: Path, dest: Path) -> int:
    """A cache at `dest` with only the generation entries of `source`."""
    with sqlite3.connect(dest) as out:
        out.execute(
            "CREATE TABLE results (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
            " PRIMARY KEY (kind, key))"
        )
        if not source.is_file():
            return 0
        out.execute("ATTACH DATABASE ? AS mine", (str(source),))
        out.execute("INSERT INTO results SELECT * FROM mine.results WHERE kind = 'generation'")
        return int(out.execute("SELECT COUNT(*) FROM results").fetchone()[0])


def run(engine: str, target: str, limit: int, work: Path) -> tuple[float, dict[str, object]]:
    cache = work / f"{engine}.sqlite"
    replies_only(default_cache_path(), cache)
    args = [sys.executable, "-m", "codefactory", "translate", "--target", target]
    args += ["--limit", str(limit), "--output", str(work / engine), "--json", "--quiet"]
    args += ["--engine", engine] + (["--ray-address", "local"] if engine == "ray" else [])
    env = {**os.environ, "CODEFACTORY_CACHE": str(cache)}
    started = time.monotonic()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"{engine} run failed:\n{done.stderr[-2000:]}")
    lines = done.stdout.splitlines()
    summary = json.loads("\n".join(lines[lines.index("{") :]))[target]
    totals = summary["funnel"]["totals"]
    return wall, {
        "verified": summary["train_rows"],
        "rejected": summary["rejected_rows"],
        "replies_from_cache": totals.get("generations_from_cache"),
        "completion_tokens_paid": totals.get("completion_tokens"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--target", default="php")
    a = parser.parse_args()
    walls: dict[str, list[float]] = {"local": [], "ray": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.runs):
            for engine in ("local", "ray"):  # interleaved: the machine's noise hits both
                work = Path(tmp) / f"run{i}"
                work.mkdir(exist_ok=True)
                wall, facts = run(engine, a.target, a.limit, work)
                walls[engine].append(wall)
                print(f"run {i} {engine:5s} {wall:7.1f} s  {json.dumps(facts)}", flush=True)
    local, on_ray = statistics.median(walls["local"]), statistics.median(walls["ray"])
    print(f"median wall: local {local:.1f} s, ray {on_ray:.1f} s, ray/local {on_ray / local:.2f}")


if __name__ == "__main__":
    main()
