"""Parquet files of MBPP- or HumanEval-form rows, read a batch of rows at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codefactory.sources.benchmark_row import source_from_row
from codefactory.sources.source_row import SourceRow

BATCH_ROWS = 256  # rows decoded at once: memory is a batch's, whatever the file's size


def read_parquet(path: Path, name: str = "") -> Iterator[SourceRow]:
    """Rows as the JSONL reader makes them; a row without `task_id` is `<name>:<row number>`,
    `name` the file's stem unless given. A file that is not Parquet is one row with why, never
    a crash."""
    name = name or path.stem
    try:
        handle = pq.ParquetFile(path)
        batches = handle.iter_batches(batch_size=BATCH_ROWS)
        number = 0
        for batch in batches:
            for row in batch.to_pylist():
                number += 1
                yield source_row(row, f"{name}:{number}", path.name)
    except (pa.ArrowException, OSError) as exc:
        yield SourceRow(name, None, f"unreadable Parquet file {path.name}: {exc}"[:300])


def source_row(row: dict[str, object], fallback_id: str, origin: str) -> SourceRow:
    """A dataset row (Parquet, a dataset folder) as a SourceRow, or why it is not one."""
    task_id = str(row.get("task_id", fallback_id))
    try:
        return SourceRow(task_id, source_from_row(row, task_id, origin), None, row)
    except ValueError as exc:
        return SourceRow(task_id, None, str(exc), row)
