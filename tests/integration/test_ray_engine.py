"""`--engine ray`: the same plans on Ray Data give the same rows and funnel as the local engine.

Ray runs on this machine only, every process bound to 127.0.0.1, started once for the module and
shut down after it. The rows and the scripted replies are those of test_translate_pipeline.py.
"""

from __future__ import annotations

import importlib.util
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest
from test_cli_verify import BAD_LINES
from test_cli_verify import GOOD as GOOD_VERIFY_ROW
from test_translate_pipeline import GOOD, ROWS, WRONG_FDIV
from typer.testing import CliRunner

from codefactory.cli.app import app

HAS_RAY = importlib.util.find_spec("ray") is not None
ROW_KEYS = ("task_id", "sample_index", "repair_round", "status", "target_code")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    if not HAS_RAY:
        pytest.skip("ray is not installed: pip install -e '.[ray]' (scripts/setup.sh installs it)")
    import ray

    from codefactory.pipeline.ray_session import ray_session

    with ray_session("local"):
        assert {n["NodeManagerAddress"] for n in ray.nodes()} == {"127.0.0.1"}
        yield
    assert not ray.is_initialized()


def _cli(args: list[str]) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    result = CliRunner().invoke(app, [*args, "--no-cache", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), time.monotonic() - started


def _rows(folder: Path, keys: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    splits = datasets.load_dataset(str(folder))
    return {
        name: sorted((tuple(row.get(k) for k in keys) for row in splits[name]), key=repr)
        for name in ("train", "rejected")
    }


def _stages(summary: dict[str, Any]) -> list[tuple[str, int, dict[str, int]]]:
    return [(s["stage"], s["count"], s["dropped"]) for s in summary["funnel"]["stages"]]


def test_translate_on_ray_gives_the_local_rows(
    local_ray: None, sandbox: object, tmp_path: Path
) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    script = tmp_path / "script.json"  # test_translate_pipeline's `script`, as the fake's file
    loads = tmp_path / "loads.log"  # one line per backend built: a real model's load
    script.write_text(
        json.dumps(
            {
                "def add": [GOOD["add"]],
                "def floor_div": [WRONG_FDIV, GOOD["floor_div"]],
                "__loads_log": str(loads),
            }
        )
    )
    args = ["translate", str(source), "-t", "php", "--backend", "fake", "--model", str(script)]
    args += ["--samples", "1", "--repair", "2"]
    local, local_s = _cli([*args, "--output", str(tmp_path / "local")])
    on_ray, ray_s = _cli([*args, "--output", str(tmp_path / "ray"), "--engine", "ray"])
    print(f"\ntranslate wall: local {local_s:.1f} s, ray {ray_s:.1f} s")

    expected = _rows(tmp_path / "local", ROW_KEYS)
    assert [r[0] for r in expected["train"]] == ["add", "floor_div"]
    assert _rows(tmp_path / "ray", ROW_KEYS) == expected
    assert _stages(on_ray["php"]) == _stages(local["php"])
    totals = (
        "completion_tokens",
        "prompt_tokens",
        "sources_with_verified",
        "repairs_that_repeated_a_failed_candidate",  # `nocode` says the same twice
    )
    for key in totals:
        assert on_ray["php"]["funnel"]["totals"][key] == local["php"]["funnel"]["totals"][key]
    assert (on_ray["php"]["train_rows"], on_ray["php"]["rejected_rows"]) == (2, 3)
    # One generation service per run serves every pass (the repair rounds): one load on Ray,
    # as locally, where the test's process built the other.
    assert len(loads.read_text().splitlines()) == 2
    assert on_ray["php"]["containers"] == local["php"]["containers"]
    assert on_ray["php"]["containers"]["per_function"]


def test_verify_on_ray_gives_the_local_rows(
    local_ray: None, sandbox: object, tmp_path: Path
) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_text("\n".join([json.dumps(GOOD_VERIFY_ROW), *BAD_LINES]) + "\n")
    args = ["verify", "--target", "php", str(source)]
    local, _ = _cli([*args, "--output", str(tmp_path / "local")])
    on_ray, _ = _cli([*args, "--output", str(tmp_path / "ray"), "--engine", "ray"])
    keys = ("task_id", "status", "verified", "target_code", "tests_passed", "tests_total")
    assert _rows(tmp_path / "ray", keys) == _rows(tmp_path / "local", keys)
    assert _stages(on_ray["php"]) == _stages(local["php"])
    assert (on_ray["php"]["train_rows"], on_ray["php"]["rejected_rows"]) == (1, 7)


def test_engine_ray_without_the_extra_names_the_install_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = importlib.util.find_spec

    def no_ray(name: str, *args: Any, **kwargs: Any) -> Any:
        return None if name == "ray" else real(name, *args, **kwargs)

    monkeypatch.setattr(importlib.util, "find_spec", no_ray)
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps(ROWS[0]) + "\n")
    for command in (["translate", "--backend", "fake"], ["verify"]):
        result = CliRunner().invoke(app, [*command, str(source), "--engine", "ray"])
        assert result.exit_code == 2, result.output
        assert "pip install 'codefactory[ray]'" in result.output
        assert "Traceback" not in result.output
    wrong = CliRunner().invoke(app, ["verify", str(source), "--engine", "spark"])
    assert wrong.exit_code == 2 and "--engine must be local or ray" in wrong.output


def test_sandbox_stages_need_a_node_with_docker(
    local_ray: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cluster whose nodes offer no `docker` resource is refused with the fix, before any
    step would wait for such a node forever; the one-machine Ray offers it."""
    import ray

    from codefactory.core.errors import CodefactoryError
    from codefactory.pipeline.ray_executor import DOCKER, require_docker_nodes

    assert ray.cluster_resources()[DOCKER] >= 1
    require_docker_nodes()
    monkeypatch.setattr(ray, "cluster_resources", lambda: {"CPU": 2.0})
    with pytest.raises(CodefactoryError, match=re.escape("""--resources='{"docker": 64}'""")):
        require_docker_nodes()


def test_a_model_that_cannot_load_stops_a_ray_run_as_it_does_locally(
    local_ray: None, sandbox: object, tmp_path: Path
) -> None:
    """The generation service loads the model when it starts: a missing one ends the run with
    the local engine's exit code and message, not with every llm row dropped."""
    source = tmp_path / "rows.jsonl"
    source.write_text(json.dumps(ROWS[0]) + "\n")
    args = ["translate", str(source), "-t", "php", "--backend", "llamacpp"]
    args += ["--model", str(tmp_path / "missing.gguf"), "--no-cache", "--quiet"]
    local = CliRunner().invoke(app, [*args, "--output", str(tmp_path / "local")])
    on_ray = CliRunner().invoke(app, [*args, "--output", str(tmp_path / "ray"), "--engine", "ray"])
    assert local.exit_code not in (0, 1), local.output  # a setup error's own code
    assert on_ray.exit_code == local.exit_code, on_ray.output
    assert "missing.gguf" in on_ray.output
    assert not (tmp_path / "ray").exists()
