"""The dataset card (README.md): what made the rows, the funnel, the settings, test strength."""

from __future__ import annotations

from collections import Counter
from typing import Any

from codefactory.curate.decontam import NGRAM
from codefactory.curate.dedup import BANDS, NUM_PERM, SEED, SHINGLE
from codefactory.pipeline.funnel import markdown_table


def translate_card(
    source_name: str,
    license_: str,
    summaries: dict[str, Any],
    views: dict[str, list[str]] | None = None,
    where: str = ".",
    config_toml: str = "",
    sample_note: str = "",
) -> str:
    lines = [
        "# Execution-verified translations",
        "",
        "Made by codefactory: Python functions translated by an LLM, each candidate parsed",
        "with tree-sitter and run in a hardened Docker sandbox against test inputs from the",
        "source's own tests, with expected values from running the Python. Split `train`",
        "holds the verified translations; split `rejected` every failed candidate with its",
        "status and first failure (pairs for preference data).",
        "",
        f"- Source: {source_name}",
        f"- Source licence: {license_}",
    ]
    for lang, summary in summaries.items():
        settings = summary["settings"]
        lines += [
            "",
            f"## {lang}",
            "",
            f"- Model: `{settings['model']}` via `{settings['backend']}`; prompt "
            f"`{settings['prompt_version']}`; samples {settings['samples']} (first greedy, "
            f"then T={settings['temperature']}), repair rounds {settings['repair']}, "
            f"keep `{settings['keep']}`, seed {settings['seed']}",
            *_body(summary),
        ]
    lines += views_section(views or {}, where)
    lines += curation_section(summaries, sample_note)
    lines += config_section(config_toml)
    return "\n".join(lines) + "\n"


def views_section(views: dict[str, list[str]], where: str) -> list[str]:
    """The training views (configs `<target>-sft`, `<target>-dpo`) and how to load each."""
    if not any(views.values()):
        return []
    lines = [
        "",
        "## Views for training",
        "",
        "Extra configs of this dataset, in TRL's conversational column names. `<target>-sft`:",
        "`messages` (the translation request, then the verified code as the assistant's reply)",
        "and the same split into `prompt` / `completion` (TRL's SFTTrainer uses those two when",
        "present; remove them to train on `messages`). `<target>-dpo`: `prompt`, `chosen` (a",
        "verified translation), `rejected` (a failed candidate for the same function and",
        "request) with `rejected_status` and `rejected_failure`; only functions that have both.",
        "",
        "```python",
        "from datasets import load_dataset",
        f"# {where!r}: this folder, or the Hub repo it is pushed to",
    ]
    for names in views.values():
        lines += [
            f'{name.replace("-", "_")} = load_dataset("{where}", "{name}", split="train")'
            for name in names
        ]
    return [*lines, "```"]


