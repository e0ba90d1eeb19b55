"""Java: typed (boxed) input literals, a serializer over the boxed types and collections, and a
driver that finds the entry point by reflection among the candidate's classes."""

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
    element_type,
)
from codefactory.values import Value

INT64_MIN = -(2**63)
_IMPORT = re.compile(r"^\s*import\s+[\w.*\s]+;\s*$", re.MULTILINE)
_CLASS = re.compile(
    r"^(?:public\s+|final\s+|abstract\s+)*(?:class|enum|record)\s+(\w+)", re.MULTILINE
)

# The harness class comes first: the source launcher runs the first class's main().
_HARNESS = r"""
public class Main {
    static final java.io.PrintStream OUT = new java.io.PrintStream(
        new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        java.nio.charset.StandardCharsets.UTF_8);

    static String str(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') b.append("\\\"");
            else if (c == '\\') b.append("\\\\");
            else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else b.append(c);
        }
        return b.append('"').toString();
    }

    static String enc(Object v) {
        if (v == null) return "null";
        if (v instanceof Boolean) return ((Boolean) v) ? "true" : "false";
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof java.math.BigInteger) return "{\"int\":\"" + v + "\"}";
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) return "{\"float\":\"nan\"}";
            if (Double.isInfinite(d)) return d > 0 ? "{\"float\":\"inf\"}" : "{\"float\":\"-inf\"}";
            return "{\"float\":\"" + Double.toString(d) + "\"}";
        }
        if (v instanceof Character) return str(String.valueOf(v));
        if (v instanceof CharSequence) return str(v.toString());
        if (v instanceof java.util.Set) return "{\"set\":" + seq((java.util.Collection<?>) v) + "}";
        if (v instanceof java.util.Collection) return seq((java.util.Collection<?>) v);
        if (v instanceof java.util.Map) {
            StringBuilder b = new StringBuilder("{\"dict\":[");
            boolean first = true;
            for (java.util.Map.Entry<?, ?> e : ((java.util.Map<?, ?>) v).entrySet()) {
                if (!first) b.append(',');
                first = false;
                b.append('[').append(enc(e.getKey())).append(',').append(enc(e.getValue()));
                b.append(']');
            }
            return b.append("]}").toString();
        }
        if (v.getClass().isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                items.add(java.lang.reflect.Array.get(v, i));
            }
            return seq(items);
        }
        return "{\"unsupported\":" + str(v.getClass().getName()) + "}";
    }

    static String seq(java.util.Collection<?> items) {
        StringBuilder b = new StringBuilder("[");
        boolean first = true;
        for (Object x : items) {
            if (!first) b.append(',');
            first = false;
            b.append(enc(x));
        }
        return b.append(']').toString();
    }

    static java.util.List<Object> list(Object... xs) {
        return new java.util.ArrayList<>(java.util.Arrays.asList(xs));
    }

    static java.util.Map<Object, Object> map(Object... kv) {
        java.util.Map<Object, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    static Object call(String name, Object... args) throws Throwable {
        for (String cls : new String[] {__CF_CLASSES__}) {
            Class<?> c;
            try { c = Class.forName(cls); } catch (ClassNotFoundException e) { continue; }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (!m.getName().equals(name) || m.getParameterCount() != args.length) continue;
                m.setAccessible(true);
                Object self = null;
                if (!java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                    java.lang.reflect.Constructor<?> k = c.getDeclaredConstructor();
                    k.setAccessible(true);
                    self = k.newInstance();
                }
                try {
                    return m.invoke(self, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name + " with " + args.length + " parameters");
    }

    public static void main(String[] argv) {
        int n = 0;
__CF_CALLS__
        OUT.print("\n__CF_PREFIX__ DONE " + n + "\n");
        OUT.flush();
    }
}
"""
_CALL = """        {
            String line;
            try {
                line = "{\\"id\\":__CF_ID__,\\"ok\\":true,\\"value\\":"
                    + enc(call("__CF_ENTRY__"__CF_ARGS__)) + "}";
            } catch (Throwable e) {
                String why = str(String.valueOf(e));
                line = "{\\"id\\":__CF_ID__,\\"ok\\":false,\\"error\\":" + why + "}";
            }
            OUT.print("\\n__CF_PREFIX__ " + line + "\\n");
            OUT.flush();
            n++;
        }
"""


