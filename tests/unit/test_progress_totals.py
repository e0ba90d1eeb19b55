"""An executor that learns a stage's total mid-run (the Ray engine) gives it to the bars."""

from __future__ import annotations

import io

from rich.console import Console

from codefactory.pipeline.progress import LineProgress, WithTotals, bar_totals, make_progress


def test_a_total_told_mid_run_becomes_its_bars() -> None:
    out = io.StringIO()
    progress = make_progress(Console(file=out, force_terminal=False))
    assert isinstance(progress, LineProgress)
    with progress:
        tests = progress.add_task("tests", total=None)
        judge = progress.add_task("judge", total=None)

        def advance(stage: str, kept: int, dropped: int) -> None:
            progress.advance(tests if stage == "read" else judge, kept + dropped)

        callback = WithTotals(advance, bar_totals(progress, {"read": tests, "verified": None}))
        callback("read", 2, 1)
        callback.total("read", 5)
        callback.total("verified", 9)  # a stage with no bar: nothing to set
        callback.total("parsed", 9)  # nor one the bars do not know
        callback("read", 2, 0)
    assert out.getvalue().splitlines()[-1].endswith("tests 5/5, judge 0")
