"""Verified rate per target language: one greedy sample, no repair unless --repair, on MBPP.

Every target sees the same problems and the same tests (the oracle and augmentation are cached
across languages). Typed targets drop functions whose values have no type there; the table shows
both the rate over all problems and over the ones the language could test.

    .venv/bin/python benchmarks/bench_language_rates.py --n 30 [--targets php,lua] \
        [--model qwen2.5-coder-1.5b] [--cache-dir DIR] [--json-out FILE]

With --cache-dir a rerun (or a run adding a language) pays only for generations it lacks.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.languages import all_languages, parse_targets
from codefactory.generation.backends import make_backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import Result, Settings, run_translate
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl


def summarise(target: str, n: int, outcome: Result) -> dict[str, Any]:
    stages = {s["stage"]: s for s in outcome.funnel.to_json()["stages"]}
    failures: Counter[str] = Counter()
    for name in ("parsed", "verified"):
        failures.update(stages[name]["dropped"])
    rows = outcome.train + outcome.rejected
    tokens = outcome.funnel.to_json()["totals"].get("completion_tokens", 0)
    return {
        "target": target,
        "problems": n,
        "testable": stages["tests"]["count"],
        "verified": len(outcome.train),
        "failures": dict(failures.most_common()),
        "untestable": dict(stages["tests"]["dropped"]),
        "median_generation_s": round(statistics.median(r["generation_s"] for r in rows), 2)
        if rows
        else None,
        "median_execution_s": round(statistics.median(r["execution_s"] for r in rows), 3)
        if rows
        else None,
        "new_completion_tokens": tokens,
        # why each failed: to say which languages are weakest and why
        "rejects": [
            {"task_id": r["task_id"], "status": r["status"], "why": _why(r)}
            for r in outcome.rejected
        ],
    }


def _why(row: dict[str, Any]) -> str:
    failure = row["failure"] or {}
    return str(failure.get("error") or f"returned {failure.get('got')}")[:240]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--offset", type=int, default=10, help="MBPP rows to skip (11+ = test)")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--repair", type=int, default=0, help="repair rounds (0: single shot)")
    parser.add_argument(
        "--targets", default=",".join(k for k, v in all_languages().items() if v.is_target)
    )
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="keep (and reuse) the cache here")
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[args.offset : args.offset + args.n]
    targets = parse_targets(args.targets)
    print(
        f"{len(rows)} MBPP problems (task {rows[0].task_id}..{rows[-1].task_id}), "
        f"{args.model}, K=1 R={args.repair} (greedy{', single shot' if not args.repair else ''})"
    )
    print(
        f"{'target':<11} {'verified':>9} {'testable':>8} {'rate':>5} {'of testable':>11}  failures",
        flush=True,
    )
    report = []
    with tempfile.TemporaryDirectory() as scratch, DockerSandbox() as sandbox:
        cache_dir = args.cache_dir or Path(scratch)
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache = Cache(cache_dir / f"{args.model}.sqlite")
        verifier = Verifier(sandbox, cache)
        backend = make_backend("llamacpp", args.model)
        try:
            for lang in targets:
                config = Settings(
                    lang, "llamacpp", args.model, samples=1, repair=args.repair, concurrency=2
                )
                outcome = run_translate(config, backend, verifier, cache, rows)
                line = summarise(lang.id, len(rows), outcome)
                report.append(line)
                testable = line["testable"]
                of_testable = line["verified"] / testable if testable else 0.0
                failures = ", ".join(f"{k} {v}" for k, v in line["failures"].items())
                print(
                    f"{lang.id:<11} {line['verified']:>4}/{len(rows):<4} {testable:>8} "
                    f"{line['verified'] / len(rows):>5.2f} {of_testable:>11.2f}  {failures}",
                    flush=True,
                )
        finally:
            backend.close()
            verifier.close()
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
