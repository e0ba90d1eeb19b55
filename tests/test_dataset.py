"""The dataset folder: loadable, rewritten atomically, never served stale by `datasets`."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app
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


def test_translate_writes_views_flags_benchmarks_and_drops_duplicates(
    tmp_path: Path, sandbox: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end with the scripted backend: `neg` fails, then its repair passes (a DPO pair);
    task 3 is task 1 again (an exact duplicate); task 1 is a planted benchmark item."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    rows = [
        {
            "task_id": 1,
            "code": "def add(a, b):\n    return a + b",
            "test_list": ["assert add(1, 2) == 3"],
        },
        {"task_id": 2, "code": "def neg(a):\n    return -a", "test_list": ["assert neg(2) == -2"]},
        {
            "task_id": 3,
            "code": "def add(a, b):\n    return a + b",
            "test_list": ["assert add(2, 2) == 4"],
        },
    ]
    replies = {
        "def add": ["```php\nfunction add($a, $b) { return $a + $b; }\n```"],
        "def neg": [
            "```php\nfunction neg($a) { return $a; }\n```",
            "```php\nfunction neg($a) { return 0 - $a; }\n```",
        ],
    }
    (tmp_path / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "replies.json").write_text(json.dumps(replies))
    bench = tmp_path / "bench"
    bench.mkdir()
    item = {"task_id": 900, "code": "def add(a, b):\n  return a + b", "test_list": []}
    (bench / "mbpp.jsonl").write_text(json.dumps(item) + "\n")
    out = tmp_path / "out"
    args = ["translate", str(tmp_path / "rows.jsonl"), "--backend", "fake", "--model"]
    args += [str(tmp_path / "replies.json"), "--output", str(out), "--samples", "1"]
    args += ["--repair", "1", "--benchmarks", str(bench), "--quiet", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output

    train = datasets.load_dataset(str(out), "php", split="train")
    assert train["task_id"] == ["1", "2"]  # 3 dropped: the same code as 1
    assert train["contamination"] == ["mbpp:900", ""]
    dpo = datasets.load_dataset(str(out), "php-dpo", split="train")
    assert dpo["task_id"] == ["2"] and dpo["rejected_status"] == ["wrong_answer"]
    assert "0 - $a" in dpo[0]["chosen"][0]["content"]
    assert "return $a; }" in dpo[0]["rejected"][0]["content"]
    assert dpo[0]["prompt"][-1]["role"] == "user" and "def neg" in dpo[0]["prompt"][-1]["content"]
    sft = datasets.load_dataset(str(out), "php-sft", split="train")
    assert sft["task_id"] == ["1", "2"]

    summary = json.loads(result.stdout)["php"]
    assert summary["curation"]["duplicates_dropped"] == {"exact_duplicate": 1}
    stages = {s["stage"]: s for s in summary["funnel"]["curation"]}
    assert stages["deduplicated"]["dropped"] == {"exact_duplicate": 1}
    card = (out / "README.md").read_text()
    assert 'load_dataset("out", "php-dpo", split="train")' in card
    assert "| php | 1 / 0 | mbpp: 1 | 0 | 1 | 0 |" in card
    assert (out / "codefactory.toml").read_text() in card.replace("```toml\n", "")

    # --decontaminate: the flagged row goes, and the funnel says so.
    result = CliRunner().invoke(app, [*args, "--decontaminate"])
    assert result.exit_code == 0, result.output
    assert datasets.load_dataset(str(out), "php", split="train")["task_id"] == ["2"]
    stages = {s["stage"]: s for s in json.loads(result.stdout)["php"]["funnel"]["curation"]}
    assert stages["decontaminated"]["dropped"] == {"contaminated": 2}
