"""Go: typed input literals, a reflection-based serializer, and the harness as a file of its own
(Go wants imports before declarations, so it cannot follow the candidate in one file)."""

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

# Every import is used at least once (`var _`), or Go refuses to build.
_HARNESS = r"""package main

import (
	cfbase64 "encoding/base64"
	cfjson "encoding/json"
	cffmt "fmt"
	cfmath "math"
	cfos "os"
	cfreflect "reflect"
	cfstrconv "strconv"
	cfutf8 "unicode/utf8"
)

var _ = cfmath.Inf
var cfOut = cfos.NewFile(1, "stdout")

func cfWrite(s string) {
	b := []byte(s)
	for len(b) > 0 {
		n, err := cfOut.Write(b)
		if err != nil {
			return
		}
		b = b[n:]
	}
}

func cfStr(s string) string {
	out, _ := cfjson.Marshal(s)
	return string(out)
}

func cfEnc(v cfreflect.Value) string {
	if !v.IsValid() {
		return "null"
	}
	switch v.Kind() {
	case cfreflect.Bool:
		if v.Bool() {
			return "true"
		}
		return "false"
	case cfreflect.Int, cfreflect.Int8, cfreflect.Int16, cfreflect.Int32, cfreflect.Int64:
		return `{"int":"` + cfstrconv.FormatInt(v.Int(), 10) + `"}`
	case cfreflect.Uint, cfreflect.Uint8, cfreflect.Uint16, cfreflect.Uint32, cfreflect.Uint64:
		return `{"int":"` + cfstrconv.FormatUint(v.Uint(), 10) + `"}`
	case cfreflect.Float32, cfreflect.Float64:
		f := v.Float()
		if cfmath.IsNaN(f) {
			return `{"float":"nan"}`
		}
		if cfmath.IsInf(f, 1) {
			return `{"float":"inf"}`
		}
		if cfmath.IsInf(f, -1) {
			return `{"float":"-inf"}`
		}
		return `{"float":"` + cfstrconv.FormatFloat(f, 'g', -1, 64) + `"}`
	case cfreflect.String:
		s := v.String()
		if !cfutf8.ValidString(s) {
			return `{"bytes":"` + cfbase64.StdEncoding.EncodeToString([]byte(s)) + `"}`
		}
		return cfStr(s)
	case cfreflect.Slice, cfreflect.Array:
		out := "["
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				out += ","
			}
			out += cfEnc(v.Index(i))
		}
		return out + "]"
	case cfreflect.Map:
		out := `{"dict":[`
		iter := v.MapRange()
		first := true
		for iter.Next() {
			if !first {
				out += ","
			}
			first = false
			out += "[" + cfEnc(iter.Key()) + "," + cfEnc(iter.Value()) + "]"
		}
		return out + "]}"
	case cfreflect.Ptr, cfreflect.Interface:
		if v.IsNil() {
			return "null"
		}
		return cfEnc(v.Elem())
	}
	return `{"unsupported":` + cfStr(v.Type().String()) + `}`
}

func cfCase(id int, call func() interface{}) (line string) {
	defer func() {
		if r := recover(); r != nil {
			why := cfStr(cffmt.Sprint(r))
			line = `{"id":` + cfstrconv.Itoa(id) + `,"ok":false,"error":` + why + `}`
		}
	}()
	value := call()
	encoded := cfEnc(cfreflect.ValueOf(value))
	return `{"id":` + cfstrconv.Itoa(id) + `,"ok":true,"value":` + encoded + `}`
}

func main() {
	n := 0
__CF_CALLS__
	cfWrite("\n__CF_PREFIX__ DONE " + cfstrconv.Itoa(n) + "\n")
}
"""
_CALL = """	cfWrite("\\n__CF_PREFIX__ " + cfCase(__CF_ID__, func() interface{} {
__CF_ARGS__
		return __CF_ENTRY__(__CF_NAMES__)
	}) + "\\n")
	n++
"""


class GoRenderer(TypedRenderer):
    language_name = "Go"

    def type_name(self, t: Type) -> str:
        simple = {"int": "int", "float": "float64", "bool": "bool", "str": "string", "never": "int"}
        if t.kind in simple:
            return simple[t.kind]
        if t.kind in ("list", "tuple"):  # a homogeneous tuple is a slice of its element type
            return "[]" + self.type_name(element_type(t))
        if t.kind == "dict":
            return f"map[{self.type_name(t.args[0])}]{self.type_name(t.args[1])}"
        if t.kind == "optional":  # a pointer: nil is None
            return "*" + self.type_name(t.args[0])
        raise Untypable(f"{t} has no Go type")

    def signature_hint(self, entry_point: str, signature: Signature) -> str:
        params = ", ".join(
            f"{name} {self.type_name(t)}"
            for name, t in zip(signature.names, signature.params, strict=True)
        )
        return f"func {entry_point}({params}) {self.type_name(signature.returns)}"

    def typed_literal(self, value: Value, t: Type) -> str:
        if t.kind == "optional":
            name = self.type_name(t)
            if value is None:
                return f"({name})(nil)"
            inner = self.typed_literal(value, t.args[0])
            return f"func() {name} {{ v := {self.type_name(t.args[0])}({inner}); return &v }}()"
        if isinstance(value, bool):
            return "true" if value else "false"
        if t.kind == "float":
            number = float(value)
            if math.isinf(number):
                return f"cfmath.Inf({1 if number > 0 else -1})"
            if number == 0 and math.copysign(1, number) < 0:
                return "cfmath.Copysign(0, -1)"
            return f"float64({number!r})"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return go_string(value)
        name = self.type_name(t)
        if isinstance(value, list | tuple):
            elem = element_type(t)
            return name + "{" + ", ".join(self.typed_literal(v, elem) for v in value) + "}"
        if isinstance(value, dict):
            return (
                name
                + "{"
                + ", ".join(
                    f"{self.typed_literal(k, t.args[0])}: {self.typed_literal(v, t.args[1])}"
                    for k, v in value.items()
                )
                + "}"
            )
        raise Untypable(f"no Go literal for {value!r}")

    def strip_candidate(self, candidate: str) -> str:
        code = re.sub(r"^\s*package\s+\w+\s*", "", candidate.strip())
        # The harness owns main(); the model's own main() is kept, renamed, so that the imports
        # it used stay used.
        code = re.sub(r"\bfunc\s+main\s*\(\s*\)", "func cfCandidateMain()", code)
        return "package main\n\n" + code

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> dict[str, str]:
        calls = []
        for (case_id, args), kinds in zip(cases, self.case_types(cases), strict=True):
            calls.append(
                fill_template(
                    _CALL,
                    {
                        "__CF_ID__": str(case_id),
                        "__CF_ARGS__": "\n".join(
                            f"\t\ta{i} := {self.typed_literal(a, kinds[i])}"
                            for i, a in enumerate(args)
                        ),
                        "__CF_ENTRY__": entry_point,
                        "__CF_NAMES__": ", ".join(f"a{i}" for i in range(len(args))),
                        "__CF_PREFIX__": f"{MARKER} {nonce}",
                    },
                )
            )
        harness = fill_template(
            _HARNESS, {"__CF_CALLS__": "".join(calls), "__CF_PREFIX__": f"{MARKER} {nonce}"}
        )
        return {"main.go": self.strip_candidate(candidate), "harness.go": harness}


def go_string(text: str) -> str:
    """A Go interpreted string literal in plain ASCII: `"` and `\\` escaped, other bytes \\xHH."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\x{b:02x}")
