"""Glue for `codefactory verify`: open the sandbox and cache, run, write the dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console

from codefactory.core.cache import Cache
from codefactory.core.errors import InputError
from codefactory.core.languages import parse_targets
from codefactory.dataset.writer import write_dataset
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.verify_job import run_verify, status_table
from codefactory.sandbox.docker_sandbox import DockerSandbox
from codefactory.suite.build import TestOptions


def main(
    input_path: Path,
    target: str,
    output: Path,
    concurrency: int,
    use_cache: bool,
    quiet: bool,
    console: Console,
    options: TestOptions,
) -> dict[str, Any]:
    if not input_path.is_file():
        raise InputError(f"no such input file: {input_path}")
    langs = parse_targets(target)
    configs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    funnels = {}
    with DockerSandbox() as sandbox:
        verifier = Verifier(sandbox, Cache() if use_cache else None)
        try:
            for lang in langs:
                rows, funnel = run_verify(
                    verifier, input_path, lang, console, concurrency, quiet, options
                )
                configs[lang.id] = {"train": rows}
                funnels[lang.id] = funnel.to_json()
                if not quiet:
                    console.print(status_table(rows, f"verify {lang.id}: {input_path.name}"))
        finally:
            verifier.close()
    card = _card(input_path, configs)
    write_dataset(output, configs, card, {"funnel.json": json.dumps(funnels, indent=2)})
    if not quiet:
        console.print(f"wrote {output}/ (load it with datasets.load_dataset({str(output)!r}))")
    return {
        lang: {
            "rows": len(splits["train"]),
            "verified": sum(1 for r in splits["train"] if r["verified"]),
        }
        for lang, splits in configs.items()
    }


def _card(input_path: Path, configs: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    lines = [
        "# Verified translations",
        "",
        f"Made by `codefactory verify` from `{input_path.name}`: each row is a given "
        "translation checked in a hardened Docker sandbox against test inputs taken from the "
        "source's own asserts, with expected values from running the Python source.",
        "",
    ]
    for lang, splits in configs.items():
        rows = splits["train"]
        verified = sum(1 for r in rows if r["verified"])
        lines.append(f"- `{lang}`: {verified} of {len(rows)} rows verified")
    lines += ["", "Licence: the source rows keep their own licence; see the input's origin."]
    return "\n".join(lines) + "\n"
