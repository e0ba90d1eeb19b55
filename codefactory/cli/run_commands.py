"""`codefactory translate` and `codefactory verify`: the flags, handed to the pipeline as is.

`jobs.translate` and `jobs.verify` are the CLI's only calls into codefactory.pipeline, each
imported where it is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codefactory.cli.options import (
    DEFAULT_CONCURRENCY,
    DEFAULT_MAX_CASES,
    DEFAULT_MIN_SOURCE_TESTS,
    AsJson,
    Concurrency,
    Engine,
    MaxCases,
    MinCoverage,
    MinMutation,
    MinSourceTests,
    NoAugment,
    Quiet,
    RayAddress,
    suite_options,
)
from codefactory.cli.output import console, print_summary


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
    )
    if as_json:
        print_summary(summary)


def translate(
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
    temperature: Annotated[float, typer.Option(help="For samples after the first.")] = 0.7,
    limit: Annotated[int | None, typer.Option(help="Only the first N sources.")] = None,
    seed: Annotated[int, typer.Option()] = 0,
    keep: Annotated[
        str,
        typer.Option(
            help="first: one verified per function; all: every distinct verified candidate."
        ),
    ] = "first",
    push_to_hub: Annotated[
        str | None,
        typer.Option(help="Upload the folder to this Hub dataset repo (token: HF_TOKEN)."),
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
) -> None:
    """Translate Python functions with an LLM and keep the verified translations.

    Example: codefactory translate --target php --output out
    """
    from codefactory.dataset.hub import push_folder
    from codefactory.pipeline import jobs

    out = output or Path(f"translations-{target.replace(',', '-')}")
    options = {"base_url": base_url} if base_url else {}
    summary = jobs.translate(
        input_path=input_path,
        target=target,
        output=out,
        backend_name=backend,
        model=model,
        samples=samples,
        repair=repair,
        temperature=temperature,
        limit=limit,
        seed=seed,
        keep=keep,
        concurrency=concurrency,
        max_tokens=max_tokens,
        use_cache=not no_cache,
        quiet=quiet,
        backend_options=options,
        console=console,
        tests=suite_options(
            no_augment, max_cases, min_coverage, min_mutation_score, min_source_tests
        ),
        engine=engine,
        ray_address=ray_address,
    )
    if push_to_hub:
        console.print(f"pushed: {push_folder(out, push_to_hub)}")
    if as_json:
        print_summary(summary)
