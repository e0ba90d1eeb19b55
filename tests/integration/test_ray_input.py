"""The Ray engine reads its input on the workers, as a stream (pipeline/ray_input.py), and its
workers stage the rows (pipeline/ray_output.py): the driver holds neither, and the rows are the
local engine's. keep=first with several samples runs the later samples as passes, only for the
functions still unverified."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_ray_engine import ROW_KEYS, _rows, local_ray  # noqa: F401 (a fixture)
from test_translate_pipeline import GOOD, ROWS, WRONG_FDIV
from typer.testing import CliRunner

from codefactory.cli.app import app
from codefactory.sources import jsonl, shards
from codefactory.sources.shards import Input, open_input
from codefactory.sources.source_row import SourceRow

if importlib.util.find_spec("ray") is None:
    pytest.skip("ray is not installed: pip install -e '.[ray]'", allow_module_level=True)

from codefactory.pipeline import ray_executor
from codefactory.pipeline.ray_input import BLOCK_ROWS, InputDatasource, read_blocks
from codefactory.pipeline.work import Function

# Rows that select drops ("uses randomness"): cheap, no container, many of them.
FILLER = [
    {
        "task_id": f"rand{i}",
        "code": f"import random\ndef r{i}():\n    return random.random() + {i}",
        "test_list": [f"assert r{i}() < {i + 1}"],
    }
    for i in range(300)
]


def _key(row: SourceRow) -> tuple[Any, ...]:
    return (row.task_id, row.source, row.error, row.raw)


def _streamed(source: Input, parallelism: int) -> list[SourceRow]:
    """What the datasource's read tasks make of an input, in the functions' order."""
    tasks = InputDatasource(source).get_read_tasks(parallelism)
    functions: list[Function] = []
    for task in tasks:
        for block in task():
            assert isinstance(block, pa.Table)
            functions += [_function(r) for r in block.to_pylist()]
    orders = [f.order for f in functions]
    assert len(set(orders)) == len(orders)
    return [f.row for f in sorted(functions, key=lambda f: f.order)]


def _function(row: dict[str, Any]) -> Function:
    import pickle

    function = pickle.loads(row["record"])
    assert isinstance(function, Function) and row["status"] == "live"
    return function


@pytest.fixture
def mixed_input(tmp_path: Path) -> Path:
    """A folder of JSONL and Parquet files (a glob takes both), a folder of .py files and a
    local dataset folder."""
    data = tmp_path / "in"
    data.mkdir()
    (data / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS[:3]) + "{bad\n")
    pq.write_table(pa.Table.from_pylist(ROWS[3:] + FILLER[:5]), data / "b.parquet")
    (data / "c.jsonl").write_text("".join(json.dumps(r) + "\n" for r in FILLER[5:9]))
    code = tmp_path / "code"
    (code / "pkg").mkdir(parents=True)
    (code / "one.py").write_text("def inc(a):\n    return a + 1\n\ndef dec(a):\n    return a - 1\n")
    (code / "pkg" / "two.py").write_text("import math\n\ndef root(x):\n    return math.sqrt(x)\n")
    folder = tmp_path / "dataset" / "data"
    folder.mkdir(parents=True)
    (tmp_path / "dataset" / "README.md").write_text("# rows\n")
    pq.write_table(pa.Table.from_pylist(ROWS[:2]), folder / "train-0.parquet")
    pq.write_table(pa.Table.from_pylist(FILLER[:3]), folder / "test-0.parquet")
    return tmp_path


@pytest.mark.parametrize("what", ["in/*", "in/*.parquet", "code", "code/one.py", "dataset"])
@pytest.mark.parametrize("limit", [None, 4])
def test_the_streamed_rows_are_the_local_rows(
    mixed_input: Path, what: str, limit: int | None
) -> None:
    source = open_input(mixed_input / what, limit)
    local = [_key(r) for r in source.rows()]
    assert local and (limit is None or len(local) <= limit)
    for parallelism in (1, 3):
        assert [_key(r) for r in _streamed(source, parallelism)] == local


def test_a_glob_that_names_nothing_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_input(tmp_path / "*.jsonl")


def test_a_read_task_holds_one_block_of_a_large_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20,000 rows: the first block is yielded after BLOCK_ROWS rows were parsed, not all of
    them, and every block is at most BLOCK_ROWS rows."""
    n = 20_000
    path = tmp_path / "big.jsonl"
    with path.open("w") as handle:
        for i in range(n):
            row = {"task_id": f"t{i}", "code": f"def f{i}(a):\n    return a + {i}"}
            handle.write(json.dumps({**row, "test_list": [f"assert f{i}(1) == {i + 1}"]}) + "\n")
    parsed = {"n": 0}
    real = jsonl.source_from_row

    def counting(*args: Any, **kwargs: Any) -> Any:
        parsed["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(jsonl, "source_from_row", counting)
    blocks = read_blocks(list(enumerate(open_input(path).shards)), None)
    first = next(blocks)
    assert first.num_rows == BLOCK_ROWS
    assert parsed["n"] <= BLOCK_ROWS + 1  # the generator read only what the block holds
    sizes = [first.num_rows] + [b.num_rows for b in blocks]
    assert max(sizes) <= BLOCK_ROWS and sum(sizes) == n == parsed["n"]


def _cli(args: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--no-cache", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary: dict[str, Any] = json.loads("\n".join(lines[lines.index("{") :]))
    return summary


@pytest.fixture
def executors(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    made: list[Any] = []

    class Recording(ray_executor.RayExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(ray_executor, "RayExecutor", Recording)
    return made


def _no_reading_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, reading an input in this process (the driver) fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Iterator[SourceRow]:
        raise AssertionError("the driver read the input")

    monkeypatch.setattr(shards, "read_shard", refuse)
    monkeypatch.setattr(jsonl, "source_from_row", refuse)


def test_translate_on_ray_never_reads_nor_holds_the_input_in_the_driver(
    local_ray: None,  # noqa: F811
    sandbox: object,
    executors: list[Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    pq.write_table(pa.Table.from_pylist(FILLER), inputs / "b.parquet")
    script = tmp_path / "script.json"
    script.write_text(
        json.dumps({"def add": [GOOD["add"]], "def floor_div": [WRONG_FDIV, GOOD["floor_div"]]})
    )
    args = ["translate", str(inputs / "*"), "-t", "php", "--backend", "fake"]
    args += ["--model", str(script), "--samples", "1", "--repair", "1", "--no-augment"]
    local = _cli([*args, "--output", str(tmp_path / "local")])
    _no_reading_here(monkeypatch)
    on_ray = _cli([*args, "--output", str(tmp_path / "ray"), "--engine", "ray"])

    assert _rows(tmp_path / "ray", ROW_KEYS) == _rows(tmp_path / "local", ROW_KEYS)
    stages = [(s["stage"], s["count"], s["dropped"]) for s in on_ray["php"]["funnel"]["stages"]]
    assert stages == [
        (s["stage"], s["count"], s["dropped"]) for s in local["php"]["funnel"]["stages"]
    ]
    assert stages[0][1] == len(ROWS) - 1 + len(FILLER)  # every row read ("broken" dropped)
    (executor,) = executors
    assert executor.passes == 2 and executor.records_at_driver == 0
    assert not list(tmp_path.glob(".codefactory-ray-*")), "the staged shards are left behind"


def test_keep_first_runs_later_samples_only_for_unverified_functions(
    local_ray: None,  # noqa: F811
    sandbox: object,
    executors: list[Any],
    tmp_path: Path,
) -> None:
    """Three samples, keep=first: `add` verifies at sample 0 and is never sampled again;
    `floor_div` never verifies and gets all three. The rows are the local engine's."""
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS[:2]))
    script = tmp_path / "script.json"
    script.write_text(json.dumps({"def add": [GOOD["add"]], "def floor_div": [WRONG_FDIV]}))
    args = ["translate", str(source), "-t", "php", "--backend", "fake", "--model", str(script)]
    args += ["--samples", "3", "--repair", "0", "--keep", "first", "--no-augment"]
    local = _cli([*args, "--output", str(tmp_path / "local")])
    on_ray = _cli([*args, "--output", str(tmp_path / "ray"), "--engine", "ray"])

    rows = _rows(tmp_path / "ray", ROW_KEYS)
    assert rows == _rows(tmp_path / "local", ROW_KEYS)
    assert [(r[0], r[1]) for r in rows["train"]] == [("add", 0)]
    assert sorted((r[0], r[1]) for r in rows["rejected"]) == [("floor_div", k) for k in range(3)]
    totals = on_ray["php"]["funnel"]["totals"]
    assert totals["completion_tokens"] == 4 * 20  # what four replies cost (the fake: 20 each)
    counts = {s["stage"]: s["count"] for s in on_ray["php"]["funnel"]["stages"]}
    assert counts["candidates"] == 4  # add once, floor_div three times
    (executor,) = executors
    assert executor.passes == 3 and executor.records_at_driver == 0
    assert local["php"]["train_rows"] == 1
