"""`codefactory verify` over bad input at scale, mixed with good rows: every row comes back, the
good ones verified, each bad one with a reason that names the limit it broke."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
from typer.testing import CliRunner

from codefactory.cli.app import app

GOOD = {
    "code": "def add(a, b):\n    return a + b\n",
    "test_list": ["assert add(1, 2) == 3", "assert add(-1, 1) == 0"],
    "candidate": "function add($a, $b) { return $a + $b; }",
}
# Returns a list nested n deep: 500 levels came back from the sandbox and the host's decoder
# recursed through them (RecursionError, the whole run lost).
NEST = {
    "task_id": "deep-value",
    "code": "def nest(n):\n    x = []\n    for _ in range(n):\n        x = [x]\n    return x\n",
    "test_list": ["assert nest(2) == [[[]]]", "assert nest(3) == [[[[]]]]", "assert nest(500)"],
    "candidate": "function nest($n) { $x = []; for ($i = 0; $i < $n; $i++) { $x = [$x]; } "
    "return $x; }",
}


ORDER = ["first", "rows:2", "deep-assert", "deep-code", "rows:5", "huge-candidate", "deep-value"]


def _order(row: dict[str, object]) -> int:
    """Input order (the splits each keep it; together they are two runs of it)."""
    return ORDER.index(str(row["task_id"])) if row["task_id"] in ORDER else len(ORDER)


def _row(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}) + "\n"


def test_verify_survives_bad_input_at_scale(tmp_path: Path, sandbox: object) -> None:
    source = tmp_path / "rows.jsonl"
    with source.open("w") as handle:
        handle.write(_row(task_id="first"))
        handle.write(_row(task_id="huge-line", notes="x" * (100 << 20)))
        handle.write(_row(task_id="deep-assert", test_list=["assert add(" + "-" * 10**5 + "1, 1)"]))
        handle.write(_row(task_id="deep-code", code="def add(a, b):\n    return a" + " + b" * 1000))
        handle.write('{"task_id": ' + "[" * 10**5 + "]" * 10**5 + "}\n")
        handle.write(
            _row(task_id="huge-candidate", candidate=GOOD["candidate"] + "//" + "x" * 5_000_000)
        )
        handle.write(json.dumps(NEST) + "\n")
        handle.write(_row(task_id="last"))
    out = tmp_path / "out"
    args = ["verify", str(source), "--output", str(out), "--no-cache", "--json", "--quiet"]
    args += ["--no-dedup"]  # "first" and "last" are the same row on purpose
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    splits = datasets.load_dataset(str(out))
    assert [r["task_id"] for r in splits["train"]] == ["first", "deep-value", "last"]
    rows = {r["task_id"]: r for r in sorted([*splits["train"], *splits["rejected"]], key=_order)}
    assert list(rows) == [
        "first",
        "rows:2",
        "deep-assert",
        "deep-code",
        "rows:5",
        "huge-candidate",
        "deep-value",
        "last",
    ]
    assert rows["first"]["verified"] and rows["last"]["verified"]
    assert rows["deep-value"]["verified"], rows["deep-value"]["failure"]
    too_deep = "value nested deeper than MAX_VALUE_DEPTH (100 levels)"
    assert any(too_deep in reason for reason in json.loads(rows["deep-value"]["dropped_cases"]))

    def error(task: str) -> str:
        return str(json.loads(rows[task]["failure"])["error"])

    assert error("rows:2").startswith("JSONL line over MAX_LINE_BYTES (8 MiB): line 2 has")
    assert error("deep-assert") == "Python nested over MAX_AST_DEPTH (100 levels): in test_list"
    assert error("deep-code") == "Python nested over MAX_AST_DEPTH (100 levels): in code"
    assert error("rows:5") == "malformed JSONL line 5: nested too deeply"
    assert error("huge-candidate").startswith("candidate over MAX_CANDIDATE_BYTES (1 MiB)")
    assert rows["huge-candidate"]["target_code"] == ""
    funnel = json.loads((out / "funnel.json").read_text())["php"]["funnel"]["stages"]
    drops = {s["stage"]: s["dropped"] for s in funnel}
    assert drops["read"] == {"input_too_big": 3, "malformed_row": 1}  # line, assert, code
    assert drops["parsed"] == {"candidate_too_big": 1}
