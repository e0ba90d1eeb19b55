"""Search within a token budget: what more samples buy after greedy + repair, per temperature.

The same MBPP problems, tests and model. The baseline is greedy with R repairs (K=1); each
search arm adds up to K-1 samples at one temperature, sample k+1 starting only once sample k
and its repairs failed, stopping at the first verified candidate or once the function has spent
--budget tokens (prompt + completion, over all its attempts). All arms share one generation
cache, so a search arm pays only for its extra samples; the tokens and LLM seconds below are
those of every reply an arm judged, cached or not: what the setting costs from scratch.

    nice .venv/bin/python benchmarks/bench_search.py --n 30 --target php \
        [--samples 4] [--repair 2] [--budget 4000] [--temperatures 0.4,0.8] \
        [--model qwen2.5-coder-1.5b] [--cache-dir DIR] [--json-out FILE]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codefactory.core.cache import Cache
from codefactory.core.languages import get_language
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import Backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import Settings, rows_result, translate_plan
from codefactory.pipeline.local import LocalExecutor
from codefactory.pipeline.stages.generate import Generator
from codefactory.pipeline.work import Function, Judged
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.source_row import SourceRow


def run_arm(
    settings: Settings,
    backend: Backend,
    verifier: Verifier,
    cache: Cache,
    rows: Sequence[SourceRow],
) -> dict[str, Any]:
    generator = Generator(backend, cache, settings.max_tokens)
    plan = translate_plan(settings, generator, verifier)
    executor = LocalExecutor(settings.concurrency, backend.batch_size, None)
    outcome = executor.run(plan, [Function(i, row) for i, row in enumerate(rows)])
    result = rows_result(outcome, settings.target, backend.model, backend.name, True, False)
    judged = [*outcome.kept, *(d.record for d in outcome.dropped if isinstance(d.record, Judged))]
    replies = [j.candidate.generation for j in judged if j.candidate.generation]
    return {
        "verified": len(result.train),
        "testable": result.funnel.counts["tests"],
        "candidates": len(replies),
        "tokens": sum(g.prompt_tokens + g.completion_tokens for g in replies),
        "llm_s": round(sum(g.seconds for g in replies), 1),
        "verified_ids": sorted(r["task_id"] for r in result.train),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--offset", type=int, default=10, help="MBPP rows to skip (11+ = test)")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--target", default="php")
    parser.add_argument("--samples", type=int, default=4)
    parser.add_argument("--repair", type=int, default=2)
    parser.add_argument("--budget", type=int, default=4000, help="tokens per function")
    parser.add_argument("--temperatures", default="0.4,0.8")
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="keep (and reuse) the cache here")
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[args.offset : args.offset + args.n]
    lang = get_language(args.target)
    temperatures = [float(t) for t in args.temperatures.split(",")]
    print(
        f"{len(rows)} MBPP problems (task {rows[0].task_id}..{rows[-1].task_id}), {args.model}, "
        f"{lang.id}, R={args.repair}; search: K={args.samples}, budget {args.budget} tokens",
        flush=True,
    )
    print(
        f"{'arm':<18} {'verified':>9} {'candidates':>10} {'tokens':>8} {'LLM s':>7} "
        f"{'tokens per extra verified':>26}",
        flush=True,
    )
    report: dict[str, Any] = {"problems": len(rows), "target": lang.id, "arms": {}}
    with tempfile.TemporaryDirectory() as scratch, DockerSandbox() as sandbox:
        cache_dir = args.cache_dir or Path(scratch)
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache = Cache(cache_dir / f"{args.model}-{lang.id}.sqlite")
        verifier = Verifier(sandbox, cache)
        backend = make_backend("llamacpp", args.model)
        try:
            arms: list[tuple[str, Settings]] = [
                ("greedy + repair", Settings(lang, "llamacpp", args.model, repair=args.repair))
            ]
            for t in temperatures:
                arms.append(
                    (
                        f"search T={t}",
                        Settings(
                            lang,
                            "llamacpp",
                            args.model,
                            samples=args.samples,
                            repair=args.repair,
                            temperature=t,
                            budget_tokens=args.budget,
                        ),
                    )
                )
            base: dict[str, Any] | None = None
            for name, settings in arms:
                arm = run_arm(settings, backend, verifier, cache, rows)
                report["arms"][name] = arm
                extra = arm["verified"] - base["verified"] if base else 0
                per = (
                    f"{(arm['tokens'] - base['tokens']) / extra:.0f}" if base and extra > 0 else "-"
                )
                print(
                    f"{name:<18} {arm['verified']:>4}/{len(rows):<4} {arm['candidates']:>10} "
                    f"{arm['tokens']:>8} {arm['llm_s']:>7} {per:>26}",
                    flush=True,
                )
                base = base or arm
        finally:
            backend.close()
            verifier.close()
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
