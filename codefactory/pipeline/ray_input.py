"""The input of a Ray run as a Ray Data datasource: read tasks on the workers read the input's
shards (sources/shards.py) and yield blocks of BLOCK_ROWS rows, each a `live` Function, so
the driver never holds the input and a worker holds one block of it at a time (Ray Data's
streaming executor pulls blocks as the stages downstream take them: backpressure).

A Function's `order` is `shard << ORDER_BITS | row in shard`: it sorts as the input does, which
is all the rows need of it (pipeline/rows.py `split_rows`), and a read task computes it without
counting the shards before its own. With `limit` ("the first N rows") the shards are read in
one task, one after another, so it stops where the local engine does.
"""

from __future__ import annotations

import itertools
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
    def __init__(self, source: Input) -> None:
        self.source = source

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
        metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None)
        return [
            ReadTask(
                lambda g=group: read_blocks(g, self.source.limit),  # type: ignore[misc]
                metadata,
                per_task_row_limit=per_task_row_limit,
            )
            for group in groups
            if group
        ]


def read_blocks(shards: list[tuple[int, Shard]], limit: int | None) -> Iterator[pa.Table]:
    """The shards' rows as `live` Functions, BLOCK_ROWS at a time, at most `limit` in all."""
    functions: Iterable[Function] = (
        Function((index << ORDER_BITS) | number, source_row)
        for index, shard in shards
        for number, source_row in enumerate(read_shard(shard))
    )
    if limit is not None:
        functions = itertools.islice(functions, limit)
    iterator = iter(functions)
    while block := list(itertools.islice(iterator, BLOCK_ROWS)):
        yield table([row(LIVE, f) for f in block])


class StagedDatasource(Datasource):
    """A pass's staged follow-ups (pipeline/ray_output.py) as the next pass's input, none of a
    function already verified (keep=first). Its own read tasks, not `read_parquet`, whose
    file-listing step asks for a whole CPU: on a cluster whose every node has actors holding a
    fraction of its one CPU, that step would never be scheduled."""

    def __init__(self, files: Sequence[Path], verified: frozenset[int]) -> None:
        self.files = [str(f) for f in files]
        self.verified = verified

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
