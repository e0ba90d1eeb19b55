"""The input of a Ray run as a Ray Data datasource: read tasks on the workers read the input's
shards (sources/shards.py) and yield blocks of BLOCK_ROWS rows, each a `live` Function, so
the driver never holds the input and a worker holds one block of it at a time (Ray Data's
streaming executor pulls blocks as the stages downstream take them: backpressure).

A Function's `order` is `shard << ORDER_BITS | row in shard`: it sorts as the input does, which
is all the rows need of it (pipeline/rows.py `split_rows`), and a read task computes it without
counting the shards before its own. With `limit` ("the first N rows") the shards are read in
one task, one after another, so it stops where the local engine does. Once read, a task
reports its rows in a small file (`counts`): when all have, the driver knows the input's rows,
a total for the progress, without reading anything itself.
"""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from ray.data import Datasource, ReadTask
from ray.data.block import BlockMetadata

from codefactory.pipeline.ray_rows import LIVE, row, table
from codefactory.pipeline.work import Function
from codefactory.sources.shards import Input, Shard, read_shard

BLOCK_ROWS = 64
ORDER_BITS = 32  # rows per shard: a shard is one file, one split


class InputDatasource(Datasource):
    def __init__(self, source: Input, counts: Path | None = None) -> None:
        self.source = source
        self.counts = counts  # a folder every node reaches, for the read tasks' row counts

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(
        self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
    ) -> list[ReadTask]:
        numbered = list(enumerate(self.source.shards))
        if self.source.limit is not None:
            groups = [numbered]
        else:  # a few tasks of many shards each, not one task per file of a big folder
            n = max(1, min(parallelism, len(numbered)))
            groups = [numbered[i::n] for i in range(n)]
        groups = [group for group in groups if group]
        metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None)
        limit, tasks = self.source.limit, len(groups)
        reports = [self.counts / f"{i}.json" if self.counts else None for i in range(tasks)]
        return [
            ReadTask(
                lambda g=group, r=report: read_blocks(g, limit, r, tasks),  # type: ignore[misc]
                metadata,
                per_task_row_limit=per_task_row_limit,
            )
            for group, report in zip(groups, reports, strict=True)
        ]


def read_blocks(
    shards: list[tuple[int, Shard]],
    limit: int | None,
    report: Path | None = None,
    tasks: int = 1,
) -> Iterator[pa.Table]:
    """The shards' rows as `live` Functions, BLOCK_ROWS at a time, at most `limit` in all; once
    read, their number to `report`, with the number of read `tasks` (see `input_rows`)."""
    functions: Iterable[Function] = (
        Function((index << ORDER_BITS) | number, source_row)
        for index, shard in shards
        for number, source_row in enumerate(read_shard(shard))
    )
    if limit is not None:
        functions = itertools.islice(functions, limit)
    iterator = iter(functions)
    rows = 0
    while block := list(itertools.islice(iterator, BLOCK_ROWS)):
        rows += len(block)
        yield table([row(LIVE, f) for f in block])
    if report is not None:  # whole or not at all; a retried task writes the same again
        report.parent.mkdir(parents=True, exist_ok=True)
        partial = report.with_name(f".{report.name}.{uuid.uuid4().hex}.partial")
        partial.write_text(json.dumps({"tasks": tasks, "rows": rows}))
        os.replace(partial, report)


def input_rows(counts: Path) -> int | None:
    """The input's rows once every read task has reported its own, else None."""
    reports = sorted(counts.glob("*.json")) if counts.is_dir() else []
    if not reports or len(reports) < json.loads(reports[0].read_text())["tasks"]:
        return None
    return sum(int(json.loads(p.read_text())["rows"]) for p in reports)


class StagedDatasource(Datasource):
    """A pass's staged follow-ups (pipeline/ray_output.py) as the next pass's input, none of a
    function already verified (keep=first). Its own read tasks, not `read_parquet`, whose
    file-listing step asks for a whole CPU: on a cluster whose every node has actors holding a
    fraction of its one CPU, that step would never be scheduled."""

    def __init__(self, files: Sequence[Path], verified: frozenset[int]) -> None:
        self.files = [str(f) for f in files]
        self.verified = verified

    def count(self) -> int:
        """The follow-ups the read tasks will yield: one int column per shard, read here."""
        return sum(
            order not in self.verified
            for path in self.files
            for order in pq.read_table(path, columns=["order"]).column("order").to_pylist()
        )

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(
        self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
    ) -> list[ReadTask]:
        n = max(1, min(parallelism, len(self.files)))
        groups = [self.files[i::n] for i in range(n)]
        metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None)
        return [
            ReadTask(
                lambda g=group: read_staged(g, self.verified),  # type: ignore[misc]
                metadata,
                per_task_row_limit=per_task_row_limit,
            )
            for group in groups
            if group
        ]


def read_staged(files: list[str], verified: frozenset[int]) -> Iterator[pa.Table]:
    for path in files:
        columns = pq.read_table(path, columns=["record", "order"]).to_pydict()
        live = [
            {"record": record, "status": LIVE, "stage": "", "reason": "", "detail": ""}
            for record, order in zip(columns["record"], columns["order"], strict=True)
            if order not in verified
        ]
        for start in range(0, len(live), BLOCK_ROWS):
            yield table(live[start : start + BLOCK_ROWS])
