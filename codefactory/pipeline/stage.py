"""What a stage is: a named step that takes a batch of records and, for each, keeps it (as zero
or more records for the next stage) or drops it with a reason.

An executor composes stages (see docs/architecture.md): the local one streams records through
threads, a distributed one maps the same stages over batches. A stage holds no scheduling of
its own, so both run the same code.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")

# Where a stage's work runs: "llm" stages share the model (one batch at a time), "sandbox"
# stages start containers (only on machines with Docker), "cpu" stages need neither.
Resource = Literal["cpu", "sandbox", "llm"]


@dataclass(frozen=True)
class Drop:
    """A record that goes no further. `reason` is machine-readable and groups in the funnel
    (`syntax_error`, `no_tests`); `detail` is the human text that stays in the row; `record` is
    what the stage made of the input before dropping it (a judged candidate, for its row)."""

    reason: str
    detail: str = ""
    record: Any = None


Result = list[Out] | Drop  # per input: the records it became (none: consumed), or a drop


class Stage(ABC, Generic[In, Out]):
    """One step of the flow. Subclasses name themselves (the funnel line) and say where they
    run; they implement `process` for one record or `process_batch` for a batch."""

    name: ClassVar[str]
    resource: ClassVar[Resource] = "cpu"

    def passes(self, record: In) -> bool:
        """True for a record the stage hands on untouched, without taking its resource (a
        function that has tests needs no model to propose inputs)."""
        return False

    def process(self, record: In) -> Out | list[Out] | Drop:
        raise NotImplementedError

    def process_batch(self, records: Sequence[In]) -> list[list[Out] | Drop]:
        return [_as_result(self.process(r)) for r in records]


def _as_result(value: Any) -> Any:
    if isinstance(value, Drop | list):
        return value
    return [value]


class Filter(Stage[In, In], ABC):
    """A stage that keeps its record unchanged or drops it (datatrove's BaseFilter)."""

    @abstractmethod
    def reject(self, record: In) -> Drop | None:
        """The drop, or None to keep the record."""

    def process(self, record: In) -> In | list[In] | Drop:
        return self.reject(record) or record
