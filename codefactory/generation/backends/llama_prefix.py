"""Prompt prefixes prefilled once, with replies identical to a cold prefill.

A repair round re-sends its whole conversation, a second sample re-sends its prompt, and every
prompt starts with the same system message. llama.cpp can keep the KV cells of a prefix, but
its CPU kernels group a batch's tokens: a token's cells come out bit-identical to a cold
prefill's only when it was prefilled in a batch, in the same group of `align` tokens counted
from position 0, in a batch of at least `min_batch` tokens. Cells decoded one token at a time
(a reply) differ in the last bits, and so would every greedy token after them. So a prefix is
reused only up to a group boundary inside what was prefilled, and the rest of a prompt is
prefilled as one batch of at least `min_batch` tokens. `exact_grouping` measures the grouping
on the machine at hand (it depends on the build and the CPU's kernels) and returns None where
no policy is exact: every prompt is then prefilled cold.
"""

from __future__ import annotations

import ctypes
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# (align, min_batch) policies, cheapest first; measured on AVX2 (Zen 3): (4, 8)
POLICIES = ((4, 8), (16, 32), (64, 64))
_PROBE_TEXT = "def add(a, b):\n    return a + b\n" * 40


@dataclass(frozen=True)
class Grouping:
    align: int  # reuse a prefix only up to a multiple of this
    min_batch: int  # and prefill at least this many tokens after it


def exact_grouping(llm: Any) -> Grouping | None:
    """The cheapest policy whose split prefill gives the last token the same logits, bit for
    bit, as a cold one on this model and machine; None if none does."""
    tokens = llm.tokenize(_PROBE_TEXT.encode(), add_bos=False)
    for align, min_batch in POLICIES:
        # a split at an odd multiple of `align`, so a coarser grouping would show
        split = align * (2 * -(-min_batch // (2 * align)) + 1)
        # the shortest last batch allowed, and one that ends off a group boundary
        ends = (split + min_batch, split + min_batch + align // 2 + 1)
        if ends[-1] > len(tokens):
            break
        if all(
            np.array_equal(
                _last_logits(llm, [tokens[:n]]),
                _last_logits(llm, [tokens[:split], tokens[split:n]]),
            )
            for n in ends
        ):
            _reset(llm)
            return Grouping(align, min_batch)
    _reset(llm)
    return None


def _last_logits(llm: Any, batches: list[Sequence[int]]) -> np.ndarray:
    _reset(llm)
    for batch in batches:
        llm.eval(batch)
    return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),)).copy()


def _reset(llm: Any) -> None:
    llm.n_tokens = 0
    llm._ctx.kv_cache_seq_rm(-1, 0, -1)


@dataclass(frozen=True)
class _State:
    tokens: np.ndarray  # the exact prefix's token ids
    data: bytes  # llama.cpp's state holding their KV cells


class PrefillStates:
    """The exact prefixes of recent prompts, by their tokens. Before a prompt, the context gets
    the longest exact prefix it shares with one (loading a saved state only when the context
    holds another); after it, the context is cut back to its own exact prefix and saved.
    Least recently used go first; a prefix of a newer one is dropped."""

    def __init__(self, llm: Any, grouping: Grouping, capacity_bytes: int) -> None:
        self.llm = llm
        self.grouping = grouping
        self.capacity = capacity_bytes
        self.states: OrderedDict[bytes, _State] = OrderedDict()
        self.current: bytes | None = None  # the key of the state the context holds
        self.reused_tokens = 0  # prompt tokens not prefilled again, over the backend's life
        self._prompt: np.ndarray | None = None

    def wrap(self, generate: Callable[..., Iterator[int]]) -> Callable[..., Iterator[int]]:
        """llama-cpp-python's `Llama.generate`, preceded by `before` with the prompt's tokens
        exactly as they will be evaluated."""

        def generate_after_prefix(tokens: Sequence[int], *args: Any, **kwargs: Any) -> Any:
            self.before(tokens)
            return generate(tokens, *args, **kwargs)

        return generate_after_prefix

    def before(self, tokens: Sequence[int]) -> int:
        """Give the context the longest exact prefix of `tokens` there is; its length."""
        prompt = np.asarray(tokens, dtype=np.intc)
        self._prompt = prompt
        g = self.grouping
        longest = len(prompt) - g.min_batch  # the rest must be one batch of min_batch or more
        best_key, best = None, 0
        for key, state in self.states.items():
            n = min(_common_prefix(prompt, state.tokens), longest)
            n -= n % g.align
            if n > best or (n == best and key == self.current):
                best_key, best = key, n
        if best_key is None or best < g.min_batch:
            _reset(self.llm)
            self.current = None
            return 0
        if best_key != self.current:
            state = self.states[best_key]
            buffer = (ctypes.c_uint8 * len(state.data)).from_buffer_copy(state.data)
            if self._set_state(buffer, len(state.data)) == 0:
                _reset(self.llm)
                self.current = None
                return 0
            self.current = best_key
        self.states.move_to_end(best_key)
        self.llm.input_ids[:best] = prompt[:best]
        self.llm.n_tokens = best  # llama-cpp-python's own prefix match then reuses these
        self.reused_tokens += best
        return best

    def after(self) -> None:
        """Cut the context back to the exact prefix of the prompt just run and save it."""
        prompt, self._prompt = self._prompt, None
        if prompt is None:  # the call failed before its prompt was evaluated
            return
        exact = len(prompt) - len(prompt) % self.grouping.align
        if self.llm.n_tokens < len(prompt) or exact < self.grouping.min_batch:
            _reset(self.llm)
            self.current = None
            return
        self.llm._ctx.kv_cache_seq_rm(-1, exact, -1)
        self.llm.n_tokens = exact
        key = prompt[:exact].tobytes()
        for older in [k for k in self.states if key.startswith(k)]:
            del self.states[older]  # the new prefix holds all they hold
        self.states[key] = _State(prompt[:exact].copy(), self._get_state())
        self.current = key
        while sum(len(s.data) for s in self.states.values()) > self.capacity:
            evicted, _ = self.states.popitem(last=False)
            if evicted == self.current:
                self.current = None

    def _get_state(self) -> bytes:
        import llama_cpp

        ctx = self.llm._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_get_data(ctx, buffer, size)
        return bytes(buffer)[:written]

    def _set_state(self, buffer: Any, size: int) -> int:
        import llama_cpp

        return int(llama_cpp.llama_state_set_data(self.llm._ctx.ctx, buffer, size))


def _common_prefix(a: np.ndarray, b: np.ndarray) -> int:
    n = min(len(a), len(b))
    differ = np.flatnonzero(a[:n] != b[:n])
    return int(differ[0]) if len(differ) else n
