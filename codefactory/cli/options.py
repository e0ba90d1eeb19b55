"""Options shared by `translate` and `verify`: one definition, so names, defaults and help agree."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from codefactory.curate.settings import DEFAULT_THRESHOLD, CurationSettings
from codefactory.suite.build import DEFAULT_MIN_SOURCE_TESTS, TestOptions

DEFAULT_CONCURRENCY = max(2, (os.cpu_count() or 2) * 2)
DEFAULT_MAX_CASES = 20

Concurrency = Annotated[int, typer.Option(help="Sandboxes at once.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q")]
AsJson = Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")]
Engine = Annotated[
    str,
    typer.Option(
        help="local: this process (threads); ray: the same plan on Ray Data "
        "(pip install 'codefactory[ray]')."
    ),
]
RayAddress = Annotated[
    str | None,
    typer.Option(
        help="--engine ray: the cluster to join (ray://…, host:port or auto). Default: a running "
        "cluster if one is found, else a local Ray on 127.0.0.1."
    ),
]

NoAugment = Annotated[
    bool, typer.Option("--no-augment", help="Only the source's own test calls: no derived inputs.")
]
MaxCases = Annotated[int, typer.Option(help="Cases per function, augmented included.")]
MinCoverage = Annotated[
    float | None,
    typer.Option(help="Drop functions whose tests cover less of the Python's lines (0..1)."),
]
MinMutation = Annotated[
    float | None,
    typer.Option(
        help="Drop functions whose tests kill fewer of the Python's mutants (0..1); a function "
        "with no mutants, or none run, is dropped too (its score cannot be checked)."
    ),
]
MinSourceTests = Annotated[
    float,
    typer.Option(
        help="Drop functions for which the target keeps less than this share of the source's "
        "own test cases (0..1; 0 keeps a function while one case is left)."
    ),
]

Dedup = Annotated[
    bool,
    typer.Option(
        "--dedup/--no-dedup",
        help="Drop verified rows whose code duplicates another's, exactly or nearly (MinHash).",
    ),
]
DedupThreshold = Annotated[
    float, typer.Option(help="Estimated Jaccard similarity from which two rows are duplicates.")
]
Decontaminate = Annotated[
    bool,
    typer.Option(
        "--decontaminate",
        help="Drop rows that overlap a benchmark (they are flagged in `contamination` anyway).",
    ),
]
Benchmarks = Annotated[
    Path | None,
    typer.Option(
        help="Folder with humaneval.jsonl, mbpp.jsonl, multipl_e_<bench>_<lang>.jsonl to check "
        "rows against. Default: $CODEFACTORY_BENCHMARKS, else a checkout's ../shared/data.",
    ),
]


def curation_settings(
    dedup: bool, threshold: float, decontaminate: bool, benchmarks: Path | None
) -> CurationSettings:
    return CurationSettings(dedup, threshold, decontaminate, benchmarks)


def suite_options(
    no_augment: bool,
    max_cases: int,
    min_coverage: float | None,
    min_mutation_score: float | None,
    min_source_tests: float,
) -> TestOptions:
    """The test-suite options, from the CLI's flags to the suite builder's settings."""
    return TestOptions(
        augment=not no_augment,
        max_cases=max_cases,
        min_coverage=min_coverage,
        min_mutation_score=min_mutation_score,
        min_source_tests=min_source_tests,
    )


__all__ = [
    "DEFAULT_CONCURRENCY",
    "DEFAULT_MAX_CASES",
    "DEFAULT_MIN_SOURCE_TESTS",
    "DEFAULT_THRESHOLD",
    "AsJson",
    "Benchmarks",
    "Concurrency",
    "Decontaminate",
    "Dedup",
    "DedupThreshold",
    "Engine",
    "MaxCases",
    "MinCoverage",
    "MinMutation",
    "MinSourceTests",
    "NoAugment",
    "Quiet",
    "RayAddress",
    "curation_settings",
    "suite_options",
]
