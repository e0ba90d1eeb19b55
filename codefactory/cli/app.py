"""The `codefactory` command: the typer app, its commands, and `main()` (the entry point).

Commands raise `codefactory.core.errors` errors and never catch them: `ErrorHandlingGroup`
turns each into one line on stderr and the exit code listed in `codefactory --help`.
"""

from __future__ import annotations

import typer

from codefactory.cli import languages_command, push_command, run_commands
from codefactory.cli.error_handler import ErrorHandlingGroup, exit_codes_help
from codefactory.cli.model_commands import model_app
from codefactory.cli.sandbox_commands import sandbox_app

app = typer.Typer(
    cls=ErrorHandlingGroup,
    help="Translate Python into other languages with an LLM and keep only what execution "
    "verifies.\n\nExample: codefactory translate --target php --output out",
    epilog=exit_codes_help(),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Registration order is the order `--help` lists them in.
app.command()(run_commands.verify)
app.command()(run_commands.translate)
app.command()(push_command.push)
app.command("languages")(languages_command.languages_cmd)
app.add_typer(sandbox_app, name="sandbox")
app.add_typer(model_app, name="model")


def main() -> None:
    app()
