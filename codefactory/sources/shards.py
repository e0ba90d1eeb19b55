"""An input as a list of shards: a file, a `.py` file under a folder, a split of a dataset
folder. Each shard is read on its own (`read_shard`), in order they are the input's rows, so
one process can read them one after another (the local engine) and many can read them at once
(the Ray engine) with the same rows out. Shards are small picklable values: nothing is read
until a shard is."""

from __future__ import annotations

import glob
import itertools
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.parquet import read_parquet, source_row
from codefactory.sources.python_files import python_file, python_files_under
from codefactory.sources.source_row import SourceRow

SAMPLE = Path(__file__).parent.parent / "data" / "mbpp_sample.jsonl"
Kind = Literal["jsonl", "parquet", "python", "dataset"]
_GLOB = frozenset("*?[")


@dataclass(frozen=True)
class Shard:
    kind: Kind
    path: str  # the file, or the dataset folder
    label: str = ""  # python: the file as rows name it; dataset: the split
    name: str = ""  # jsonl, parquet, dataset: what fallback ids start with ("": stem, folder)


@dataclass(frozen=True)
class Input:
    """What a command reads: its shards, and `limit` (only the first N rows, in input order)."""

    shards: tuple[Shard, ...]
    limit: int | None = None

    def rows(self) -> Iterator[SourceRow]:
        rows = itertools.chain.from_iterable(read_shard(s) for s in self.shards)
        return itertools.islice(rows, self.limit) if self.limit is not None else rows


def open_input(path: Path | None, limit: int | None = None) -> Input:
    """JSONL or Parquet files, a glob of them, `.py` files or a folder of them, a local dataset
    folder (README.md + data/), or, without a path, the sample shipped in the package. Lists
    files only; raises FileNotFoundError for a path (or glob) that names nothing."""
    return Input(tuple(input_shards(path)), limit)


def input_shards(path: Path | None) -> list[Shard]:
    if path is None:
        return [Shard("jsonl", str(SAMPLE))]
    if not path.exists() and _GLOB & set(str(path)):
        matches = sorted(glob.glob(str(path), recursive=True))
        if not matches:
            raise FileNotFoundError(path)
        listed = [s for match in matches for s in _listed(Path(match))]
        return _distinct(listed, _literal_root(path))
    if not path.exists():
        raise FileNotFoundError(path)
    return _distinct(_listed(path), path.parent)


def _listed(path: Path) -> list[Shard]:
    if path.is_dir() and (path / "data").is_dir():
        return [Shard("dataset", str(path), split) for split in _splits(path)]
    if path.is_dir():
        return [Shard("python", str(file), label) for file, label in python_files_under(path)]
    if path.suffix == ".py":
        return [Shard("python", str(path), path.name)]
    if path.suffix == ".parquet":
        return [Shard("parquet", str(path))]
    return [Shard("jsonl", str(path))]


def _id_name(shard: Shard) -> str:
    """What the ids of a shard's rows start with: a `.py` file's label, else the name of a row
    without `task_id` (`<name>:<number>`)."""
    if shard.kind == "python":
        return shard.label
    if shard.name:
        return shard.name
    return Path(shard.path).name if shard.kind == "dataset" else Path(shard.path).stem


def _distinct(shards: list[Shard], root: Path) -> list[Shard]:
    """Shards whose rows' ids would collide (`a/train.jsonl` and `b/train.jsonl`, a dataset's
    splits) named by their path under the input's root instead (`a/train.jsonl:3`). The others
    keep their names: the ids of existing datasets, which resumes and refreshes key on, stay."""
    names = Counter(_id_name(s) for s in shards)
    return [s if names[_id_name(s)] == 1 else _renamed(s, root) for s in shards]


def _renamed(shard: Shard, root: Path) -> Shard:
    where = Path(os.path.relpath(shard.path, root)).as_posix()
    if shard.kind == "python":  # the label is the rows' origin too: still no machine path
        return replace(shard, label=where)
    return replace(shard, name=f"{where}/{shard.label}" if shard.kind == "dataset" else where)


def _literal_root(pattern: Path) -> Path:
    """A glob's folder before its first wildcard: the same whatever the glob matches."""
    return Path(*itertools.takewhile(lambda part: not _GLOB & set(part), pattern.parts))


def read_shard(shard: Shard) -> Iterator[SourceRow]:
    path = Path(shard.path)
    if shard.kind == "jsonl":
        return read_jsonl(path, shard.name)
    if shard.kind == "parquet":
        return read_parquet(path, shard.name)
    if shard.kind == "python":
        return python_file(path, shard.label)
    return read_dataset_split(path, shard.label, shard.name)


def _splits(path: Path) -> list[str]:
    import datasets

    return list(datasets.load_dataset(str(path), streaming=True).keys())


def read_dataset_split(path: Path, split: str, name: str = "") -> Iterator[SourceRow]:
    """One split of a local dataset folder, streamed (`datasets`' streaming mode reads the
    files as they are, a batch at a time, and builds no cache of the whole). A row without
    `task_id` is `<name>:<number>`, `name` the folder's name unless given."""
    import datasets

    rows = datasets.load_dataset(str(path), split=split, streaming=True)
    for number, row in enumerate(rows):
        yield source_row(dict(row), f"{name or path.name}:{number}", path.name)
