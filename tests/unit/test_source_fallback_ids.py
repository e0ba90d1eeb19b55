"""Rows without a `task_id` get a fallback id (`<stem>:<line>`): unique across the files of one
input, and unchanged where it was already (one file, or files of distinct stems), for the local
engine and the Ray engine's read tasks alike."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from codefactory.sources.shards import Input, open_input

ROW = {"code": "def inc(a):\n    return a + 1", "test_list": ["assert inc(1) == 2"]}


def _jsonl(path: Path, n: int = 2) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(ROW) + "\n" for _ in range(n)))


def _ids(source: Input) -> list[str]:
    return [row.task_id for row in source.rows()]


def _streamed_ids(source: Input) -> list[str]:
    """The ids the Ray engine's read tasks give the same input, in input order."""
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed: pip install -e '.[ray]'")
    import pickle

    from codefactory.pipeline.ray_input import InputDatasource

    functions: list[Any] = []
    for task in InputDatasource(source).get_read_tasks(2):
        for block in task():
            functions += [pickle.loads(r["record"]) for r in block.to_pylist()]
    return [f.row.task_id for f in sorted(functions, key=lambda f: f.order)]


def test_files_of_one_stem_in_a_glob_get_distinct_ids_on_both_engines(tmp_path: Path) -> None:
    _jsonl(tmp_path / "a" / "train.jsonl")
    _jsonl(tmp_path / "b" / "train.jsonl")
    _jsonl(tmp_path / "b" / "test.jsonl", 1)
    source = open_input(tmp_path / "*" / "*.jsonl")
    ids = _ids(source)
    assert ids == [
        "a/train.jsonl:1",
        "a/train.jsonl:2",
        "test:1",
        "b/train.jsonl:1",
        "b/train.jsonl:2",
    ]
    assert _streamed_ids(source) == ids


def test_ids_are_the_path_under_the_globs_folder_whatever_it_matches(tmp_path: Path) -> None:
    _jsonl(tmp_path / "in" / "x" / "2024" / "train.jsonl", 1)
    _jsonl(tmp_path / "in" / "x" / "2025" / "train.jsonl", 1)
    assert _ids(open_input(tmp_path / "in" / "**" / "*.jsonl")) == [
        "x/2024/train.jsonl:1",
        "x/2025/train.jsonl:1",
    ]


def test_one_file_or_distinct_stems_keep_their_ids(tmp_path: Path) -> None:
    _jsonl(tmp_path / "in" / "train.jsonl")
    pq.write_table(pa.Table.from_pylist([ROW]), tmp_path / "in" / "extra.parquet")
    _jsonl(tmp_path / "in" / "sub" / "test.jsonl", 1)
    assert _ids(open_input(tmp_path / "in" / "train.jsonl")) == ["train:1", "train:2"]
    assert _ids(open_input(tmp_path / "in" / "**" / "*")) == [
        "extra:1",
        "test:1",
        "train:1",
        "train:2",
    ]


def test_a_jsonl_and_a_parquet_file_of_one_stem(tmp_path: Path) -> None:
    _jsonl(tmp_path / "train.jsonl", 1)
    pq.write_table(pa.Table.from_pylist([ROW]), tmp_path / "train.parquet")
    source = open_input(tmp_path / "train.*")
    assert _ids(source) == ["train.jsonl:1", "train.parquet:1"]
    assert _streamed_ids(source) == _ids(source)


def test_an_unreadable_file_is_named_as_its_rows_would_be(tmp_path: Path) -> None:
    _jsonl(tmp_path / "a" / "rows.jsonl", 1)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "rows.jsonl").write_bytes(b"\0binary")
    assert _ids(open_input(tmp_path / "*" / "rows.jsonl")) == ["a/rows.jsonl:1", "b/rows.jsonl"]


def test_python_files_of_one_name_in_a_glob(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "util.py").write_text("def inc(a):\n    return a + 1\n")
    (tmp_path / "a" / "other.py").write_text("def dec(a):\n    return a - 1\n")
    rows = list(open_input(tmp_path / "*" / "*.py").rows())
    assert [r.task_id for r in rows] == ["other.py::dec", "a/util.py::inc", "b/util.py::inc"]
    assert [r.source.origin for r in rows if r.source] == ["other.py", "a/util.py", "b/util.py"]


def test_the_splits_of_a_dataset_folder_get_distinct_ids(tmp_path: Path) -> None:
    folder = tmp_path / "rows"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text("# rows\n")
    pq.write_table(pa.Table.from_pylist([ROW, ROW]), folder / "data" / "train-0.parquet")
    pq.write_table(pa.Table.from_pylist([ROW]), folder / "data" / "test-0.parquet")
    source = open_input(folder)
    ids = _ids(source)
    assert sorted(ids) == ["rows/test:0", "rows/train:0", "rows/train:1"]
    assert _streamed_ids(source) == ids


def test_a_dataset_folder_of_one_split_keeps_its_ids(tmp_path: Path) -> None:
    folder = tmp_path / "rows"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text("# rows\n")
    pq.write_table(pa.Table.from_pylist([ROW, ROW]), folder / "data" / "train-0.parquet")
    assert _ids(open_input(folder)) == ["rows:0", "rows:1"]
