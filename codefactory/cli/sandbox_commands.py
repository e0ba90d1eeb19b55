"""`codefactory sandbox build|doctor|run`: the Docker sandboxes themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from codefactory.cli.output import console, stdout
from codefactory.core.errors import InputError, SandboxUnavailable

sandbox_app = typer.Typer(help="Build, check and use the Docker sandboxes.", no_args_is_help=True)


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

    lang = get_language(language)
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    with DockerSandbox(ahead=0) as sandbox:
        result = sandbox.run(
            lang.image, lang.run, {lang.program_file: file.read_bytes()}, lang.limits
        )
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

    langs = [get_language(n) for n in languages] if languages else list(all_languages().values())
    client = connect()
    for lang in langs:
        with console.status(f"building {lang.image} ..."):
            image_id = build_image(client, lang)
        console.print(f"[green]built[/] {lang.image} ({image_id[:19]})")


@sandbox_app.command("doctor")
def sandbox_doctor() -> None:
    """Is the engine up, are the images built, does the hardened profile hold?

    Example: codefactory sandbox doctor
    """
    from codefactory.core.languages import all_languages
    from codefactory.sandbox.docker_sandbox import DockerSandbox
    from codefactory.sandbox.images import check_all

    with DockerSandbox(ahead=0) as sandbox:
        version = sandbox.client.version().get("Version", "?")
        console.print(f"[green]ok[/] Docker engine {version}")
        health = check_all(sandbox, all_languages().values())
    table = Table(title="Sandboxes")
    for column in ("language", "image", "runtime", "profile"):
        table.add_column(column)
    for item in health:
        verdict = "[green]holds" if not item.problems else "[red]" + "; ".join(item.problems)
        table.add_row(
            item.language,
            item.image + ("" if item.image_present else " (missing)"),
            item.runtime_version or "-",
            verdict,
        )
    stdout.print(table)
    broken = [item.language for item in health if item.problems]
    if broken:
        raise SandboxUnavailable(
            f"not ready: {', '.join(broken)} (see the table); "
            "fix: run `codefactory sandbox build` (or `make sandboxes`)"
        )
