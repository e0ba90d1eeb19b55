"""The one place where an error becomes a line on stderr and an exit code.

Every command runs inside `ErrorHandlingGroup.invoke`, so no command catches errors itself: a
`CodefactoryError` prints `error: <message>` and exits with its class's code; anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any

import typer
from rich.text import Text
from typer.core import TyperGroup

from codefactory.cli.output import console
from codefactory.core.errors import CodefactoryError

EXIT_INTERRUPTED = 130  # the shell's convention for SIGINT
# Exits that no error class makes: click's usage errors, and an interrupt.
_USAGE = (2, "a bad command line: an unknown option, a value of the wrong type")
_INTERRUPTED = (EXIT_INTERRUPTED, "interrupted (Ctrl-C)")


def error_classes() -> list[type[CodefactoryError]]:
    found, todo = [], [CodefactoryError]
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def exit_codes() -> list[tuple[int, str]]:
    """(code, meaning) by code, from the error classes' docstrings, so --help cannot drift."""
    rows = [(0, "done")]
    rows += [
        (cls.exit_code, (cls.__doc__ or cls.__name__).splitlines()[0]) for cls in error_classes()
    ]
    rows += [_USAGE, _INTERRUPTED]
    return sorted(rows, key=lambda row: row[0])  # stable: classes in hierarchy order


def exit_codes_help() -> str:
    # \b keeps click from re-wrapping the rows into one paragraph.
    return "\b\nExit codes:\n" + "\n".join(
        f"{code:>3}  {meaning}" for code, meaning in exit_codes()
    )


def report(exc: CodefactoryError) -> None:
    # Text, not markup: a message such as `pip install 'codefactory[vllm]'` keeps its brackets;
    # soft_wrap: one line however narrow the terminal, for logs and grep.
    console.print(Text.assemble(("error: ", "bold red"), str(exc)), soft_wrap=True)


class ErrorHandlingGroup(TyperGroup):
    """The root command group; subcommands (sandbox, model) run inside its invoke too."""

    def invoke(self, ctx: Any) -> Any:  # Any: typer's Context type is private (typer._click)
        try:
            return super().invoke(ctx)
        except CodefactoryError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.print("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
