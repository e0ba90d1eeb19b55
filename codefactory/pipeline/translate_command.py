"""Glue for `codefactory translate`: sources, backend, sandbox, progress, dataset, card."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from codefactory.core.cache import Cache
from codefactory.core.errors import InputError
from codefactory.core.languages import parse_targets
from codefactory.dataset.writer import write_dataset
from codefactory.generation.backends import make_backend
from codefactory.generation.model_registry import MODELS
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.progress import make_progress
from codefactory.pipeline.translate import Outcome, Settings, Translator
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.sources.read import SAMPLE, load_sources
from codefactory.suite.build import TestOptions

SAMPLE_LICENSE = "CC BY 4.0 (MBPP, Austin et al. 2021, google-research/google-research)"


def main(
    *,
    input_path: Path | None,
    target: str,
    output: Path,
    backend_name: str,
    model: str,
    samples: int | None,
    repair: int | None,
    temperature: float,
    limit: int | None,
    seed: int,
    keep: str,
    concurrency: int,
    max_tokens: int,
    use_cache: bool,
    quiet: bool,
    backend_options: dict[str, Any],
    console: Console,
    tests: TestOptions,
) -> dict[str, Any]:
    langs = parse_targets(target)
    if keep not in ("first", "all"):
        raise InputError("--keep must be first or all")
    try:
        rows = list(load_sources(input_path))
    except FileNotFoundError:
        raise InputError(f"no such input: {input_path}") from None
    if limit is not None:
        rows = rows[:limit]
    spec = MODELS.get(model)
    samples = samples if samples is not None else (spec.default_samples if spec else 1)
    repair = repair if repair is not None else (spec.default_repair if spec else 2)
    cache = Cache() if use_cache else None
    backend = make_backend(backend_name, model, **backend_options)
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    summaries: dict[str, Any] = {}
    try:
        with DockerSandbox() as sandbox:
            verifier = Verifier(sandbox, cache)
            try:
                for lang in langs:
                    settings = Settings(
                        lang,
                        backend_name,
                        model,
                        samples,
                        repair,
                        temperature,
                        seed,
                        "all" if keep == "all" else "first",
                        max_tokens,
                        concurrency,
                        tests,
                    )
                    outcome = _run_one(settings, backend, verifier, cache, rows, console, quiet)
                    configs[lang.id] = {"train": outcome.train, "rejected": outcome.rejected}
                    summaries[lang.id] = _summary(settings, outcome)
                    if not quiet:
                        outcome.funnel.print(console, f"translate -> {lang.id}")
                        console.print(_overlap_line(outcome))
            finally:
                verifier.close()
    finally:
        backend.close()
    source_name = str(input_path) if input_path else f"the bundled sample ({SAMPLE.name})"
    license_ = SAMPLE_LICENSE if input_path is None else "the input's own licence"
    card = _card(source_name, license_, summaries)
    write_dataset(output, configs, card, {"funnel.json": json.dumps(summaries, indent=2)})
    if not quiet:
        console.print(f"wrote {output}/ (datasets.load_dataset({str(output)!r}))")
    return summaries


def _run_one(
    settings: Settings,
    backend: Any,
    verifier: Verifier,
    cache: Cache | None,
    rows: list[Any],
    console: Console,
    quiet: bool,
) -> Outcome:
    with make_progress(console, quiet) as progress:
        bars = {
            "prepared": progress.add_task("tests (oracle)", total=len(rows)),
            "generated": progress.add_task(f"generate ({backend.model})", total=None),
            "verified": progress.add_task(f"verify ({settings.target.id})", total=None),
        }
        translator = Translator(
            settings,
            backend,
            verifier,
            cache,
            on_progress=lambda what, n: progress.advance(bars[what], n),
        )
        return translator.run(rows)


def _summary(settings: Settings, outcome: Outcome) -> dict[str, Any]:
    funnel = outcome.funnel.to_json()
    return {
        "test_strength": suite_quartiles(outcome.train),
        "settings": settings.to_json(),
        "funnel": funnel,
        "train_rows": len(outcome.train),
        "rejected_rows": len(outcome.rejected),
        "wall_s": round(outcome.wall_s, 2),
        "generation_busy_s": round(outcome.generation_busy_s, 2),
        "overlap_ratio": (
            round(outcome.wall_s / outcome.generation_busy_s, 3)
            if outcome.generation_busy_s > 0
            else None
        ),
    }


def _overlap_line(outcome: Outcome) -> str:
    if outcome.generation_busy_s <= 0:
        return f"wall {outcome.wall_s:.1f} s (every generation came from the cache)"
    return (
        f"wall {outcome.wall_s:.1f} s, LLM busy {outcome.generation_busy_s:.1f} s "
        f"(overlap ratio {outcome.wall_s / outcome.generation_busy_s:.2f})"
    )


def _card(source_name: str, license_: str, summaries: dict[str, Any]) -> str:
    lines = [
        "# Execution-verified translations",
        "",
        "Made by [codefactory](https://github.com/): Python functions translated by an LLM,",
        "each candidate parsed with tree-sitter and run in a hardened Docker sandbox against",
        "test inputs from the source's own tests, with expected values from running the",
        "Python. Split `train` holds the verified translations; split `rejected` every",
        "failed candidate with its status and first failure (pairs for preference data).",
        "",
        f"- Source: {source_name}",
        f"- Source licence: {license_}",
    ]
    for lang, summary in summaries.items():
        settings = summary["settings"]
        lines += [
            "",
            f"## {lang}",
            "",
            f"- Model: `{settings['model']}` via `{settings['backend']}`; prompt "
            f"`{settings['prompt_version']}`; samples {settings['samples']} (first greedy, "
            f"then T={settings['temperature']}), repair rounds {settings['repair']}, "
            f"keep `{settings['keep']}`, seed {settings['seed']}",
            f"- Rows: {summary['train_rows']} verified, {summary['rejected_rows']} rejected",
            "",
            _funnel_markdown(summary["funnel"]),
            "",
            "Test strength of the verified rows (Python side; every surviving mutant counts):",
            "",
            "| measure | p25 | median | p75 |",
            "|---|---:|---:|---:|",
            *(
                f"| {name} | {q[0]} | {q[1]} | {q[2]} |"
                for name, q in summary["test_strength"].items()
            ),
        ]
    return "\n".join(lines) + "\n"


def suite_quartiles(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Quartiles of the per-row suite measures, for the card."""
    out: dict[str, list[float]] = {}
    for field in (
        "tests_total",
        "tests_augmented",
        "coverage",
        "branch_coverage",
        "mutation_score",
    ):
        values = sorted(float(r[field]) for r in rows if r.get(field) is not None)
        if values:
            out[field] = [round(values[int(q * (len(values) - 1))], 3) for q in (0.25, 0.5, 0.75)]
    return out


def _funnel_markdown(funnel: dict[str, Any]) -> str:
    temp = Funnel([s["stage"] for s in funnel["stages"]])
    for stage in funnel["stages"]:
        temp.add(stage["stage"], stage["count"])
        for reason, n in stage["dropped"].items():
            temp.drop(stage["stage"], reason, n)
    return temp.markdown()
