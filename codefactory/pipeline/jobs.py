"""The commands' glue: open the sandbox, cache and backend, run each target's plan with
progress, write the dataset with its card and `funnel.json`. Both commands return the same
summary shape: {target: {settings, funnel, train_rows, rejected_rows, test_strength, ...}}."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from codefactory.core.errors import InputError
from codefactory.core.languages import Language, parse_targets
from codefactory.dataset.card import suite_quartiles, translate_card, verify_card
from codefactory.dataset.writer import CardMetadata, write_dataset
from codefactory.generation.model_registry import MODELS
from codefactory.pipeline.compose import Result, Settings
from codefactory.pipeline.engines import check_engine, translate_engine, verify_engine
from codefactory.pipeline.local import Progress
from codefactory.pipeline.progress import make_progress
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.load import SAMPLE, load_sources
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import TestOptions

SAMPLE_LICENSE_ID = "cc-by-4.0"  # the Hub's id for the bundled sample's licence
SAMPLE_LICENSE = "CC BY 4.0 (MBPP, Austin et al. 2021, google-research/google-research)"
Summaries = dict[str, dict[str, Any]]


def translate(
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
    engine: str = "local",
    ray_address: str | None = None,
) -> Summaries:
    langs = parse_targets(target)
    if keep not in ("first", "all"):
        raise InputError("--keep must be first or all")
    check_engine(engine)
    try:
        rows = list(load_sources(input_path))
    except FileNotFoundError:
        raise InputError(f"no such input: {input_path}") from None
    if limit is not None:
        rows = rows[:limit]
    spec = MODELS.get(model)
    samples = samples if samples is not None else (spec.default_samples if spec else 1)
    repair = repair if repair is not None else (spec.default_repair if spec else 2)
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    summaries: Summaries = {}

    def settings_for(lang: Language) -> Settings:
        return Settings(
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

    with translate_engine(
        engine, ray_address, rows, backend_name, model, backend_options, use_cache, concurrency
    ) as run:
        for lang in langs:
            settings = settings_for(lang)
            with _progress(console, quiet, lang, len(rows), model) as progress:
                result = run(settings, progress)
            configs[lang.id] = {"train": result.train, "rejected": result.rejected}
            summaries[lang.id] = summary(settings.to_json(), result)
            _report(console, quiet, f"translate -> {lang.id} ({engine})", result)
    source_name = str(input_path) if input_path else f"the bundled sample ({SAMPLE.name})"
    license_ = SAMPLE_LICENSE if input_path is None else "the input's own licence"
    card = translate_card(source_name, license_, summaries)
    license_id = SAMPLE_LICENSE_ID if input_path is None else "unknown"
    _write(output, configs, card, summaries, license_id, "translations")
    if not quiet:
        console.print(f"wrote {output}/ (datasets.load_dataset({str(output)!r}))")
    return summaries


def verify(
    input_path: Path,
    target: str,
    output: Path,
    concurrency: int,
    use_cache: bool,
    quiet: bool,
    console: Console,
    options: TestOptions,
    engine: str = "local",
    ray_address: str | None = None,
) -> Summaries:
    if not input_path.is_file():
        raise InputError(f"no such input file: {input_path}")
    langs = parse_targets(target)
    check_engine(engine)
    rows: Sequence[SourceRow] = list(read_jsonl(input_path))
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    summaries: Summaries = {}
    with verify_engine(engine, ray_address, rows, options, use_cache, concurrency) as run:
        for lang in langs:
            with _progress(console, quiet, lang, len(rows), None) as progress:
                result = run(lang, progress)
            configs[lang.id] = {"train": result.train, "rejected": result.rejected}
            settings = {"target": lang.id, "tests": options.__dict__}
            summaries[lang.id] = summary(settings, result)
            _report(console, quiet, f"verify {lang.id}: {input_path.name} ({engine})", result)
    card = verify_card(input_path.name, summaries)
    _write(output, configs, card, summaries, "unknown", "verified translations")
    if not quiet:
        console.print(f"wrote {output}/ (load it with datasets.load_dataset({str(output)!r}))")
    return summaries


def summary(settings: dict[str, Any], result: Result) -> dict[str, Any]:
    busy = result.generation_busy_s
    return {
        "settings": settings,
        "funnel": result.funnel.to_json(),
        "train_rows": len(result.train),
        "rejected_rows": len(result.rejected),
        "test_strength": suite_quartiles(result.train),
        "wall_s": round(result.wall_s, 2),
        "generation_busy_s": round(busy, 2),
        "overlap_ratio": round(result.wall_s / busy, 3) if busy > 0 else None,
        "containers": container_rates(result.funnel.to_json()),
    }


def container_rates(funnel: dict[str, Any]) -> dict[str, float | int | None]:
    """Containers started per function whose tests were built and per candidate run (a cached
    result starts none); absent counts (the Ray engine's workers keep their own) read None."""
    totals, stages = funnel["totals"], {s["stage"]: s for s in funnel["stages"]}

    def reached(name: str) -> int:
        stage = stages.get(name, {"count": 0, "dropped": {}})
        return int(stage["count"] + sum(stage["dropped"].values()))

    python, target = totals.get("containers_python"), totals.get("containers_target")
    functions, candidates = reached("tests"), reached("verified")
    return {
        "python": python,
        "target": target,
        "per_function": round(python / functions, 2) if python is not None and functions else None,
        "per_candidate": round(target / candidates, 2)
        if target is not None and candidates
        else None,
    }


@contextmanager
def _progress(
    console: Console, quiet: bool, lang: Language, total: int, model: str | None
) -> Iterator[Progress]:
    """Bars for what costs time: the functions' tests (a function dropped before them counts as
    done), generation, the judge."""
    before_tests = {"read", "selected", "inputs"}
    with make_progress(console, quiet) as progress:
        tests = progress.add_task("tests (oracle)", total=total)
        generate = progress.add_task(f"generate ({model})", total=None) if model else None
        judge = progress.add_task(f"judge ({lang.id})", total=None)

        def advance(stage: str, kept: int, dropped: int) -> None:
            if stage == "tests" or (stage in before_tests and dropped):
                progress.advance(tests, kept + dropped if stage == "tests" else dropped)
            elif stage == "candidates" and generate is not None:
                progress.advance(generate, kept + dropped)
            elif stage == "verified" or (stage == "parsed" and dropped):
                progress.advance(judge, kept + dropped if stage == "verified" else dropped)

        yield advance


def _report(console: Console, quiet: bool, title: str, result: Result) -> None:
    if quiet:
        return
    result.funnel.print(console, title)
    busy = result.generation_busy_s
    if busy > 0:
        console.print(
            f"wall {result.wall_s:.1f} s, LLM busy {busy:.1f} s "
            f"(overlap ratio {result.wall_s / busy:.2f})"
        )
    else:
        console.print(f"wall {result.wall_s:.1f} s")


def _write(
    output: Path,
    configs: dict[str, dict[str, list[dict[str, Any]]]],
    card: str,
    summaries: Summaries,
    license_id: str,
    what: str,
) -> None:
    """The folder, with the card's YAML: licence, the targets as tags, the size bucket."""
    metadata = CardMetadata(
        license=license_id,
        pretty_name=f"Execution-verified Python to {', '.join(configs)} {what}",
        tags=tuple(configs),
        rows={lang: sum(len(rows) for rows in splits.values()) for lang, splits in configs.items()},
    )
    extra = {"funnel.json": json.dumps(summaries, indent=2)}
    write_dataset(output, configs, card, extra, metadata)
