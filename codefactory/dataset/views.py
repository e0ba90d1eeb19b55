"""Training views of a target's rows, in TRL's conversational column names
(huggingface.co/docs/trl/dataset_formats):

- `<target>-sft`: `messages` (the request, then the verified code as the assistant's reply) and
  the same as `prompt` / `completion`. TRL's SFTTrainer takes `prompt`/`completion` when both
  are there (loss on the completion only); drop those two columns to train on `messages`.
- `<target>-dpo`: `prompt`, `chosen` (a verified translation), `rejected` (a failed candidate
  for the same function and request) and why the rejected one failed. Only functions with both.

The reply is the code in the fenced block the request asks for, so chosen and rejected differ
in their code, not in their form.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

Row = dict[str, Any]
_MESSAGES = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))

SFT_SCHEMA = pa.schema(
    [
        ("messages", _MESSAGES),
        ("prompt", _MESSAGES),
        ("completion", _MESSAGES),
        ("task_id", pa.string()),
        ("target_language", pa.string()),
        ("repair_round", pa.int64()),
        ("contamination", pa.string()),
    ]
)
DPO_SCHEMA = pa.schema(
    [
        ("prompt", _MESSAGES),
        ("chosen", _MESSAGES),
        ("rejected", _MESSAGES),
        ("task_id", pa.string()),
        ("target_language", pa.string()),
        ("rejected_status", pa.string()),  # wrong_answer, compile_error, ...
        ("rejected_failure", pa.string()),  # JSON: the first failing case or the error
        ("chosen_repair_round", pa.int64()),
        ("rejected_repair_round", pa.int64()),
        ("contamination", pa.string()),
    ]
)


def reply(code: str, fence: str) -> list[dict[str, str]]:
    """The assistant turn: the code in a ```<fence> block; a raw reply that already holds a
    fence (a candidate whose block could not be used) stays as the model wrote it."""
    content = code if "```" in code else f"```{fence}\n{code.rstrip()}\n```"
    return [{"role": "assistant", "content": content}]


def _request(row: Row) -> list[dict[str, str]] | None:
    text = row.get("request")
    return json.loads(text) if isinstance(text, str) and text else None


def sft_rows(train: Sequence[Row], fence: str) -> list[Row]:
    out = []
    for row in train:
        prompt = _request(row)
        if prompt is None or not row.get("target_code"):
            continue
        completion = reply(row["target_code"], fence)
        out.append(
            {
                "messages": prompt + completion,
                "prompt": prompt,
                "completion": completion,
                "task_id": row.get("task_id"),
                "target_language": row.get("target_language"),
                "repair_round": row.get("repair_round"),
                "contamination": row.get("contamination"),
            }
        )
    return out


def dpo_rows(train: Sequence[Row], rejected: Sequence[Row], fence: str) -> list[Row]:
    """One pair per distinct failed candidate of a function that also has a verified one for
    the same request; a function's verified candidates take turns as `chosen`."""
    chosen: dict[tuple[str, str], list[Row]] = {}
    for row in train:
        if row.get("request") and row.get("target_code"):
            chosen.setdefault((str(row.get("task_id")), row["request"]), []).append(row)
    out: list[Row] = []
    seen: set[tuple[str, str, str]] = set()
    turns: dict[tuple[str, str], int] = {}
    for bad in rejected:
        key = (str(bad.get("task_id")), bad.get("request") or "")
        code = bad.get("target_code") or ""
        if key not in chosen or not code or (*key, code) in seen:
            continue
        seen.add((*key, code))
        turn = turns.get(key, 0)
        turns[key] = turn + 1
        good = chosen[key][turn % len(chosen[key])]
        failure = bad.get("failure")
        out.append(
            {
                "prompt": json.loads(key[1]),
                "chosen": reply(good["target_code"], fence),
                "rejected": reply(code, fence),
                "task_id": key[0],
                "target_language": bad.get("target_language"),
                "rejected_status": bad.get("status"),
                "rejected_failure": failure
                if failure is None or isinstance(failure, str)
                else json.dumps(failure, ensure_ascii=False),
                "chosen_repair_round": good.get("repair_round"),
                "rejected_repair_round": bad.get("repair_round"),
                "contamination": ",".join(sorted({*_labels(good), *_labels(bad)}))
                if good.get("contamination") is not None
                else None,
            }
        )
    return out


def _labels(row: Row) -> list[str]:
    return [label for label in (row.get("contamination") or "").split(",") if label]


def view_tables(
    target: str, train: Sequence[Row], rejected: Sequence[Row], fence: str
) -> dict[str, dict[str, pa.Table]]:
    """{config name: {"train": table}} for the views that have rows."""
    views: dict[str, dict[str, pa.Table]] = {}
    for name, rows, schema in (
        (f"{target}-sft", sft_rows(train, fence), SFT_SCHEMA),
        (f"{target}-dpo", dpo_rows(train, rejected, fence), DPO_SCHEMA),
    ):
        if rows:
            columns = {f.name: [row.get(f.name) for row in rows] for f in schema}
            views[name] = {"train": pa.Table.from_pydict(columns, schema=schema)}
    return views
