"""`--engine ray` on a three-node Ray cluster on this machine (`ray.cluster_utils.Cluster`, every
process on 127.0.0.1): a head without Docker and two workers that offer the `docker` resource.
The rows equal the local engine's, containers start only on the `docker` nodes, and a worker
removed mid-run costs no row and duplicates none."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import datasets
import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app

N = 20
ROWS = [
    {
        "task_id": i,
        "code": f"def f{i}(a):\n    return a + {i}",
        "test_list": [f"assert f{i}(1) == {1 + i}"],
    }
    for i in range(N)
]
KEYS = ("task_id", "sample_index", "repair_round", "status", "target_code")


def _replies(delay: float) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for i in range(N):
        good = f"```php\nfunction f{i}($a) {{ return $a + {i}; }}\n```"
        wrong = f"```php\nfunction f{i}($a) {{ return $a - {i}; }}\n```"
        table[f"def f{i}("] = [wrong, good] if i % 4 == 1 else [good]  # some need a repair
    table["__delay_s"] = delay
    return table


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Any, list[Any]]]:
    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed: pip install -e '.[ray]' (scripts/setup.sh installs it)")
    import ray
    from ray.cluster_utils import Cluster

    from codefactory.pipeline.ray_session import loopback_only

    with loopback_only():
        head = {"num_cpus": 1, "node_ip_address": "127.0.0.1", "include_dashboard": False}
        c = Cluster(initialize_head=True, head_node_args=head)
        workers = [
            c.add_node(num_cpus=1, resources={"docker": 8}, node_ip_address="127.0.0.1")
            for _ in range(2)
        ]
        ray.init(address=c.address, log_to_driver=False)
    assert {n["NodeManagerAddress"] for n in ray.nodes()} == {"127.0.0.1"}
    yield c, workers
    ray.shutdown()
    c.shutdown()


@pytest.fixture
def executors(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The RayExecutors the command made, to ask them where containers started."""
    from codefactory.pipeline import ray_executor

    made: list[Any] = []

    class Recording(ray_executor.RayExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(ray_executor, "RayExecutor", Recording)
    return made


def _translate(tmp_path: Path, name: str, delay: float, *extra: str) -> dict[str, Any]:
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    script = tmp_path / f"{name}.json"
    script.write_text(json.dumps(_replies(delay)))
    args = ["translate", str(source), "-t", "php", "--backend", "fake", "--model", str(script)]
    args += ["--samples", "1", "--repair", "1", "--no-augment", "--output", str(tmp_path / name)]
    result = CliRunner().invoke(app, [*args, *extra, "--no-cache", "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    # Ray itself may print to stdout when a node dies (`(raylet) Raylet is terminated …`).
    lines = result.stdout.splitlines()
    summary: dict[str, Any] = json.loads("\n".join(lines[lines.index("{") :]))
    return summary


def _stages(summary: dict[str, Any]) -> list[tuple[str, int, dict[str, int]]]:
    return [(s["stage"], s["count"], s["dropped"]) for s in summary["php"]["funnel"]["stages"]]


def _rows(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    splits = datasets.load_dataset(str(folder))
    return {
        name: sorted((tuple(row.get(k) for k in KEYS) for row in splits[name]), key=repr)
        for name in ("train", "rejected")
    }


def test_three_nodes_give_the_local_rows_and_only_docker_nodes_start_containers(
    cluster: tuple[Any, list[Any]], executors: list[Any], sandbox: object, tmp_path: Path
) -> None:
    c, workers = cluster
    local = _translate(tmp_path, "local", 0.0)
    on_ray = _translate(tmp_path, "ray", 0.0, "--engine", "ray")
    expected = _rows(tmp_path / "local")
    assert len(expected["train"]) == N and len(expected["rejected"]) == N // 4
    assert _rows(tmp_path / "ray") == expected
    assert _stages(on_ray) == _stages(local)
    (executor,) = executors
    docker_nodes = {w.node_id for w in workers}
    assert executor.container_nodes, "no container was counted"
    assert set(executor.container_nodes) <= docker_nodes
    assert c.head_node.node_id not in executor.container_nodes


def test_a_worker_removed_mid_run_costs_no_row(
    cluster: tuple[Any, list[Any]], executors: list[Any], sandbox: object, tmp_path: Path
) -> None:
    c, workers = cluster
    local = _translate(tmp_path, "local", 0.0)

    def remove_a_worker() -> None:
        deadline = time.monotonic() + 120
        while not (executors and executors[0].container_nodes) and time.monotonic() < deadline:
            time.sleep(0.2)
        c.remove_node(workers[1], allow_graceful=False)

    remover = threading.Thread(target=remove_a_worker)
    remover.start()
    _translate(tmp_path, "ray", 0.3, "--engine", "ray")
    remover.join()
    assert workers[1] not in c.worker_nodes
    assert _rows(tmp_path / "ray") == _rows(tmp_path / "local")
    assert local["php"]["train_rows"] == N
