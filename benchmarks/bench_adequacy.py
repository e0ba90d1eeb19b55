"""Test-suite strength over MBPP, Python side only (no LLM): cases per function, line coverage
and mutation score with the source's own asserts ("before") and after augmentation ("after").

    .venv/bin/python benchmarks/bench_adequacy.py [--n 974] [--mbpp ../shared/data/mbpp.jsonl]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codefactory.core.languages import get_language
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl
from codefactory.suite.build import Prepared, build_tests


def _dist(values: list[float]) -> str:
    if not values:
        return "-"
    q = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return f"median {statistics.median(values):.3g} (p25 {q[0]:.3g}, p75 {q[2]:.3g})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=974)
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[: args.n]
    python = get_language("python")  # Python side only: no target's representability filter
    start = time.monotonic()
    with DockerSandbox() as sandbox:
        verifier = Verifier(sandbox)

        def one(row: object) -> Prepared | str:
            source = row.source  # type: ignore[attr-defined]
            if source is None:
                return f"unreadable: {row.error}"  # type: ignore[attr-defined]
            return build_tests(verifier, source, python)

        with ThreadPoolExecutor(args.workers) as pool:
            results = list(pool.map(one, rows))
        verifier.close()
    wall = time.monotonic() - start
    ok = [r for r in results if isinstance(r, Prepared) and r.error is None]
    errors = Counter(
        (r if isinstance(r, str) else (r.error or ""))[:60]
        for r in results
        if not (isinstance(r, Prepared) and r.error is None)
    )
    print(
        f"{len(rows)} MBPP functions in {wall:.0f} s ({len(rows) / wall:.1f}/s); "
        f"{len(ok)} with a usable suite"
    )
    for reason, n in errors.most_common(8):
        print(f"  dropped {n:4d}  {reason}")
    before_cases = [float(r.visible) for r in ok]
    after_cases = [float(len(r.cases)) for r in ok]
    cov_before = [
        r.adequacy.coverage_source_only for r in ok if r.adequacy.coverage_source_only is not None
    ]
    cov_after = [r.adequacy.coverage for r in ok if r.adequacy.coverage is not None]
    mut_before = [
        r.adequacy.mutation_score_source_only
        for r in ok
        if r.adequacy.mutation_score_source_only is not None
    ]
    mut_after = [r.adequacy.mutation_score for r in ok if r.adequacy.mutation_score is not None]
    print(f"cases per function   before: {_dist(before_cases)}   after: {_dist(after_cases)}")
    print(f"line coverage        before: {_dist(cov_before)}   after: {_dist(cov_after)}")
    print(f"mutation score       before: {_dist(mut_before)}   after: {_dist(mut_after)}")
    both_before = sum(
        1
        for r in ok
        if (r.adequacy.coverage_source_only or 0) >= 0.9
        and (r.adequacy.mutation_score_source_only or 0) >= 0.9
    )
    both_after = sum(
        1
        for r in ok
        if (r.adequacy.coverage or 0) >= 0.9 and (r.adequacy.mutation_score or 0) >= 0.9
    )
    print(
        f"coverage >= 0.9:          before {sum(c >= 0.9 for c in cov_before)}  "
        f"after {sum(c >= 0.9 for c in cov_after)}  (of {len(ok)})"
    )
    print(
        f"mutation score >= 0.9:    before {sum(m >= 0.9 for m in mut_before)}  "
        f"after {sum(m >= 0.9 for m in mut_after)}"
    )
    print(f"both:                     before {both_before}  after {both_after}")
    buckets = Counter(min(int(m * 10), 9) for m in mut_after)
    print(
        "mutation score after, by decile: "
        + " ".join(f"{b / 10:.1f}:{buckets.get(b, 0)}" for b in range(10))
    )


if __name__ == "__main__":
    main()
