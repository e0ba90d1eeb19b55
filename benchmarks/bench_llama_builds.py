"""Two llama-cpp-python builds side by side: prefill and decode tokens/s, and greedy identity.

Each build is a Python environment with llama-cpp-python in it (by default the portable one in
.venv and a runtime-dispatch one, GGML_BACKEND_DL + GGML_CPU_ALL_VARIANTS, built elsewhere); each
run is a subprocess of that environment's own python, so the two libraries never meet in one
process. Every run loads the model as the llamacpp backend does (n_ctx 4096, one thread per CPU)
and sends the same PHP translation prompts (the bundled sample's first functions, through
codefactory's own prompt), greedy, each from an empty KV cache, timing prefill and decode with
llama.cpp's own counters (llama_perf_context). Rounds alternate which build goes first, so load
from elsewhere on a shared machine falls on both. Prints medians, the ratios new/portable, the CPU
variant each build ran, and whether every greedy reply is identical across builds and rounds.

    .venv/bin/python benchmarks/bench_llama_builds.py \\
        [--build portable=.venv/bin/python --build dispatch=/tmp/llvenv/bin/python] \\
        [--models qwen2.5-coder-1.5b,qwen2.5-coder-0.5b] [--n 4] [--rounds 3] [--max-tokens 160]

Nothing is loaded by hand: each run builds `Llama` as any caller does, so a runtime-dispatch
build has to find its libggml-cpu-*.so by itself (upstream ggml searches only the executable's
and the current directory, not its own: a build for this needs ggml patched to look there).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any


def mapped_cpu_code() -> str:
    """Which libggml-cpu file this process runs (a runtime-dispatch build maps only the best)."""
    maps = Path("/proc/self/maps")
    lines = maps.read_text().splitlines() if maps.exists() else []
    return ", ".join(sorted({Path(x.split()[-1]).name for x in lines if "libggml-cpu" in x})) or "?"


def worker(model: str, prompts: Path, max_tokens: int, threads: int) -> None:
    import llama_cpp
    from llama_cpp import Llama

    started = time.monotonic()
    llm = Llama(model_path=model, n_ctx=4096, n_threads=threads, verbose=False)
    load_s = time.monotonic() - started
    variant = mapped_cpu_code()
    ctx = llm._ctx.ctx
    results = []
    for messages in json.loads(prompts.read_text()):
        llm.reset()  # type: ignore[no-untyped-call]  # no prefix reuse: each prompt prefilled whole
        llama_cpp.llama_perf_context_reset(ctx)
        t0 = time.monotonic()
        reply = llm.create_chat_completion(
            messages=messages, temperature=0.0, seed=0, max_tokens=max_tokens
        )
        wall = time.monotonic() - t0
        assert isinstance(reply, dict)  # not streamed
        perf = llama_cpp.llama_perf_context(ctx)
        results.append(
            {
                "text": reply["choices"][0]["message"]["content"] or "",
                "prefill_tokens": perf.n_p_eval,
                "prefill_ms": perf.t_p_eval_ms,
                "decode_tokens": perf.n_eval,
                "decode_ms": perf.t_eval_ms,
                "wall_s": wall,
            }
        )
    llm.close()
    info = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
    out = {"variant": variant, "system_info": info, "load_s": load_s, "results": results}
    print("RESULT " + json.dumps(out))


def make_prompts(n: int) -> list[list[dict[str, str]]]:
    from codefactory.core.languages import get_language
    from codefactory.generation.prompts import translate_messages
    from codefactory.sources.jsonl import read_jsonl
    from codefactory.sources.load import SAMPLE

    php = get_language("php")
    sources = [row.source for row in read_jsonl(SAMPLE) if row.source is not None][:n]
    return [
        [{"role": role, "content": content} for role, content in translate_messages(s, php)]
        for s in sources
    ]


def run_one(python: str, model: Path, prompts: Path, a: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        python,
        __file__,
        "--worker",
        str(model),
        "--prompts",
        str(prompts),
        "--max-tokens",
        str(a.max_tokens),
        "--threads",
        str(a.threads),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT ") :]))
    tail = (proc.stdout + proc.stderr)[-2000:]
    raise SystemExit(f"{python} on {model.name}: exit {proc.returncode}, no result\n{tail}")


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--prompts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--build", action="append", metavar="NAME=PYTHON")
    parser.add_argument("--models", default="qwen2.5-coder-1.5b,qwen2.5-coder-0.5b")
    parser.add_argument("--n", type=int, default=4, help="prompts (sample functions) per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=160)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--json", type=Path, help="write every run's numbers here")
    a = parser.parse_args()
    if a.worker:
        worker(a.worker, a.prompts, a.max_tokens, a.threads)
        return

    from codefactory.generation.model_registry import resolve_model

    specs = a.build or ["portable=.venv/bin/python", "dispatch=/tmp/llvenv/bin/python"]
    builds = [tuple(s.split("=", 1)) for s in specs]
    models = [m.strip() for m in a.models.split(",") if m.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        prompts = Path(tmp) / "prompts.json"
        prompts.write_text(json.dumps(make_prompts(a.n)))
        runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for r in range(a.rounds):
            order = builds if r % 2 == 0 else builds[::-1]
            for model in models:
                path = resolve_model(model)
                for name, python in order:
                    res = run_one(python, path, prompts, a)
                    runs.setdefault((model, name), []).append(res)
                    calls = res["results"]
                    print(
                        f"round {r + 1} {model} {name}: variant {res['variant']}, "
                        f"{sum(c['wall_s'] for c in calls):.1f} s",
                        flush=True,
                    )

    print()
    print(
        f"prompts {a.n} (PHP translation, bundled sample), rounds {a.rounds}, "
        f"max_tokens {a.max_tokens}, threads {a.threads}, greedy"
    )
    base = builds[0][0]
    summary: dict[str, Any] = {}
    for model in models:
        print(f"\n{model}")
        print(
            f"{'build':<10} {'variant':<28} {'prefill tok/s':>14} {'decode tok/s':>13} "
            f"{'prompt tok':>10} {'decoded':>8}"
        )
        rates: dict[str, tuple[float, float]] = {}
        for name, _ in builds:
            calls = [c for res in runs[(model, name)] for c in res["results"]]
            pre = [c["prefill_tokens"] / c["prefill_ms"] * 1e3 for c in calls if c["prefill_ms"]]
            dec = [c["decode_tokens"] / c["decode_ms"] * 1e3 for c in calls if c["decode_ms"]]
            rates[name] = (med(pre), med(dec))
            variant = runs[(model, name)][0]["variant"]
            print(
                f"{name:<10} {variant:<28} {rates[name][0]:>14.1f} {rates[name][1]:>13.1f} "
                f"{med([c['prefill_tokens'] for c in calls]):>10.0f} "
                f"{med([c['decode_tokens'] for c in calls]):>8.0f}"
            )
        for name, _ in builds[1:]:
            print(
                f"ratio {name}/{base}: prefill {rates[name][0] / rates[base][0]:.2f}, "
                f"decode {rates[name][1] / rates[base][1]:.2f}"
            )
        # greedy identity: every round of every build against the first round of the first
        ref = [c["text"] for c in runs[(model, base)][0]["results"]]
        for name, _ in builds:
            same = total = 0
            for res in runs[(model, name)]:
                for i, c in enumerate(res["results"]):
                    total += 1
                    same += c["text"] == ref[i]
            print(f"greedy replies identical to {base} round 1: {name} {same} of {total}")
        summary[model] = {n: {"prefill_tok_s": p, "decode_tok_s": d} for n, (p, d) in rates.items()}
    for name, _ in builds:
        print(f"\n{name} system info: {runs[(models[0], name)][0]['system_info']}")
    if a.json:
        a.json.write_text(
            json.dumps(
                {"summary": summary, "runs": {f"{m}|{n}": v for (m, n), v in runs.items()}},
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
