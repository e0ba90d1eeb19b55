"""Write a Hugging Face dataset folder: a card (README.md) and Parquet under data/
(docs/architecture.md §9).

`datasets.load_dataset(DIR)` reads it, and pushing it to the Hub is a plain folder upload. The
folder is replaced atomically, so a crash mid-write leaves the previous version intact.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

# One schema for `verify` and `translate` rows; generation columns are null for `verify`.
ROW_SCHEMA = pa.schema(
    [
        ("task_id", pa.string()),
        ("source_code", pa.string()),
        ("entry_point", pa.string()),
        ("target_language", pa.string()),
        ("target_code", pa.string()),
        ("target_entry_point", pa.string()),  # the name the candidate gave it (firstAbove)
        ("verified", pa.bool_()),
        ("status", pa.string()),
        ("tests_passed", pa.int64()),
        ("tests_total", pa.int64()),
        ("failure", pa.string()),  # JSON: first failing case (input, expected, got) or the error
        ("tests", pa.string()),  # JSON: [{"id", "inputs", "expected", "relation"}] (tagged values)
        ("dropped_cases", pa.string()),  # JSON: {reason: count}
        ("tests_from_source", pa.int64()),  # the source's own asserts kept for this target
        ("source_tests_given", pa.int64()),  # ... of how many the source has
        ("tests_augmented", pa.int64()),  # derived inputs, hidden from the model
        ("coverage", pa.float64()),  # line coverage of the Python source by all cases
        ("branch_coverage", pa.float64()),
        ("mutation_score", pa.float64()),  # killed / mutants run (survivors count as live)
        ("coverage_source_only", pa.float64()),
        ("mutation_score_source_only", pa.float64()),
        ("mutants_made", pa.int64()),  # 0: nothing to mutate (a null score that is not 0)
        ("mutants_run", pa.int64()),  # the score's denominator: fewer when time ran out
        ("adequacy_unmeasured", pa.string()),  # why coverage and score are null (a failed run)
        ("source_origin", pa.string()),
        ("model", pa.string()),
        ("backend", pa.string()),
        ("prompt_version", pa.string()),
        ("sample_index", pa.int64()),
        ("repair_round", pa.int64()),
        ("seed", pa.int64()),
        ("temperature", pa.float64()),
        ("generation_s", pa.float64()),
        ("prompt_tokens", pa.int64()),
        ("completion_tokens", pa.int64()),
        ("execution_s", pa.float64()),
        ("candidate_sha256", pa.string()),
        ("request", pa.string()),  # JSON chat messages: the translation request (the views' prompt)
        ("reply", pa.string()),  # the model's reply as it wrote it (target_code is its code)
        ("generation_key", pa.string()),  # the generation cache's key: what a refresh reuses
        # "benchmark:item,..." the row overlaps; "" none; null: not checked (no benchmarks found)
        ("contamination", pa.string()),
    ]
)


def row_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    columns = {f.name: [row.get(f.name) for row in rows] for f in ROW_SCHEMA}
    for name in ("failure", "tests", "dropped_cases"):
        columns[name] = [
            v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for v in columns[name]
        ]
    return pa.Table.from_pydict(columns, schema=ROW_SCHEMA)


def write_dataset(
    out_dir: Path,
    configs: Mapping[str, Mapping[str, Sequence[Mapping[str, Any]]]],
    card: str,
    extra_files: Mapping[str, str] | None = None,
    metadata: CardMetadata | None = None,
    views: Mapping[str, Mapping[str, pa.Table]] | None = None,
) -> None:
    """`configs` is {language id: {split: rows}}; the first config is the default one. `views`
    are further configs, {name: {split: table}} with a schema of their own (`views.py`).

    File names carry a hash of their content: `datasets` caches a YAML-configured local folder
    under a key made of the folder's name and the *relative* paths only, so a rewritten folder
    (or another folder of the same name) would otherwise load stale rows from that cache.
    """
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    files: dict[str, dict[str, str]] = {}
    try:
        tables = {
            config: {split: row_table(rows) for split, rows in splits.items() if rows}
            for config, splits in configs.items()
        }
        for config, splits in (*tables.items(), *(views or {}).items()):
            for split, table in splits.items():
                if not table.num_rows:
                    continue  # `datasets` cannot read an empty Parquet file: leave the split out
                buffer = pa.BufferOutputStream()
                pq.write_table(table, buffer)
                data = buffer.getvalue().to_pybytes()
                name = f"data/{config}/{split}-{hashlib.sha256(data).hexdigest()[:16]}.parquet"
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                (staging / name).write_bytes(data)
                files.setdefault(config, {})[split] = name
        (staging / "README.md").write_text(_front_matter(files, metadata) + card)
        for name, text in (extra_files or {}).items():
            (staging / name).write_text(text)
        backup = out_dir.with_name(f".{out_dir.name}.old")
        if out_dir.exists():
            shutil.rmtree(backup, ignore_errors=True)
            out_dir.rename(backup)
        staging.rename(out_dir)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _front_matter(
    files: Mapping[str, Mapping[str, str]], metadata: CardMetadata | None = None
) -> str:
    meta = metadata or CardMetadata()
    lines = ["---", f"license: {meta.license}", "language:", "- code"]
    if meta.pretty_name:
        lines.append(f"pretty_name: {json.dumps(meta.pretty_name)}")
    lines += ["task_categories:", "- text-generation"]
    total = sum(meta.rows.values()) if meta.rows else None
    if total is not None:
        lines += ["size_categories:", f"- {size_category(total)}"]
    lines += ["tags:", "- code", "- synthetic", "- execution-verified"]
    lines += [f"- {tag}" for tag in meta.tags]
    if files:
        lines.append("configs:")
    for index, (config, splits) in enumerate(files.items()):
        lines.append(f"- config_name: {config}")
        if index == 0:
            lines.append("  default: true")
        lines.append("  data_files:")
        for split, path in splits.items():
            lines.append(f"  - split: {split}")
            lines.append(f"    path: {path}")
    lines.append("---")
    return "\n".join(lines) + "\n\n"


@dataclass(frozen=True)
class CardMetadata:
    """The card's YAML beyond the configs: what the Hub shows and filters by."""

    license: str = "unknown"  # an SPDX-style id the Hub knows ("cc-by-4.0"), else "unknown"
    pretty_name: str = ""
    tags: tuple[str, ...] = ()  # the target languages
    rows: Mapping[str, int] = field(default_factory=dict)  # rows per config, all splits


def size_category(n: int) -> str:
    """The Hub's size bucket for n rows."""
    for bound, label in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < bound:
            return label
    return "100K<n<1M" if n < 1_000_000 else "n>1M"


def published_rows(out_dir: Path, config: str, split: str = "train") -> list[dict[str, Any]]:
    """The rows an earlier run wrote to `out_dir` for one config and split ([] if none)."""
    rows: list[dict[str, Any]] = []
    for path in sorted((out_dir / "data" / config).glob(f"{split}-*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows
