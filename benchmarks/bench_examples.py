"""Visible examples in the translate prompt: verified rate with and without, side by side.

The same MBPP problems, the same tests and the same model, greedy (K=1), once with the plain
prompt and once with the source's own test calls and their expected values shown (never the
hidden augmented cases). Both arms run R=0, then R=--repair, each arm over its own cache, so the
second row pays only for the repairs. Tokens are the completion tokens of every reply the run judged
(cached ones included), i.e. what the setting costs from scratch.

    nice .venv/bin/python benchmarks/bench_examples.py --n 20 --targets php,ruby \
        [--model qwen2.5-coder-1.5b] [--repair 2] [--cache-dir DIR] [--json-out FILE]

With --mbpp codefactory/data/mbpp_sample.jsonl --offset 0 --n 40 it runs over the bundled
sample; a copy of the main cache placed as DIR/<model>-php-without.sqlite answers the plain arm
from the replies `codefactory translate` already paid for.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.languages import Language, parse_targets
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import Backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import (
    Settings,
    note_generation,
    rows_result,
    translate_plan,
)
from codefactory.pipeline.local import LocalExecutor
from codefactory.pipeline.stages.generate import Generate, Generator, Prompt
from codefactory.pipeline.work import Function, Judged
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.source_row import SourceRow

ARMS = {"without": False, "with": True}  # the Prompt stage's `examples`


def run_arm(
    settings: Settings,
    examples: bool,
    backend: Backend,
    verifier: Verifier,
    cache: Cache,
    rows: Sequence[SourceRow],
) -> dict[str, Any]:
    """One translate run whose Prompt stage shows examples or not; everything else as
    `run_translate` builds it."""
    generator = Generator(backend, cache, settings.max_tokens)
    plan = translate_plan(settings, generator, verifier)
    at = next(i for i, stage in enumerate(plan.stages) if isinstance(stage, Prompt))
    plan.stages[at] = Prompt(
        settings.target, settings.samples, settings.seed, settings.temperature, examples
    )
    executor = LocalExecutor(settings.concurrency, backend.batch_size, None)
    outcome = executor.run(plan, [Function(i, row) for i, row in enumerate(rows)])
    result = rows_result(outcome, settings.target, backend.model, backend.name, True, False)
    generate = next(s for s in plan.stages if isinstance(s, Generate))
    note_generation(result, generator.totals, generate.skipped)
    judged = [*outcome.kept, *(d.record for d in outcome.dropped if isinstance(d.record, Judged))]
    return {
        "verified": len(result.train),
        "testable": result.funnel.counts["tests"],
        # every reply the arm judged, cached or not: what the setting costs from scratch
        "completion_tokens": sum(
            j.candidate.generation.completion_tokens for j in judged if j.candidate.generation
        ),
        "verified_ids": sorted(r["task_id"] for r in result.train),
    }


def measure(
    lang: Language,
    model: str,
    repair: int,
    backend: Backend,
    verifier: Verifier,
    cache_dir: Path,
    rows: Sequence[SourceRow],
) -> dict[str, Any]:
    """Both arms at R=0, a line, then both at R=`repair`, a line: each R's comparison is out as
    soon as it is measured. Each arm has its own generation cache, so R=`repair` pays only for
    the repairs."""
    line: dict[str, Any] = {"target": lang.id, "problems": len(rows)}
    caches = {arm: Cache(cache_dir / f"{model}-{lang.id}-{arm}.sqlite") for arm in ARMS}
    for r in dict.fromkeys((0, repair)):
        settings = Settings(lang, "llamacpp", model, samples=1, repair=r, concurrency=2)
        for arm, examples in ARMS.items():
            outcome = run_arm(settings, examples, backend, verifier, caches[arm], rows)
            line[f"{arm}_R{r}"] = outcome
        off, on = line[f"without_R{r}"], line[f"with_R{r}"]
        print(
            f"{lang.id:<11} {r:>2} {off['testable']:>8} "
            f"{off['verified']:>4}/{len(rows):<4} {on['verified']:>4}/{len(rows):<4} "
            f"{off['completion_tokens']:>15} {on['completion_tokens']:>12}",
            flush=True,
        )
    return line


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--offset", type=int, default=10, help="MBPP rows to skip (11+ = test)")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--repair", type=int, default=2)
    parser.add_argument("--targets", default="php")
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="keep (and reuse) the caches here")
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[args.offset : args.offset + args.n]
    print(
        f"{len(rows)} MBPP problems (task {rows[0].task_id}..{rows[-1].task_id}), {args.model}, "
        f"K=1 greedy; verified without / with examples (completion tokens)",
        flush=True,
    )
    header = f"{'target':<11} {'R':>2} {'testable':>8} {'without':>9} {'with':>9}"
    print(f"{header} {'tokens without':>15} {'tokens with':>12}", flush=True)
    report = []
    with tempfile.TemporaryDirectory() as scratch, DockerSandbox() as sandbox:
        cache_dir = args.cache_dir or Path(scratch)
        cache_dir.mkdir(parents=True, exist_ok=True)
        verifier = Verifier(sandbox, Cache(cache_dir / "tests.sqlite"))
        backend = make_backend("llamacpp", args.model)
        try:
            for lang in parse_targets(args.targets):
                line = measure(lang, args.model, args.repair, backend, verifier, cache_dir, rows)
                report.append(line)
        finally:
            backend.close()
            verifier.close()
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
