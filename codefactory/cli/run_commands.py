"""`codefactory translate` and `codefactory verify`: the flags, handed to the pipeline as is.

`jobs.translate` and `jobs.verify` are the CLI's only calls into codefactory.pipeline, each
imported where it is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from codefactory.cli.options import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_CASES,
    DEFAULT_MIN_SOURCE_TESTS,
    DEFAULT_THRESHOLD,
    AsJson,
    Benchmarks,
    Concurrency,
    Decontaminate,
    Dedup,
    DedupThreshold,
    Engine,
    MaxCases,
    MinCoverage,
    MinMutation,
    MinSourceTests,
    NoAugment,
    Quiet,
    RayAddress,
    curation_settings,
    suite_options,
)
from codefactory.cli.output import console, print_summary
from codefactory.generation.prompts import EXAMPLES_BY_DEFAULT


def verify(
    input_path: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT.jsonl",
            help="MBPP- or HumanEval-form rows, each with a `candidate` translation.",
        ),
    ],
    target: Annotated[str, typer.Option("--target", "-t", help="Target language id.")] = "php",
    output: Annotated[Path, typer.Option("--output", "-o", help="Dataset folder to write.")] = Path(
        "verified"
    ),
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore cached verdicts.")] = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    no_augment: NoAugment = False,
    max_cases: MaxCases = DEFAULT_MAX_CASES,
    min_coverage: MinCoverage = None,
    min_mutation_score: MinMutation = None,
    min_source_tests: MinSourceTests = DEFAULT_MIN_SOURCE_TESTS,
    engine: Engine = "local",
    ray_address: RayAddress = None,
    dedup: Dedup = True,
    dedup_threshold: DedupThreshold = DEFAULT_THRESHOLD,
    decontaminate: Decontaminate = False,
    benchmarks: Benchmarks = None,
) -> None:
    """Check given translations against tests whose expected values come from running the Python.

    Example: codefactory verify --target php rows.jsonl --output verified
    """
    from codefactory.pipeline import jobs

    summary = jobs.verify(
        input_path,
        target,
        output,
        concurrency,
        not no_cache,
        quiet,
        console,
        suite_options(no_augment, max_cases, min_coverage, min_mutation_score, min_source_tests),
        engine,
        ray_address,
        curation_settings(dedup, dedup_threshold, decontaminate, benchmarks),
    )
    if as_json:
        print_summary(summary)


def translate(
    ctx: typer.Context,
    input_path: Annotated[
        Path | None,
        typer.Argument(
            metavar="[INPUT]",
            help="MBPP/HumanEval JSONL, a .py file or folder, or a dataset "
            "folder. Default: the sample corpus shipped with codefactory.",
        ),
    ] = None,
    target: Annotated[
        str, typer.Option("--target", "-t", help="Target id(s): php or php,lua.")
    ] = "php",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Dataset folder (default: translations-TARGET)."),
    ] = None,
    backend: Annotated[str, typer.Option(help="llamacpp, openai, vllm or fake.")] = "llamacpp",
    model: Annotated[
        str, typer.Option(help="Model name or path (GGUF for llamacpp).")
    ] = "qwen2.5-coder-1.5b",
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            "-k",
            help="Candidates per function (first greedy). Default: the model's measured best.",
        ),
    ] = None,
    repair: Annotated[
        int | None,
        typer.Option(
            help="Repair rounds with the failure shown. Default: the model's measured best."
        ),
    ] = None,
    temperature: Annotated[
        float,
        typer.Option(
            help="For samples after the first (0.8: measured best, benchmarks/RESULTS.md)."
        ),
    ] = 0.8,
    budget_tokens: Annotated[
        int | None,
        typer.Option(
            help="A search's cap per function (--keep first): prompt and completion tokens of "
            "all its requests (its input proposal too); once spent, no further repair or sample "
            "starts for it."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N sources.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    keep: Annotated[
        str,
        typer.Option(
            help="first: one verified per function; all: every distinct verified candidate."
        ),
    ] = "first",
    examples: Annotated[
        bool,
        typer.Option(
            "--examples/--no-examples",
            help="Show the source's own test calls with their expected values in the prompt "
            "(benchmarks/RESULTS.md: off measured as well on the bundled sample, at fewer tokens).",
        ),
    ] = EXAMPLES_BY_DEFAULT,
    push_to_hub: Annotated[
        str | None,
        typer.Option(help="Upload the folder to this Hub dataset repo (token: HF_TOKEN)."),
    ] = None,
    refresh_from: Annotated[
        str | None,
        typer.Option(
            help="Start from a published dataset (a Hub repo or a folder): the replies it holds "
            "are not paid for again. A dataset already in --output is reused the same way."
        ),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="openai backend: server URL (or OPENAI_BASE_URL).")
    ] = None,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
    max_tokens: Annotated[int, typer.Option()] = 1024,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Regenerate and re-verify all.")
    ] = False,
    quiet: Quiet = False,
    as_json: AsJson = False,
    no_augment: NoAugment = False,
    max_cases: MaxCases = DEFAULT_MAX_CASES,
    min_coverage: MinCoverage = None,
    min_mutation_score: MinMutation = None,
    min_source_tests: MinSourceTests = DEFAULT_MIN_SOURCE_TESTS,
    engine: Engine = "local",
    ray_address: RayAddress = None,
    dedup: Dedup = True,
    dedup_threshold: DedupThreshold = DEFAULT_THRESHOLD,
    decontaminate: Decontaminate = False,
    benchmarks: Benchmarks = None,
    config: Annotated[
        Path | None,
        typer.Option(
            help="Settings file (TOML; keys are these options' names). Default: "
            "./codefactory.toml if there is one. Options given here override it."
        ),
    ] = None,
) -> None:
    """Translate Python functions with an LLM and keep the verified translations.

    Example: codefactory translate --target php --output out
    Example (a CI refresh, settings in ./codefactory.toml): codefactory translate
    """
    from codefactory.core.config import to_toml
    from codefactory.dataset.hub import push_folder
    from codefactory.pipeline import jobs

    o = effective_options(ctx, config)
    out = o["output"] or Path(f"translations-{o['target'].replace(',', '-')}")
    o["output"] = out
    options = {"base_url": o["base_url"]} if o["base_url"] else {}
    summary = jobs.translate(
        input_path=o["input_path"],
        target=o["target"],
        output=out,
        backend_name=o["backend"],
        model=o["model"],
        samples=o["samples"],
        repair=o["repair"],
        temperature=o["temperature"],
        limit=o["limit"],
        seed=o["seed"],
        keep=o["keep"],
        examples=o["examples"],
        budget_tokens=o["budget_tokens"],
        refresh_from=o["refresh_from"],
        concurrency=o["concurrency"],
        max_tokens=o["max_tokens"],
        use_cache=not o["no_cache"],
        quiet=o["quiet"],
        backend_options=options,
        console=console,
        tests=suite_options(
            o["no_augment"],
            o["max_cases"],
            o["min_coverage"],
            o["min_mutation_score"],
            o["min_source_tests"],
        ),
        engine=o["engine"],
        ray_address=o["ray_address"],
        curation=curation_settings(
            o["dedup"], o["dedup_threshold"], o["decontaminate"], o["benchmarks"]
        ),
        config_toml=to_toml(o),
        hub_repo=o["push_to_hub"],
    )
    if o["push_to_hub"]:
        console.print(f"pushed: {push_folder(out, o['push_to_hub'])}")
    if o["as_json"]:
        print_summary(summary)


def effective_options(ctx: typer.Context, config: Path | None) -> dict[str, Any]:
    """The command's options with the config file's settings where the command line gave
    none: command line, then the file (`--config`, else ./codefactory.toml), then defaults."""
    from codefactory.core.config import find_config, load_config, merge

    path = find_config(config)
    if path is None:
        return dict(ctx.params)
    # By name: typer ships its own copy of click, whose ParameterSource is not click's.
    given = {
        name
        for name in ctx.params
        if getattr(ctx.get_parameter_source(name), "name", "") in ("COMMANDLINE", "ENVIRONMENT")
    }
    merged = merge(ctx.params, given, load_config(path))
    if not merged["quiet"]:
        console.print(f"settings from {path}", soft_wrap=True)
    return merged
