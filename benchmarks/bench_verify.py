"""PHP verdicts per second: the Docker sandbox against `php` on the host, side by side.

200 driver programs built from MBPP (the real input values of each function's asserts, with a
stand-in candidate that returns its first argument), run (1) by `php` on the host, (2) in the
sandbox at several concurrency levels, with and without containers made ahead. Every run is
turned into a verdict by the same host-side code. Prints medians and ratios.

    .venv/bin/python benchmarks/bench_verify.py [--n 200] [--mbpp ../shared/data/mbpp.jsonl]
"""

from __future__ import annotations

import argparse
import ast
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from codefactory.core.languages import get_language
from codefactory.core.schema import RunResult, TestCase
from codefactory.judge.decide import decide
from codefactory.judge.protocol import new_nonce
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl

PHP = get_language("php")


def programs(mbpp: Path, n: int) -> list[tuple[str, str, tuple[TestCase, ...]]]:
    out = []
    for row in read_jsonl(mbpp):
        if row.source is None:
            continue
        try:
            args = [ast.literal_eval(c.args_source) for c in row.source.calls]
        except (ValueError, SyntaxError):
            continue  # inputs that are not literals need the oracle; skip them here
        if any(PHP.renderer.unsupported_reason(list(a)) for a in args) or not all(args):
            continue
        cases = tuple(TestCase(i, tuple(a), a[0]) for i, a in enumerate(args))
        candidate = f"function {row.source.entry_point}(...$a) {{ return $a[0]; }}"
        nonce = new_nonce()
        program = PHP.renderer.driver(
            candidate, row.source.entry_point, [(c.id, c.inputs) for c in cases], nonce
        )
        out.append((program, nonce, cases))
        if len(out) == n:
            break
    return out


def host_run(program: str, nonce: str, workdir: Path) -> RunResult:
    path = workdir / f"{time.monotonic_ns()}.php"
    path.write_text(program)
    argv = [a if a != "/work/main.php" else str(path) for a in PHP.run]
    start = time.monotonic()
    done = subprocess.run(
        argv, input=f"{nonce}\n".encode(), capture_output=True, timeout=30, check=False
    )
    return RunResult(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def measure(
    label: str,
    run_one: object,
    items: list[tuple[str, str, tuple[TestCase, ...]]],
    concurrency: int,
) -> dict[str, float]:
    latencies: list[float] = []
    passed = 0

    def one(item: tuple[str, str, tuple[TestCase, ...]]) -> bool:
        program, nonce, cases = item
        start = time.monotonic()
        run = run_one(program, nonce)  # type: ignore[operator]
        verdict = decide(run, cases, nonce, PHP)
        latencies.append(time.monotonic() - start)
        return verdict.passed

    start = time.monotonic()
    with ThreadPoolExecutor(concurrency) as pool:
        passed = sum(pool.map(one, items))
    wall = time.monotonic() - start
    result = {
        "per_s": len(items) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "wall_s": wall,
        "passed": passed,
    }
    print(
        f"{label:<34} {result['per_s']:7.1f}/s  median {result['median_ms']:6.1f} ms  "
        f"wall {wall:5.1f} s  verified {passed}/{len(items)}",
        flush=True,
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    args = parser.parse_args()
    items = programs(args.mbpp, args.n)
    print(f"{len(items)} MBPP-derived PHP driver programs; {PHP.image}")
    results = {}
    if shutil.which("php"):
        with tempfile.TemporaryDirectory() as tmp:
            for c in (1, 2):
                results[f"host php x{c}"] = measure(
                    f"host php, {c} at once",
                    lambda p, n, t=Path(tmp): host_run(p, n, t),
                    items,
                    c,
                )
    else:
        print("php is not on the host (apt-get install php-cli php-mbstring): no baseline")
    for ahead in (0, 2):
        with DockerSandbox(ahead=ahead) as box:
            for c in (1, 2, 4, 8):

                def sandboxed(p: str, n: str, box: DockerSandbox = box) -> RunResult:
                    files = {PHP.program_file: p.encode()}
                    return box.run(PHP.image, PHP.run, files, PHP.limits, stdin=f"{n}\n".encode())

                results[f"sandbox ahead={ahead} x{c}"] = measure(
                    f"sandbox, ahead={ahead}, {c} at once", sandboxed, items, c
                )
    if "host php x2" in results:
        host = results["host php x2"]["per_s"]
        best_key = max(
            (k for k in results if k.startswith("sandbox")), key=lambda k: results[k]["per_s"]
        )
        best = results[best_key]["per_s"]
        print(
            f"\nbest sandbox ({best_key}) {best:.1f}/s vs host php x2 {host:.1f}/s: "
            f"ratio {host / best:.1f}x slower"
        )


if __name__ == "__main__":
    main()
