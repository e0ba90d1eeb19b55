"""The values every target must carry from a Python literal through its own code and back (the
conformance suite's round trip): the quoting, escaping, width and nesting traps of the targets'
literals and serializers."""

from __future__ import annotations

from typing import Any

from codefactory.core.equality import Relation
from codefactory.core.languages import Language
from codefactory.core.schema import TestCase

ROUND_TRIP: list[Any] = [
    "plain",
    "",
    "$x",
    "{$x}",
    "#{x}",
    "${x}",
    "\\",
    '"',
    "'",
    "a'b\"c$d\\e",
    "line\nbreak\ttab",
    "nul\x00byte",
    "é",
    "日本語",
    "🙂",
    "%s %d",
    "`ls`",
    "[[x]]",
    "]]",
    "--",
    0,
    1,
    -1,
    2**31,
    -(2**31) - 1,
    2**53,
    -(2**53),
    2**63 - 1,
    -(2**63),
    0.0,
    -0.0,
    1.5,
    -2.25,
    0.1,
    1e300,
    -1e300,
    1e-7,
    123456789.123,
    None,
    True,
    False,
    [],
    {},
    [[]],
    [1, [2, [3]]],
    (1, "a"),
    {"a": 1, "b": [1, 2]},
    {"nested": {"deeper": {"x": True}}},
    {1: "one", 5: "five"},
    {"k$y": "v", "q'u": 1},
    [None, True, 0, 0.5, ""],
]


def round_trip_cases(lang: Language) -> tuple[TestCase, ...]:
    """The values the language can represent, each expected back as it went in, exactly: no
    tolerance, so a float one ulp off fails."""
    exact = Relation(rel_tol=0.0, abs_tol=0.0)
    values = [v for v in ROUND_TRIP if lang.renderer.unsupported_reason(v) is None]
    return tuple(TestCase(i, (v,), v, exact) for i, v in enumerate(values))
