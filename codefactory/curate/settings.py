"""What a command asks of curation; light to import (the CLI builds it before any work)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_THRESHOLD = 0.75  # estimated Jaccard from which two rows are near duplicates


@dataclass(frozen=True)
class CurationSettings:
    dedup: bool = True
    threshold: float = DEFAULT_THRESHOLD
    decontaminate: bool = False
    benchmarks: Path | None = None  # None: $CODEFACTORY_BENCHMARKS or a checkout's shared data
