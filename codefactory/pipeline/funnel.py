"""Counts of what each stage kept and dropped, and why; printed at the end, saved as JSON."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table


class Funnel:
    def __init__(self, stages: list[str]) -> None:
        self.stages = stages
        self.counts: Counter[str] = Counter()
        self.drops: dict[str, Counter[str]] = {}
        self.seconds: dict[str, float] = {}
        self.extra: Counter[str] = Counter()
        # Steps on the finished rows (decontaminated, deduplicated): listed after the plan's
        # stages, apart from them, so `stages` stays the plan's own.
        self.curation: list[str] = []
        self._lock = threading.Lock()
        self._started = time.monotonic()

    def add(self, stage: str, n: int = 1) -> None:
        with self._lock:
            self.counts[stage] += n

    def drop(self, stage: str, reason: str, n: int = 1) -> None:
        with self._lock:
            self.drops.setdefault(stage, Counter())[reason] += n

    def time(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def add_stage(self, stage: str, kept: int, dropped: dict[str, int]) -> None:
        """A curation step after the plan's stages, counted the same way."""
        with self._lock:
            if stage not in self.curation:
                self.curation.append(stage)
            self.counts[stage] += kept
            for reason, n in dropped.items():
                if n:
                    self.drops.setdefault(stage, Counter())[reason] += n

    def note(self, key: str, n: int = 1) -> None:
        with self._lock:
            self.extra[key] += n

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "stages": [self._entry(s) for s in self.stages],
                "curation": [self._entry(s) for s in self.curation],
                "totals": dict(self.extra),
                "wall_s": round(time.monotonic() - self._started, 3),
            }

    def _entry(self, stage: str) -> dict[str, Any]:
        return {
            "stage": stage,
            "count": self.counts[stage],
            "dropped": dict(self.drops.get(stage, {})),
            "seconds": round(self.seconds.get(stage, 0.0), 3),
        }

    def print(self, console: Console, title: str = "Funnel") -> None:
        table = Table(title=title)
        table.add_column("stage")
        table.add_column("count", justify="right")
        table.add_column("dropped (reason: n)")
        table.add_column("time s", justify="right")
        funnel = self.to_json()
        for entry in (*funnel["stages"], *funnel["curation"]):
            dropped = "; ".join(
                f"{k}: {v}" for k, v in sorted(entry["dropped"].items(), key=lambda kv: -kv[1])
            )
            table.add_row(entry["stage"], str(entry["count"]), dropped, f"{entry['seconds']:.1f}")
        console.print(table)

    def markdown(self) -> str:
        return markdown_table(self.to_json())


def markdown_table(funnel: dict[str, Any]) -> str:
    """A funnel's JSON (as `to_json` writes it) as a markdown table, for the card."""
    lines = ["| stage | count | dropped |", "|---|---:|---|"]
    for entry in (*funnel["stages"], *funnel.get("curation", [])):
        dropped = "; ".join(f"{k}: {v}" for k, v in sorted(entry["dropped"].items()))
        lines.append(f"| {entry['stage']} | {entry['count']} | {dropped} |")
    return "\n".join(lines)
