"""`codefactory push`: a dataset folder to the Hugging Face Hub, only what changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from codefactory.cli.output import console


def push(
    folder: Annotated[Path, typer.Argument(help="A dataset folder made by codefactory.")],
    repo: Annotated[
        str | None,
        typer.Argument(
            help="Hub dataset repo, e.g. me/php-verified. Default: the folder's push-to-hub "
            "setting (its codefactory.toml)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be added, changed, deleted.")
    ] = False,
    against: Annotated[
        Path | None,
        typer.Option(
            help="Compare with this folder (a copy of the previous revision) instead of the "
            "Hub; implies --dry-run, works offline."
        ),
    ] = None,
    tag: Annotated[bool, typer.Option("--tag/--no-tag", help="Tag the commit.")] = True,
    private: Annotated[bool, typer.Option(help="Create the repo private.")] = False,
) -> None:
    """Commit the files that changed to a Hub dataset repo and tag it (token: HF_TOKEN).

    Example: codefactory push translations-php me/php-verified
    Example (offline): codefactory push translations-php --against previous-php
    """
    from codefactory.dataset.hub import check_folder, push_folder
    from codefactory.dataset.push_plan import folder_digests, local_files, plan_push

    check_folder(folder)
    if against is not None:
        check_folder(against)
        plan = plan_push(local_files(folder), folder_digests(against))
        console.print(plan.describe())
        print(json.dumps(plan.to_json(), indent=2))
        return
    target = repo or _configured_repo(folder)
    if dry_run:
        from codefactory.dataset.hub import plan_against_hub

        plan = plan_against_hub(folder, target)
        console.print(plan.describe())
        print(json.dumps(plan.to_json(), indent=2))
        return
    console.print(
        f"pushed: {push_folder(folder, target, private=private, tag=tag)}", soft_wrap=True
    )


def _configured_repo(folder: Path) -> str:
    from codefactory.core.config import load_config
    from codefactory.core.errors import InputError

    saved = folder / "codefactory.toml"
    repo = load_config(saved).get("push_to_hub") if saved.is_file() else None
    if not isinstance(repo, str) or not repo:
        raise InputError(
            f"no repo given and none in {saved}: run `codefactory push {folder} ME/NAME`"
        )
    return repo
