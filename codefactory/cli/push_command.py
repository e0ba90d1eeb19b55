"""`codefactory push`: a dataset folder to the Hugging Face Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codefactory.cli.output import console


def push(
    folder: Annotated[Path, typer.Argument(help="A dataset folder made by codefactory.")],
    repo: Annotated[str, typer.Argument(help="Hub dataset repo, e.g. me/php-verified.")],
) -> None:
    """Upload a dataset folder to the Hugging Face Hub (token: HF_TOKEN).

    Example: codefactory push translations-php me/php-verified
    """
    from codefactory.dataset.hub import push_folder

    console.print(f"pushed: {push_folder(folder, repo)}")
