"""The openai backend against a flaky OpenAI-compatible server on loopback: retries with
backoff, then a recorded error, never a crash."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from codefactory.core.errors import ConfigError
from codefactory.generation.backends import make_backend
from codefactory.generation.backends.base import GenRequest


class Script:
    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.bodies: list[dict[str, object]] = []


def _handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.bodies.append(body)
            status = script.statuses.pop(0) if script.statuses else 200
            payload: dict[str, object] = {"error": "busy"}
            if status == 200:
                payload = {
                    "choices": [{"message": {"content": f"seed={body['seed']}"}}],
                    "usage": {"prompt_tokens": 7, "completion_tokens": 3},
                }
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(script))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    httpd.shutdown()


REQUEST = GenRequest((("user", "hi"),), temperature=0.0, seed=5, max_tokens=32)


def test_retries_5xx_then_succeeds(server: tuple[str, Script]) -> None:
    url, script = server
    script.statuses = [503, 500]
    backend = make_backend("openai", "m", base_url=url, backoff_s=0.01)
    [result] = backend.generate([REQUEST])
    assert result.error is None and result.text == "seed=5"
    assert (result.prompt_tokens, result.completion_tokens) == (7, 3)
    assert len(script.bodies) == 3 and script.bodies[0]["max_tokens"] == 32


def test_gives_up_and_records(server: tuple[str, Script]) -> None:
    url, script = server
    script.statuses = [502] * 10
    backend = make_backend("openai", "m", base_url=url, backoff_s=0.01, retries=2)
    [result] = backend.generate([REQUEST])
    assert result.text == "" and "gave up after 3 tries: HTTP 502" in (result.error or "")


def test_timeouts_and_refusals_are_recorded() -> None:
    backend = make_backend(
        "openai", "m", base_url="http://127.0.0.1:9/v1", backoff_s=0.01, retries=1, timeout_s=1.0
    )
    [result] = backend.generate([REQUEST])
    assert "ConnectError" in (result.error or "")


def test_samples_are_separate_requests_with_their_own_seeds(server: tuple[str, Script]) -> None:
    url, _ = server
    backend = make_backend("openai", "m", base_url=url)
    results = backend.generate([GenRequest((("user", "x"),), 0.7, seed) for seed in (1, 2, 3)])
    assert [r.text for r in results] == ["seed=1", "seed=2", "seed=3"]


def test_needs_a_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        make_backend("openai", "m")
