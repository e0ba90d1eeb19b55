"""vLLM's offline engine for GPU batch generation. The only module that imports vllm."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from codefactory.generation.backends.base import GenRequest, GenResult


class VLLMBackend:
    name = "vllm"

    def __init__(
        self,
        model: str,
        batch_size: int = 256,
        max_model_len: int = 4096,
        gpu_memory_utilization: float = 0.85,
        **_: Any,
    ) -> None:
        from vllm import LLM

        self.model = model
        self.batch_size = batch_size
        self._llm = LLM(
            model=model, max_model_len=max_model_len, gpu_memory_utilization=gpu_memory_utilization
        )

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        from vllm import SamplingParams

        start = time.monotonic()
        params = [
            # max_tokens must be explicit: vLLM's default is 16.
            SamplingParams(temperature=r.temperature, seed=r.seed, max_tokens=r.max_tokens)
            for r in requests
        ]
        outputs = self._llm.chat([r.as_openai() for r in requests], params, use_tqdm=False)
        seconds = (time.monotonic() - start) / max(len(requests), 1)
        return [
            GenResult(
                out.outputs[0].text,
                len(out.prompt_token_ids or ()),
                len(out.outputs[0].token_ids),
                seconds,
            )
            for out in outputs
        ]

    def close(self) -> None:
        del self._llm
