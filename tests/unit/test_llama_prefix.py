"""PrefillStates' choices against a stand-in for llama-cpp-python's context: which prefix a prompt
gets back, cut to the grouping that keeps it exact, and what is kept afterwards. The real
model's bit-identity is checked in tests/model/test_llamacpp.py."""

from __future__ import annotations

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


class FakeLlama:
    """Holds its KV cells as the token ids they were computed from."""

    def __init__(self) -> None:
        self.input_ids = np.zeros(512, dtype=np.intc)
        self.n_tokens = 0
        self.cells: list[int] = []
        self._ctx = FakeContext(self)
        self.prefilled: list[int] = []  # how many tokens each call evaluated

    def generate(self, tokens: Sequence[int]) -> Iterator[int]:
        """Like llama-cpp-python: reuse what matches the context, evaluate the rest, then
        decode three tokens."""
        reuse = 0
        while reuse < min(self.n_tokens, len(tokens)) and self.input_ids[reuse] == tokens[reuse]:
            reuse += 1
        self.cells = self.cells[:reuse] + list(tokens[reuse:])
        self.prefilled.append(len(tokens) - reuse)
        self.input_ids[: len(tokens)] = tokens
        self.n_tokens = len(tokens)
        for token in (900, 901, 902):
            self.cells.append(token)
            self.input_ids[self.n_tokens] = token
            self.n_tokens += 1
            yield token


class Saved(PrefillStates):
    """States as copies of the fake's cells instead of llama.cpp's bytes."""

    def _get_state(self) -> bytes:
        return np.asarray(self.llm.cells, dtype=np.intc).tobytes()

    def _set_state(self, buffer: Any, size: int) -> int:
        self.llm.cells = np.frombuffer(bytes(buffer), dtype=np.intc).tolist()
        self.loads += 1
        return 1

    loads = 0


def call(states: PrefillStates, llm: FakeLlama, tokens: list[int]) -> int:
    """One completion through the wrapped generate; the tokens it prefilled."""
    list(states.wrap(llm.generate)(tokens))
    states.after()
    return llm.prefilled[-1]


def test_a_repair_round_prefills_only_past_its_first_rounds_exact_prefix() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(align=4, min_batch=8), capacity_bytes=1 << 20)
    first = list(range(1, 31))  # 30 tokens: its exact prefix is 28
    assert call(states, llm, first) == 30
    assert llm.n_tokens == 28 and llm.cells == first[:28]  # the decoded cells are dropped
    repair = [*first, 900, 901, 902, *range(100, 110)]
    assert call(states, llm, repair) == len(repair) - 28


def test_interleaved_prompts_get_their_own_prefix_back_from_a_saved_state() -> None:
    llm = FakeLlama()
    states = Saved(llm, Grouping(4, 8), 1 << 20)
    a, b = list(range(1, 41)), list(range(200, 240))
    call(states, llm, a)
    call(states, llm, b)
    assert call(states, llm, [*a, *range(50, 60)]) == 10 and states.loads == 1
    assert llm.cells[:40] == a


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
    one_state = 4 * 40  # bytes of 40 cells
    states = Saved(llm, Grouping(4, 8), capacity_bytes=2 * one_state)
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
