"""PrefillStates' choices against a stand-in for llama-cpp-python's context: which prefix a prompt
gets back, cut to the grouping that keeps it exact, and what is kept afterwards. The real
model's bit-identity is checked in tests/model/test_llamacpp.py."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from codefactory.generation.backends.llama_prefix import Grouping, PrefillStates


class FakeContext:
    def __init__(self, llm: FakeLlama) -> None:
        self.llm = llm

    def kv_cache_seq_rm(self, seq: int, start: int, end: int) -> bool:
        self.llm.cells = self.llm.cells[:start]
        return True


Cell = tuple[int, int, int]  # a token, and the batch (start, end) its cells were computed in


class FakeLlama:
    """Holds its KV cells as the token ids and batches they were computed from; evaluates as
    llama-cpp-python does, in batches of n_batch from the context's end."""

    def __init__(self, n_batch: int = 512) -> None:
        self.input_ids = np.zeros(4096, dtype=np.intc)
        self.n_tokens = 0
        self.n_batch = n_batch
        self.cells: list[Cell] = []
        self._ctx = FakeContext(self)
        self.evaluated = 0

    def eval(self, tokens: Sequence[int]) -> None:
        self.cells = self.cells[: self.n_tokens]
        for i in range(0, len(tokens), self.n_batch):
            batch = tokens[i : i + self.n_batch]
            start = self.n_tokens
            self.cells += [(int(t), start, start + len(batch)) for t in batch]
            self.input_ids[start : start + len(batch)] = batch
            self.n_tokens += len(batch)
            self.evaluated += len(batch)

    def generate(self, tokens: Sequence[int]) -> Iterator[int]:
        """Like llama-cpp-python: reuse what matches the context, evaluate the rest, then
        decode three tokens one at a time."""
        reuse = 0
        while reuse < min(self.n_tokens, len(tokens)) and self.input_ids[reuse] == tokens[reuse]:
            reuse += 1
        self.n_tokens = min(reuse, len(tokens) - 1)
        self.eval(tokens[self.n_tokens :])
        for token in (900, 901, 902):
            self.eval([token])
            yield token


class Saved(PrefillStates):
    """States as copies of the fake's cells instead of llama.cpp's bytes."""

    loads = 0

    def _get_state(self) -> bytes:
        return pickle.dumps(self.llm.cells)

    def _set_state(self, buffer: Any, size: int) -> int:
        self.llm.cells = pickle.loads(bytes(buffer))
        self.loads += 1
        return 1


def call(states: PrefillStates, llm: FakeLlama, tokens: list[int]) -> int:
    """One completion through the wrapped generate; the tokens it prefilled."""
    before = llm.evaluated
    list(states.wrap(llm.generate)(tokens))
    prefilled = llm.evaluated - before - 3  # not the three decoded
    states.after()
    return prefilled


def tokens_of(llm: FakeLlama) -> list[int]:
    return [token for token, _, _ in llm.cells]


def test_a_repair_round_prefills_only_past_its_first_rounds_exact_prefix() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(align=4, min_batch=8), capacity_bytes=1 << 20)
    first = list(range(1, 31))  # 30 tokens: its exact prefix is 28
    assert call(states, llm, first) == 30
    assert llm.n_tokens == 28 and tokens_of(llm) == first[:28]  # the decoded cells are dropped
    repair = [*first, 900, 901, 902, *range(100, 110)]
    assert call(states, llm, repair) == len(repair) - 28


def test_interleaved_prompts_get_their_own_prefix_back_from_a_saved_state() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    a, b = list(range(1, 41)), list(range(200, 240))
    call(states, llm, a)
    call(states, llm, b)
    assert call(states, llm, [*a, *range(50, 60)]) == 10 and states.loads == 1
    assert tokens_of(llm)[:40] == a


