"""Java: typed (boxed) input literals, a serializer over the boxed types and collections, and a
driver that finds the entry point by reflection among the candidate's classes."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from codefactory.core.value_types import (
    Signature,
    Type,
    Untypable,
    element_type,
)
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, ascii_literal, fill_template

INT64_MIN = -(2**63)
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
_HARNESS = r"""package cf;

public final class Main {
    private Main() {
    }

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

    // The JDK class a value's class stands for: itself, or the first JDK class above it when
    // every class in between declares no method (`new ArrayList<>() {{ add(x); }}`); else null.
    static Class<?> jdkClass(Class<?> c) {
        while (c != null && c.getClassLoader() != null) {
            if (c.getDeclaredMethods().length > 0) return null;
            c = c.getSuperclass();
        }
        return c;
    }

    // JDK collections whose iteration runs only JDK code (views and wrappers that delegate to
    // another collection, which could be the candidate's, are not among them).
    static String kind(Class<?> c) {
        if (c == null) return "";
        switch (c.getName()) {
            case "java.util.ArrayList": case "java.util.LinkedList": case "java.util.Vector":
            case "java.util.Stack": case "java.util.ArrayDeque": case "java.util.PriorityQueue":
            case "java.util.Arrays$ArrayList": case "java.util.ArrayList$SubList":
            case "java.util.Collections$EmptyList": case "java.util.Collections$SingletonList":
            case "java.util.Collections$CopiesList":
            case "java.util.ImmutableCollections$List12":
            case "java.util.ImmutableCollections$ListN":
            case "java.util.ImmutableCollections$SubList":
            case "java.util.concurrent.CopyOnWriteArrayList": case "java.util.HashMap$Values":
            case "java.util.LinkedHashMap$LinkedValues": case "java.util.TreeMap$Values":
                return "list";
            case "java.util.HashSet": case "java.util.LinkedHashSet": case "java.util.TreeSet":
            case "java.util.Collections$EmptySet": case "java.util.Collections$SingletonSet":
            case "java.util.ImmutableCollections$Set12": case "java.util.ImmutableCollections$SetN":
            case "java.util.HashMap$KeySet": case "java.util.LinkedHashMap$LinkedKeySet":
            case "java.util.TreeMap$KeySet":
                return "set";
            case "java.util.HashMap": case "java.util.LinkedHashMap": case "java.util.TreeMap":
            case "java.util.Hashtable": case "java.util.concurrent.ConcurrentHashMap":
            case "java.util.Collections$EmptyMap": case "java.util.Collections$SingletonMap":
            case "java.util.ImmutableCollections$Map1": case "java.util.ImmutableCollections$MapN":
                return "map";
            default:
                return "";
        }
    }

