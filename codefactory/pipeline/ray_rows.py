"""The rows a Ray run's steps pass along: one pickled record each and its status.

`live` (on to the next stage), `dropped` (with the stage, reason and detail; it rides to the
end untouched), `tally` (one per batch: what the stage kept, dropped, spent; the funnel is their
sum), `sink` (what the sink wrote) or `fatal` (a setup error: the run stops and says why, as
locally).
"""

from __future__ import annotations

import pickle
from typing import Any

import pyarrow as pa

LIVE, DROPPED = "live", "dropped"
TALLY, SINK, FATAL = "tally", "sink", "fatal"
SCHEMA = pa.schema(
    [
        ("record", pa.binary()),
        ("status", pa.string()),
        ("stage", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
    ]
)


def row(
    status: str, record: Any = None, stage: str = "", reason: str = "", detail: str = ""
) -> dict[str, Any]:
    data = pickle.dumps(record) if record is not None else b""
    return {"record": data, "status": status, "stage": stage, "reason": reason, "detail": detail}


def table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=SCHEMA)
