"""The framed-record protocol between a driver program and the host (docs/architecture.md §5).

A driver writes, through the runtime's lowest-level output call, one line per case and a closing
line, each on a line of its own:

    @@cf <nonce> {"id": 0, "ok": true, "value": <tagged>}
    @@cf <nonce> DONE <n>

The nonce is per run and reaches the program on stdin only, never in its text: the harness reads it
before any candidate code runs and keeps it where the candidate cannot reach, so a candidate that
reads the program file cannot frame records of its own (it could compute right answers with hidden
code and exit before the harness). Expected values never enter the sandbox and the host compares.
Parsing here is strict; deciding is `verdict.py`'s job.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

MARKER = "@@cf"


def new_nonce() -> str:
    return secrets.token_hex(12)


@dataclass
class ParsedOutput:
    records: dict[int, dict[str, Any]] = field(default_factory=dict)
    done_count: int | None = None
    problems: list[str] = field(default_factory=list)  # duplicates, malformed, trailing output


_ID = re.compile(r"-?\d+")


def parse_output(stdout: bytes, nonce: str) -> ParsedOutput:
    out = ParsedOutput()
    prefix = f"{MARKER} {nonce} ".encode()
    text = stdout
    for line in text.split(b"\n"):
        if out.done_count is not None:
            if line.strip():
                out.problems.append("output after the DONE record")
                break
            continue
        if not line.startswith(prefix):
            continue  # the program's own prints: ignored, records are what count
        body = line[len(prefix) :].decode("utf-8", "replace").strip()
        if body.startswith("DONE "):
            count = body[5:].strip()
            if _ID.fullmatch(count):
                out.done_count = int(count)
            else:
                out.problems.append("malformed DONE record")
            continue
        try:
            record = json.loads(body)
            case_id = record["id"]
            # a bool is an int in Python: `"id": true` must not read as case 1
            if type(case_id) is not int or not isinstance(record.get("ok"), bool):
                raise ValueError("bad id/ok")
        except (ValueError, KeyError, TypeError, RecursionError):  # [[[[…]]]] from a candidate
            out.problems.append("malformed record")
            continue
        if case_id in out.records:
            out.problems.append(f"duplicate record for case {case_id}")
            continue
        out.records[case_id] = record
    return out
