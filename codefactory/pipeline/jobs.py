"""The commands' glue: open the sandbox, cache and backend, run each target's plan with
progress, write the dataset with its card and `funnel.json`. Both commands return the same
summary shape: {target: {settings, funnel, train_rows, rejected_rows, test_strength, ...}}."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console

from codefactory.core.cache import Cache
from codefactory.core.errors import InputError
from codefactory.core.languages import Language, parse_targets
from codefactory.core.paths import default_cache_location, pinned_location
from codefactory.curate.apply import Curated, CurateOptions, curate
from codefactory.curate.options import curate_options
from codefactory.curate.settings import CurationSettings
from codefactory.dataset.card import suite_quartiles, translate_card, unscored, verify_card
from codefactory.dataset.reuse import published_folder, reuse_replies
from codefactory.dataset.views import view_tables
from codefactory.dataset.writer import CardMetadata, published_rows, write_dataset
from codefactory.generation.model_registry import MODELS
from codefactory.generation.prompts import EXAMPLES_BY_DEFAULT
from codefactory.pipeline.compose import Result, Settings
from codefactory.pipeline.engines import check_engine, translate_engine, verify_engine
from codefactory.pipeline.local import Progress
from codefactory.pipeline.progress import WithTotals, bar_totals, make_progress
from codefactory.sources.shards import SAMPLE, Input, Shard, open_input
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import TestOptions

SAMPLE_LICENSE_ID = "cc-by-4.0"  # the Hub's id for the bundled sample's licence
SAMPLE_LICENSE = "CC BY 4.0 (MBPP, Austin et al. 2021, google-research/google-research)"
SAMPLE_NOTE = (
    "The bundled sample *is* MBPP: every row of a run over it is flagged `mbpp:<task_id>` by "
    "design. A run over your own functions shows what they overlap."
)
Summaries = dict[str, dict[str, Any]]
Views = dict[str, dict[str, Any]]  # config name -> {split: pyarrow table}


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
    curation: CurationSettings | None = None,
    config_toml: str = "",
    hub_repo: str | None = None,
    examples: bool = EXAMPLES_BY_DEFAULT,
    budget_tokens: int | None = None,
    refresh_from: str | None = None,
) -> Summaries:
    langs = parse_targets(target)
    if keep not in ("first", "all"):
        raise InputError("--keep must be first or all")
    if budget_tokens is not None and (keep != "first" or budget_tokens < 1):
        raise InputError(
            "--budget-tokens caps a search that stops at the first verified candidate: "
            "give a positive number, with --keep first"
        )
    check_engine(engine)
    curating = curate_options(
        curation or CurationSettings()
    )  # before any paid work: missing benchmarks fail now
    if refresh_from and not use_cache:
        raise InputError("--refresh-from fills the cache with published replies: drop --no-cache")
    reused = _reuse_published(output, refresh_from) if use_cache else Counter[str]()
    try:
        source = open_input(input_path, limit)
    except FileNotFoundError:
        raise InputError(f"no such input: {input_path}") from None
    # The Ray engine's workers read the input themselves: the driver never holds it.
    rows = source if engine == "ray" else list(source.rows())
    total = None if isinstance(rows, Input) else len(rows)
    spec = MODELS.get(model)
    samples = samples if samples is not None else (spec.default_samples if spec else 1)
    repair = repair if repair is not None else (spec.default_repair if spec else 2)
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    summaries: Summaries = {}
    views: Views = {}

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
            examples,
            budget_tokens,
        )

    with translate_engine(
        engine,
        ray_address,
        rows,
        backend_name,
        model,
        backend_options,
        use_cache,
        concurrency,
        _announcer(console, quiet),
        output.parent,
    ) as run:
        for lang in langs:
            settings = settings_for(lang)
            with _progress(console, quiet, lang, total, model) as progress:
                result = run(settings, progress)
            if reused[lang.id]:
                result.funnel.note("replies_reused_from_published", reused[lang.id])
            result = _finish(output, lang, result, curating, configs, summaries, views)
            summaries[lang.id] = summary(settings.to_json(), result, summaries[lang.id])
            _report(console, quiet, f"translate -> {lang.id} ({engine})", result)
    source_name = str(input_path) if input_path else f"the bundled sample ({SAMPLE.name})"
    license_ = SAMPLE_LICENSE if input_path is None else "the input's own licence"
    card = translate_card(
        source_name,
        license_,
        summaries,
        _view_names(views, configs),
        hub_repo or output.name,
        config_toml,
        SAMPLE_NOTE if input_path is None and curating.index is not None else "",
    )
    license_id = SAMPLE_LICENSE_ID if input_path is None else "unknown"
    extra = {"codefactory.toml": config_toml} if config_toml else {}
    _write(output, configs, card, summaries, license_id, "translations", views, extra)
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
    curation: CurationSettings | None = None,
) -> Summaries:
    if not input_path.is_file():
        raise InputError(f"no such input file: {input_path}")
    langs = parse_targets(target)
    check_engine(engine)
    curating = curate_options(curation or CurationSettings())
    source = Input((Shard("jsonl", str(input_path)),))
    rows: Sequence[SourceRow] | Input = source if engine == "ray" else list(source.rows())
    total = None if isinstance(rows, Input) else len(rows)
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    summaries: Summaries = {}
    views: Views = {}
    announce = _announcer(console, quiet)
    with verify_engine(
        engine, ray_address, rows, options, use_cache, concurrency, announce, output.parent
    ) as run:
        for lang in langs:
            with _progress(console, quiet, lang, total, None) as progress:
                result = run(lang, progress)
            result = _finish(output, lang, result, curating, configs, summaries, views)
            settings = {"target": lang.id, "tests": options.__dict__}
            summaries[lang.id] = summary(settings, result, summaries[lang.id])
            _report(console, quiet, f"verify {lang.id}: {input_path.name} ({engine})", result)
    card = verify_card(input_path.name, summaries, _view_names(views, configs), output.name)
    _write(output, configs, card, summaries, "unknown", "verified translations", views)
    if not quiet:
        console.print(f"wrote {output}/ (load it with datasets.load_dataset({str(output)!r}))")
    return summaries


def _reuse_published(output: Path, refresh_from: str | None) -> Counter[str]:
    """The replies of the dataset already in `output` and of `refresh_from` (a folder or a Hub
    dataset), put into the cache the run reads (dataset/reuse.py); how many, per target."""
    cache = Cache(pinned_location(default_cache_location()))
    try:
        added = reuse_replies(output, cache) if (output / "data").is_dir() else Counter[str]()
        if refresh_from:
            with published_folder(refresh_from) as folder:
                added += reuse_replies(folder, cache)
        return added
    finally:
        cache.close()


def _announcer(console: Console, quiet: bool) -> Callable[[str], None]:
    return (lambda line: None) if quiet else (lambda line: console.print(line))


def _finish(
    output: Path,
    lang: Language,
    result: Result,
    options: CurateOptions,
    configs: dict[str, dict[str, list[dict[str, Any]]]],
    summaries: Summaries,
    views: Views,
) -> Result:
    """Curate one target's rows against what the folder already holds, count it in the
    funnel, and add the rows, their training views and the curation counts to the output."""
    published = {
        (str(row.get("task_id")), str(row.get("candidate_sha256")))
        for row in published_rows(output, lang.id)
    }
    curated = curate(result.train, result.rejected, options, published)
    _count(result, curated, options)
    configs[lang.id] = {"train": curated.train, "rejected": curated.rejected}
    views.update(view_tables(lang.id, curated.train, curated.rejected, lang.fence_tags[0]))
    record = curated.to_json()
    record["threshold"] = options.threshold
    record["benchmarks"] = dict(options.index.benchmarks) if options.index else {}
    summaries[lang.id] = {"curation": record}
    return dataclasses.replace(result, train=curated.train, rejected=curated.rejected)


def _count(result: Result, curated: Curated, options: CurateOptions) -> None:
    if options.decontaminate:
        dropped = curated.dropped_contaminated.get("train", 0)
        kept = len(curated.train) + len(curated.duplicates)
        result.funnel.add_stage("decontaminated", kept, {"contaminated": dropped})
    if options.dedup:
        reasons: dict[str, int] = {}
        for duplicate in curated.duplicates:
            reasons[duplicate["reason"]] = reasons.get(duplicate["reason"], 0) + 1
        result.funnel.add_stage("deduplicated", len(curated.train), reasons)


def _view_names(views: Views, configs: dict[str, Any]) -> dict[str, list[str]]:
    return {
        lang: [f"{lang}-{v}" for v in ("sft", "dpo") if f"{lang}-{v}" in views] for lang in configs
    }


def summary(
    settings: dict[str, Any], result: Result, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    busy = result.generation_busy_s
    return {
        **(extra or {}),
        "settings": settings,
        "funnel": result.funnel.to_json(),
        "train_rows": len(result.train),
        "rejected_rows": len(result.rejected),
        "test_strength": suite_quartiles(result.train),
        "unscored": unscored(result.train),
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
    console: Console, quiet: bool, lang: Language, total: int | None, model: str | None
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

        # the Ray engine tells totals as it learns them: the input's rows, each pass's follow-ups
        yield WithTotals(advance, bar_totals(progress, {"read": tests, "candidates": generate}))


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
    views: Views | None = None,
    extra_files: dict[str, str] | None = None,
) -> None:
    """The folder, with the card's YAML: licence, the targets as tags, the size bucket."""
    metadata = CardMetadata(
        license=license_id,
        pretty_name=f"Execution-verified Python to {', '.join(configs)} {what}",
        tags=tuple(configs),
        rows={lang: sum(len(rows) for rows in splits.values()) for lang, splits in configs.items()},
    )
    extra = {"funnel.json": json.dumps(summaries, indent=2), **(extra_files or {})}
    write_dataset(output, configs, card, extra, metadata, views)
