"""A plan: the stages of one command in order, and the loop back that repair takes. Executors
run plans; the commands only compose them (pipeline/compose.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codefactory.pipeline.funnel import Funnel
from codefactory.pipeline.stage import Drop, Stage


@dataclass(frozen=True)
class Dropped:
    stage: str
    record: Any  # what the stage made of its input, or the input itself
    drop: Drop


@dataclass
class Plan:
    stages: list[Stage[Any, Any]]
    # For a record dropped at any stage: a new record to send back to stage `retry_to` (a
    # repair attempt with the failure as feedback), or None.
    retry: Callable[[Dropped], Any | None] | None = None
    retry_to: str = ""
    # Told of every record that left the last stage (keep=first stops sampling on it).
    on_kept: Callable[[Any], None] = lambda record: None

    def index(self, name: str) -> int:
        return next(i for i, stage in enumerate(self.stages) if stage.name == name)

    def funnel(self) -> Funnel:
        names: list[str] = []
        for stage in self.stages:
            if stage.name not in names:
                names.append(stage.name)
        return Funnel(names)


@dataclass
class Outcome:
    kept: list[Any] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    funnel: Funnel = field(default_factory=lambda: Funnel([]))
    wall_s: float = 0.0
