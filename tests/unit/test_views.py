"""The SFT and DPO views: extra configs that `load_dataset` reads, with TRL's column names and
the right pairs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import datasets
from huggingface_hub import DatasetCard

from codefactory.dataset.card import views_section
from codefactory.dataset.views import dpo_rows, sft_rows, view_tables
from codefactory.dataset.writer import CardMetadata, write_dataset

REQUEST = json.dumps(
    [
        {"role": "system", "content": "You translate Python into PHP."},
        {"role": "user", "content": "Translate this Python function to PHP: def f(x): ..."},
    ]
)


def row(task: str, code: str, verified: bool, **extra: Any) -> dict[str, Any]:
    return {
        "task_id": task,
        "target_language": "php",
        "target_code": code,
        "verified": verified,
        "status": "passed" if verified else "wrong_answer",
        "request": REQUEST,
        "repair_round": 0,
        "contamination": "",
        **extra,
    }


TRAIN = [
    row("1", "<?php\nfunction f($x) { return $x + 1; }", True, repair_round=1),
    row("2", "<?php\nfunction g($x) { return $x * 2; }", True),
]
REJECTED = [
    row("1", "<?php\nfunction f($x) { return $x; }", False, failure={"case": 0, "got": "1"}),
    row("1", "<?php\nfunction f($x) { return $x; }", False),  # the same failed code: one pair
    row("1", "<?php\nfunction f($x) { return 0; }", False, status="runtime_error"),
    row("3", "<?php\nfunction h() {}", False),  # no verified translation of 3: no pair
]


def test_dpo_pairs_a_failed_candidate_with_a_verified_one_of_the_same_function() -> None:
    pairs = dpo_rows(TRAIN, REJECTED, "php")
    assert [(p["task_id"], p["rejected_status"]) for p in pairs] == [
        ("1", "wrong_answer"),
        ("1", "runtime_error"),
    ]
    first = pairs[0]
    assert first["prompt"] == json.loads(REQUEST)
    assert first["chosen"] == [
        {"role": "assistant", "content": "```php\n" + TRAIN[0]["target_code"] + "\n```"}
    ]
    assert "return $x; }" in first["rejected"][0]["content"]
    assert json.loads(first["rejected_failure"]) == {"case": 0, "got": "1"}
    assert (first["chosen_repair_round"], first["rejected_repair_round"]) == (1, 0)


def test_a_failed_candidate_for_another_request_makes_no_pair() -> None:
    other = row("1", "<?php\nfunction f($x) { return -1; }", False, request="[]")
    assert dpo_rows(TRAIN, [other], "php") == []


def test_sft_messages_are_the_request_then_the_verified_code() -> None:
    sft = sft_rows(TRAIN, "php")
    assert len(sft) == 2
    assert sft[0]["messages"] == sft[0]["prompt"] + sft[0]["completion"]
    assert [m["role"] for m in sft[0]["messages"]] == ["system", "user", "assistant"]
    assert sft[1]["completion"][0]["content"].startswith("```php\n<?php\nfunction g")


def test_views_load_as_configs_and_the_card_lists_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    views = view_tables("php", TRAIN, REJECTED, "php")
    card = "# card\n" + "\n".join(views_section({"php": list(views)}, str(out)))
    meta = CardMetadata("cc-by-4.0", "x", ("php",), {"php": 6})
    write_dataset(out, {"php": {"train": TRAIN, "rejected": REJECTED}}, card, None, meta, views)

    assert len(datasets.load_dataset(str(out))["train"]) == 2  # the default config: the rows
    dpo = datasets.load_dataset(str(out), "php-dpo", split="train")
    assert dpo.column_names[:3] == ["prompt", "chosen", "rejected"]
    assert dpo[0]["prompt"][1]["role"] == "user" and dpo[0]["chosen"][0]["role"] == "assistant"
    assert len(dpo) == 2
    sft = datasets.load_dataset(str(out), "php-sft", split="train")
    assert {"messages", "prompt", "completion"} <= set(sft.column_names) and len(sft) == 2

    data = DatasetCard.load(out / "README.md").data.to_dict()
    configs = {c["config_name"]: c for c in data["configs"]}
    assert set(configs) == {"php", "php-sft", "php-dpo"} and configs["php"].get("default")
    assert data["license"] == "cc-by-4.0" and data["task_categories"] == ["text-generation"]
    text = (out / "README.md").read_text()
    assert f'load_dataset("{out}", "php-dpo", split="train")' in text
