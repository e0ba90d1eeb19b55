"""TypeScript: JavaScript's literals and serializer, typed signature hints, and a driver that
type-checks the candidate (a file of its own) but not the harness."""

from __future__ import annotations

from codefactory.core.value_types import Signature, Type
from codefactory.renderers.javascript import JavaScriptRenderer


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

    program_file = "main.ts"
    candidate_file = "candidate.ts"  # tsc compiles both files into /tmp/cf (the toml's run)

    def harness_source(self, harness: str) -> str:
        # The harness is plain JavaScript: not type-checked, and a module, so none of its names
        # enters the global scope the candidate is checked in.
        return "// @ts-nocheck\n" + harness + "export {};\n"

    def candidate_source(self, candidate: str) -> str:
        # A statement first, so a `// @ts-nocheck` the candidate starts with is no file pragma.
        return '"use strict"; ' + self.strip_candidate(candidate) + "\n"