    static String enc(Object v) {
        if (v == null) return "null";
        Class<?> c = v.getClass();
        if (c == Boolean.class) return ((Boolean) v).booleanValue() ? "true" : "false";
        if (c == Long.class || c == Integer.class || c == Short.class || c == Byte.class) {
            return "{\"int\":\"" + ((Number) v).longValue() + "\"}";
        }
        if (c == java.math.BigInteger.class) return "{\"int\":\"" + v.toString() + "\"}";
        if (c == Double.class || c == Float.class) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) return "{\"float\":\"nan\"}";
            if (Double.isInfinite(d)) return d > 0 ? "{\"float\":\"inf\"}" : "{\"float\":\"-inf\"}";
            return "{\"float\":\"" + Double.toString(d) + "\"}";
        }
        if (c == Character.class) return str(String.valueOf(((Character) v).charValue()));
        if (c == String.class) return str((String) v);
        if (c == StringBuilder.class || c == StringBuffer.class) return str(v.toString());
        if (c.isArray()) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) {
                if (i > 0) b.append(',');
                b.append(enc(java.lang.reflect.Array.get(v, i)));
            }
            return b.append(']').toString();
        }
        switch (kind(jdkClass(c))) {
            case "list":
                return seq((java.util.Collection<?>) v);
            case "set":
                return "{\"set\":" + seq((java.util.Collection<?>) v) + "}";
            case "map": {
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
            default:
                return "{\"unsupported\":" + str(c.getName()) + "}";
        }
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

    // An exception's text; a class of the candidate's is named, its toString() not called.
    static String why(Throwable e) {
        if (e.getClass().getClassLoader() != null) return e.getClass().getName();
        return String.valueOf(e);
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
            try {
                c = Class.forName("__CF_PACKAGE__." + cls);
            } catch (ClassNotFoundException e) {
                continue;
            }
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

    static void fail(String why) {
        try {
            new java.io.FileOutputStream(java.io.FileDescriptor.err)
                .write(("cf harness: " + why + "\n").getBytes());
        } catch (java.io.IOException e) {
            // the exit status says it
        }
        Runtime.getRuntime().halt(3);
    }

    static String target(java.nio.file.Path link) {
        try {
            return java.nio.file.Files.readSymbolicLink(link).toString();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    // One record line, `\n<marker> <nonce> <text>\n`, after checking that the descriptor still
    // names the file it did (closing it for a pipe to take its number changes the link). The
    // JVM stays dumpable (Java cannot change that), so the candidate could read this process's
    // memory through /proc/self/mem: the nonce is kept masked, and is plain only in a direct
    // buffer (which no JDK call copies) for the time of the write.
    static void write(java.nio.channels.FileChannel out, java.nio.file.Path link, String file,
            byte[] key, byte[] masked, String text) {
        if (!target(link).equals(file)) fail("the output descriptor was replaced");
        byte[] head = "\n__CF_MARKER__ ".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] body = (" " + text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(
            head.length + masked.length + body.length);
        b.put(head);
        for (int i = 0; i < masked.length; i++) b.put((byte) (masked[i] ^ key[i]));
        b.put(body).flip();
        try {
            while (b.hasRemaining()) out.write(b);
        } catch (java.io.IOException e) {
            fail("writing a record: " + e);
        } finally {
            for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) 0);
        }
    }

    public static void main(String[] argv) {
        // The run's nonce: stdin's first line, read before any candidate class is initialised
        // (it is in no file of the program), straight into a direct buffer.
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocateDirect(4096);
        try {
            java.nio.channels.FileChannel stdin =
                new java.io.FileInputStream(java.io.FileDescriptor.in).getChannel();
            while (in.hasRemaining() && stdin.read(in) > 0) {
                // until end of file
            }
        } catch (java.io.IOException e) {
            fail("reading the nonce: " + e);
        }
        int length = 0;
        while (length < in.position() && in.get(length) != '\n' && in.get(length) != '\r') {
            length++;
        }
        if (length == 0) fail("no run nonce on stdin");
        byte[] key = new byte[length];
        byte[] masked = new byte[length];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
        for (int i = 0; i < length; i++) masked[i] = (byte) (in.get(i) ^ key[i]);
        for (int i = 0; i < in.capacity(); i++) in.put(i, (byte) 0);
        // A descriptor of the harness's own for stdout (System.out and FileDescriptor.out are
        // the candidate's to replace), and its /proc link.
        java.nio.channels.FileChannel out = null;
        java.nio.file.Path fds = java.nio.file.Path.of("/proc/self/fd");
        String file = target(fds.resolve("1"));
        java.nio.file.Path link = null;
        try {
            out = new java.io.FileOutputStream("/proc/self/fd/1", true).getChannel();
            try (java.nio.file.DirectoryStream<java.nio.file.Path> all =
                    java.nio.file.Files.newDirectoryStream(fds)) {
                for (java.nio.file.Path fd : all) {
                    int number = Integer.parseInt(fd.getFileName().toString());
                    if (number > 2 && target(fd).equals(file)) {
                        if (link != null) fail("two descriptors for stdout");
                        link = fd;
                    }
                }
            }
        } catch (java.io.IOException e) {
            fail("cannot open stdout anew: " + e);
        }
        if (link == null || file.isEmpty()) fail("cannot find the output descriptor");
        int n = 0;
__CF_CALLS__
        write(out, link, file, key, masked, "DONE " + n);
        // Now: neither the candidate's threads nor its shutdown hooks get to run after DONE.
        Runtime.getRuntime().halt(0);
    }
}
"""
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
        # The driver gives the candidate its package; its own clause would be a second one.
        code = _PACKAGE_CLAUSE.sub("", candidate).strip()
        if not _CLASS.search(code):  # bare methods: give them a class
            body = _IMPORT.sub("", code).strip()
            imports = "\n".join(m.group(0).strip() for m in _IMPORT.finditer(code))
            code = f"{imports}\n\nclass Solution {{\n{body}\n}}"
        return _PUBLIC_TYPE.sub(r"\1", code)

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> dict[str, str]:
        # The nonce is not used: it arrives on stdin, read by main() before the candidate runs.
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
                    },
                )
            )
        harness = fill_template(
            _HARNESS,
            {
                "__CF_CALLS__": "".join(calls),
                "__CF_CLASSES__": classes,
                "__CF_PACKAGE__": _PACKAGE,
                "__CF_MARKER__": MARKER,
            },
        )
        solution = f"package {_PACKAGE};\n\nimport java.util.*;\n{imports}\n{body}\n"
        return {"Main.java": harness, "Solution.java": solution}


def java_string(text: str) -> str:
    """A Java literal in plain ASCII. Control characters as octal escapes (a \\u000a escape
    would become a real line break before the lexer sees the string); non-ASCII as UTF-16
    \\uXXXX units."""
    units = (int(unit, 16) for unit in text.encode("utf-16-be").hex(" ", 2).split())
    return ascii_literal(units, '"\\', lambda c: f"\\{c:03o}" if c < 0x80 else f"\\u{c:04x}")
