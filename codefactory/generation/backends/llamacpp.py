"""llama.cpp in process (llama-cpp-python): a local GGUF on the CPU, the embedded default.

A repair round re-sends the whole conversation, and llama.cpp reuses a KV prefix only from the
call just before, which with several functions interleaved is another function's. With
`prefix_states=True` the KV state of each recent conversation is kept (`Conversations`) and
restored before its next turn, which then prefills only what is new. It is off by default
because it can change a greedy reply: a restored prefix was computed token by token while
decoding, a plain one in a batch, and the sums differ in the last bits. Measured with
benchmarks/bench_prefix_states.py (12 PHP repair rounds, 1.5B, this CPU): median 36.3 s against
40.4 s per round, 23 of 24 replies identical to plain decoding.
"""

from __future__ import annotations

import ctypes
import os
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from codefactory.generation.backends.base import GenRequest, GenResult, Message
from codefactory.generation.model_registry import resolve_model

STATES_BYTES = 1 << 30  # ~30 MB per 1,000 tokens of the 1.5B: a few dozen conversations


class LlamaCppBackend:
    name = "llamacpp"
    batch_size = 1  # llama-cpp-python decodes one sequence at a time

    def __init__(
        self,
        model: str,
        n_ctx: int = 4096,
        threads: int | None = None,
        prefix_states: bool = False,  # opt-in: see the module's docstring
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
        self.conversations = Conversations(self._llm, STATES_BYTES) if prefix_states else None
        if prefix_states:  # its replies can differ: cached (and recorded) apart from plain ones
            self.name = "llamacpp-kept-states"

    def generate(self, requests: Sequence[GenRequest]) -> list[GenResult]:
        return [self._one(request) for request in requests]

    def _one(self, request: GenRequest) -> GenResult:
        start = time.monotonic()
        if self.conversations is not None:
            self.conversations.restore(request.messages)
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
        if self.conversations is not None:
            self.conversations.save((*request.messages, ("assistant", text)))
        return GenResult(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=time.monotonic() - start,
        )

    def close(self) -> None:
        self._llm.close()


@dataclass(frozen=True)
class _State:
    tokens: np.ndarray  # the context's token ids
    data: bytes  # llama.cpp's own state: the KV cells of those tokens


class Conversations:
    """The KV states of the last conversations, by their messages; a request that continues
    one (its messages start with a saved conversation's) gets that state back first, and
    llama-cpp-python's own prefix match then decodes only the rest. Least recent go first."""

    def __init__(self, llm: Any, capacity_bytes: int) -> None:
        self.llm = llm
        self.capacity = capacity_bytes
        self.states: OrderedDict[tuple[Message, ...], _State] = OrderedDict()
        self.current: tuple[Message, ...] | None = None  # whose state the context holds
        self.restored = 0

    def save(self, conversation: tuple[Message, ...]) -> None:
        import llama_cpp

        ctx = self.llm._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_get_data(ctx, buffer, size)
        n = self.llm.n_tokens
        self.states[conversation] = _State(self.llm.input_ids[:n].copy(), bytes(buffer)[:written])
        self.states.move_to_end(conversation)
        self.current = conversation
        while sum(len(s.data) for s in self.states.values()) > self.capacity and self.states:
            self.states.popitem(last=False)

    def restore(self, messages: tuple[Message, ...]) -> bool:
        """Load the state of the longest saved conversation that `messages` continue, unless
        the context holds it already. True when one was loaded."""
        import llama_cpp

        best = max(
            (k for k in self.states if len(k) < len(messages) and messages[: len(k)] == k),
            key=len,
            default=None,
        )
        if best is None or best == self.current:
            return False
        state = self.states[best]
        self.states.move_to_end(best)
        buffer = (ctypes.c_uint8 * len(state.data)).from_buffer_copy(state.data)
        if llama_cpp.llama_state_set_data(self.llm._ctx.ctx, buffer, len(state.data)) == 0:
            return False
        n = len(state.tokens)
        self.llm.input_ids[:n] = state.tokens
        self.llm.n_tokens = n
        self.llm._requires_eval = True  # no logits for the last token: decode it again
        self.current = best
        self.restored += 1
        return True
