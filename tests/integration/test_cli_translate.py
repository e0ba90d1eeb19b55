"""`codefactory translate` from the command line, with the scripted backend."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app
from codefactory.core.languages import all_languages

ROWS = [
    {
        "task_id": 1,
        "code": "def add(a, b):\n    return a + b",
        "test_list": ["assert add(1, 2) == 3"],
    },
    {"task_id": 2, "code": "def neg(a):\n    return -a", "test_list": ["assert neg(2) == -2"]},
]
REPLIES = {
    "def add": ["```php\nfunction add($a, $b) { return $a + $b; }\n```"],
    "def neg": [
        "```php\nfunction neg($a) { return $a; }\n```",
        "```php\nfunction neg($a) { return 0 - $a; }\n```",
    ],
}


@pytest.fixture
def job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[str]]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(REPLIES))
    out = tmp_path / "out"
    args = [
        "translate",
        str(source),
        "--target",
        "php",
        "--backend",
        "fake",
        "--model",
        str(replies),
        "--output",
        str(out),
        "--samples",
        "1",
        "--repair",
        "1",
        "--quiet",
    ]
    return source, out, args


def test_translate_writes_train_and_rejected(
    job: tuple[Path, Path, list[str]], sandbox: object
) -> None:
    _, out, args = job
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["php"]
    assert summary["train_rows"] == 2 and summary["rejected_rows"] == 1
    loaded = datasets.load_dataset(str(out))
    assert sorted(loaded["train"]["task_id"]) == ["1", "2"]
    rejected = loaded["rejected"][0]
    assert rejected["task_id"] == "2" and rejected["status"] == "wrong_answer"
    assert json.loads(rejected["failure"])["got"] == "2"
    for column in (
        "model",
        "backend",
        "prompt_version",
        "sample_index",
        "repair_round",
        "seed",
        "generation_s",
        "execution_s",
    ):
        assert column in loaded["train"].column_names
    card = (out / "README.md").read_text()
    assert "Model: " in card and "| verified | 2 |" in card
    funnel = json.loads((out / "funnel.json").read_text())
    last = funnel["php"]["funnel"]["stages"][-1]
    assert (last["stage"], last["count"], last["dropped"]) == ("verified", 2, {"wrong_answer": 1})
    assert last["seconds"] > 0  # time spent executing


def test_examples_switch_shows_the_sources_own_calls(
    job: tuple[Path, Path, list[str]], sandbox: object
) -> None:
    """`--examples` puts the source's own calls with their values in the request, and the run's
    settings say so; the default prompt has none."""
    _, out, args = job
    requests = {}
    for flag in ("--examples", "--no-examples"):
        result = CliRunner().invoke(app, [*args, flag, "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["php"]["settings"]["examples"] == (flag == "--examples")
        train = datasets.load_dataset(str(out))["train"]
        requests[flag] = next(r for r in train if r["task_id"] == "1")["request"]
    assert "add(1, 2) == 3" in requests["--examples"]
    assert "add(1, 2) == 3" not in requests["--no-examples"]


def test_grown_input_pays_only_for_new_rows(
    job: tuple[Path, Path, list[str]], sandbox: object
) -> None:
    source, out, args = job
    assert CliRunner().invoke(app, args).exit_code == 0
    with source.open("a") as handle:
        handle.write(
            json.dumps(
                {
                    "task_id": 3,
                    "code": "def sq(a):\n    return a * a",
                    "test_list": ["assert sq(3) == 9"],
                }
            )
            + "\n"
        )
    result = CliRunner().invoke(app, [*args, "--json"])
    totals = json.loads(result.stdout)["php"]["funnel"]["totals"]
    assert totals["generations_from_cache"] == 3  # add, neg, neg's repair: not paid again
    # Only sq is paid for: its try and its repair (the fake has no reply for it; 20 tokens each).
    assert totals["completion_tokens"] == 40
    assert sorted(datasets.load_dataset(str(out))["rejected"]["task_id"]) == ["2", "3", "3"]


def test_refresh_from_a_published_dataset_pays_for_no_reply_again(
    job: tuple[Path, Path, list[str]],
    sandbox: object,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, out, args = job
    assert CliRunner().invoke(app, args).exit_code == 0
    published = tmp_path / "published"
    out.rename(published)
    # A fresh machine: an empty cache, the published folder as the only record of the run.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache"))
    result = CliRunner().invoke(app, [*args, "--refresh-from", str(published), "--json"])
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["php"]["funnel"]["totals"]
    assert totals["replies_reused_from_published"] == 3  # add, neg, neg's repair
    assert totals["generations_from_cache"] == 3 and totals["completion_tokens"] == 0  # none paid
    assert sorted(datasets.load_dataset(str(out))["train"]["task_id"]) == ["1", "2"]
    # The same from the dataset already in --output, on yet another fresh cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh-cache-2"))
    again = CliRunner().invoke(app, [*args, "--json"])
    totals = json.loads(again.stdout)["php"]["funnel"]["totals"]
    assert totals["replies_reused_from_published"] == 3
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    offline = CliRunner().invoke(app, [*args, "--refresh-from", "someone/php-verified"])
    assert offline.exit_code != 0
    assert "cannot fetch the published dataset 'someone/php-verified'" in offline.output


def test_push_to_hub_offline_fails_cleanly(
    job: tuple[Path, Path, list[str]], sandbox: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    _, out, args = job
    result = CliRunner().invoke(app, [*args, "--push-to-hub", "someone/php-verified"])
    assert result.exit_code != 0
    assert "cannot be reached" in result.output and "intact" in result.output
    assert len(datasets.load_dataset(str(out))["train"]) == 2


def test_unknown_backend_lists_the_known_ones(job: tuple[Path, Path, list[str]]) -> None:
    _, _, args = job
    args = [a if a != "fake" else "nope" for a in args]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "unknown backend 'nope'; available: llamacpp, openai, vllm, fake" in result.output


def test_budget_tokens_caps_the_search_and_is_recorded(
    job: tuple[Path, Path, list[str]], sandbox: object
) -> None:
    _, _, args = job
    bad = CliRunner().invoke(app, [*args, "--keep", "all", "--budget-tokens", "100"])
    assert bad.exit_code == 2 and "with --keep first" in bad.output
    # neg's first reply (30 tokens, the fake's) spends the budget: no repair starts.
    result = CliRunner().invoke(app, [*args, "--budget-tokens", "30", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["php"]
    assert summary["settings"]["budget_tokens"] == 30
    assert summary["train_rows"] == 1  # add; neg's repair, which would pass, never ran
    assert summary["funnel"]["totals"]["follow_ups_over_the_token_budget"] == 1


def test_every_target_translates_into_a_config_of_its_own(
    tmp_path: Path, sandbox: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--target` with every target at once: each gets its known-good `add` (from its toml) as
    the model's reply, and its own verified config in the dataset folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    targets = [lang for lang in all_languages().values() if lang.is_target]
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps(ROWS[0]) + "\n")
    replies = tmp_path / "replies.json"
    replies.write_text(
        json.dumps(
            {
                # the prompt ends "...Python function to Java:" (the colon keeps JavaScript apart)
                f"function to {lang.name}:": [
                    f"```{lang.fence_tags[0]}\n{lang.conformance['add']}\n```"
                ]
                for lang in targets
            }
        )
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "translate",
            str(source),
            "--target",
            ",".join(lang.id for lang in targets),
            "--backend",
            "fake",
            "--model",
            str(replies),
            "--output",
            str(out),
            "--samples",
            "1",
            "--repair",
            "0",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(targets) >= 11
    for lang in targets:
        train = datasets.load_dataset(str(out), lang.id)["train"]
        assert train["target_language"] == [lang.id], lang.id
        assert train["verified"] == [True] and train["tests_total"][0] > 1, lang.id
