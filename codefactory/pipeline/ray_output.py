"""The end of every pass of a Ray run, on a worker: `Sink` turns the records that reached it
into dataset rows and the next passes' work, and writes both as staged Parquet shards. Only a
small `sink` row per batch (what was written, which functions verified) goes on to the driver,
with the stages' tallies: the driver never holds the records, nor the rows until the end.

    staging/rows/<batch>.<uuid>.parquet        dataset rows (ROW_SCHEMA) with `_order`
    staging/pending/<pass>/<batch>.<uuid>...   repair attempts made of this pass's failures

`staged_pairs` then reads the rows back in the driver for the global steps (keep=first, the
split, dedup, decontamination: pipeline/rows.py, curate/) and the dataset writer. A shard is
written under a temporary name and renamed, so a worker that dies mid-write leaves nothing
half-written. A batch that Ray runs again after a lost node stages its shards again; `<batch>`
names what the batch held (its records' functions and attempts), so `shards` reads one
staging of each batch: the next pass gets each follow-up once and counts it once. Rows are
also told apart by (function, sample, round), and each is read once.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from codefactory.core.languages import Language
from codefactory.dataset.writer import row_table
from codefactory.pipeline.plan import Dropped
from codefactory.pipeline.ray_rows import DROPPED, LIVE, SINK, row, table
from codefactory.pipeline.rows import judged_row, unjudged_row
from codefactory.pipeline.specs import PlanSpec
from codefactory.pipeline.stage import Drop
from codefactory.pipeline.work import Attempt, Candidate, Function, Judged

ORDER = "_order"
PENDING_SCHEMA = pa.schema([("record", pa.binary()), ("order", pa.int64())])


@dataclass(frozen=True)
class RowMaker:
    """What a row needs beyond its record: the target, the model and backend that made it, and
    whether the rows were given (verify: a row that was never judged is still reported)."""

    target: Language
    model: str
    backend: str
    given: bool


class Sink:
    """A Ray Data step: rows and the next passes' attempts to staged shards, tallies on."""

    def __init__(
        self,
        staging: str,
        pass_index: int,
        maker: RowMaker,
        spec: PlanSpec,
    ) -> None:
        self.staging = Path(staging)
        self.pass_index = pass_index
        self.maker = maker
        self.retry: Callable[[Dropped], Any | None] | None = spec.retry()
        self.told: dict[str, int] = {}  # what the follow-up had refused when last told

    def __call__(self, batch: pa.Table) -> pa.Table:
        out: list[dict[str, Any]] = []
        rows: list[dict[str, Any]] = []
        pending: list[Any] = []
        verified: list[int] = []
        notes: dict[str, int] = {}
        units: list[str] = []
        m = self.maker
        for r in batch.to_pylist():
            status = r["status"]
            if status not in (LIVE, DROPPED):  # tallies, a fatal: to the driver
                out.append(r)
                continue
            record = pickle.loads(r["record"])
            units.append(_unit(status, record))
            if status == LIVE:
                rows.append(_ordered(record, judged_row(record, m.target, m.model, m.backend)))
                verified.append(record.function.order)
                continue
            dropped = Dropped(r["stage"], record, Drop(r["reason"], r["detail"], record))
            if isinstance(record, Judged):
                rows.append(_ordered(record, judged_row(record, m.target, m.model, m.backend)))
            elif m.given:
                function = record if isinstance(record, Function) else record.function
                rows.append(_ordered(record, unjudged_row(function, dropped.drop, m.target)))
            again = self._retried(dropped, notes)
            if again is not None:
                pending.append(again)
        batch_id = _batch_id(self.pass_index, units)
        if rows:
            table_ = row_table(rows).append_column(
                ORDER, pa.array([x[ORDER] for x in rows], pa.int64())
            )
            _write(table_, self.staging / "rows", batch_id)
        _write(_pending(pending), self.staging / "pending" / str(self.pass_index), batch_id)
        refused = getattr(self.retry, "notes", None)
        for name, count in (refused() if refused else {}).items():
            if count > self.told.get(name, 0):
                notes[name] = count - self.told.get(name, 0)
                self.told[name] = count
        wrote = {"rows": len(rows), "pending": len(pending)}
        out.append(row(SINK, detail=json.dumps({**wrote, "verified": verified, "notes": notes})))
        return table(out)

    def _retried(self, dropped: Dropped, notes: dict[str, int]) -> Any | None:
        """The plan's loop back; a bug in it costs that record's follow-up, counted (as
        locally), never the run."""
        if self.retry is None:
            return None
        try:
            return self.retry(dropped)
        except Exception as exc:
            note = f"internal error: {type(exc).__name__}: {exc}"[:120]
            notes[note] = notes.get(note, 0) + 1
            return None


def _unit(status: str, record: Any) -> str:
    """The unit of work a record is: its function and, from the prompt on, its attempt. The
    same each time a batch runs, whatever its records' timings."""
    if isinstance(record, Function):
        return f"{status} {record.order}"
    candidate = getattr(record, "candidate", record)  # a Parsed or Judged holds its candidate
    attempt = candidate.attempt if isinstance(candidate, Candidate) else candidate
    if not isinstance(attempt, Attempt):  # a given candidate (verify)
        return f"{status} {record.function.order}"
    where = (attempt.function.order, attempt.purpose, attempt.sample_index, attempt.repair_round)
    return f"{status} {where}"


def _batch_id(pass_index: int, units: list[str]) -> str:
    """A batch's name: what it held, so a batch run twice stages under one name."""
    text = "\n".join([str(pass_index), *sorted(units)])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _ordered(record: Any, dataset_row: dict[str, Any]) -> dict[str, Any]:
    function = record if isinstance(record, Function) else record.function
    return {**dataset_row, ORDER: function.order}


def _pending(items: list[Any]) -> pa.Table:
    return pa.Table.from_pydict(
        {"record": [pickle.dumps(r) for r in items], "order": [r.function.order for r in items]},
        schema=PENDING_SCHEMA,
    )


def _write(data: pa.Table, folder: Path, batch_id: str) -> None:
    """One shard, whole or not at all: written under a name readers skip, then renamed."""
    if not data.num_rows:
        return
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{batch_id}.{uuid.uuid4().hex}"  # each staging its own file: no write replaces one
    partial = folder / f".{name}.parquet.partial"
    pq.write_table(data, partial)
    os.replace(partial, folder / f"{name}.parquet")


def shards(folder: Path) -> list[Path]:
    """A folder's staged shards, one staging of each batch (a batch Ray ran twice has two)."""
    first: dict[str, Path] = {}
    for path in sorted(folder.glob("*.parquet")) if folder.is_dir() else []:
        first.setdefault(path.name.partition(".")[0], path)
    return list(first.values())


def staged_pairs(staging: Path) -> list[tuple[int, dict[str, Any]]]:
    """Every staged row once, as (function order, row): what pipeline/rows.py splits."""
    seen: set[tuple[int, int, int]] = set()
    pairs: list[tuple[int, dict[str, Any]]] = []
    for dataset_row in _staged_rows(staging / "rows"):
        order = int(dataset_row.pop(ORDER))
        key = (order, dataset_row.get("sample_index") or 0, dataset_row.get("repair_round") or 0)
        if key not in seen:
            seen.add(key)
            pairs.append((order, dataset_row))
    return pairs


def _staged_rows(folder: Path) -> Iterator[dict[str, Any]]:
    for path in shards(folder):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            yield from batch.to_pylist()
