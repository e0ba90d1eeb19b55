"""What every reader yields: a Source, or why a row could not become one."""

from __future__ import annotations

from dataclasses import dataclass

from codefactory.core.schema import Source


@dataclass(frozen=True)
class SourceRow:
    """One input row: a Source, or the reason it could not become one."""

    task_id: str
    source: Source | None
    error: str | None = None
    raw: dict[str, object] | None = None  # the row as read (verify needs its `candidate`)
