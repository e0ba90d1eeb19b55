"""Bad input at scale costs a row and a reason that names the limit, never a crash, and stays
bounded in time and memory. The heavy cases run in a child process that reports its own peak
memory, so that nothing else in the test run is counted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests

from codefactory.core import limits
from codefactory.core.languages import get_language
from codefactory.core.schema import Source, Status, TestCase
from codefactory.core.values import MAX_VALUE_DEPTH, TOO_DEEP, DecodeError, decode, encode, loads
from codefactory.judge.protocol import parse_output
from codefactory.pipeline.stages.tests import proposed_calls
from codefactory.sources.jsonl import read_jsonl
from codefactory.sources.python_files import read_python_files
from codefactory.sources.selection import rejection_reason
from codefactory.suite.build import Prepared, TestOptions

GOOD = {
    "task_id": "good",
    "code": "def add(a, b):\n    return a + b\n",
    "test_list": ["assert add(1, 2) == 3"],
    "candidate": "function add($a, $b) { return $a + $b; }",
}
PHP = get_language("php")


def _row(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}) + "\n"


def _measured(script: str, *args: str) -> tuple[float, float, list[Any]]:
    """Runs `script` in a fresh interpreter: (seconds, peak RSS in MiB, what it printed as
    JSON lines)."""
    wrapper = (  # VmHWM, not ru_maxrss: that one keeps the forking parent's peak
        "import json, sys\n"
        f"{script}\n"
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
        "print(json.dumps(int(hwm.split()[1]) / 1024))\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *args], capture_output=True, text=True, timeout=300
    )
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return seconds, lines[-1], lines[:-1]


READ_JSONL = """
from pathlib import Path
from codefactory.sources.jsonl import read_jsonl
for row in read_jsonl(Path(sys.argv[1])):
    print(json.dumps([row.task_id, row.source is not None, row.error]))
