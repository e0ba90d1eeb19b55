"""Any OpenAI-compatible chat server: `vllm serve`, llama.cpp's server, hosted APIs.

One request per sample with its own seed (llama.cpp's server silently ignores `n`). Timeouts,
connection errors, 429 and 5xx are retried with exponential backoff, then recorded as errors.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from codefactory.core.errors import ConfigError
from codefactory.generation.backends.base import GenRequest, GenResult

RETRYABLE = {408, 409, 425, 429, 500, 502, 503, 504}


class OpenAIBackend:
    name = "openai"

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        retries: int = 4,
        backoff_s: float = 1.0,
        concurrency: int = 8,
        **_: Any,
    ) -> None:
        self.model = model
        url = base_url or os.environ.get("OPENAI_BASE_URL")
        if not url:
            raise ConfigError(
                "the openai backend needs --base-url or OPENAI_BASE_URL "
                "(e.g. http://127.0.0.1:8000/v1)"
            )
        key = api_key or os.environ.get("OPENAI_API_KEY", "none")
        self.retries, self.backoff_s = retries, backoff_s
        self.batch_size = concurrency
        self._client = httpx.Client(
            base_url=url.rstrip("/"), timeout=timeout_s, headers={"Authorization": f"Bearer {key}"}
        )
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="cf-openai")

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        return list(self._pool.map(self._one, requests))

    def _one(self, request: GenRequest) -> GenResult:
        body = {
            "model": self.model,
            "messages": request.as_openai(),
            "temperature": request.temperature,
            "seed": request.seed,
            "max_tokens": request.max_tokens,
            "n": 1,
        }
        start = time.monotonic()
        error = "no attempt"
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = self._client.post("/chat/completions", json=body)
            except httpx.TransportError as exc:  # timeouts, refused connections, resets
                error = f"{exc.__class__.__name__}: {exc}"
                continue
            if response.status_code in RETRYABLE:
                error = f"HTTP {response.status_code}"
                continue
            if response.status_code != 200:
                return GenResult(
                    "",
                    seconds=time.monotonic() - start,
                    error=f"HTTP {response.status_code}: {response.text[:200]}",
                )
            try:
                data = response.json()
                text = data["choices"][0]["message"]["content"] or ""
            except (ValueError, KeyError, IndexError, TypeError):
                return GenResult(
                    "", seconds=time.monotonic() - start, error="malformed response from the server"
                )
            usage = data.get("usage") or {}
            return GenResult(
                text,
                int(usage.get("prompt_tokens", 0)),
                int(usage.get("completion_tokens", 0)),
                time.monotonic() - start,
            )
        return GenResult(
            "",
            seconds=time.monotonic() - start,
            error=f"gave up after {self.retries + 1} tries: {error}",
        )

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        self._client.close()
