"""The dataset card (README.md): what made the rows, the funnel, the settings, test strength."""

from __future__ import annotations

from typing import Any

from codefactory.pipeline.funnel import markdown_table


def translate_card(source_name: str, license_: str, summaries: dict[str, Any]) -> str:
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
    return "\n".join(lines) + "\n"


def verify_card(input_name: str, summaries: dict[str, Any]) -> str:
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
    ]


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
