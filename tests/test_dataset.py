"""The dataset folder: loadable, rewritten atomically, never served stale by `datasets`."""

from __future__ import annotations

from pathlib import Path

import datasets

from codefactory.dataset.writer import write_dataset


def test_rewrite_is_never_read_stale(tmp_path: Path) -> None:
    for folder, task in (("a/out", "A"), ("b/out", "B"), ("b/out", "C")):
        write_dataset(tmp_path / folder, {"php": {"train": [{"task_id": task}]}}, "card\n")
        assert datasets.load_dataset(str(tmp_path / folder))["train"]["task_id"] == [task]


def test_empty_splits_are_left_out(tmp_path: Path) -> None:
    write_dataset(
        tmp_path / "out",
        {"php": {"train": [{"task_id": "1", "verified": True}], "rejected": []}},
        "card\n",
    )
    loaded = datasets.load_dataset(str(tmp_path / "out"))
    assert list(loaded) == ["train"] and loaded["train"]["verified"] == [True]


def test_several_targets_are_configs(tmp_path: Path) -> None:
    write_dataset(
        tmp_path / "out",
        {"php": {"train": [{"task_id": "p"}]}, "lua": {"train": [{"task_id": "l"}]}},
        "card\n",
    )
    assert datasets.load_dataset(str(tmp_path / "out"))["train"]["task_id"] == ["p"]
    assert datasets.load_dataset(str(tmp_path / "out"), "lua")["train"]["task_id"] == ["l"]
    readme = (tmp_path / "out" / "README.md").read_text()
    assert readme.startswith("---\n") and "config_name: lua" in readme
