"""One row builder for both commands, and the split every row lands in: `train` holds the
verified candidates, `rejected` every other judged one (and, for `verify`, every given row that
could not be judged, with why); a sandbox failure is ours and lands in neither."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from codefactory.core.languages import Language
from codefactory.core.schema import Status, sha256
from codefactory.generation.backends.base import Message
from codefactory.generation.prompts import PROMPT_VERSION, translate_messages
from codefactory.pipeline.stage import Drop
from codefactory.pipeline.work import Function, Judged
from codefactory.suite.build import Adequacy, Prepared, tests_json


def function_fields(function: Function, target: Language) -> dict[str, Any]:
    source = function.source or function.row.source
    fields: dict[str, Any] = {
        "task_id": function.row.task_id,
        "source_code": source.code if source else "",
        "entry_point": source.entry_point if source else "",
        "target_language": target.id,
        "source_origin": source.origin if source else "",
    }
    if function.prepared is not None:
        fields.update(suite_fields(function.prepared))
        if function.prepared.cases:
            fields["tests"] = tests_json(function.prepared.cases)
    return fields


def suite_fields(prepared: Prepared) -> dict[str, Any]:
    """The per-row description of the test suite (counts and adequacy)."""
    return {
        "dropped_cases": prepared.dropped,
        "tests_from_source": prepared.visible,
        "source_tests_given": prepared.source_given,
        "tests_augmented": len(prepared.cases) - prepared.visible,
        **adequacy_fields(prepared.adequacy),
    }


def adequacy_fields(adequacy: Adequacy) -> dict[str, Any]:
    """The scores, and what a null score means: no mutants made (`mutants_made` 0), none run
    in the time budget (`mutants_run` 0), or nothing measured (`adequacy_unmeasured` says why;
    the counts are null)."""
    fields = adequacy.to_json()
    measured = fields.pop("unmeasured") is None
    run, made = fields.pop("mutants"), fields.pop("mutants_made")
    return {
        **fields,
        "mutants_run": run if measured else None,
        "mutants_made": made if measured else None,
        "adequacy_unmeasured": adequacy.unmeasured,
    }


def judged_row(judged: Judged, target: Language, model: str, backend: str) -> dict[str, Any]:
    candidate, verdict = judged.candidate, judged.verdict
    attempt, generation = candidate.attempt, candidate.generation
    too_big = verdict.status is Status.UNSUPPORTED and judged.code is None
    code = verdict.code or judged.code  # as the gate left it (example usage removed)
    row = {
        **function_fields(judged.function, target),
        # not megabytes of an oversized candidate in the dataset: its hash tells which
        "target_code": "" if too_big else whole_file(target, code) if code else candidate.text,
        "target_entry_point": judged.entry or None,
        "verified": verdict.passed,
        "status": verdict.status.value,
        "tests_passed": verdict.tests_passed,
        "tests_total": verdict.tests_total,
        "failure": verdict.failure,
        "execution_s": verdict.execution_s,
        "candidate_sha256": sha256(judged.code or candidate.text),
        "request": request_json(judged, target),
    }
    if attempt is not None:  # generated here (translate), not given (verify)
        row.update(
            model=model,
            backend=backend,
            prompt_version=PROMPT_VERSION,
            sample_index=attempt.sample_index,
            repair_round=attempt.repair_round,
            seed=attempt.seed,
            temperature=attempt.temperature,
            generation_s=round(generation.seconds, 3) if generation else None,
            prompt_tokens=generation.prompt_tokens if generation else None,
            completion_tokens=generation.completion_tokens if generation else None,
            # What a refresh needs to not pay for this reply again (dataset/reuse.py): the
            # reply as the model wrote it, under the generation cache's key for its request.
            reply=candidate.text,
            generation_key=generation.key if generation else None,
        )
    return row


def request_json(judged: Judged, target: Language) -> str | None:
    """The translation request as chat messages (JSON), for the SFT and DPO views: what a
    generated candidate was asked up to the first user turn (a repair round's feedback turns
    are not part of it), or for a given one (verify) the request translate would have sent."""
    if judged.candidate.attempt is not None:
        return messages_json(_first_request(judged.candidate.attempt.messages))
    source = judged.function.source
    if source is None:
        return None
    return messages_json(translate_messages(source, target, judged.function.signature))


def _first_request(messages: tuple[Message, ...]) -> tuple[Message, ...]:
    for index, (role, _) in enumerate(messages):
        if role == "user":
            return messages[: index + 1]
    return messages


def messages_json(messages: tuple[Message, ...]) -> str:
    return json.dumps([{"role": r, "content": c} for r, c in messages], ensure_ascii=False)


def whole_file(target: Language, code: str) -> str:
    """The code as a file of the language (PHP's `<?php` first); a reply with no code as is."""
    if not code or not target.file_header or code.lstrip().startswith(target.file_header):
        return code
    return f"{target.file_header}\n{code}"


def unjudged_row(function: Function, drop: Drop, target: Language) -> dict[str, Any]:
    """A given row (verify) that never reached the judge: no tests, no candidate, a bug."""
    value = (function.row.raw or {}).get("candidate")
    status = Status.SANDBOX_ERROR if drop.reason == "sandbox_error" else Status.UNSUPPORTED
    return {
        **function_fields(function, target),
        "target_code": value if isinstance(value, str) else "",
        "verified": False,
        "status": status.value,
        "tests_passed": 0,
        "tests_total": 0,
        "failure": {"error": drop.detail or drop.reason, "reason": drop.reason},
    }


def split_rows(
    rows: Iterable[tuple[int, dict[str, Any]]], keep_first: bool
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(order, row) pairs into train and rejected, the same whatever the completion order: by
    input order, then sample, then round. A function's identical verified candidates count once;
    with keep_first only its first verified one is kept."""

    def rank(pair: tuple[int, dict[str, Any]]) -> tuple[int, int, int]:
        order, row = pair
        return (order, row.get("sample_index") or 0, row.get("repair_round") or 0)

    train: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    kept: set[int] = set()
    seen: set[tuple[int, str]] = set()
    for order, row in sorted(rows, key=rank):
        if row["verified"]:
            if (keep_first and order in kept) or (order, row["candidate_sha256"]) in seen:
                continue
            kept.add(order)
            seen.add((order, row["candidate_sha256"]))
            train.append(row)
        elif row["status"] != Status.SANDBOX_ERROR.value:
            rejected.append(row)
    return train, rejected
