"""`codefactory verify` and `codefactory sandbox run` end to end, with bad input mixed in."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app

GOOD = {
    "task_id": 1,
    "code": "def add(a, b):\n    return a + b\n",
    "test_list": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"],
    "candidate": "<?php\nfunction add($a, $b) { return $a + $b; }\n",
}
BAD_LINES = [
    "{not json",
    json.dumps({"task_id": "no-code", "code": "", "test_list": [], "candidate": "x"}),
    json.dumps(
        {
            "task_id": "bad-python",
            "code": "def f(:\n",
            "test_list": ["assert f(1)"],
            "candidate": "function f($x) { return 1; }",
        }
    ),
    json.dumps({**GOOD, "task_id": "no-php", "candidate": "Sorry, I can't do that."}),
    json.dumps({**GOOD, "task_id": "no-candidate", "candidate": None}),
    json.dumps(
        {
            "task_id": "raises",
            "code": "def g(x):\n    return 1 // x\n",
            "test_list": ["assert g(0) == 1"],
            "candidate": "function g($x) { return 1; }",
        }
    ),
    json.dumps(
        {
            "task_id": "set-result",
            "code": "def s(x):\n    return set(x)\n",
            "test_list": ["assert s([1]) == {1}"],
            "candidate": "function s($x) { return $x; }",
        }
    ),
]


def test_verify_writes_a_loadable_dataset_and_survives_bad_rows(
    tmp_path: Path, sandbox: object
) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join([json.dumps(GOOD), *BAD_LINES]) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "verify",
            "--target",
            "php",
            str(source),
            "--output",
            str(out),
            "--no-cache",
            "--json",
            "--quiet",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["php"]
    assert (summary["train_rows"], summary["rejected_rows"]) == (1, 7)
    splits = datasets.load_dataset(str(out))
    assert [r["task_id"] for r in splits["train"]] == ["1"]  # train holds the verified only
    rows = [*splits["train"], *splits["rejected"]]
    by_id = {r["task_id"]: r for r in rows}
    good = by_id["1"]
    assert good["verified"] and good["tests_passed"] == good["tests_total"] == 20
    assert (good["tests_from_source"], good["tests_augmented"]) == (2, 18)
    assert good["coverage"] == 1.0 and good["mutation_score"] == 1.0
    assert by_id["1"]["target_language"] == "php" and "function add" in by_id["1"]["target_code"]
    assert "malformed JSONL line 2" in by_id["rows:2"]["failure"]
    assert "no code" in by_id["no-code"]["failure"]
    assert "does not parse" in by_id["bad-python"]["failure"]
    assert by_id["no-php"]["status"] == "syntax_error"
    assert by_id["no-candidate"]["status"] == "unsupported"
    assert json.loads(by_id["no-candidate"]["failure"])["reason"] == "no_candidate"
    assert "no usable test case" in by_id["raises"]["failure"]
    assert "set value" in by_id["set-result"]["failure"]
    assert not any(r["verified"] for r in rows if r["task_id"] != "1")
    read = json.loads((out / "funnel.json").read_text())["php"]["funnel"]["stages"][0]
    assert read["stage"] == "read" and read["count"] == 5
    assert read["dropped"] == {"malformed_row": 1, "source_does_not_parse": 1, "unusable_row": 1}


def test_sandbox_run_prints_one_json_object(tmp_path: Path, sandbox: object) -> None:
    program = tmp_path / "hello.php"
    program.write_text("<?php echo 'hi'; fwrite(STDERR, 'err'); exit(3);")
    result = CliRunner().invoke(app, ["sandbox", "run", "--language", "php", str(program)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["exit_code"] == 3 and report["stdout"] == "hi" and report["stderr"] == "err"
    assert report["timed_out"] is False and report["oom"] is False
    assert set(report) >= {
        "status",
        "exit_code",
        "stdout",
        "stderr",
        "duration_s",
        "oom",
        "timed_out",
    }


def test_doctor_says_the_profile_holds(sandbox: object) -> None:
    result = CliRunner().invoke(app, ["sandbox", "doctor"])
    assert result.exit_code == 0, result.output
    assert "holds" in result.stdout


def test_languages_check_records_runtime_and_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["languages", "--check", "lua"])
    assert result.exit_code == 0, result.output
    assert "lua: conformant" in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("│ lua"))
    cells = [cell.strip() for cell in row.strip("│").split("│")]
    assert cells[3] == "codefactory-lua:5.4 (built)"
    assert cells[4] == "Lua 5.4" and cells[5].startswith("passed"), cells
