"""The typed records that flow between stages: a function, an attempt at translating it, a
candidate, a judged candidate. Each carries what the next stage and the row builder need."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from codefactory.core.schema import Source, Verdict
from codefactory.generation.backends.base import GenResult, Message
from codefactory.sources.source_row import SourceRow
from codefactory.suite.build import Prepared


@dataclass(eq=False)
class Function:
    """One input row on its way through the pipeline. `order` is its place in the input, so
    the output is the same whatever order the work finished in."""

    order: int
    row: SourceRow
    source: Source | None = None
    prepared: Prepared | None = None
    signature: str | None = None  # the signature a typed target's prompt asks for
    done: bool = False  # a candidate verified (keep=first stops sampling); local executor only
    # Prompt and completion tokens of its requests so far (the input proposal too), cached
    # replies counted (so a rerun stops a search where the first run did): --budget-tokens.
    spent_tokens: int = 0

    @property
    def priority(self) -> tuple[int, int, int]:
        return (0, 0, self.order)


@dataclass(frozen=True, eq=False)
class Attempt:
    """One request to the model for a function: a translation (sample k, repair round r) or,
    for a function given without tests, a request for inputs."""

    function: Function = field(compare=False)
    messages: tuple[Message, ...]
    seed: int
    temperature: float
    sample_index: int = 0
    repair_round: int = 0
    purpose: Literal["translate", "inputs"] = "translate"
    max_tokens: int | None = None  # a cap below the run's --max-tokens (input requests)

    @property
    def priority(self) -> tuple[int, int, int]:
        """Earlier samples first; within a sample a repair before a new function's first try,
        then input order. A repair then follows its own previous round closely, while that
        conversation's KV state is still kept (generation/backends/llamacpp.py), and a
        function's repairs end before the model moves on to functions it has not started."""
        return (self.sample_index, -self.repair_round, self.function.order)


@dataclass(frozen=True, eq=False)
class Candidate:
    """A candidate translation: the model's reply to an attempt, or one given in the input."""

    function: Function
    text: str
    attempt: Attempt | None = None  # None: given (verify)
    generation: GenResult | None = None

    @property
    def priority(self) -> tuple[int, int, int]:
        return self.attempt.priority if self.attempt else self.function.priority


@dataclass(frozen=True, eq=False)
class Judged:
    """A candidate with its verdict; `code` is what was extracted from the reply (None: none)."""

    candidate: Candidate
    code: str | None
    verdict: Verdict
    entry: str = ""  # the entry point's name as the candidate spelled it (firstAbove)

    @property
    def function(self) -> Function:
        return self.candidate.function
