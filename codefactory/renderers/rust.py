"""Rust: typed input literals, a trait-based serializer and the driver program."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from codefactory.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template
from codefactory.types import (
    Signature,
    Type,
    Untypable,
)
from codefactory.values import Value

INT64_MIN = -(2**63)

_SERIALIZER = r"""
#[allow(dead_code)]
mod cf {
    pub trait Enc { fn cf(&self) -> String; }
    pub fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    out.push_str(&format!("\\u{:04x}", c as u32))
                }
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
    macro_rules! ints { ($($t:ty),*) => { $(impl Enc for $t {
        fn cf(&self) -> String { format!("{{\"int\":\"{}\"}}", self) }
    })* } }
    ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
    impl Enc for f64 {
        fn cf(&self) -> String {
            if self.is_nan() { return "{\"float\":\"nan\"}".into(); }
            if self.is_infinite() {
                return if *self > 0.0 { "{\"float\":\"inf\"}" } else { "{\"float\":\"-inf\"}" }
                    .into();
            }
            format!("{{\"float\":\"{:?}\"}}", self)
        }
    }
    impl Enc for f32 { fn cf(&self) -> String { (*self as f64).cf() } }
    impl Enc for bool { fn cf(&self) -> String { if *self { "true" } else { "false" }.into() } }
    impl Enc for String { fn cf(&self) -> String { quote(self) } }
    impl Enc for str { fn cf(&self) -> String { quote(self) } }
    impl Enc for char { fn cf(&self) -> String { quote(&self.to_string()) } }
    impl<T: Enc + ?Sized> Enc for &T { fn cf(&self) -> String { (**self).cf() } }
    impl<T: Enc + ?Sized> Enc for Box<T> { fn cf(&self) -> String { (**self).cf() } }
    fn list<'a, T: Enc + 'a>(items: impl Iterator<Item = &'a T>) -> String {
        format!("[{}]", items.map(|x| x.cf()).collect::<Vec<_>>().join(","))
    }
    impl<T: Enc> Enc for Vec<T> { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> Enc for [T] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc, const N: usize> Enc for [T; N] { fn cf(&self) -> String { list(self.iter()) } }
    impl<T: Enc> Enc for std::collections::VecDeque<T> {
        fn cf(&self) -> String { list(self.iter()) }
    }
    impl<T: Enc> Enc for Option<T> {
        fn cf(&self) -> String { match self { Some(x) => x.cf(), None => "null".into() } }
    }
    fn dict<'a, K: Enc + 'a, V: Enc + 'a>(items: impl Iterator<Item = (&'a K, &'a V)>) -> String {
        let parts: Vec<String> = items.map(|(k, v)| format!("[{},{}]", k.cf(), v.cf())).collect();
        format!("{{\"dict\":[{}]}}", parts.join(","))
    }
    impl<K: Enc, V: Enc, S> Enc for std::collections::HashMap<K, V, S> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<K: Enc, V: Enc> Enc for std::collections::BTreeMap<K, V> {
        fn cf(&self) -> String { dict(self.iter()) }
    }
    impl<T: Enc, S> Enc for std::collections::HashSet<T, S> {
        fn cf(&self) -> String { format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl<T: Enc> Enc for std::collections::BTreeSet<T> {
        fn cf(&self) -> String { format!("{{\"set\":{}}}", list(self.iter())) }
    }
    impl Enc for () { fn cf(&self) -> String { "null".into() } }
    macro_rules! tuples { ($(($($n:tt $t:ident),+)),*) => { $(impl<$($t: Enc),+> Enc for ($($t,)+) {
        fn cf(&self) -> String {
            format!("{{\"tuple\":[{}]}}", vec![$(self.$n.cf()),+].join(","))
        }
    })* } }
    tuples!((0 A), (0 A, 1 B), (0 A, 1 B, 2 C), (0 A, 1 B, 2 C, 3 D), (0 A, 1 B, 2 C, 3 D, 4 E));
    pub fn write(s: &str) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(s.as_bytes());
        let _ = out.flush();
    }
    pub fn panic_text(e: &(dyn std::any::Any + Send)) -> String {
        if let Some(s) = e.downcast_ref::<&str>() { return s.to_string(); }
        if let Some(s) = e.downcast_ref::<String>() { return s.clone(); }
        "panic".into()
    }
}
"""
_CASE = """    {
        let result = std::panic::catch_unwind(|| {
__CF_ARGS__
            let r = __CF_ENTRY__(__CF_NAMES__);
            cf::Enc::cf(&r)
        });
        let line = match result {
            Ok(value) => format!("{{\\"id\\":__CF_ID__,\\"ok\\":true,\\"value\\":{}}}", value),
            Err(e) => format!("{{\\"id\\":__CF_ID__,\\"ok\\":false,\\"error\\":{}}}",
                              cf::quote(&cf::panic_text(&*e))),
        };
        cf::write(&format!("\\n__CF_PREFIX__ {}\\n", line));
        n += 1;
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

    def strip_candidate(self, candidate: str) -> str:
        # The harness owns main(); the model's own main() is kept under another name.
        return re.sub(r"\bfn\s+main\s*\(\s*\)", "fn cf_candidate_main()", candidate.strip())

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
                            f"            let a{i}: {self.type_name(kinds[i])} = "
                            f"{self.typed_literal(a, kinds[i])};"
                            for i, a in enumerate(args)
                        ),
                        "__CF_ENTRY__": entry_point,
                        "__CF_NAMES__": ", ".join(f"a{i}" for i in range(len(args))),
                        "__CF_PREFIX__": f"{MARKER} {nonce}",
                    },
                )
            )
        main = (
            "fn main() {\n    std::panic::set_hook(Box::new(|_| {}));\n    let mut n = 0;\n"
            + "".join(blocks)
            + f'    cf::write(&format!("\\n{MARKER} {nonce} DONE {{}}\\n", n));\n}}\n'
        )
        return self.strip_candidate(candidate) + "\n" + _SERIALIZER + main


def rust_string(text: str) -> str:
    """A Rust string literal in plain ASCII: `"` and `\\` escaped, the rest as \\u{...}."""
    return ascii_literal(map(ord, text), '"\\', lambda c: f"\\u{{{c:x}}}")
