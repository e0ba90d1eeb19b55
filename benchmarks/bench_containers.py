"""Containers and wall of the test-building stage (oracle, augmentation, determinism, adequacy),
one container per Python run (before) against one tests run per function (after), side by side
in one run: the same MBPP problems, interleaved, each way with a cold cache of its own.

    .venv/bin/python benchmarks/bench_containers.py [--n 10] [--target php] [--workers 2]

Prints per-function medians (containers, wall), the ratios, the stage's whole wall with
`--workers` functions at a time, and whether both ways built the same suites.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codefactory.core.cache import Cache
from codefactory.core.languages import get_language
from codefactory.core.schema import Source, tests_hash
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl
from codefactory.suite.build import Prepared, TestOptions, build_tests

MBPP = Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
WAYS = {"before (a container per run)": False, "after (one tests run)": True}


def _summary(p: Prepared) -> tuple[object, ...]:
    # Adequacy's mutant kills follow timing for slow functions; the suite itself must agree.
    return (p.error, p.infra_error, p.dropped, tests_hash(p.cases))


def _timed(
    verifier: Verifier, source: Source, target: str, combined: bool
) -> tuple[float, int, Prepared]:
    before = verifier.containers["python"]
    start = time.monotonic()
    prepared = build_tests(verifier, source, get_language(target), TestOptions(combined=combined))
    return time.monotonic() - start, verifier.containers["python"] - before, prepared


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--skip", type=int, default=0, help="start at this MBPP row")
    parser.add_argument("--mbpp", type=Path, default=MBPP)
    parser.add_argument("--target", default="php")
    parser.add_argument("--workers", type=int, default=2, help="functions at a time, whole pass")
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[args.skip : args.skip + args.n]
    sources = [r.source for r in rows if r.source is not None]
    with tempfile.TemporaryDirectory() as tmp, DockerSandbox() as sandbox:
        sandbox.require_image(get_language("python").image)

        def verifier(name: str) -> Verifier:
            return Verifier(sandbox, Cache(Path(tmp) / f"{name}.sqlite"))  # cold

        # 1. One function at a time, the two ways interleaved.
        one = {way: verifier(f"one-{i}") for i, way in enumerate(WAYS)}
        walls: dict[str, list[float]] = {way: [] for way in WAYS}
        starts: dict[str, list[int]] = {way: [] for way in WAYS}
        built: dict[str, list[Prepared]] = {way: [] for way in WAYS}
        for source in sources:
            for way, combined in WAYS.items():
                wall, started, prepared = _timed(one[way], source, args.target, combined)
                walls[way].append(wall)
                starts[way].append(started)
                built[way].append(prepared)
        # 2. The whole stage, `--workers` functions at a time, each way with a cold cache.
        whole: dict[str, float] = {}
        for i, (way, combined) in enumerate(WAYS.items()):
            v = verifier(f"whole-{i}")
            start = time.monotonic()
            with ThreadPoolExecutor(args.workers) as pool:
                list(pool.map(lambda s, v=v, c=combined: _timed(v, s, args.target, c), sources))
            whole[way] = time.monotonic() - start
    before, after = WAYS
    same = sum(_summary(a) == _summary(b) for a, b in zip(built[before], built[after], strict=True))
    print(f"{len(sources)} MBPP functions (rows {args.skip}..), target {args.target}, cold caches")
    print("| way | containers/function (median, total) | wall s/function (median) | stage wall s |")
    print("|---|---:|---:|---:|")
    for way in WAYS:
        c, w = starts[way], walls[way]
        print(
            f"| {way} | {statistics.median(c):g} ({sum(c)}) | {statistics.median(w):.2f} |"
            f" {whole[way]:.1f} (workers {args.workers}) |"
        )
    print(
        f"after/before: containers {sum(starts[after]) / sum(starts[before]):.2f}, "
        f"median wall {statistics.median(walls[after]) / statistics.median(walls[before]):.2f}, "
        f"stage wall {whole[after] / whole[before]:.2f}; "
        f"same suites and drops: {same} of {len(sources)}"
    )


if __name__ == "__main__":
    main()
