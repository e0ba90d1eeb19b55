"""Any input, read by the reader its form needs; without one, the sample the package ships."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from codefactory.sources.benchmark_row import source_from_row
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.python_files import read_python_files
from codefactory.sources.source_row import SourceRow

SAMPLE = Path(__file__).parent.parent / "data" / "mbpp_sample.jsonl"


def load_sources(path: Path | None) -> Iterator[SourceRow]:
    """JSONL (MBPP or HumanEval form), `.py` files or a directory of them, a local dataset
    folder (README.md + data/), or, without a path, the sample corpus shipped in the package."""
    if path is None:
        yield from read_jsonl(SAMPLE)
        return
    if not path.exists():
        raise FileNotFoundError(path)
    if path.is_dir() and (path / "data").is_dir():
        yield from read_dataset_folder(path)
    elif path.is_dir() or path.suffix == ".py":
        yield from read_python_files(path)
    else:
        yield from read_jsonl(path)


def read_dataset_folder(path: Path) -> Iterator[SourceRow]:
    import datasets

    loaded = datasets.load_dataset(str(path))
    for split in loaded.values():
        for number, row in enumerate(split):
            task_id = str(row.get("task_id", f"{path.name}:{number}"))
            try:
                yield SourceRow(
                    task_id, source_from_row(dict(row), task_id, path.name), None, dict(row)
                )
            except ValueError as exc:
                yield SourceRow(task_id, None, str(exc), dict(row))
