"""Read and select: rows that became a Source, and Sources worth translating."""

from __future__ import annotations

from codefactory.pipeline.reasons import reason_code
from codefactory.pipeline.stage import Drop, Filter
from codefactory.pipeline.work import Function
from codefactory.sources.selection import rejection_reason


class Read(Filter[Function]):
    """Keeps rows that parsed into a Source (the reader records why the others did not)."""

    name = "read"

    def reject(self, record: Function) -> Drop | None:
        if record.row.source is None:
            detail = record.row.error or "unreadable row"
            return Drop(reason_code(detail), detail)
        record.source = record.row.source
        return None


class Select(Filter[Function]):
    """Drops functions no execution can judge: randomness, time, I/O, dynamic code."""

    name = "selected"

    def reject(self, record: Function) -> Drop | None:
        assert record.source is not None
        why = rejection_reason(record.source)
        return Drop(reason_code(why), why) if why else None
