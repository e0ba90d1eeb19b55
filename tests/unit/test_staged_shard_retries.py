"""A batch that Ray runs again after a lost node stages its rows and follow-ups again: the
driver reads one staging of each batch (pipeline/ray_output.py), so the next pass gets, and
counts, each follow-up once."""

from __future__ import annotations

import importlib.util
import json
import pickle
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from codefactory.core.languages import get_language
from codefactory.pipeline.plan import Dropped
from codefactory.pipeline.ray_output import RowMaker, Sink, shards, staged_pairs
from codefactory.pipeline.ray_rows import DROPPED, SINK, TALLY, row, table
from codefactory.pipeline.work import Attempt, Function
from codefactory.sources.source_row import SourceRow

if importlib.util.find_spec("ray") is None:
    pytest.skip("ray is not installed: pip install -e '.[ray]'", allow_module_level=True)

from codefactory.pipeline.ray_input import StagedDatasource, read_staged

MAKER = RowMaker(get_language("php"), "", "", given=True)


class _Spec:
    """What the sink needs of a plan: its loop back, here a repair of every dropped record."""

    def retry(self) -> Any:
        def again(dropped: Dropped) -> Attempt:
            assert isinstance(dropped.record, Function)
            return Attempt(dropped.record, (), 0, 0.0, repair_round=1)

        return again


def _batch(orders: range) -> pa.Table:
    """What reaches the sink: records the judge dropped, and a stage's tally."""
    dropped = [
        row(DROPPED, Function(i, SourceRow(f"t{i}", None, "no")), "verified", "wrong", "x")
        for i in orders
    ]
    return table([*dropped, row(TALLY, None, "verified", detail=json.dumps({"kept": 0}))])


def _stage(staging: Path, batch: pa.Table) -> dict[str, Any]:
    """The batch through a sink (a fresh one: the actor Ray restarted), and its sink row."""
    out = Sink(str(staging), 0, MAKER, _Spec())(batch).to_pylist()  # type: ignore[arg-type]
    (sink,) = [r for r in out if r["status"] == SINK]
    assert [r["status"] for r in out] == [TALLY, SINK]  # the tally goes on to the driver
    return dict(json.loads(sink["detail"]))


def _follow_ups(staging: Path) -> list[tuple[int, int]]:
    files = shards(staging / "pending" / "0")
    count = StagedDatasource(files, frozenset()).count()
    read = [
        pickle.loads(r["record"])
        for block in read_staged([str(f) for f in files], frozenset())
        for r in block.to_pylist()
    ]
    assert count == len(read)
    return sorted((a.function.order, a.repair_round) for a in read)


def _task_ids(staging: Path) -> list[str]:
    return sorted(r["task_id"] for _, r in staged_pairs(staging))


def test_a_batch_staged_twice_is_read_back_once(tmp_path: Path) -> None:
    batch = _batch(range(5))
    once, twice = tmp_path / "once", tmp_path / "twice"
    wrote = _stage(once, batch)
    assert _stage(twice, batch) == _stage(twice, batch) == wrote  # the retry: same batch again
    assert len(list((twice / "pending" / "0").glob("*.parquet"))) == 2  # two stagings
    assert _follow_ups(twice) == _follow_ups(once) == [(i, 1) for i in range(5)]
    assert _task_ids(twice) == _task_ids(once) == [f"t{i}" for i in range(5)]


def test_distinct_batches_are_all_read(tmp_path: Path) -> None:
    _stage(tmp_path, _batch(range(0, 3)))
    _stage(tmp_path, _batch(range(3, 5)))
    _stage(tmp_path, _batch(range(3, 5)))  # the second one, run again
    assert _follow_ups(tmp_path) == [(i, 1) for i in range(5)]
    assert _task_ids(tmp_path) == [f"t{i}" for i in range(5)]
