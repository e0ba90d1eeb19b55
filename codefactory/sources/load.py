"""Any input, read by the reader its form needs; without one, the sample the package ships."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from codefactory.sources.shards import SAMPLE, input_shards, open_input, read_dataset_split
from codefactory.sources.source_row import SourceRow

__all__ = ["SAMPLE", "input_shards", "load_sources", "open_input", "read_dataset_split"]


def load_sources(path: Path | None) -> Iterator[SourceRow]:
    """JSONL or Parquet (MBPP or HumanEval form) files or a glob of them, `.py` files or a
    directory of them, a local dataset folder (README.md + data/), or, without a path, the
    sample corpus shipped in the package. The input's shards, read one after another."""
    return open_input(path).rows()
