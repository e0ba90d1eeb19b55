"""llama.cpp in process (llama-cpp-python): a local GGUF on the CPU, the embedded default."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from codefactory.generation.backends.base import GenRequest, GenResult
from codefactory.generation.model_registry import resolve_model


class LlamaCppBackend:
    name = "llamacpp"
    batch_size = 1  # llama-cpp-python decodes one sequence at a time

    def __init__(self, model: str, n_ctx: int = 4096, threads: int | None = None, **_: Any) -> None:
        from llama_cpp import Llama

        self.model = model
        self.path = resolve_model(model)
        self._llm = Llama(
            model_path=str(self.path),
            n_ctx=n_ctx,
            n_threads=threads or os.cpu_count() or 2,
            verbose=False,
        )

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        return [self._one(request) for request in requests]

    def _one(self, request: GenRequest) -> GenResult:
        start = time.monotonic()
        try:
            reply = self._llm.create_chat_completion(
                messages=request.as_openai(),  # type: ignore[arg-type]
                temperature=request.temperature,
                seed=request.seed,
                max_tokens=request.max_tokens,
            )
        except (ValueError, RuntimeError) as exc:  # e.g. prompt longer than the context
            return GenResult("", seconds=time.monotonic() - start, error=str(exc)[:300])
        usage = reply.get("usage") or {}  # type: ignore[union-attr]
        text = reply["choices"][0]["message"]["content"] or ""  # type: ignore[index]
        return GenResult(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=time.monotonic() - start,
        )

    def close(self) -> None:
        self._llm.close()
