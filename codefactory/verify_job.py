"""`codefactory verify`: rows that carry a `candidate` translation, checked and written out."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from codefactory.extract import extract_code
from codefactory.funnel import Funnel
from codefactory.languages import Language, get_language
from codefactory.oracle import cases_for
from codefactory.records import Source, Status, TestCase, Verdict, sha256
from codefactory.sources import SourceRow, read_jsonl
from codefactory.verifier import Verifier

STAGES = ["rows read", "with tests", "with candidate", "parsed", "verified"]


@dataclass(frozen=True)
class Prepared:
    """A source with its tests for one target, or the reason it has none."""

    source: Source | None
    cases: tuple[TestCase, ...]
    dropped: dict[str, int]
    error: str | None


def prepare_tests(verifier: Verifier, source: Source, lang: Language) -> Prepared:
    """Oracle, then the target's representability filter."""
    oracle = verifier.oracle(source, get_language("python"))
    if oracle.infra_error:
        return Prepared(source, (), {}, f"sandbox error in the oracle: {oracle.infra_error}")
    if oracle.error:
        return Prepared(source, (), dict(oracle.dropped), oracle.error)
    cases, unsupported = cases_for(lang, oracle.cases)
    dropped = {**oracle.dropped, **unsupported}
    if not cases:
        reasons = "; ".join(f"{k}: {v}" for k, v in unsupported.items())
        return Prepared(source, (), dropped, f"no test case representable ({reasons})")
    return Prepared(source, cases, dropped, None)


def tests_json(cases: tuple[TestCase, ...]) -> str:
    return json.dumps([c.to_json() for c in cases], ensure_ascii=False)


def base_row(task_id: str, source: Source | None, lang: Language) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "source_code": source.code if source else "",
        "entry_point": source.entry_point if source else "",
        "target_language": lang.id,
        "source_origin": source.origin if source else "",
    }


def verify_row(
    verifier: Verifier, row: SourceRow, lang: Language, funnel: Funnel
) -> dict[str, Any]:
    out = base_row(row.task_id, row.source, lang)
    candidate_raw = (row.raw or {}).get("candidate")
    candidate = candidate_raw if isinstance(candidate_raw, str) else ""
    out["target_code"] = candidate

    def unusable(stage: str, reason: str) -> dict[str, Any]:
        funnel.drop(stage, reason.split(":")[0][:80])
        return {
            **out,
            "verified": False,
            "status": Status.UNSUPPORTED.value,
            "tests_passed": 0,
            "tests_total": 0,
            "failure": {"error": reason},
        }

    funnel.add("rows read")
    if row.source is None:
        return unusable("rows read", row.error or "unreadable row")
    prepared = prepare_tests(verifier, row.source, lang)
    out["dropped_cases"] = prepared.dropped
    if prepared.error:
        return unusable("with tests", prepared.error)
    funnel.add("with tests")
    out["tests"] = tests_json(prepared.cases)
    code = extract_code(candidate, lang) if candidate.strip() else None
    if code is None:
        funnel.drop("with candidate", "no candidate code")
        verdict = Verdict(
            Status.SYNTAX_ERROR, 0, len(prepared.cases), {"error": "row has no candidate code"}
        )
    else:
        funnel.add("with candidate")
        out["target_code"] = code
        out["candidate_sha256"] = sha256(code)
        verdict = verifier.verify(lang, code, row.source.entry_point, prepared.cases)
        out["target_code"] = verdict.code or code
        if verdict.status is Status.SYNTAX_ERROR:
            funnel.drop("parsed", str((verdict.failure or {}).get("error", ""))[:60])
        else:
            funnel.add("parsed")
            if verdict.passed:
                funnel.add("verified")
            else:
                funnel.drop("verified", verdict.status.value)
    funnel.time("verified", verdict.execution_s)
    return {
        **out,
        "verified": verdict.passed,
        "status": verdict.status.value,
        "tests_passed": verdict.tests_passed,
        "tests_total": verdict.tests_total,
        "failure": verdict.failure,
        "execution_s": verdict.execution_s,
    }


def run_verify(
    verifier: Verifier,
    input_path: Path,
    lang: Language,
    console: Console,
    concurrency: int,
    quiet: bool,
) -> tuple[list[dict[str, Any]], Funnel]:
    from codefactory.progress import make_progress

    rows = list(read_jsonl(input_path))
    funnel = Funnel(STAGES)
    results: list[dict[str, Any]] = [{} for _ in rows]
    with make_progress(console, quiet) as progress, ThreadPoolExecutor(concurrency) as pool:
        task = progress.add_task(f"verify {lang.id}", total=len(rows))
        futures = {
            pool.submit(verify_row, verifier, row, lang, funnel): i for i, row in enumerate(rows)
        }
        for future in futures:
            results[futures[future]] = future.result()
            progress.advance(task)
    return results, funnel


def status_table(rows: list[dict[str, Any]], title: str) -> Table:
    counts = Counter(str(r.get("status")) for r in rows)
    table = Table(title=title)
    table.add_column("status")
    table.add_column("rows", justify="right")
    for status in Status:
        if counts.get(status.value):
            table.add_row(status.value, str(counts[status.value]))
    table.add_row("[bold]total", f"[bold]{len(rows)}")
    return table
