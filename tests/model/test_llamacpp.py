"""llama.cpp for real: a tiny random GGUF for plumbing (in process and behind llama.cpp's own
OpenAI-compatible server on loopback), and the 0.5B model end to end."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import datasets
import httpx
import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app
from codefactory.core.errors import ModelUnavailable
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import GenRequest
from codefactory.generation.model_registry import resolve_model

sys.path.insert(0, str(Path(__file__).parent.parent))
from tiny_gguf import write_tiny_llama

REQUEST = GenRequest((("system", "Be brief."), ("user", "Write PHP.")), 0.0, 7, 16)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_llama(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def test_llamacpp_backend_on_a_tiny_random_model(tiny: Path) -> None:
    backend = make_backend("llamacpp", str(tiny), n_ctx=512)
    try:
        first, second = backend.generate([REQUEST, REQUEST])
    finally:
        backend.close()
    assert first.error is None and first.completion_tokens > 0 and first.prompt_tokens > 0
    assert first.text == second.text  # same seed, greedy: deterministic


def test_a_repair_round_continues_its_conversations_state(tiny: Path) -> None:
    """Two conversations interleaved: the second turn of the first gets its KV state back
    (only the new turn is decoded), and replies are those of plain decoding."""
    a = GenRequest((("system", "Be brief."), ("user", "Write PHP.")), 0.0, 7, 16)
    b = GenRequest((("system", "Be brief."), ("user", "Write Lua code.")), 0.0, 7, 16)

    def turns(prefix_states: bool) -> tuple[list[str], int]:
        backend = make_backend("llamacpp", str(tiny), n_ctx=512, prefix_states=prefix_states)
        try:
            first_a, _ = backend.generate([a, b])
            again = (*a.messages, ("assistant", first_a.text), ("user", "It failed. Fix it."))
            (second_a,) = backend.generate([GenRequest(again, 0.0, 7, 16)])
            restored = backend.conversations.restored if backend.conversations else 0
            return [first_a.text, second_a.text], restored
        finally:
            backend.close()

    with_states = make_backend("llamacpp", str(tiny), n_ctx=512, prefix_states=True)
    assert with_states.name != "llamacpp"  # its own cache keys: its replies can differ
    with_states.close()
    kept, restored = turns(prefix_states=True)
    plain, none = turns(prefix_states=False)
    assert (restored, none) == (1, 0)
    assert kept == plain


def test_missing_model_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEFACTORY_MODELS", str(tmp_path))
    with pytest.raises(ModelUnavailable, match=r"codefactory model pull qwen2\.5-coder-0\.5b"):
        resolve_model("qwen2.5-coder-0.5b")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tiny: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(tiny),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "512",
            "--model_alias",
            "tiny",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            raise AssertionError("llama.cpp server did not come up")
        yield url
    finally:
        server.terminate()
        server.wait(10)


def test_openai_backend_against_llamacpp_server(llama_server: str) -> None:
    backend = make_backend("openai", "tiny", base_url=llama_server)
    try:
        results = backend.generate([REQUEST, GenRequest(REQUEST.messages, 0.8, 1, 16)])
    finally:
        backend.close()
    assert all(r.error is None for r in results), results
    assert results[0].completion_tokens > 0


def test_ray_run_through_the_openai_backend_and_llamacpps_server(
    llama_server: str, tmp_path: Path, sandbox: object
) -> None:
    """`--engine ray --backend openai`: the run's generation service talks to llama.cpp's own
    OpenAI-compatible server on loopback (a one-machine Ray, also on 127.0.0.1). The tiny model
    replies noise: every candidate is judged and rejected, and nothing fails on the way."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        pytest.skip("ray is not installed: pip install -e '.[ray]'")
    source = tmp_path / "rows.jsonl"
    row = {
        "task_id": 1,
        "code": "def inc(a):\n    return a + 1",
        "test_list": ["assert inc(1) == 2"],
    }
    source.write_text(json.dumps(row) + "\n")
    args = ["translate", str(source), "-t", "php", "--backend", "openai", "--model", "tiny"]
    args += ["--base-url", llama_server, "--max-tokens", "16"]
    args += ["--engine", "ray", "--ray-address", "local", "--no-cache", "--json", "--quiet"]
    result = CliRunner().invoke(app, [*args, "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    summary = json.loads("\n".join(lines[lines.index("{") :]))["php"]
    totals = summary["funnel"]["totals"]
    assert totals["completion_tokens"] > 0 and totals["prompt_tokens"] > 0
    assert summary["train_rows"] == 0 and summary["rejected_rows"] >= 1


@pytest.mark.slow
def test_real_model_translates_mbpp_to_verified_php(tmp_path: Path, sandbox: object) -> None:
    """The 0.5B model on 5 MBPP problems: at least one verified PHP row."""
    resolve_model("qwen2.5-coder-0.5b")  # pulled by scripts/setup.sh
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "translate",
            "--target",
            "php",
            "--model",
            "qwen2.5-coder-0.5b",
            "--samples",
            "4",
            "--limit",
            "5",
            "--output",
            str(out),
            "--no-cache",
            "--quiet",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["php"]
    assert summary["train_rows"] >= 1, summary
    train = datasets.load_dataset(str(out))["train"]
    assert len(train) >= 1 and all(train["verified"])
    assert set(train["model"]) == {"qwen2.5-coder-0.5b"}
