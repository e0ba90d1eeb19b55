"""The two consoles every command writes to: messages on stderr, results on stdout."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console

console = Console(stderr=True)  # progress, messages, errors: never mixed into a result
stdout = Console()  # tables and JSON summaries, for pipes


def print_summary(summary: dict[str, Any]) -> None:
    stdout.print_json(json.dumps(summary))
