"""`codefactory verify`: rows that carry a `candidate` translation, checked and written out."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from codefactory.core.errors import CodefactoryError
from codefactory.core.languages import Language
from codefactory.core.limits import MAX_CANDIDATE_BYTES, size
from codefactory.core.schema import Source, Status, Verdict, sha256
from codefactory.generation.extract import extract_code
from codefactory.judge.verifier import Verifier
from codefactory.pipeline.funnel import Funnel
from codefactory.sources.read import SourceRow, read_jsonl
from codefactory.suite.build import Prepared, TestOptions, build_tests, tests_json

STAGES = ["rows read", "with tests", "with candidate", "parsed", "verified"]


def base_row(task_id: str, source: Source | None, lang: Language) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "source_code": source.code if source else "",
        "entry_point": source.entry_point if source else "",
        "target_language": lang.id,
        "source_origin": source.origin if source else "",
    }


def suite_fields(prepared: Prepared) -> dict[str, Any]:
    """The per-row description of the test suite (counts and adequacy)."""
    return {
        "dropped_cases": prepared.dropped,
        "tests_from_source": prepared.visible,
        "source_tests_given": prepared.source_given,
        "tests_augmented": len(prepared.cases) - prepared.visible,
        **{
            k: v
            for k, v in prepared.adequacy.to_json().items()
            if k not in ("mutants", "unmeasured")
        },
    }


def verify_row(
    verifier: Verifier, row: SourceRow, lang: Language, funnel: Funnel, options: TestOptions
) -> dict[str, Any]:
    out = base_row(row.task_id, row.source, lang)
    candidate_raw = (row.raw or {}).get("candidate")
    candidate = candidate_raw if isinstance(candidate_raw, str) else ""
    out["target_code"] = candidate

    def unusable(stage: str, reason: str, status: Status = Status.UNSUPPORTED) -> dict[str, Any]:
        funnel.drop(stage, reason.split(":")[0][:80])
        return {
            **out,
            "verified": False,
            "status": status.value,
            "tests_passed": 0,
            "tests_total": 0,
            "failure": {"error": reason},
        }

    funnel.add("rows read")
    if row.source is None:
        return unusable("rows read", row.error or "unreadable row")
    prepared = build_tests(verifier, row.source, lang, options)
    out.update(suite_fields(prepared))
    if prepared.infra_error:  # ours, not the source's: reported as such, retried by a rerun
        return unusable("with tests", prepared.infra_error, Status.SANDBOX_ERROR)
    if prepared.error:
        return unusable("with tests", prepared.error)
    funnel.add("with tests")
    out["tests"] = tests_json(prepared.cases)
    size_error = candidate_too_big(candidate)
    code = extract_code(candidate, lang) if candidate.strip() and not size_error else None
    if size_error:  # before the regex, the gate and the sandbox see it
        funnel.drop("with candidate", size_error.split(":")[0])
        out["target_code"] = ""  # not megabytes of it in the dataset; the hash tells which
        out["candidate_sha256"] = sha256(candidate)
        verdict = Verdict(Status.UNSUPPORTED, 0, len(prepared.cases), {"error": size_error})
    elif code is None:
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


def candidate_too_big(candidate: str) -> str | None:
    n = len(candidate.encode("utf-8", "surrogatepass"))
    if n <= MAX_CANDIDATE_BYTES:
        return None
    return f"candidate over MAX_CANDIDATE_BYTES ({size(MAX_CANDIDATE_BYTES)}): {n} bytes"


def internal_error_row(
    row: SourceRow, lang: Language, funnel: Funnel, exc: Exception
) -> dict[str, Any]:
    """A row whose checking failed on a bug of ours: reported in the row and the funnel, so
    that one bad row never costs the run the rows already verified."""
    reason = f"internal error: {type(exc).__name__}"
    funnel.drop("verified", reason)
    return {
        **base_row(row.task_id, row.source, lang),
        "target_code": "",
        "verified": False,
        "status": Status.UNSUPPORTED.value,
        "tests_passed": 0,
        "tests_total": 0,
        "failure": {"error": f"{reason}: {str(exc)[:300]}"},
    }


def run_verify(
    verifier: Verifier,
    input_path: Path,
    lang: Language,
    console: Console,
    concurrency: int,
    quiet: bool,
    options: TestOptions,
) -> tuple[list[dict[str, Any]], Funnel]:
    from codefactory.pipeline.progress import make_progress

    rows = list(read_jsonl(input_path))
    funnel = Funnel(STAGES)
    results: list[dict[str, Any]] = [{} for _ in rows]
    with make_progress(console, quiet) as progress, ThreadPoolExecutor(concurrency) as pool:
        task = progress.add_task(f"verify {lang.id}", total=len(rows))
        futures = {
            pool.submit(verify_row, verifier, row, lang, funnel, options): i
            for i, row in enumerate(rows)
        }
        for future in as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except CodefactoryError:  # setup (an image missing, Docker gone): the run stops
                raise
            except Exception as exc:
                results[i] = internal_error_row(rows[i], lang, funnel, exc)
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
