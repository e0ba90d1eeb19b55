"""Prompt prefixes prefilled once, with replies identical to a cold prefill.

A repair round re-sends its conversation, a second sample re-sends its prompt, and every
prompt starts with the same system message. llama.cpp can keep the KV cells of a prefix, but
its CPU kernels group a batch's tokens: a token's cells come out bit-identical to a cold
prefill's only when it was prefilled in a batch, in the same group of `align` tokens counted
from position 0, in a batch of at least `min_batch` tokens (or in the very batch a cold prefill
puts it in). Cells decoded one token at a time (a reply) differ in the last bits, and so would
every greedy token after them. A cold prefill evaluates a prompt in batches of `n_batch` from
position 0, and so does a prompt here: a prefix is reused only up to a group boundary inside
what was prefilled, the rest is evaluated in batches that end where the cold prefill's end, the
first of them at least `min_batch` long, and the last exactly the cold prefill's last.
`exact_grouping` measures the grouping on the machine at hand (it depends on the build and the
CPU's kernels) and returns None where no policy is exact: every prompt is then prefilled cold.
"""

from __future__ import annotations

import ctypes
import itertools
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
    bit, as a cold one on this model and machine; None if none does, or if this context's
    memory cannot be cut back (recurrent models) or its batches would split off groups."""
    if getattr(llm, "_is_recurrent", False) or getattr(llm, "_is_hybrid", False):
        return None
    if llm.context_params.n_ubatch != llm.n_batch:  # llama_decode would split batches again
        return None
    tokens = llm.tokenize(_PROBE_TEXT.encode(), add_bos=False)
    for align, min_batch in POLICIES:
        if llm.n_batch % align or llm.n_batch < 2 * min_batch:
            continue
        # a split at an odd multiple of `align`, so a coarser grouping would show
        split = align * (2 * -(-min_batch // (2 * align)) + 1)
        # the shortest last batch allowed, and one that ends off a group boundary
        ends = (split + min_batch, split + min_batch + align // 2 + 1)
        if ends[-1] > min(len(tokens), llm.n_ctx(), llm.n_batch):
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


class PrefillStates:
    """The exact prefixes of recent prompts, by their tokens. Before a prompt, the context gets
    the longest exact prefix it shares with one (loading a saved state only when the context
    holds another); after it, the context is cut back to its own exact prefix and saved.
    Least recently used go first; a prefix of a newer one is dropped."""

    def __init__(self, llm: Any, grouping: Grouping, capacity_bytes: int) -> None:
        self.llm = llm
        self.grouping = grouping
        self.capacity = capacity_bytes
        # an exact prefix's token ids (intc bytes) -> llama.cpp's state holding their KV cells
        self.states: OrderedDict[bytes, bytes] = OrderedDict()
        self.current: bytes | None = None  # the key of the state the context holds
        self.reused_tokens = 0  # prompt tokens not prefilled again, over the backend's life
        self.n_batch = int(llm.n_batch)  # how a cold prefill cuts a prompt into batches
        self._prompt: np.ndarray | None = None

    def wrap(self, generate: Callable[..., Iterator[int]]) -> Callable[..., Iterator[int]]:
        """llama-cpp-python's `Llama.generate`, preceded by `before` with the prompt's tokens
        exactly as they will be evaluated."""

        def generate_after_prefix(tokens: Sequence[int], *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("reset", True):  # reset=False continues the context as it is
                self.before(tokens)
            return generate(tokens, *args, **kwargs)

        return generate_after_prefix

    def before(self, tokens: Sequence[int]) -> int:
        """Give the context the longest exact prefix of `tokens` there is, and evaluate what
        follows it up to where a cold prefill's last batch starts, in the batches a cold
        prefill would end; llama-cpp-python evaluates the last batch. The tokens reused."""
        prompt = np.asarray(tokens, dtype=np.intc)
        self._prompt = prompt
        best_key, best = None, 0
        for key in self.states:
            shared = _common_prefix(prompt, np.frombuffer(key, dtype=np.intc))
            n = self._usable(shared, len(prompt))
            if n > best or (n == best and n and key == self.current):
                best_key, best = key, n
        if best_key is None or best < self.grouping.min_batch:
            self._cold()
            return 0
        if best_key != self.current:
            data = self.states[best_key]
            buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
            if self._set_state(buffer, len(data)) == 0:
                del self.states[best_key]  # it would fail again
                self._cold()
                return 0
            self.current = best_key
        self.states.move_to_end(best_key)
        self.llm.input_ids[:best] = prompt[:best]
        self.llm.n_tokens = best
        last = self._last_batch(len(prompt))
        edges = [best, *range(-(-best // self.n_batch) * self.n_batch, last + 1, self.n_batch)]
        for start, end in itertools.pairwise(edges):
            if end > start:
                self.llm.eval(prompt[start:end])  # n_tokens moves on to `last`
        self.reused_tokens += best
        return best

    def _last_batch(self, n: int) -> int:
        """Where a cold prefill of n tokens starts its last batch."""
        return self.n_batch * ((n - 1) // self.n_batch)

    def _usable(self, shared: int, n: int) -> int:
        """The longest prefix, at most `shared` tokens of an n-token prompt, that keeps every
        batch after it as exact as a cold prefill's: on a group boundary, its first batch of at
        least min_batch tokens, its last batch the cold prefill's."""
        g, last = self.grouping, self._last_batch(n)
        m = shared - shared % g.align
        if m >= last and n - m < g.min_batch:  # the rest, inside the last batch, too short
            m = n - g.min_batch
            m -= m % g.align
        if m < last and 0 < -m % self.n_batch < g.min_batch:  # a first batch too short
            m = (m // self.n_batch + 1) * self.n_batch - g.min_batch
            m -= m % g.align
        return max(m, 0)

    def _cold(self) -> None:
        _reset(self.llm)
        self.current = None

    def after(self) -> None:
        """Cut the context back to the exact prefix of the prompt just run and save it."""
        prompt, self._prompt = self._prompt, None
        if prompt is None:  # the call failed before its prompt was evaluated
            return
        n, g = len(prompt), self.grouping
        exact = n - n % g.align
        last = self._last_batch(n)
        if n - last < g.min_batch:  # a later prompt's cold prefill puts these in a longer batch
            exact = min(exact, last)
        cut = self.llm.n_tokens >= n and exact >= g.min_batch
        if not (cut and self.llm._ctx.kv_cache_seq_rm(-1, exact, -1)):
            self._cold()
            return
        self.llm.n_tokens = exact
        key = prompt[:exact].tobytes()
        for older in [k for k in self.states if key.startswith(k)]:
            del self.states[older]  # the new prefix holds all they hold
        self.states[key] = self._get_state()
        self.current = key
        while sum(len(data) for data in self.states.values()) > self.capacity:
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
