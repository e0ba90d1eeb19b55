"""Java: typed (boxed) input literals, a serializer over the boxed types and collections, and a
driver that finds the entry point by reflection among the candidate's classes."""

from __future__ import annotations

import math
import re
from typing import ClassVar

from codefactory.core.value_types import INT64, Type, Untypable, element_type
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template, template

_IMPORT = re.compile(r"^\s*import\s+[\w.*\s]+;\s*$", re.MULTILINE)
_CLASS = re.compile(
    r"^(?:public\s+|final\s+|abstract\s+)*(?:class|enum|record)\s+(\w+)", re.MULTILINE
)
_PACKAGE_CLAUSE = re.compile(r"^\s*package\s+[\w.]+\s*;", re.MULTILINE)
# `public` on a top-level type: javac wants a public class in a file of its name.
_PUBLIC_TYPE = re.compile(
    r"^((?:(?:final|abstract|sealed|non-sealed|strictfp)\s+)*)public\s+"
    r"(?=(?:(?:final|abstract|sealed|non-sealed|strictfp)\s+)*(?:class|interface|enum|record)\s)",
    re.MULTILINE,
)

# The candidate is compiled as a file of its own in package cfcand (the driver writes that package
# clause, so it cannot join the harness's): no class it declares (Long, Main, java...) can
# shadow a name in the harness's compilation unit. The harness is package cf; it opens its own
# descriptor for stdout before any candidate class is initialised, holds it in a local (no
# static field to reach by reflection), and encodes values by their exact runtime class.
_PACKAGE = "cfcand"
# On-demand imports the candidate's unit gets whatever it imports itself: the prompt says
# java.util.* is imported, and a translation then uses Collectors, Pattern or Function without an
# import line. These packages share no simple name with java.util or each other (an ambiguous name
# would not compile), and the candidate's own single-type imports and classes shadow them. They
# reach only the candidate's unit (package cfcand), never the harness's.
_STANDARD_IMPORTS = "\n".join(
    f"import {package}.*;"
    for package in ("java.util", "java.util.function", "java.util.regex", "java.util.stream")
)
_BOXED = {"long": "Long", "double": "Double", "boolean": "Boolean"}  # type arguments
_HARNESS = template(__name__, "Main.java")
_CALL = """        {
            String line;
            try {
                line = "{\\"id\\":__CF_ID__,\\"ok\\":true,\\"value\\":"
                    + enc(call("__CF_ENTRY__"__CF_ARGS__)) + "}";
            } catch (Throwable e) {
                line = "{\\"id\\":__CF_ID__,\\"ok\\":false,\\"error\\":" + str(why(e)) + "}";
            }
            write(out, link, file, key, masked, line);
            n++;
        }
"""


class JavaRenderer(TypedRenderer):
    language_name = "Java"
    parameter_form = "{type} {name}"
    signature_form = (
        "public static {returns} {entry}({params}) in a class Solution (java.util.* imported)"
    )
    argument_separator = ""
    # fmt: off
    type_forms: ClassVar[dict[str, str]] = {
        "int": "long", "float": "double", "bool": "boolean", "str": "String", "never": "Long",
        "list": "List<{0}>", "dict": "Map<{0}, {1}>", "optional": "{0}",  # a boxed type's null
    }
    # fmt: on

    def type_name(self, t: Type) -> str:
        if t.kind != "tuple":
            return super().type_name(t)
        for element in t.args:  # each must have a type of its own
            self.type_name(element)
        try:  # a homogeneous tuple is a list of its one element type
            return f"List<{self.type_argument(element_type(t))}>"
        except Untypable:
            return "List<Object>"

    def type_argument(self, t: Type) -> str:
        name = self.type_name(t)
        return _BOXED.get(name, name)

    def typed_literal(self, value: Value, t: Type) -> str:
        if value is None:
            return "null"
        return super().typed_literal(value, t.args[0] if t.kind == "optional" else t)

    def float_literal(self, number: float) -> str:
        if math.isinf(number):
            return "Double.POSITIVE_INFINITY" if number > 0 else "Double.NEGATIVE_INFINITY"
        return f"(double) ({number!r}d)"

    def int_literal(self, value: int) -> str:
        return "Long.MIN_VALUE" if value == INT64[0] else f"(long) ({value}L)"

    def string_literal(self, text: str) -> str:
        return java_string(text)

    def list_literal(self, t: Type, items: list[str]) -> str:
        return "list(" + ", ".join(items) + ")"  # the harness's list(Object...)

    def tuple_literal(self, t: Type, items: list[str]) -> str:
        return self.list_literal(t, items)

    def dict_literal(self, t: Type, pairs: list[tuple[str, str]]) -> str:
        return "map(" + ", ".join(f"{k}, {v}" for k, v in pairs) + ")"

    def strip_candidate(self, candidate: str) -> str:
        # The driver gives the candidate its package; its own clause would be a second one.
        code = _PACKAGE_CLAUSE.sub("", candidate).strip()
        if not _CLASS.search(code):  # bare methods: give them a class
            body = _IMPORT.sub("", code).strip()
            imports = "\n".join(m.group(0).strip() for m in _IMPORT.finditer(code))
            code = f"{imports}\n\nclass Solution {{\n{body}\n}}"
        return _PUBLIC_TYPE.sub(r"\1", code)

    def argument(self, i: int, value: Value, t: Type) -> str:
        return ", " + self.typed_literal(value, t)  # an argument of call(name, ...) itself

    def assemble(
        self, code: str, entry_point: str, cases: list[TypedRenderer.Case]
    ) -> dict[str, str]:
        imports = "\n".join(m.group(0).strip() for m in _IMPORT.finditer(code))
        body = _IMPORT.sub("", code)
        classes = ", ".join(f'"{name}"' for name in _CLASS.findall(body)) or '"Solution"'
        harness = fill_template(
            _HARNESS,
            {
                "__CF_CALLS__": self.fill_cases(_CALL, cases),
                "__CF_CLASSES__": classes,
                "__CF_PACKAGE__": _PACKAGE,
                "__CF_MARKER__": MARKER,
            },
        )
        solution = f"package {_PACKAGE};\n\n{_STANDARD_IMPORTS}\n{imports}\n{body}\n"
        return {"Main.java": harness, "Solution.java": solution}


def java_string(text: str) -> str:
    """A Java literal in plain ASCII. Control characters as octal escapes (a \\u000a escape
    would become a real line break before the lexer sees the string); non-ASCII as UTF-16
    \\uXXXX units."""
    units = (int(unit, 16) for unit in text.encode("utf-16-be").hex(" ", 2).split())
    return ascii_literal(units, '"\\', lambda c: f"\\{c:03o}" if c < 0x80 else f"\\u{c:04x}")
