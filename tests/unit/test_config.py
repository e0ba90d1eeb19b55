"""codefactory.toml: command line over file over defaults, found in the current directory or
named with --config, checked, and written back as the effective settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app
from codefactory.core.config import load_config, merge, to_toml
from codefactory.core.errors import InputError

CONFIG = """
input = "functions.jsonl"
targets = ["php", "lua"]
model = "from-file"
samples = 3
repair = 1
hub-repo = "me/verified"
decontaminate = true
dedup_threshold = 0.8
"""


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `translate` hands the pipeline, without running it."""
    from codefactory.dataset import hub
    from codefactory.pipeline import jobs

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(jobs, "translate", lambda **kw: seen.append(kw) or {})
    monkeypatch.setattr(hub, "push_folder", lambda folder, repo: f"{repo} (not pushed: test)")
    return seen


def test_the_command_line_beats_the_file_which_beats_the_defaults(
    tmp_path: Path, calls: list[dict[str, Any]]
) -> None:
    config = tmp_path / "refresh.toml"
    config.write_text(CONFIG)
    result = CliRunner().invoke(
        app, ["translate", "--config", str(config), "--samples", "5", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    kw = calls[0]
    assert kw["samples"] == 5  # command line
    assert (kw["model"], kw["repair"], kw["target"]) == ("from-file", 1, "php,lua")  # file
    assert kw["input_path"] == Path("functions.jsonl")
    assert kw["temperature"] == 0.8 and kw["backend_name"] == "llamacpp"  # defaults
    assert kw["output"] == Path("translations-php-lua")
    assert kw["hub_repo"] == "me/verified"
    curation = kw["curation"]
    assert (curation.decontaminate, curation.threshold, curation.dedup) == (True, 0.8, True)
    # The effective settings, as the folder gets them, read back to the same values.
    saved = load_config(_write(tmp_path / "saved.toml", kw["config_toml"]))
    assert saved["samples"] == 5 and saved["model"] == "from-file"
    assert saved["push_to_hub"] == "me/verified" and saved["target"] == "php,lua"


def test_codefactory_toml_in_the_current_directory_is_read(
    tmp_path: Path, calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "codefactory.toml").write_text('model = "here"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["translate", "--model", "cli", "--target", "lua"])
    assert result.exit_code == 0, result.output
    assert "settings from codefactory.toml" in result.output
    assert calls[0]["model"] == "cli"  # given on the command line: the file's is ignored
    CliRunner().invoke(app, ["translate", "--quiet"])
    assert calls[1]["model"] == "here"


def test_an_unknown_key_is_one_line_with_the_fix(
    tmp_path: Path, calls: list[dict[str, Any]]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('modle = "x"\n')
    result = CliRunner().invoke(app, ["translate", "--config", str(config)])
    assert result.exit_code == 2 and not calls
    assert "unknown key 'modle'; did you mean 'model'?" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_values_are_checked(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="samples must be int"):
        load_config(_write(tmp_path / "a.toml", 'samples = "3"\n'))
    with pytest.raises(InputError, match="samples must be int, not True"):
        load_config(_write(tmp_path / "b.toml", "samples = true\n"))
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(_write(tmp_path / "c.toml", "samples = \n"))
    with pytest.raises(InputError, match="no such config file"):
        from codefactory.core.config import find_config

        find_config(tmp_path / "missing.toml")


def test_merge_keeps_what_the_command_line_gave() -> None:
    command = {"model": "cli", "samples": None, "seed": 0}
    assert merge(command, {"model"}, {"model": "file", "samples": 2}) == {
        "model": "cli",
        "samples": 2,
        "seed": 0,
    }


def test_to_toml_round_trips_and_leaves_out_what_is_not_a_setting(tmp_path: Path) -> None:
    values = {
        "input_path": Path("in dir/rows.jsonl"),
        "target": "php",
        "model": 'a "quoted" name',
        "temperature": 0.5,
        "no_cache": False,
        "limit": None,
        "quiet": True,  # a display flag, not a setting
    }
    text = to_toml(values)
    assert "quiet" not in text and "limit" not in text
    assert load_config(_write(tmp_path / "x.toml", text)) == {
        k: v for k, v in values.items() if k not in ("limit", "quiet")
    }


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "ci"


def test_the_ci_examples_run_one_command_off_a_valid_config() -> None:
    import yaml

    config = load_config(EXAMPLES / "codefactory.toml")
    assert config["push_to_hub"] and config["decontaminate"] is True
    github = yaml.safe_load((EXAMPLES / "github-refresh.yml").read_text())
    triggers = github[True]  # YAML 1.1 reads the key `on` as true
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    assert github["concurrency"]["cancel-in-progress"] is False
    steps = github["jobs"]["refresh"]["steps"]
    runs = [s["run"] for s in steps if "codefactory translate" in s.get("run", "")]
    assert runs == ["codefactory translate --config codefactory.toml"]
    assert any(s.get("env", {}).get("HF_TOKEN") == "${{ secrets.HF_TOKEN }}" for s in steps)
    assert {s.get("uses") for s in steps} >= {"actions/cache/restore@v4", "actions/cache/save@v4"}
    gitlab = yaml.safe_load((EXAMPLES / "gitlab-ci.yml").read_text())["refresh-dataset"]
    assert gitlab["resource_group"] and gitlab["cache"]["when"] == "always"
    assert [c for c in gitlab["script"] if "translate" in c] == [
        "codefactory translate --config codefactory.toml"
    ]
