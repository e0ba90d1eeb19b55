"""Progress with totals: rich bars on a terminal; without one (CI logs), a plain line now and
then; nothing under --quiet."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

LINE_INTERVAL_S = 30.0


class LineProgress(Progress):
    """Tracks tasks like a Progress but, with no terminal to redraw, prints one line with every
    task's count at most every `interval_s` seconds, and once more at the end."""

    def __init__(self, console: Console, interval_s: float = LINE_INTERVAL_S) -> None:
        super().__init__(console=console, disable=True)
        self._line_console = console
        self._interval_s = interval_s
        self._started_at = self._last_line = time.monotonic()

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        super().advance(task_id, advance)
        if time.monotonic() - self._last_line >= self._interval_s:
            self.print_line()

    def print_line(self) -> None:
        self._last_line = time.monotonic()
        counts = ", ".join(
            f"{t.description} {t.completed:.0f}/{t.total:.0f}"
            if t.total
            else f"{t.description} {t.completed:.0f}"
            for t in self.tasks
        )
        elapsed = self._last_line - self._started_at
        self._line_console.print(f"[{elapsed:.0f} s] {counts}", highlight=False, markup=False)

    def __exit__(self, *exc: Any) -> None:
        self.print_line()
        super().__exit__(*exc)


def make_progress(console: Console, quiet: bool = False) -> Progress:
    if not quiet and not console.is_terminal:
        return LineProgress(console)
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=False,
    )


@dataclass(frozen=True)
class WithTotals:
    """An executor's progress callback, `(stage, kept, dropped)`, that also takes a stage's total
    once the executor knows it: `total(stage, n)`, the records `stage` will have counted when
    the work known now is done. The Ray engine tells the first stage's (the input's rows, once
    its read tasks counted them) and, before each later pass, that of the stage the pass
    starts at (the follow-ups the pass before staged; each pass can raise it). The local
    engine tells none: its command counts the rows before it starts."""

    advance: Callable[[str, int, int], None]
    total: Callable[[str, int], None]

    def __call__(self, stage: str, kept: int, dropped: int) -> None:
        self.advance(stage, kept, dropped)


def bar_totals(progress: Progress, bars: Mapping[str, TaskID | None]) -> Callable[[str, int], None]:
    """`WithTotals.total` for a command's bars: a stage's total becomes its bar's."""

    def total(stage: str, n: int) -> None:
        bar = bars.get(stage)
        if bar is not None:
            progress.update(bar, total=n)

    return total
