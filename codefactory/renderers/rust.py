"""Rust: typed input literals, a trait-based serializer and the driver program."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence

from codefactory.core.value_types import (
    Signature,
    Type,
    Untypable,
)
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template

INT64_MIN = -(2**63)

# The program forbids unsafe code, so the candidate can neither call libc (dup2, write) nor
# define symbols (`#[no_mangle] write`, `.init_array` entries): stdout and std stay the harness's.
# The candidate runs in a module of its own; the harness is a child of it (so it can call private
# functions) placed before the candidate's items: `macro_rules!` only reach text after their
# definition, and the candidate's items are not in the harness's scope. The serializer's trait is
# private and sealed, so only the std types below are encoded.
_HARNESS = r"""
#[allow(warnings)]
pub(crate) mod cf_h___CF_N__ {
    mod seal { pub trait Sealed {} }
    trait Enc: seal::Sealed { fn cf(&self) -> String; }
    fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    out.push_str(&::std::format!("\\u{:04x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    macro_rules! ints { ($($t:ty),*) => { $(impl seal::Sealed for $t {} impl Enc for $t {
        fn cf(&self) -> String { ::std::format!("{{\"int\":\"{}\"}}", self) }
    })* } }
    ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    impl seal::Sealed for f64 {}
    impl Enc for f64 {
        fn cf(&self) -> String {
            if self.is_nan() { return "{\"float\":\"nan\"}".into(); }
            if self.is_infinite() {
                return if *self > 0.0 { "{\"float\":\"inf\"}" } else { "{\"float\":\"-inf\"}" }
                    .into();
            }
            ::std::format!("{{\"float\":\"{:?}\"}}", self)
        }
    }
    impl seal::Sealed for f32 {}
    impl Enc for f32 { fn cf(&self) -> String { Enc::cf(&(*self as f64)) } }
    impl seal::Sealed for bool {}
    impl Enc for bool { fn cf(&self) -> String { if *self { "true" } else { "false" }.into() } }
    impl seal::Sealed for String {}
    impl Enc for String { fn cf(&self) -> String { quote(self) } }
    impl seal::Sealed for str {}
    impl Enc for str { fn cf(&self) -> String { quote(self) } }
    impl seal::Sealed for char {}
    impl Enc for char { fn cf(&self) -> String { quote(&self.to_string()) } }
    impl<T: Enc + ?Sized> seal::Sealed for &T {}
    impl<T: Enc + ?Sized> Enc for &T { fn cf(&self) -> String { Enc::cf(&**self) } }
    impl<T: Enc + ?Sized> seal::Sealed for Box<T> {}
    impl<T: Enc + ?Sized> Enc for Box<T> { fn cf(&self) -> String { Enc::cf(&**self) } }
    fn list<'a, T: Enc + 'a>(items: impl Iterator<Item = &'a T>) -> String {
        let parts: Vec<String> = items.map(|x| Enc::cf(x)).collect();
        ::std::format!("[{}]", parts.join(","))
    }
    impl<T: Enc> seal::Sealed for Vec<T> {}
    impl<T: Enc> Enc for Vec<T> { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> seal::Sealed for [T] {}
    impl<T: Enc> Enc for [T] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc, const N: usize> seal::Sealed for [T; N] {}
    impl<T: Enc, const N: usize> Enc for [T; N] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> seal::Sealed for ::std::collections::VecDeque<T> {}
    impl<T: Enc> Enc for ::std::collections::VecDeque<T> {
        fn cf(&self) -> String { list(self.iter()) }
    }
    impl<T: Enc> seal::Sealed for Option<T> {}
    impl<T: Enc> Enc for Option<T> {
        fn cf(&self) -> String { match self { Some(x) => Enc::cf(x), None => "null".into() } }
    }
    fn dict<'a, K: Enc + 'a, V: Enc + 'a>(items: impl Iterator<Item = (&'a K, &'a V)>) -> String {
        let parts: Vec<String> =
            items.map(|(k, v)| ::std::format!("[{},{}]", Enc::cf(k), Enc::cf(v))).collect();
        ::std::format!("{{\"dict\":[{}]}}", parts.join(","))
    }
    impl<K: Enc, V: Enc, S> seal::Sealed for ::std::collections::HashMap<K, V, S> {}
    impl<K: Enc, V: Enc, S> Enc for ::std::collections::HashMap<K, V, S> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<K: Enc, V: Enc> seal::Sealed for ::std::collections::BTreeMap<K, V> {}
    impl<K: Enc, V: Enc> Enc for ::std::collections::BTreeMap<K, V> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<T: Enc, S> seal::Sealed for ::std::collections::HashSet<T, S> {}
    impl<T: Enc, S> Enc for ::std::collections::HashSet<T, S> {
        fn cf(&self) -> String { ::std::format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl<T: Enc> seal::Sealed for ::std::collections::BTreeSet<T> {}
    impl<T: Enc> Enc for ::std::collections::BTreeSet<T> {
        fn cf(&self) -> String { ::std::format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl seal::Sealed for () {}
    impl Enc for () { fn cf(&self) -> String { "null".into() } }
    macro_rules! tuples { ($(($($n:tt $t:ident),+)),*) => { $(
        impl<$($t: Enc),+> seal::Sealed for ($($t,)+) {}
        impl<$($t: Enc),+> Enc for ($($t,)+) {
            fn cf(&self) -> String {
                let parts: Vec<String> = ::std::vec![$(Enc::cf(&self.$n)),+];
                ::std::format!("{{\"tuple\":[{}]}}", parts.join(","))
            }
        }
    )* } }
    tuples!((0 A), (0 A, 1 B), (0 A, 1 B, 2 C), (0 A, 1 B, 2 C, 3 D), (0 A, 1 B, 2 C, 3 D, 4 E));
    fn panic_text(e: &(dyn ::std::any::Any + Send)) -> String {
        if let Some(s) = e.downcast_ref::<&str>() { return s.to_string(); }
        if let Some(s) = e.downcast_ref::<String>() { return s.clone(); }
        "panic".into()
    }
    fn record(prefix: &str, line: &str) {
        use ::std::io::Write;
        let text = ::std::format!("\n{} {}\n", prefix, line);
        let mut out = ::std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    }
    pub(crate) fn run(prefix: &str) {
        ::std::panic::set_hook(Box::new(|_| {}));
        let mut n = 0;
__CF_CASES__        record(prefix, &::std::format!("DONE {}", n));
    }
}
"""
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
_MAIN = """
fn main() {
    let mut nonce = ::std::string::String::new();
    let _ = ::std::io::BufRead::read_line(&mut ::std::io::stdin().lock(), &mut nonce);
    let nonce = nonce.trim();
    if nonce.is_empty() {
        ::std::eprintln!("no run nonce on stdin");
        ::std::process::exit(2);
    }
    cf_candidate::cf_h___CF_N__::run(&::std::format!("__CF_MARKER__ {}", nonce));
}
"""


class RustRenderer(TypedRenderer):
    language_name = "Rust"

    def type_name(self, t: Type) -> str:
        simple = {"int": "i64", "float": "f64", "bool": "bool", "str": "String", "never": "i64"}
        if t.kind in simple:
            return simple[t.kind]
        args = [self.type_name(a) for a in t.args]
        if t.kind == "list":
            return f"Vec<{args[0]}>"
        if t.kind == "dict":
            return f"std::collections::HashMap<{args[0]}, {args[1]}>"
        if t.kind == "tuple":
            return "(" + "".join(a + ", " for a in args) + ")"
        if t.kind == "optional":
            return f"Option<{args[0]}>"
        raise Untypable(f"{t} has no Rust type")

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        params = ", ".join(
            f"{name}: {self.type_name(t)}"
            for name, t in zip(signature.names, signature.params, strict=True)
        )
        return f"fn {entry_point}({params}) -> {self.type_name(signature.returns)}"

    def typed_literal(self, value: Value, t: Type) -> str:
        if t.kind == "optional":
            return "None" if value is None else f"Some({self.typed_literal(value, t.args[0])})"
        if isinstance(value, bool):
            return "true" if value else "false"
        if t.kind == "float":
            number = float(value)
            if math.isinf(number):
                return "f64::INFINITY" if number > 0 else "f64::NEG_INFINITY"
            text = repr(number)
            return f"({text}f64)" if text.startswith("-") else f"{text}f64"
        if isinstance(value, int):
            if value == INT64_MIN:
                return "i64::MIN"
            return f"({value}i64)" if value < 0 else f"{value}i64"
        if isinstance(value, str):
            return f"String::from({rust_string(value)})"
        if isinstance(value, list | tuple) and t.kind == "list":  # tuples used as sequences
            return "vec![" + ", ".join(self.typed_literal(v, t.args[0]) for v in value) + "]"
        if isinstance(value, tuple):
            return (
                "("
                + "".join(
                    self.typed_literal(v, a) + ", " for v, a in zip(value, t.args, strict=True)
                )
                + ")"
            )
        if isinstance(value, dict):
            pairs = ", ".join(
                f"({self.typed_literal(k, t.args[0])}, {self.typed_literal(v, t.args[1])})"
                for k, v in value.items()
            )
            return f"std::collections::HashMap::from([{pairs}])"
        raise Untypable(f"no Rust literal for {value!r}")

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        blocks = []
        for (case_id, args), kinds in zip(cases, self.case_types(cases), strict=True):
            blocks.append(
                fill_template(
                    _CASE,
                    {
                        "__CF_ID__": str(case_id),
                        "__CF_ARGS__": "\n".join(
                            f"                let a{i}: {self.type_name(kinds[i])} = "
                            f"{self.typed_literal(a, kinds[i])};"
                            for i, a in enumerate(args)
                        ),
                        "__CF_ENTRY__": entry_point,
                        "__CF_NAMES__": ", ".join(f"a{i}" for i in range(len(args))),
                    },
                )
            )
        code = self.strip_candidate(candidate)
        # The harness module's name: the candidate cannot predefine it (it would have to contain
        # its own hash); the nonce (unused here) arrives on stdin.
        tag = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        harness = fill_template(_HARNESS, {"__CF_N__": tag, "__CF_CASES__": "".join(blocks)})
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