def test_a_shared_start_is_reused_only_to_a_group_boundary() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    call(states, llm, list(range(1, 41)))
    other = [*range(1, 19), *range(300, 330)]  # shares 18 tokens: 16 of them reusable
    assert call(states, llm, other) == len(other) - 16


def test_the_last_batch_is_never_shorter_than_min_batch() -> None:
    """A second sample of the same prompt: all but the last group would match, yet the last
    batch must hold min_batch tokens to come out as a cold prefill's."""
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    prompt = list(range(1, 42))  # 41 tokens
    call(states, llm, prompt)
    assert call(states, llm, prompt) == 41 - 32  # reuse 33 at most, cut to 32


def test_too_short_a_match_is_a_cold_prefill() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    call(states, llm, list(range(1, 41)))
    assert call(states, llm, [1, 2, 3, 4, 5, *range(500, 540)]) == 45  # 4 < min_batch
    assert states.reused_tokens == 0


def test_a_prefix_of_a_newer_prompt_is_dropped_and_old_states_go_first() -> None:
    llm = FakeLlama()
    one_state = len(pickle.dumps([(t, 0, 40) for t in range(100, 140)]))  # about 40 cells
    states = Saved(llm, Grouping(4, 8), capacity_bytes=int(2.5 * one_state))
    a = list(range(1, 21))
    call(states, llm, a)
    call(states, llm, [*a, *range(30, 50)])  # continues a: a's state is redundant
    assert len(states.states) == 1
    call(states, llm, list(range(100, 140)))
    call(states, llm, list(range(200, 240)))  # over capacity: the oldest goes
    kept = [np.frombuffer(k, dtype=np.intc)[0] for k in states.states]
    assert kept == [100, 200]


def test_a_failed_call_leaves_a_clean_context() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    call(states, llm, list(range(1, 41)))
    states.before(list(range(1, 60)))  # the call then raised before evaluating anything
    states.after()
    assert llm.n_tokens == 0 and states.current is None
    assert call(states, llm, list(range(1, 50))) == 9 and states.loads == 1  # state reloaded


def _cold_batch(position: int, n: int, n_batch: int) -> tuple[int, int]:
    start = position - position % n_batch
    return start, min(start + n_batch, n)


def test_every_cell_is_computed_as_exactly_as_a_cold_prefill_would() -> None:
    """The rule the module rests on, over many prompt lengths and shared prefixes, with batches
    of 16 so prompts cross batch boundaries: each cell of a prompt was computed in a batch that
    starts on a group boundary and either is the batch a cold prefill puts it in, or holds at
    least min_batch tokens while the cold one does too."""
    g, n_batch = Grouping(4, 8), 16
    checked = reused = 0
    for first_n in range(9, 60, 3):
        for shared in range(0, first_n + 1, 5):
            for extra in (1, 3, 7, 8, 13, 29):
                llm = FakeLlama(n_batch)
                states = Saved(llm, g, 1 << 30)
                first = list(range(1, first_n + 1))
                second = [*first[:shared], *range(1000, 1000 + extra)]
                call(states, llm, first)
                list(states.wrap(llm.generate)(second))
                n = len(second)
                for position, (token, start, end) in enumerate(llm.cells[:n]):
                    assert token == second[position]
                    cold = _cold_batch(position, n, n_batch)
                    assert start % g.align == 0, (first_n, shared, extra, position)
                    big = end - start >= g.min_batch and cold[1] - cold[0] >= g.min_batch
                    assert (start, end) == cold or big, (first_n, shared, extra, position)
                    checked += 1
                reused += states.reused_tokens
    assert checked > 1000 and reused > 0


def test_a_prompt_ending_in_a_short_batch_keeps_only_what_precedes_it() -> None:
    """A cold prefill of 35 tokens in batches of 16 ends in a batch of 3: a longer prompt's
    cold prefill puts those 3 in a batch of 16, so they are not kept as exact."""
    llm = FakeLlama(n_batch=16)
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    call(states, llm, list(range(1, 36)))
    assert llm.n_tokens == 32
