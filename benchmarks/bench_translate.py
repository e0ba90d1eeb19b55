"""Verified rate and speed of `translate` per model and K/R setting, on MBPP problems.

Settings run from cheapest to dearest over one fresh cache, so each pays only for what the
previous ones did not generate (K=1,R=0 is a prefix of every other setting: the first sample is
greedy with the same seed). Tokens/s and the overlap ratio (wall time of the whole run over the
time the LLM was busy; 1.0 = verification fully hidden behind generation) come from the first,
uncached pass of each model.

    .venv/bin/python benchmarks/bench_translate.py --n 50 [--models qwen2.5-coder-0.5b,...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from codefactory.core.cache import Cache
from codefactory.core.languages import get_language
from codefactory.generation.backends import make_backend
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.compose import Settings, run_translate
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.jsonl import read_jsonl

SETTINGS = [(1, 0), (1, 1), (1, 2), (4, 0), (4, 2)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--offset", type=int, default=10, help="MBPP rows to skip (11+ = test)")
    parser.add_argument("--models", default="qwen2.5-coder-0.5b,qwen2.5-coder-1.5b")
    parser.add_argument("--settings", default=",".join(f"{k}/{r}" for k, r in SETTINGS))
    parser.add_argument(
        "--mbpp", type=Path, default=Path(__file__).resolve().parents[2] / "shared/data/mbpp.jsonl"
    )
    parser.add_argument("--json-out", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="keep (and reuse) the caches here")
    args = parser.parse_args()
    rows = list(read_jsonl(args.mbpp))[args.offset : args.offset + args.n]
    settings = [tuple(int(x) for x in s.split("/")) for s in args.settings.split(",")]
    php = get_language("php")
    report = []
    print(f"{len(rows)} MBPP problems (task {rows[0].task_id}..{rows[-1].task_id}), target php")
    print(
        f"{'model':<20} {'K':>2} {'R':>2} {'verified':>9} {'new gens':>8} {'tok/s':>6} "
        f"{'wall s':>7} {'LLM s':>6} {'overlap':>7}"
    )
    with tempfile.TemporaryDirectory() as scratch, DockerSandbox() as sandbox:
        tmp = args.cache_dir or Path(scratch)
        for model in args.models.split(","):
            cache = Cache(Path(tmp) / f"{model}.sqlite")
            verifier = Verifier(sandbox, cache)
            backend = make_backend("llamacpp", model)
            try:
                for k, r in settings:
                    config = Settings(php, "llamacpp", model, samples=k, repair=r, concurrency=2)
                    outcome = run_translate(config, backend, verifier, cache, rows)
                    totals = outcome.funnel.to_json()["totals"]
                    tokens = totals.get("completion_tokens", 0)
                    busy = outcome.generation_busy_s
                    line = {
                        "model": model,
                        "samples": k,
                        "repair": r,
                        "verified": len(outcome.train),
                        "of": len(rows),
                        "new_generations": outcome.funnel.counts["candidates"]
                        - totals.get("generations_from_cache", 0),
                        "tokens_per_s": round(tokens / busy, 1) if busy else None,
                        "wall_s": round(outcome.wall_s, 1),
                        "llm_busy_s": round(busy, 1),
                        "overlap": round(outcome.wall_s / busy, 3) if busy else None,
                    }
                    report.append(line)
                    print(
                        f"{model:<20} {k:>2} {r:>2} {line['verified']:>4}/{len(rows):<4} "
                        f"{line['new_generations']:>8} {line['tokens_per_s'] or '-':>6} "
                        f"{line['wall_s']:>7} {line['llm_busy_s']:>6} "
                        f"{line['overlap'] or '-':>7}",
                        flush=True,
                    )
            finally:
                backend.close()
                verifier.close()
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
