"""TypeScript: JavaScript's literals and serializer, typed signature hints, and a driver that
type-checks the candidate (a file of its own) but not the harness."""

from __future__ import annotations

from typing import ClassVar

from codefactory.core.value_types import Type
from codefactory.renderers.base import SignatureHint
from codefactory.renderers.javascript import JavaScriptRenderer


class TypeScriptRenderer(SignatureHint, JavaScriptRenderer):
    """Typed in the prompt only: the harness is JavaScript's and takes any value."""

    language_name = "TypeScript"
    parameter_form = "{name}: {type}"
    signature_form = "function {entry}({params}): {returns}"
    main_file = "main.ts"
    candidate_file = "candidate.ts"  # tsc compiles both files into /tmp/cf (the toml's run)
    # fmt: off
    type_forms: ClassVar[dict[str, str]] = {
        "int": "number", "float": "number", "bool": "boolean", "str": "string",
        "none": "null", "never": "any", "dict": "{{[key: string]: {1}}}", "optional": "{0} | null",
    }
    # fmt: on

    def type_name(self, t: Type) -> str:
        if t.kind == "list":
            inner = self.type_name(t.args[0])
            return f"({inner})[]" if "|" in inner else f"{inner}[]"
        if t.kind == "tuple":
            return "[" + ", ".join(self.type_name(a) for a in t.args) + "]"
        return super().type_name(t)

    def harness_source(self, harness: str) -> str:
        # The harness is plain JavaScript: not type-checked, and a module, so none of its names
        # enters the global scope the candidate is checked in.
        return "// @ts-nocheck\n" + harness + "export {};\n"

    def candidate_source(self, code: str) -> str:
        # A statement first, so a `// @ts-nocheck` the candidate starts with is no file pragma.
        return '"use strict"; ' + code + "\n"
