"""Rust: typed input literals, a trait-based serializer and the driver program."""

from __future__ import annotations

import hashlib
import math
import re
from typing import ClassVar

from codefactory.core.value_types import INT64, Type
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template, signed, template

# The program forbids unsafe code, so the candidate can neither call libc (dup2, write) nor
# define symbols (`#[no_mangle] write`, `.init_array` entries): stdout and std stay the harness's.
# The candidate runs in a module of its own; the harness is a child of it (so it can call private
# functions) placed before the candidate's items: `macro_rules!` only reach text after their
# definition, and the candidate's items are not in the harness's scope. The serializer's trait is
# private and sealed, so only the std types below are encoded.
_HARNESS = template(__name__, "harness.rs")
_CASE = """        {
            let result = ::std::panic::catch_unwind(|| {
__CF_ARGS__
                let r = super::__CF_ENTRY__(__CF_NAMES__);
                Enc::cf(&r)
            });
            record(prefix, &match result {
                Ok(value) => ::std::format!(
                    "{{\\"id\\":__CF_ID__,\\"ok\\":true,\\"value\\":{}}}", value),
                Err(e) => ::std::format!(
                    "{{\\"id\\":__CF_ID__,\\"ok\\":false,\\"error\\":{}}}",
                    quote(&panic_text(&*e))),
            });
            n += 1;
        }
"""
# The run's nonce comes on stdin, read before any candidate code runs (safe Rust has no code
# before main) and handed to the harness as a value: it is not in the program the candidate can
# read. Crate-root names are fully qualified, as a candidate's #[macro_export] macros live there.
_MAIN = template(__name__, "main.rs")


class RustRenderer(TypedRenderer):
    language_name = "Rust"
    parameter_form = "{name}: {type}"
    signature_form = "fn {entry}({params}) -> {returns}"
    # fmt: off
    type_forms: ClassVar[dict[str, str]] = {
        "int": "i64", "float": "f64", "bool": "bool", "str": "String", "optional": "Option<{0}>",
        "list": "Vec<{0}>", "dict": "std::collections::HashMap<{0}, {1}>",
    }
    # fmt: on

    def type_name(self, t: Type) -> str:
        if t.kind == "tuple":  # the trailing comma makes a 1-tuple
            return "(" + "".join(self.type_name(a) + ", " for a in t.args) + ")"
        return super().type_name(t)

    def optional_literal(self, value: Value, t: Type) -> str:
        return "None" if value is None else f"Some({self.typed_literal(value, t.args[0])})"

    def float_literal(self, number: float) -> str:
        if math.isinf(number):
            return "f64::INFINITY" if number > 0 else "f64::NEG_INFINITY"
        return signed(f"{number!r}f64")

    def int_literal(self, value: int) -> str:
        return "i64::MIN" if value == INT64[0] else signed(f"{value}i64")

    def string_literal(self, text: str) -> str:
        return f"String::from({rust_string(text)})"

    def list_literal(self, t: Type, items: list[str]) -> str:
        return "vec![" + ", ".join(items) + "]"

    def tuple_literal(self, t: Type, items: list[str]) -> str:
        return "(" + "".join(item + ", " for item in items) + ")"

    def dict_literal(self, t: Type, pairs: list[tuple[str, str]]) -> str:
        items = ", ".join(f"({k}, {v})" for k, v in pairs)
        return f"std::collections::HashMap::from([{items}])"

    def argument(self, i: int, value: Value, t: Type) -> str:
        return f"                let a{i}: {self.type_name(t)} = {self.typed_literal(value, t)};"

    def assemble(self, code: str, entry_point: str, cases: list[TypedRenderer.Case]) -> str:
        # The harness module's name: the candidate cannot predefine it (it would have to contain
        # its own hash); the nonce (unused here) arrives on stdin.
        tag = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        harness = fill_template(
            _HARNESS, {"__CF_N__": tag, "__CF_CASES__": self.fill_cases(_CASE, cases)}
        )
        head = _inner_attributes_end(code)
        # global_asm! is the one way to emit machine code and symbols that the unsafe_code lint
        # lets through (Rust 1.63); no macro can spell its name, so the word is enough.
        guard = (
            'compile_error!("global_asm! is not allowed in a candidate");\n'
            if re.search(r"\bglobal_asm\b", code)
            else ""
        )
        return (
            f"#![forbid(unsafe_code)]\n{guard}mod cf_candidate {{\n{code[:head]}\n"
            + harness
            + code[head:]
            + "\n}\n"
            + fill_template(_MAIN, {"__CF_N__": tag, "__CF_MARKER__": MARKER})
        )


def _inner_attributes_end(code: str) -> int:
    """Where the candidate's leading inner attributes and inner doc comments (`#![...]`, `//!`,
    `/*! */`) end: they must open the module, so they go before the harness."""
    end = i = 0
    while True:
        while i < len(code) and code[i].isspace():
            i += 1
        start = i
        if code.startswith("//", i):
            i = code.find("\n", i) if "\n" in code[i:] else len(code)
        elif code.startswith("/*", i):  # Rust block comments nest
            depth, i = 1, i + 2
            while i < len(code) and depth:
                pair = code[i : i + 2]
                depth += (pair == "/*") - (pair == "*/")
                i += 2 if pair in ("/*", "*/") else 1
        elif re.match(r"#!\s*\[", code[i:]):
            i = _bracket_end(code, code.index("[", i))
        else:
            return end
        if code.startswith(("//!", "/*!", "#!"), start):
            end = i


def _bracket_end(code: str, i: int) -> int:
    """The index after the `]` that closes the `[` at i (string literals skipped)."""
    depth = 0
    while i < len(code):
        char = code[i]
        if char == '"':
            i += 1
            while i < len(code) and code[i] != '"':
                i += 2 if code[i] == "\\" else 1
        depth += (char == "[") - (char == "]")
        i += 1
        if depth == 0:
            return i
    return i


def rust_string(text: str) -> str:
    """A Rust string literal in plain ASCII: `"` and `\\` escaped, the rest as \\u{...}."""
    return ascii_literal(map(ord, text), '"\\', lambda c: f"\\u{{{c:x}}}")
