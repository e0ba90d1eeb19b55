"""llama.cpp in process (llama-cpp-python): a local GGUF on the CPU, the embedded default.

A repair round re-sends its conversation, a second sample its prompt, and every prompt shares
the system message. `PrefillStates` (llama_prefix.py) keeps the exact prefixes of recent prompts
so those are prefilled once, with replies bit-identical to a cold prefill of every prompt. So a
reply depends only on its request; llama-cpp-python's own reuse of the call before, which this
replaces, reused a reply's decoded cells, and a reply could change with the call before it.
`prefix_reuse=False` prefills every prompt cold (the reference in bench_prefix_states.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from codefactory.generation.backends.base import GenRequest, GenResult
from codefactory.generation.backends.llama_prefix import PrefillStates, exact_grouping
from codefactory.generation.model_registry import resolve_model

STATES_BYTES = 1 << 30  # ~29 MB per 1,000 tokens of the 1.5B: a few dozen prompts


class LlamaCppBackend:
    name = "llamacpp"
    batch_size = 1  # llama-cpp-python decodes one sequence at a time

    def __init__(
        self,
        model: str,
        n_ctx: int = 4096,
        threads: int | None = None,
        prefix_reuse: bool = True,
        **_: Any,
    ) -> None:
        from llama_cpp import Llama

        self.model = model
        self.path = resolve_model(model)
        self._llm = Llama(
            model_path=str(self.path),
            n_ctx=n_ctx,
            n_threads=threads or os.cpu_count() or 2,
            verbose=False,
        )
        grouping = exact_grouping(self._llm) if prefix_reuse else None
        self.prefixes = PrefillStates(self._llm, grouping, STATES_BYTES) if grouping else None
        if self.prefixes is not None:  # sees each prompt's tokens just before they are evaluated
            self._llm.generate = self.prefixes.wrap(self._llm.generate)  # type: ignore[method-assign,assignment]

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        return [self._one(request) for request in requests]

    def _one(self, request: GenRequest) -> GenResult:
        start = time.monotonic()
        if self.prefixes is None:
            self._llm.n_tokens = 0  # no reuse at all: a cold prefill
        try:
            reply = self._llm.create_chat_completion(
                messages=request.as_openai(),  # type: ignore[arg-type]
                temperature=request.temperature,
                seed=request.seed,
                max_tokens=request.max_tokens,
            )
        except (ValueError, RuntimeError) as exc:  # e.g. prompt longer than the context
            return GenResult("", seconds=time.monotonic() - start, error=str(exc)[:300])
        finally:
            if self.prefixes is not None:
                self.prefixes.after()
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
