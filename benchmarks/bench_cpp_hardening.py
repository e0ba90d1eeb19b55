"""The C++ sandbox before and after the hardened build (UBSan, the library's assertions, the
pointer subset's diagnostics and GIMPLE dump), side by side in one run: the conformance `add`
program verified N times against each image, alternating. Build the old image first from an
earlier commit, e.g. `git show REV:sandboxes/cpp/cf-build > /tmp/old/cf-build` (and the
Dockerfile), `docker build -t codefactory-cpp:old /tmp/old`.

    .venv/bin/python benchmarks/bench_cpp_hardening.py [--runs 8] [--old codefactory-cpp:old]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

from codefactory.core.languages import get_language
from codefactory.judge import conformance
from codefactory.judge.verifier import Verifier
from codefactory.sandbox.docker_sandbox import DockerSandbox


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--old", default="codefactory-cpp:old")
    args = parser.parse_args()
    lang = get_language("cpp")
    program = lang.conformance["add"]
    times: dict[str, list[float]] = {args.old: [], lang.image: []}
    with DockerSandbox() as sandbox:
        verifier = Verifier(sandbox)  # no cache: every run compiles and runs
        for i in range(args.runs):
            for image in times:
                target = dataclasses.replace(lang, image=image)
                started = time.monotonic()
                verdict = verifier.verify(
                    target, f"{program}\n// run {i}", "add", conformance.ADD_CASES
                )
                times[image].append(time.monotonic() - started)
                assert verdict.passed, verdict
        verifier.close()
    for image, spent in times.items():
        print(f"{image:<24} median {statistics.median(spent):.2f} s over {len(spent)} verdicts")
    ratio = statistics.median(times[lang.image]) / statistics.median(times[args.old])
    print(f"hardened / old: {ratio:.2f}")


if __name__ == "__main__":
    main()
