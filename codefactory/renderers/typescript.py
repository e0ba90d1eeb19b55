"""TypeScript: JavaScript's literals and serializer, typed signature hints, and a driver that
type-checks the candidate but not the harness (its calls go through `any`)."""

from __future__ import annotations

from codefactory.renderers.javascript import JavaScriptRenderer
from codefactory.types import Signature, Type

_PROLOGUE = "// @ts-ignore\nconst __cf_write: any = require('fs').writeSync;\n"


class TypeScriptRenderer(JavaScriptRenderer):
    def type_name(self, t: Type) -> str:
        simple = {
            "int": "number",
            "float": "number",
            "bool": "boolean",
            "str": "string",
            "none": "null",
            "never": "any",
        }
        if t.kind in simple:
            return simple[t.kind]
        if t.kind == "list":
            inner = self.type_name(t.args[0])
            return f"({inner})[]" if "|" in inner else f"{inner}[]"
        if t.kind == "tuple":
            return "[" + ", ".join(self.type_name(a) for a in t.args) + "]"
        if t.kind == "dict":
            return f"{{[key: string]: {self.type_name(t.args[1])}}}"
        if t.kind == "optional":
            return f"{self.type_name(t.args[0])} | null"
        return "any"

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        params = ", ".join(
            f"{name}: {self.type_name(t)}"
            for name, t in zip(signature.names, signature.params, strict=True)
        )
        return f"function {entry_point}({params}): {self.type_name(signature.returns)}"

    prologue = _PROLOGUE

    def cases_table(self, rows: list[str]) -> str:
        return "[" + ", ".join(rows) + "] as any[]"

    def entry_ref(self, entry_point: str) -> str:
        return f"({entry_point} as any)"  # type-check the candidate, not the harness