def curation_section(summaries: dict[str, Any], sample_note: str = "") -> list[str]:
    """Decontamination and dedup counts per target, and how each was done."""
    lines = ["", "## Decontamination and deduplication", ""]
    curations = {lang: s["curation"] for lang, s in summaries.items() if "curation" in s}
    if not curations:
        return []
    first = next(iter(curations.values()))
    if first["contamination_checked"]:
        benchmarks = ", ".join(f"{name} ({n} items)" for name, n in first["benchmarks"].items())
        lines += [
            "Column `contamination` names the benchmark items a row overlaps (`mbpp:601`), empty",
            f"for none: a shared run of {NGRAM} words (identifiers, keywords, numbers), or the",
            "whole of a shorter item; the Python against the Python benchmarks, the translation",
            f"against the target's (MultiPL-E). Checked against: {benchmarks}.",
        ]
    else:
        lines += [
            "Not checked against benchmarks: no benchmark files were found, so `contamination` is",
            "null. Run with `--benchmarks DIR` (humaneval.jsonl, mbpp.jsonl, ...) to check.",
        ]
    if sample_note:
        lines += ["", sample_note]
    lines += [
        "",
        "Duplicates, within each target: exact (the same code up to whitespace) and near",
        f"(MinHash LSH over {SHINGLE}-token shingles, {NUM_PERM} permutations in "
        f"{BANDS[0]} bands, seed {SEED};",
        f"estimated Jaccard >= {first.get('threshold', '')}). The row already published here is "
        "kept, else the earlier one.",
        "",
        "| target | flagged (train / rejected) | train rows by benchmark | dropped as contaminated"
        " | exact duplicates | near duplicates |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for lang, c in curations.items():
        by = "; ".join(f"{k}: {v}" for k, v in sorted(c["contaminated_rows"].items())) or "-"
        dropped = sum(c["contaminated_dropped"].values()) if c["contaminated_dropped"] else 0
        dups = c["duplicates_dropped"]
        flagged = (
            f"{c['contaminated_train_rows']} / {c['contaminated_rejected_rows']}"
            if c["contamination_checked"]
            else "not checked"
        )
        lines.append(
            f"| {lang} | {flagged} | {by} | {dropped} | {dups.get('exact_duplicate', 0)} | "
            f"{dups.get('near_duplicate', 0)} |"
        )
    return lines


def config_section(config_toml: str) -> list[str]:
    if not config_toml:
        return []
    return [
        "",
        "## Configuration",
        "",
        "The effective settings of the run that made this folder (also in `codefactory.toml`;",
        "`codefactory translate --config codefactory.toml` repeats it):",
        "",
        "```toml",
        config_toml.rstrip(),
        "```",
    ]


def verify_card(
    input_name: str,
    summaries: dict[str, Any],
    views: dict[str, list[str]] | None = None,
    where: str = ".",
) -> str:
    lines = [
        "# Verified translations",
        "",
        f"Made by `codefactory verify` from `{input_name}`: each row is a given translation",
        "checked in a hardened Docker sandbox against test inputs taken from the source's own",
        "asserts, with expected values from running the Python source. Split `train` holds",
        "the verified rows; split `rejected` the others, with their status and why.",
        "",
        "Licence: the source rows keep their own licence; see the input's origin.",
    ]
    for lang, summary in summaries.items():
        lines += ["", f"## {lang}", *_body(summary)]
    lines += views_section(views or {}, where)
    lines += curation_section(summaries)
    return "\n".join(lines) + "\n"


def _body(summary: dict[str, Any]) -> list[str]:
    return [
        f"- Rows: {summary['train_rows']} verified, {summary['rejected_rows']} rejected",
        "",
        markdown_table(summary["funnel"]),
        "",
        "Test strength of the verified rows (Python side; every surviving mutant counts):",
        "",
        "| measure | p25 | median | p75 |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {q[0]} | {q[1]} | {q[2]} |" for name, q in summary["test_strength"].items()),
        *_unscored_line(summary.get("unscored") or {}),
    ]


def _unscored_line(unscored: dict[str, int]) -> list[str]:
    if not unscored:
        return []
    parts = ", ".join(f"{why}: {n}" for why, n in unscored.items())
    return ["", f"Verified rows with no mutation score (left out above, not counted as 0): {parts}"]


def unscored(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Why rows have no mutation score: nothing to mutate, no mutant run in the time budget, or
    no measurement (pipeline/rows.py adequacy_fields)."""
    whys = Counter(
        "not measured"
        if row.get("adequacy_unmeasured")
        else "no mutants"
        if not row.get("mutants_made")
        else "no mutant ran in the time budget"
        for row in rows
        if row.get("mutation_score") is None
    )
    return dict(sorted(whys.items()))


def suite_quartiles(rows: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Quartiles of the per-row suite measures, for the card."""
    out: dict[str, list[float]] = {}
    for field in (
        "tests_total",
        "tests_augmented",
        "coverage",
        "branch_coverage",
        "mutation_score",
    ):
        values = sorted(float(r[field]) for r in rows if r.get(field) is not None)
        if values:
            out[field] = [round(values[int(q * (len(values) - 1))], 3) for q in (0.25, 0.5, 0.75)]
    return out
