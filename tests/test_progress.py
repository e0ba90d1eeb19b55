"""Long work shows its totals; without a terminal (CI logs) as a line now and then."""

from __future__ import annotations

import io

from rich.console import Console

from codefactory.pipeline.progress import LineProgress, make_progress


def test_without_a_terminal_a_line_with_the_totals_is_printed() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False)
    progress = make_progress(console)
    assert isinstance(progress, LineProgress)
    progress._interval_s = 0.0  # every advance prints
    with progress:
        task = progress.add_task("verify php", total=3)
        progress.advance(task)
        progress.advance(task, 2)
    lines = out.getvalue().splitlines()
    assert any("verify php 1/3" in line for line in lines)
    assert lines[-1].endswith("verify php 3/3")


def test_quiet_prints_nothing() -> None:
    out = io.StringIO()
    with make_progress(Console(file=out, force_terminal=False), quiet=True) as progress:
        progress.advance(progress.add_task("x", total=1))
    assert out.getvalue() == ""
