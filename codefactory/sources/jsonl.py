"""JSONL files of MBPP- or HumanEval-form rows, read line by line without trusting them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from codefactory.core.limits import MAX_LINE_BYTES, size
from codefactory.sources.benchmark_row import source_from_row
from codefactory.sources.source_row import SourceRow

SNIFF_BYTES = 8192  # a NUL byte in the first 8 KiB: a binary file, not text


def read_jsonl(path: Path, name: str = "") -> Iterator[SourceRow]:
    """MBPP-form or HumanEval-form JSONL. A bad line is a row with an error, never a crash; a
    line over MAX_LINE_BYTES is skipped in chunks, never held whole. A row without `task_id` is
    `<name>:<line number>`, `name` the file's stem unless given (sources/shards.py)."""
    name = name or path.stem
    with path.open("rb") as handle:
        if b"\0" in handle.read(SNIFF_BYTES):
            why = f"binary file, not JSONL: {path.name} has a NUL byte in its first 8 KiB"
            yield SourceRow(name, None, why)
            return
        handle.seek(0)
        number = 0
        while raw_line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            fallback_id = f"{name}:{number}"
            if len(raw_line) > MAX_LINE_BYTES and not raw_line.endswith(b"\n"):
                total = len(raw_line) + _skip_line(handle)
                why = f"JSONL line over MAX_LINE_BYTES ({size(MAX_LINE_BYTES)}): line {number}"
                yield SourceRow(fallback_id, None, f"{why} has {total} bytes")
                continue
            if not raw_line.strip():
                continue
            try:
                row = json.loads(raw_line.decode("utf-8"))
                if not isinstance(row, dict):
                    raise ValueError("not a JSON object")
            except (ValueError, UnicodeDecodeError) as exc:
                yield SourceRow(fallback_id, None, f"malformed JSONL line {number}: {exc}")
                continue
            except RecursionError:  # json's C decoder on [[[[...]]]]
                yield SourceRow(
                    fallback_id, None, f"malformed JSONL line {number}: nested too deeply"
                )
                continue
            task_id = str(row.get("task_id", fallback_id))
            try:
                source = source_from_row(row, task_id, path.name)  # no machine path in a row
            except ValueError as exc:
                yield SourceRow(task_id, None, str(exc), row)
                continue
            yield SourceRow(task_id, source, None, row)


def _skip_line(handle: BinaryIO) -> int:
    """Reads past the rest of an over-long line, 1 MiB at a time; returns the bytes skipped."""
    skipped = 0
    while chunk := handle.readline(1 << 20):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped
