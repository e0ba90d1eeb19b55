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


def test_card_yaml_has_what_the_hub_filters_by(tmp_path: Path) -> None:
    from codefactory.dataset.writer import CardMetadata, size_category

    rows = [{"task_id": "t", "verified": True, "status": "passed", "target_entry_point": "fAb"}]
    meta = CardMetadata("cc-by-4.0", "Verified Python to php", ("php",), {"php": 1})
    write_dataset(tmp_path / "out", {"php": {"train": rows}}, "# card\n", None, meta)
    text = (tmp_path / "out" / "README.md").read_text()
    front = text.split("---")[1]
    for line in (
        "license: cc-by-4.0",
        "language:\n- code",
        'pretty_name: "Verified Python to php"',
        "task_categories:\n- text-generation",
        "size_categories:\n- n<1K",
        "- php\nconfigs:",
    ):
        assert line in front, line
    loaded = datasets.load_dataset(str(tmp_path / "out"))["train"]
    assert loaded[0]["target_entry_point"] == "fAb"
    assert [size_category(n) for n in (0, 999, 1000, 99_999, 100_000, 2_000_000)] == [
        "n<1K",
        "n<1K",
        "1K<n<10K",
        "10K<n<100K",
        "100K<n<1M",
        "n>1M",
    ]
