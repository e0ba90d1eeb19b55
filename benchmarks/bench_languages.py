"""Sandbox overhead per verdict, per language, against the bare runtime on the host where it is
installed: the conformance `identity` program with 20 round-trip values, N runs each way.

    .venv/bin/python benchmarks/bench_languages.py [--runs 30] [--only php,lua]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from codefactory.core.languages import all_languages
from codefactory.judge import conformance
from codefactory.judge.decide import decide
from codefactory.judge.protocol import new_nonce
from codefactory.sandbox.docker_sandbox import DockerSandbox


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    langs = [
        lang
        for lang in all_languages().values()
        if lang.is_target and (not args.only or lang.id in args.only.split(","))
    ]
    print(
        f"{'language':<12} {'sandbox ms':>11} {'host ms':>8} {'ratio':>6}  (medians of "
        f"{args.runs} runs, identity over 20 values, verdict included)"
    )
    with DockerSandbox() as sandbox, tempfile.TemporaryDirectory() as tmp:
        for lang in langs:
            cases = conformance.round_trip_cases(lang)[:20]
            nonce = new_nonce()
            code = conformance.piece(lang, "identity")
            program = lang.renderer.driver(code, "ident", [(c.id, c.inputs) for c in cases], nonce)
            sources = program if isinstance(program, dict) else {lang.program_file: program}
            files = {name: text.encode() for name, text in sources.items()}
            boxed = []
            for _ in range(args.runs):
                start = time.monotonic()
                run = sandbox.run(
                    lang.image, lang.run, files, lang.limits, stdin=f"{nonce}\n".encode()
                )
                assert decide(run, cases, nonce, lang).passed, run.stderr[:300]
                boxed.append(time.monotonic() - start)
            host = _host(lang.run, sources, Path(tmp), args.runs)
            box_ms = statistics.median(boxed) * 1000
            host_text = f"{host:8.1f}" if host else "       -"
            ratio = f"{box_ms / host:6.1f}" if host else "     -"
            print(f"{lang.id:<12} {box_ms:11.1f} {host_text} {ratio}", flush=True)


def _host(argv: tuple[str, ...], sources: dict[str, str], tmp: Path, runs: int) -> float | None:
    """Median ms of the same argv on the host, if its runtime is installed here."""
    needed = argv[2].split()[0] if argv[0] == "sh" else argv[0]  # compile-and-run shell lines
    if not shutil.which(needed):
        return None
    for name, text in sources.items():
        (tmp / name).write_text(text)
    host_argv = [re.sub(r"/(work|tmp)/", f"{tmp}/", a) for a in argv]
    times = []
    for _ in range(runs):
        start = time.monotonic()
        # A harness reads its nonce on stdin first; any line will do for timing.
        subprocess.run(host_argv, input=b"0\n", capture_output=True, check=False, timeout=60)
        times.append(time.monotonic() - start)
    return statistics.median(times) * 1000


if __name__ == "__main__":
    main()
