"""Go: typed input literals, a reflection-based serializer, and the candidate in a package of its
own: the harness (package main) imports it and calls one function per case."""

from __future__ import annotations

import math
import re
from typing import ClassVar

from codefactory.core.value_types import Type, element_type
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template, template

# The candidate is a package of its own (cf/cand, beside cf/out and the harness's package main),
# so no name it declares or shadows at package scope (len, fmt, helper names) reaches the harness.
# cf/out takes the nonce and the output descriptor: cf/cand imports it, so it is initialised
# before any of the candidate's code runs (Go initialises a package's imports first, main's own
# variables last).
_OUT = template(__name__, "out.go")
# One function per case in the candidate's package: it calls the entry point (unexported, maybe
# generic) and passes back only the returned value.
_CASES = """package cand

import (
	_ "cf/out" // initialised before this package: the harness's output is taken first
	cfmath "math"
)

var _ = cfmath.Inf

const CfCases = __CF_COUNT__
__CF_FUNCS__"""
_CASE = """
func CfCase__CF_INDEX__() interface{} {
__CF_ARGS__
	return __CF_ENTRY__(__CF_NAMES__)
}
"""
# The serializer walks the value by reflection and never calls a method the value's type
# declares (String, Error, MarshalJSON...); records go to the captured descriptor, checked to be
# the same file before every write (a descriptor put in its place stops the run).
_HARNESS = template(__name__, "main.go")
_CALL = """	s.write(prefix + record(__CF_ID__, cand.CfCase__CF_INDEX__) + "\\n")
	n++
"""


class GoRenderer(TypedRenderer):
    language_name = "Go"
    parameter_form = "{name} {type}"
    signature_form = "func {entry}({params}) {returns}"
    # fmt: off
    type_forms: ClassVar[dict[str, str]] = {
        "int": "int", "float": "float64", "bool": "bool", "str": "string",
        "list": "[]{0}", "dict": "map[{0}]{1}", "optional": "*{0}",  # nil is None
    }
    # fmt: on

    def type_name(self, t: Type) -> str:
        if t.kind == "tuple":  # a homogeneous tuple is a slice of its element type
            return "[]" + self.type_name(element_type(t))
        return super().type_name(t)

    def typed_literal(self, value: Value, t: Type) -> str:
        if t.kind == "tuple":  # a slice of its element type
            t = Type("list", (element_type(t),))
        return super().typed_literal(value, t)

    def optional_literal(self, value: Value, t: Type) -> str:  # a pointer to a fresh variable
        name = self.type_name(t)
        if value is None:
            return f"({name})(nil)"
        inner = self.typed_literal(value, t.args[0])
        return f"func() {name} {{ v := {self.type_name(t.args[0])}({inner}); return &v }}()"

    def float_literal(self, number: float) -> str:
        if math.isinf(number):
            return f"cfmath.Inf({1 if number > 0 else -1})"
        if number == 0 and math.copysign(1, number) < 0:
            return "cfmath.Copysign(0, -1)"
        return f"float64({number!r})"

    def int_literal(self, value: int) -> str:
        return str(value)

    def string_literal(self, text: str) -> str:
        return go_string(text)

    def list_literal(self, t: Type, items: list[str]) -> str:
        return self.type_name(t) + "{" + ", ".join(items) + "}"

    def dict_literal(self, t: Type, pairs: list[tuple[str, str]]) -> str:
        return self.type_name(t) + "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"

    def strip_candidate(self, candidate: str) -> str:
        # The candidate's own package (main() is an ordinary function there, its imports used).
        code = re.sub(r"^\s*package\s+\w+\s*", "", candidate.strip())
        return "package cand\n\n" + code

    def argument(self, i: int, value: Value, t: Type) -> str:
        return f"\ta{i} := {self.typed_literal(value, t)}"

    def assemble(
        self, code: str, entry_point: str, cases: list[TypedRenderer.Case]
    ) -> dict[str, str]:
        thunks = fill_template(
            _CASES, {"__CF_COUNT__": str(len(cases)), "__CF_FUNCS__": self.fill_cases(_CASE, cases)}
        )
        harness = fill_template(
            _HARNESS, {"__CF_CALLS__": self.fill_cases(_CALL, cases), "__CF_MARKER__": MARKER}
        )
        # Flat names (the sandbox's /work has no folders); the run command lays out the packages.
        return {"main.go": harness, "cand.go": code, "cand_cases.go": thunks, "out.go": _OUT}


def go_string(text: str) -> str:
    """A Go interpreted string literal in plain ASCII: `"` and `\\` escaped, other bytes \\xHH."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\x{b:02x}")
