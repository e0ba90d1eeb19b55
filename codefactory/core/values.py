"""The value model and its typed-JSON wire form, shared by every harness.

JSON alone cannot tell a tuple from a list, an int from a float, or keep non-string dict keys, and
PHP arrays blur list and dict. So every harness writes the same tagged form:

    null, true/false, "str", [list]            as themselves
    {"int": "123"}  {"float": "1.5"|"inf"|"-inf"|"nan"}
    {"tuple": [...]}  {"dict": [[k, v], ...]}  {"set": [...]}  {"bytes": "<base64>"}
    {"unsupported": "<type name>"}             a value the model has no place for
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any, TypeAlias

Value: TypeAlias = Any  # None | bool | int | float | str | list | tuple | dict | set | bytes

# Containers inside containers. A deeper value is unsupported (an encoder or a comparison that
# recursed through it would hit RecursionError, on the host as in the sandbox); this module is
# also the Python sandbox's encoder, so the limit holds on both sides.
MAX_VALUE_DEPTH = 100
TOO_DEEP = f"value nested deeper than MAX_VALUE_DEPTH ({MAX_VALUE_DEPTH} levels)"


class Unsupported:
    """A value the oracle could not carry (e.g. a generator); never equal to anything."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<unsupported {self.type_name}>"


def encode(value: Value, depth: int = 0) -> Any:
    """Python value -> tagged JSON-able structure."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return {"int": str(value)}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, list | tuple | dict | set | frozenset) and depth >= MAX_VALUE_DEPTH:
        return {"unsupported": TOO_DEEP}
    if isinstance(value, list):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [encode(v, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    if isinstance(value, set | frozenset):
        return {"set": [encode(v, depth + 1) for v in value]}
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode()}
    if isinstance(value, Unsupported):
        return {"unsupported": value.type_name}
    return {"unsupported": type(value).__name__}


class DecodeError(ValueError):
    """The tagged JSON was malformed: a harness bug or a forged record."""


def decode(obj: Any, depth: int = 0) -> Value:
    """Tagged JSON -> Python value. Raises DecodeError on anything not produced by `encode`
    (a container nested past MAX_VALUE_DEPTH included: a candidate's output can be)."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, list):
        if depth >= MAX_VALUE_DEPTH:
            raise DecodeError(TOO_DEEP)
        return [decode(v, depth + 1) for v in obj]
    if isinstance(obj, dict) and len(obj) == 1:
        tag, payload = next(iter(obj.items()))
        if tag in ("tuple", "dict", "set") and depth >= MAX_VALUE_DEPTH:
            raise DecodeError(TOO_DEEP)
        try:
            if tag == "int":
                return int(payload)
            if tag == "float":
                return float(payload)
            if tag == "tuple":
                return tuple(decode(v, depth + 1) for v in payload)
            if tag == "dict":
                out = {}
                for key, val in payload:
                    out[_hashable(decode(key, depth + 1))] = decode(val, depth + 1)
                return out
            if tag == "set":
                return {_hashable(decode(v, depth + 1)) for v in payload}
            if tag == "bytes":
                return base64.b64decode(payload, validate=True)
            if tag == "unsupported":
                return Unsupported(str(payload))
        except (TypeError, ValueError) as exc:
            raise DecodeError(f"bad {tag!r} payload: {exc}") from exc
    raise DecodeError(f"not a tagged value: {json.dumps(obj)[:80]}")


def _hashable(value: Value) -> Value:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict | set | Unsupported):
        raise DecodeError("unhashable key")
    return value


def dumps(value: Value) -> str:
    """Compact tagged JSON text (for records, caches and dataset columns)."""
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> Value:
    return decode(json.loads(text))


def show(value: Value, limit: int = 300) -> str:
    """Python-like repr for humans (failure messages, dataset card), cut to `limit` chars."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def generic_unsupported_reason(value: Value) -> str | None:
    """Why no target can represent `value` faithfully, or None. Languages add their own rules."""
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "string with lone surrogates"
        return None
    if isinstance(value, list | tuple):
        return next((r for r in map(generic_unsupported_reason, value) if r), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str | int) or isinstance(key, bool):
                return f"dict key of type {type(key).__name__}"
            reason = generic_unsupported_reason(key) or generic_unsupported_reason(item)
            if reason:
                return reason
        return None
    if isinstance(value, Unsupported):
        return TOO_DEEP if value.type_name == TOO_DEEP else f"value of type {value.type_name}"
    if isinstance(value, set | frozenset):
        return "set value"
    return f"{type(value).__name__} value"