class JavaRenderer(TypedRenderer):
    language_name = "Java"

    def type_name(self, t: Type) -> str:
        simple = {
            "int": "long",
            "float": "double",
            "bool": "boolean",
            "str": "String",
            "never": "Long",
        }
        boxed = {"long": "Long", "double": "Double", "boolean": "Boolean"}
        if t.kind in simple:
            return simple[t.kind]
        args = [self.type_name(a) for a in t.args]
        args = [boxed.get(a, a) for a in args]
        if t.kind == "list":
            return f"List<{args[0]}>"
        if t.kind == "tuple":
            try:  # a homogeneous tuple is a list of its one element type
                return f"List<{boxed.get(elem := self.type_name(element_type(t)), elem)}>"
            except Untypable:
                return "List<Object>"
        if t.kind == "dict":
            return f"Map<{args[0]}, {args[1]}>"
        if t.kind == "optional":
            return args[0]  # a nullable boxed type
        raise Untypable(f"{t} has no Java type")

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        params = ", ".join(
            f"{self.type_name(t)} {name}"
            for name, t in zip(signature.names, signature.params, strict=True)
        )
        return (
            f"public static {self.type_name(signature.returns)} {entry_point}({params}) "
            "in a class Solution (java.util.* imported)"
        )

    def typed_literal(self, value: Value, t: Type) -> str:
        if value is None:
            return "null"
        if t.kind == "optional":
            t = t.args[0]
        if isinstance(value, bool):
            return "true" if value else "false"
        if t.kind == "float":
            number = float(value)
            if math.isinf(number):
                return "Double.POSITIVE_INFINITY" if number > 0 else "Double.NEGATIVE_INFINITY"
            return f"(double) ({number!r}d)"
        if isinstance(value, int):
            if value == INT64_MIN:
                return "Long.MIN_VALUE"
            return f"(long) ({value}L)"
        if isinstance(value, str):
            return java_string(value)
        if isinstance(value, list | tuple) and t.kind == "list":  # tuples used as sequences
            return "list(" + ", ".join(self.typed_literal(v, t.args[0]) for v in value) + ")"
        if isinstance(value, tuple):
            return (
                "list("
                + ", ".join(self.typed_literal(v, a) for v, a in zip(value, t.args, strict=True))
                + ")"
            )
        if isinstance(value, dict):
            return (
                "map("
                + ", ".join(
                    f"{self.typed_literal(k, t.args[0])}, {self.typed_literal(v, t.args[1])}"
                    for k, v in value.items()
                )
                + ")"
            )
        raise Untypable(f"no Java literal for {value!r}")

    def strip_candidate(self, candidate: str) -> str:
        code = candidate.strip()
        if not _CLASS.search(code):  # bare methods: give them a class
            body = _IMPORT.sub("", code).strip()
            imports = "\n".join(m.group(0).strip() for m in _IMPORT.finditer(code))
            code = f"{imports}\n\nclass Solution {{\n{body}\n}}"
        return code

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        code = self.strip_candidate(candidate)
        imports = "\n".join(m.group(0).strip() for m in _IMPORT.finditer(code))
        body = _IMPORT.sub("", code)
        classes = ", ".join(f'"{name}"' for name in _CLASS.findall(body)) or '"Solution"'
        calls = []
        for (case_id, args), kinds in zip(cases, self.case_types(cases), strict=True):
            calls.append(
                fill_template(
                    _CALL,
                    {
                        "__CF_ID__": str(case_id),
                        "__CF_ENTRY__": entry_point,
                        "__CF_ARGS__": "".join(
                            ", " + self.typed_literal(a, kinds[i]) for i, a in enumerate(args)
                        ),
                        "__CF_PREFIX__": f"{MARKER} {nonce}",
                    },
                )
            )
        harness = fill_template(
            _HARNESS,
            {
                "__CF_CALLS__": "".join(calls),
                "__CF_CLASSES__": classes,
                "__CF_PREFIX__": f"{MARKER} {nonce}",
            },
        )
        return "import java.util.*;\n" + imports + "\n" + harness + "\n" + body + "\n"


def java_string(text: str) -> str:
    """A Java literal in plain ASCII. Control characters as octal escapes (a \\u000a escape
    would become a real line break before the lexer sees the string); non-ASCII as UTF-16
    \\uXXXX units."""
    units = (int(unit, 16) for unit in text.encode("utf-16-be").hex(" ", 2).split())
    return ascii_literal(units, '"\\', lambda c: f"\\{c:03o}" if c < 0x80 else f"\\u{c:04x}")
