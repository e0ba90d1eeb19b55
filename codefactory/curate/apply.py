"""One target's rows through curation: the `contamination` field on every row, then (with
`--decontaminate`) flagged rows dropped, then duplicate verified rows dropped.

Decontamination goes first: deduplicating first could keep a flagged row and drop its clean
twin, and then lose both.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from codefactory.curate.decontam import ContaminationIndex
from codefactory.curate.dedup import find_duplicates
from codefactory.curate.settings import DEFAULT_THRESHOLD

Row = dict[str, Any]
CONTAMINATED = "contaminated"


@dataclass(frozen=True)
class CurateOptions:
    dedup: bool = True
    threshold: float = DEFAULT_THRESHOLD
    decontaminate: bool = False  # drop flagged rows (they are flagged either way)
    index: ContaminationIndex | None = None  # None: benchmarks not found, rows unchecked


@dataclass
class Curated:
    train: list[Row]
    rejected: list[Row]
    checked: bool = False  # against benchmarks; False: `contamination` is null in every row
    duplicates: list[dict[str, Any]] = field(default_factory=list)  # what was dropped, of what
    contaminated: Counter[str] = field(default_factory=Counter)  # benchmark -> flagged train rows
    flagged_train: int = 0
    flagged_rejected: int = 0
    dropped_contaminated: dict[str, int] = field(default_factory=dict)  # split -> rows

    def to_json(self) -> dict[str, Any]:
        return {
            "duplicates_dropped": dict(Counter(d["reason"] for d in self.duplicates)),
            "duplicates": self.duplicates,
            "contamination_checked": self.checked,
            "contaminated_rows": dict(self.contaminated),
            "contaminated_train_rows": self.flagged_train,
            "contaminated_rejected_rows": self.flagged_rejected,
            "contaminated_dropped": self.dropped_contaminated,
        }


def contamination(row: Row, index: ContaminationIndex) -> str:
    """`benchmark:item` labels the row overlaps, comma-separated: the Python side against the
    Python benchmarks, the translation against the target's (MultiPL-E's); "" for none."""
    labels = set(index.matches(row.get("source_code") or "", "python"))
    target = row.get("target_language") or ""
    if target in index.languages():
        labels |= set(index.matches(row.get("target_code") or "", target))
    return ",".join(sorted(labels))


def curate(
    train: Sequence[Row],
    rejected: Sequence[Row],
    options: CurateOptions,
    published: Collection[tuple[str, str]] = (),
) -> Curated:
    """`published` holds the (task_id, candidate_sha256) of the folder's earlier verified rows:
    among duplicates, one of those is the one kept, so a nightly run keeps what it published."""
    # Copies: the caller's rows stay as the run made them.
    out = Curated([dict(r) for r in train], [dict(r) for r in rejected], options.index is not None)
    if options.index is not None:
        for row in (*out.train, *out.rejected):
            row["contamination"] = contamination(row, options.index)
        if options.decontaminate:
            before = {"train": len(out.train), "rejected": len(out.rejected)}
            out.train = [row for row in out.train if not row["contamination"]]
            out.rejected = [row for row in out.rejected if not row["contamination"]]
            out.dropped_contaminated = {
                "train": before["train"] - len(out.train),
                "rejected": before["rejected"] - len(out.rejected),
            }
    if options.dedup and out.train:
        out.train = _dedup(out.train, options.threshold, set(published), out.duplicates)
    if options.index is not None:  # counted on the rows as written
        for row in out.train:
            benchmarks = {label.split(":", 1)[0] for label in row["contamination"].split(",")}
            out.contaminated.update(b for b in benchmarks if b)
        out.flagged_train = sum(1 for row in out.train if row["contamination"])
        out.flagged_rejected = sum(1 for row in out.rejected if row["contamination"])
    return out


def _dedup(
    rows: list[Row], threshold: float, published: set[tuple[str, str]], log: list[dict[str, Any]]
) -> list[Row]:
    def identity(row: Row) -> tuple[str, str]:
        return (str(row.get("task_id")), str(row.get("candidate_sha256")))

    # Published rows first (stable), so they win; the output keeps the input's order.
    order = sorted(range(len(rows)), key=lambda i: identity(rows[i]) not in published)
    verdicts = find_duplicates(
        [(str(rows[i].get("task_id")), rows[i].get("target_code") or "") for i in order],
        threshold,
    )
    dropped = set()
    for i, duplicate in zip(order, verdicts, strict=True):
        if duplicate is not None:
            dropped.add(i)
            log.append(
                {
                    "task_id": rows[i].get("task_id"),
                    "reason": duplicate.reason,
                    "of": duplicate.of,
                    "similarity": duplicate.similarity,
                }
            )
    return [row for i, row in enumerate(rows) if i not in dropped]
