"""`codefactory languages`: the languages, their images, and their conformance on this machine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from codefactory.cli.output import console, stdout

if TYPE_CHECKING:
    from codefactory.core.languages import Language


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

    langs = [get_language(n) for n in only] if only else list(all_languages().values())
    if check:
        _check(langs)
    stdout.print(_table(langs))


def _check(langs: Sequence[Language]) -> None:
    """Run the conformance checks of each target in the sandbox and store the results."""
    from codefactory.judge import conformance
    from codefactory.judge.verifier import Verifier
    from codefactory.sandbox.docker_sandbox import DockerSandbox
    from codefactory.sandbox.images import preflight

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


def _table(langs: Sequence[Language]) -> Table:
    from codefactory.judge import conformance

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
    return table