"""


def test_a_100_mb_jsonl_line_is_skipped_without_being_held(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    with path.open("w") as handle:
        handle.write(_row(task_id="before"))
        handle.write(_row(task_id="huge", notes="x" * (100 << 20)))
        handle.write(_row(task_id="after"))
    seconds, peak_mib, rows = _measured(READ_JSONL, str(path))
    assert [r[0] for r in rows] == ["before", "rows:2", "after"]
    assert rows[0][1] and rows[2][1] and not rows[1][1]
    assert rows[1][2].startswith("JSONL line over MAX_LINE_BYTES (8 MiB): line 2 has 10")
    assert peak_mib < 150 and seconds < 30, (peak_mib, seconds)


def test_python_over_max_source_bytes_is_not_parsed(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    big = GOOD["code"] + "x = 1\n" * (limits.MAX_SOURCE_BYTES // 6 + 1000)
    path.write_text(_row(task_id="big", code=big) + _row(task_id="after"))
    rows = list(read_jsonl(path))
    assert rows[0].source is None and rows[1].source is not None
    assert (rows[0].error or "").startswith("source over MAX_SOURCE_BYTES (1 MiB)")


DEEP_ASSERTS = {
    "brackets": "assert add(" + "[" * 100_000 + "]" * 100_000 + ", 1) == 1",
    "unary": "assert add(" + "-" * 100_000 + "1, 1) == 1",  # MemoryError in CPython's parser
    "subscripts": "assert add(x" + "[0]" * 1000 + ", 1) == 1",  # parses; unparse recursed
    "sums": "assert add(" + "+".join(["1"] * 600) + ", 1) == 1",
}


@pytest.mark.parametrize("kind", sorted(DEEP_ASSERTS))
def test_a_deeply_nested_assert_costs_its_row_only(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        _row(task_id="before")
        + _row(task_id=kind, test_list=[DEEP_ASSERTS[kind], "assert add(1, 2) == 3"])
        + _row(task_id="after")
    )
    started = time.monotonic()
    rows = list(read_jsonl(path))
    assert time.monotonic() - started < 10
    assert [r.task_id for r in rows] == ["before", kind, "after"]
    assert rows[0].source and rows[2].source and rows[1].source is None
    error = rows[1].error or ""
    if kind == "brackets":  # the tokenizer's own limit, reported as a syntax error
        assert "too many nested parentheses" in error
    else:
        assert error == "Python nested over MAX_AST_DEPTH (100 levels): in test_list", error


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("code", "def add(a, b):\n    return a" + " + b" * 1000 + "\n"),
        ("test_setup_code", "x = " + "-" * 100_000 + "1\n"),
    ],
)
def test_deep_code_or_setup_costs_its_row_only(tmp_path: Path, field: str, text: str) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(_row(task_id="deep", **{field: text}) + _row(task_id="after"))
    rows = list(read_jsonl(path))
    assert rows[0].source is None and rows[1].source is not None
    assert rows[0].error == f"Python nested over MAX_AST_DEPTH (100 levels): in {field}"


def test_a_deeply_nested_json_line_is_malformed(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    deep = '{"task_id": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    path.write_text(_row(task_id="before") + deep + _row(task_id="after"))
    rows = list(read_jsonl(path))
    assert [r.task_id for r in rows] == ["before", "rows:2", "after"]
    assert rows[1].error == "malformed JSONL line 2: nested too deeply"


def test_deep_setup_and_proposed_calls_never_raise() -> None:
    deep = "-" * 100_000 + "1"
    source = Source("t", "def f(x):\n    return x\n", "f", (), setup_code=f"y = {deep}\n")
    assert rejection_reason(source) == (
        "Python nested over MAX_AST_DEPTH (100 levels): in the source"
    )
    reply = f"```python\nf({deep})\nf(x{'[0]' * 1000})\nf(2)\n```"
    assert [c.args_source for c in proposed_calls(reply, "f")] == ["(2, )"]


MANY = """
from collections import Counter
from pathlib import Path
from codefactory.sources.python_files import read_python_files
rows = list(read_python_files(Path(sys.argv[1])))
print(json.dumps([len(rows), sum(1 for r in rows if r.source), rows[0].source.code]))
print(json.dumps(Counter(r.error for r in rows if r.error).most_common()))
"""


def test_a_file_of_50000_functions_gives_the_first_1000_and_reports_the_rest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "many.py"
    with path.open("w") as handle:
        handle.write("import math\n\nSCALE = 2\n\n")
        for i in range(50_000):
            handle.write(f'def f{i}(a, b):\n    """doc"""\n    return [a * SCALE, b, {i}]\n\n')
    seconds, peak_mib, (counts, errors) = _measured(MANY, str(path))
    assert counts[:2] == [50_000, 1000]
    assert counts[2] == (  # the constant it uses, not the import it does not
        'SCALE = 2\n\ndef f0(a, b):\n    """doc"""\n    return [a * SCALE, b, 0]\n'
    )
    assert errors == [
        ["over MAX_FUNCTIONS_PER_FILE (1000): many.py defines 50000 functions", 49_000]
    ]
    assert seconds < 60 and peak_mib < 300, (seconds, peak_mib)


def test_python_files_are_split_into_exactly_their_statements(tmp_path: Path) -> None:
    (tmp_path / "lib.py").write_text(
        'import math\nTEXT = """\ndef fake():\n    pass\n"""\n'
        "data = [\n1,\n2]\n\n"
        "def helper(x):\n    return x * math.pi\n\n"
        "@staticmethod\ndef wrapped(y):\n    return helper(y)\n"
        "try:\n    import numpy\nexcept ImportError:\n    numpy = None\n"
        "async def coro():\n    pass\n"
        "def twice():\n    return 1\ndef twice():\n    return 2\n"
    )
    rows = {r.task_id: r for r in read_python_files(tmp_path / "lib.py")}
    assert list(rows) == ["lib.py::helper", "lib.py::wrapped", "lib.py::twice"]
    assert rows["lib.py::wrapped"].source is not None
    assert rows["lib.py::wrapped"].source.code == (  # TEXT and data unused: left out
        "import math\n\ndef helper(x):\n    return x * math.pi\n\n"
        "@staticmethod\ndef wrapped(y):\n    return helper(y)\n"
    )
    assert rows["lib.py::twice"].source is not None
    assert rows["lib.py::twice"].source.code.endswith(
        "def twice():\n    return 1\n\ndef twice():\n    return 2\n"
    )


def test_a_function_takes_only_the_imports_and_constants_it_uses(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(
        "import re\nimport os.path as osp\nfrom collections import *\n"
        "__version__ = '1.0'\nTABLE = {'a': 1}\nBIG = [" + "'x', " * 500 + "]\n"
        "BASE = 10\nSCALE = BASE * 2\nTABLE['b'] = SCALE\nFIRST, REST = 1, [2]\n"
        "def dash(w):\n    return w.replace('_', '-')\n\n"
        "def scaled(k):\n    return TABLE[k] + REST[0]\n\n"
        "def pattern(s):\n    return re.sub('a', 'b', s)\n"
    )
    rows = {r.task_id: r.source for r in read_python_files(tmp_path / "mod.py")}
    assert rows["mod.py::dash"] is not None and rows["mod.py::scaled"] is not None
    assert rows["mod.py::pattern"] is not None
    star = "from collections import *\n\n"  # may bind any name: always kept
    assert rows["mod.py::dash"].code == star + "def dash(w):\n    return w.replace('_', '-')\n"
    assert rows["mod.py::scaled"].code == (
        star + "TABLE = {'a': 1}\n\nBASE = 10\n\nSCALE = BASE * 2\n\nTABLE['b'] = SCALE\n\n"
        "FIRST, REST = (1, [2])\n\ndef scaled(k):\n    return TABLE[k] + REST[0]\n"
    )
    assert rows["mod.py::pattern"].code.startswith("import re\n\n" + star)


def test_what_a_trimmed_function_still_needs_is_kept(tmp_path: Path) -> None:
    """Found in review: `from __future__` (annotations naming what is left out), the decorator
    of an earlier definition, and a setting that binds no module name were dropped."""
    (tmp_path / "keep.py").write_text(
        "from __future__ import annotations\nfrom typing import overload\n"
        "from decimal import Decimal, getcontext\ngetcontext().prec = 50\n"
        "NAMES = ['a']\nNAMES += ['b']\nNAMES.append('c')\nNAMES.sort()\n"
        "@overload\ndef f(x: int) -> int: ...\n"
        "def f(x):\n    return len(NAMES) + x\n\n"
        "def third():\n    return str(Decimal(1) / Decimal(3))\n"
    )
    rows = {r.task_id: r.source for r in read_python_files(tmp_path / "keep.py")}
    f, third = rows["keep.py::f"], rows["keep.py::third"]
    assert f is not None and third is not None
    setting = "from decimal import Decimal, getcontext\n\ngetcontext().prec = 50\n\n"
    assert f.code == (
        "from __future__ import annotations\n\nfrom typing import overload\n\n"
        + setting
        + "NAMES = ['a']\n\nNAMES += ['b']\n\nNAMES.append('c')\n\nNAMES.sort()\n\n"
        "@overload\ndef f(x: int) -> int:\n    ...\n\ndef f(x):\n    return len(NAMES) + x\n"
    )
    assert third.code == (
        "from __future__ import annotations\n\n"
        + setting
        + "def third():\n    return str(Decimal(1) / Decimal(3))\n"
    )
    scope: dict[str, object] = {}
    exec(third.code, scope)  # the host runs only this test's own code
    assert len(scope["third"]()) == 52  # type: ignore[operator]


def test_a_syntax_error_or_deep_statement_in_a_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text("def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    (tmp_path / "deep.py").write_text(
        "def ok(a):\n    return a\n\n\ndef deep(a):\n    return a" + " + a" * 600 + "\n"
    )
    (tmp_path / "deeper.py").write_text("def ok():\n    return 1\nx = " + "-" * 100_000 + "1\n")
    rows = {r.task_id: r for r in read_python_files(tmp_path)}
    assert rows["bad.py"].error == "Python in bad.py does not parse: invalid syntax (line 4)"
    assert rows["deep.py::ok"].source is not None
    assert rows["deep.py::deep"].error == (
        "Python nested over MAX_AST_DEPTH (100 levels): in deep.py line 5"
    )
    assert rows["deeper.py"].error == (
        "Python nested over MAX_AST_DEPTH (100 levels): in deeper.py line 3"
    )


def test_binary_and_odd_files_named_py(tmp_path: Path) -> None:
    (tmp_path / "random.py").write_bytes(os.urandom(1 << 20))
    (tmp_path / "zeros.py").write_bytes(b"\0" * (1 << 20))
    (tmp_path / "folder.py").mkdir()
    (tmp_path / "folder.py" / "inner.py").write_text("def inner(x):\n    return x\n")
    os.mkfifo(tmp_path / "pipe.py")  # a read would block forever
    (tmp_path / "ok.py").write_text("def add(a, b):\n    return a + b\n")
    started = time.monotonic()
    rows = {r.task_id: r for r in read_python_files(tmp_path)}
    assert time.monotonic() - started < 10
    assert set(rows) == {
        "random.py",
        "zeros.py",
        "folder.py/inner.py::inner",
        "pipe.py",
        "ok.py::add",
    }
    assert rows["random.py"].error in (
        "random.py is a binary file (NUL bytes), not Python",
        "random.py is not UTF-8",
    )
    assert rows["zeros.py"].error == "zeros.py is a binary file (NUL bytes), not Python"
    assert rows["pipe.py"].error == "pipe.py is not a regular file"
    assert rows["ok.py::add"].source and rows["folder.py/inner.py::inner"].source


def test_a_py_file_over_max_py_file_bytes_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.py"
    with path.open("wb") as handle:
        handle.truncate(limits.MAX_PY_FILE_BYTES + 1)  # sparse: costs no disk
    (row,) = read_python_files(path)
    assert row.error == f"file over MAX_PY_FILE_BYTES (16 MiB): huge.py has {(16 << 20) + 1} bytes"


def test_a_binary_file_given_as_jsonl_is_one_row(tmp_path: Path) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(b"\x7fELF\0\0\n" * 100_000)
    rows = list(read_jsonl(path))
    assert [r.error for r in rows] == [
        "binary file, not JSONL: model.bin has a NUL byte in its first 8 KiB"
    ]


# -- values nested past MAX_VALUE_DEPTH ------------------------------------------------------


def _nested(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_deep_values_are_unsupported_not_recursion_errors() -> None:
    encoded = encode(_nested(5000))  # the Python sandbox's encoder
    inner = encoded
    for _ in range(MAX_VALUE_DEPTH):
        inner = inner[0]
    assert inner == {"unsupported": TOO_DEEP}
    assert decode(encode(_nested(MAX_VALUE_DEPTH))) == _nested(MAX_VALUE_DEPTH)
    with pytest.raises(DecodeError, match="MAX_VALUE_DEPTH"):
        loads("[" * 600 + "]" * 600)  # a candidate's output; RecursionError before
    from codefactory.core.values import generic_unsupported_reason

    assert generic_unsupported_reason(decode(encoded)) == TOO_DEEP


def test_a_record_nested_past_json_recursion_is_malformed() -> None:
    nonce = "n"
    deep = '{"id": 0, "ok": true, "value": ' + "[" * 100_000 + "]" * 100_000 + "}"
    out = parse_output(f"@@cf {nonce} {deep}\n@@cf {nonce} DONE 1\n".encode(), nonce)
    assert out.records == {} and out.problems == ["malformed record"]


# -- codefactory verify's rows --------------------------------------------------------------


class NoSandbox:
    """A verifier that must never be reached."""

    cache = None
    containers: ClassVar[Counter[str]] = Counter()

    def verify(self, *args: object) -> object:
        raise AssertionError("an oversized candidate reached the verifier")


def _prepared(source: Source) -> Prepared:
    return Prepared(source, (TestCase(0, (1, 2), 3),), {}, None)


def test_a_5_mb_candidate_is_refused_before_the_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codefactory.pipeline import compose
    from codefactory.pipeline.stages import tests as tests_stage

    monkeypatch.setattr(tests_stage, "build_tests", lambda v, source, lang, o: _prepared(source))
    path = tmp_path / "rows.jsonl"
    path.write_text(_row(candidate=GOOD["candidate"] + "\n// " + "x" * 5_000_000))
    result = compose.run_verify(PHP, NoSandbox(), list(read_jsonl(path)), TestOptions(), 1)  # type: ignore[arg-type]
    assert result.train == []
    (out,) = result.rejected
    assert out["status"] == Status.UNSUPPORTED.value and not out["verified"]
    assert out["failure"] == {"error": "candidate over MAX_CANDIDATE_BYTES (1 MiB): 5000044 bytes"}
    assert out["target_code"] == "" and len(out["candidate_sha256"]) == 64
    parsed = next(s for s in result.funnel.to_json()["stages"] if s["stage"] == "parsed")
    assert parsed["dropped"] == {"candidate_too_big": 1}


def test_one_row_failing_on_a_bug_never_costs_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codefactory.pipeline import compose
    from codefactory.pipeline.stages import tests as tests_stage

    def build(verifier: object, source: Source, lang: object, options: object) -> Prepared:
        if source.task_id == "bad":
            raise RecursionError("maximum recursion depth exceeded")
        return Prepared(source, (), {}, "no test case representable")

    monkeypatch.setattr(tests_stage, "build_tests", build)
    path = tmp_path / "rows.jsonl"
    path.write_text(_row(task_id="a") + _row(task_id="bad") + _row(task_id="b"))
    result = compose.run_verify(PHP, NoSandbox(), list(read_jsonl(path)), TestOptions(), 2)  # type: ignore[arg-type]
    rows = result.rejected
    assert [r["task_id"] for r in rows] == ["a", "bad", "b"]
    assert rows[1]["failure"] == {
        "error": "internal error: RecursionError: maximum recursion depth exceeded",
        "reason": "internal_error",
    }
    assert rows[0]["failure"]["reason"] == "no_representable_case"
    tests_line = next(s for s in result.funnel.to_json()["stages"] if s["stage"] == "tests")
    assert tests_line["dropped"] == {"internal_error": 1, "no_representable_case": 2}


# -- a daemon that is restarting when a new image is first used -----------------------------


class RestartingApi:
    def __init__(self, failures: int) -> None:
        self.failures = failures

    def containers(self, **_: object) -> list[object]:
        return []

    def inspect_image(self, image: str) -> dict[str, str]:
        if self.failures:
            self.failures -= 1
            raise requests.ConnectionError("('Connection aborted.', FileNotFoundError(2))")
        return {"Id": "sha256:img"}


def test_first_use_of_an_image_waits_out_a_daemon_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codefactory.sandbox import docker_sandbox

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(docker_sandbox.time, "sleep", lambda s: None)
    client = type("Client", (), {"api": RestartingApi(failures=3)})()
    box = docker_sandbox.DockerSandbox(client=client)
    box.require_image("cf-php")  # SandboxUnavailable before: the whole run stopped
    client.api.failures = 3
    assert box.image_id("cf-php") == "sha256:img"
    monkeypatch.setattr(docker_sandbox, "DAEMON_WAIT_S", 0.0)
    client.api.failures = 1
    from codefactory.core.errors import SandboxUnavailable

    with pytest.raises(SandboxUnavailable, match="Docker is not answering"):
        box.require_image("cf-lua")  # a daemon that stays down still stops the run
    box.close()
