"""A Ray run's passes (pipeline/ray_executor.py): follow-ups that a batch staged twice (Ray ran
it again after a lost node) are read and counted once, and the progress gets the totals the
driver knows: the input's rows once the read tasks counted them, each later pass's follow-ups
before it starts. Ray on 127.0.0.1 only (test_ray_engine's fixture)."""

from __future__ import annotations

import importlib.util
import itertools
import json
import shutil
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_ray_engine import local_ray  # noqa: F401 (a fixture)
from test_translate_pipeline import GOOD, ROWS, WRONG_FDIV

from codefactory.core.languages import get_language
from codefactory.pipeline.compose import Settings
from codefactory.pipeline.progress import WithTotals
from codefactory.pipeline.specs import TranslateSpec
from codefactory.sources.shards import open_input
from codefactory.suite.build import TestOptions

if importlib.util.find_spec("ray") is None:
    pytest.skip("ray is not installed: pip install -e '.[ray]'", allow_module_level=True)

from codefactory.pipeline import ray_executor
from codefactory.pipeline.ray_run import translate_on_ray

Stages = list[tuple[str, int, dict[str, int]]]


class _Recorded:
    """A progress that records what it is told: counts per stage, and each total given with
    the stage's count at that moment."""

    def __init__(self) -> None:
        self.advanced: Counter[str] = Counter()
        self.totals: list[tuple[str, int, int]] = []  # (stage, count when told, total)
        self.callback = WithTotals(self.advance, self.total)

    def advance(self, stage: str, kept: int, dropped: int) -> None:
        self.advanced[stage] += kept + dropped

    def total(self, stage: str, n: int) -> None:
        self.totals.append((stage, self.advanced[stage], n))


def _run(folder: Path, progress: Any = None) -> tuple[Stages, Any]:
    """ROWS from two files (two read tasks); floor_div verifies at its first repair, `nocode`
    never does: three passes."""
    (folder / "in").mkdir(parents=True)
    (folder / "in" / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS[:3]))
    pq.write_table(pa.Table.from_pylist(ROWS[3:]), folder / "in" / "b.parquet")
    script = folder / "script.json"
    script.write_text(
        json.dumps(
            {
                "def add": [GOOD["add"]],
                "def floor_div": [WRONG_FDIV, GOOD["floor_div"]],
                # A different refusal each round: a repeated one would end its repairs.
                "def twice": ["I would rather not.", "No.", "Still no."],
            }
        )
    )
    settings = Settings(get_language("php"), "fake", str(script), tests=TestOptions(augment=False))
    executor = ray_executor.RayExecutor(2, 1, progress, staging=folder)
    result = translate_on_ray(TranslateSpec(settings), open_input(folder / "in" / "*"), executor)
    stages = result.funnel.to_json()["stages"]
    return [(s["stage"], s["count"], s["dropped"]) for s in stages], executor


@pytest.fixture(scope="module")
def once(
    local_ray: None,  # noqa: F811
    sandbox: object,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Stages, Any, _Recorded]:
    recorded = _Recorded()
    stages, executor = _run(tmp_path_factory.mktemp("once"), recorded.callback)
    assert executor.passes == 3
    return stages, executor, recorded


def test_follow_ups_staged_twice_are_read_and_counted_once(
    once: tuple[Stages, Any, _Recorded], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = ray_executor.shards

    def staged_twice(folder: Path) -> list[Path]:
        """Each batch's follow-ups as a batch run twice leaves them: a second staging."""
        for path in listed(folder):
            batch = path.name.partition(".")[0]
            shutil.copy(path, path.with_name(f"{batch}.{uuid.uuid4().hex}.parquet"))
        return listed(folder)

    monkeypatch.setattr(ray_executor, "shards", staged_twice)
    stages, executor = _run(tmp_path)
    assert stages == once[0]
    assert executor.passes == once[1].passes


def test_the_progress_gets_the_totals_the_driver_knows(
    once: tuple[Stages, Any, _Recorded],
) -> None:
    _, executor, recorded = once
    first, rest = recorded.totals[0], recorded.totals[1:]
    assert first[0] == "read" and first[2] == len(ROWS) == recorded.advanced["read"]
    # Before each later pass: what the stage counted so far, plus the follow-ups; each pass
    # ends where its total said, and the last total is the run's count.
    assert [stage for stage, _, _ in rest] == ["candidates"] * (executor.passes - 1)
    for (_, _, total), (_, counted, _) in itertools.pairwise(rest):
        assert counted == total
    assert rest[-1][2] == recorded.advanced["candidates"]
    assert all(total > counted for _, counted, total in rest)
