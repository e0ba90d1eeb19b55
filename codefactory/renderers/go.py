"""Go: typed input literals, a reflection-based serializer, and the candidate in a package of its
own: the harness (package main) imports it and calls one function per case."""

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

# The candidate is a package of its own (cf/cand, beside cf/out and the harness's package main),
# so no name it declares or shadows at package scope (len, fmt, helper names) reaches the harness.
# cf/out takes the nonce and the output descriptor: cf/cand imports it, so it is initialised
# before any of the candidate's code runs (Go initialises a package's imports first, main's own
# variables last).
_OUT = r"""// Package out takes what the harness needs before the candidate's package (which imports
// it) runs any code: the run's nonce from stdin, a duplicate of descriptor 1 and the identity of
// its file.
package out

import (
	"runtime"
	"syscall"
)

var fd, dev, ino = -1, uint64(0), uint64(0)
var nonce string

func init() {
	// Not dumpable: /proc/self/mem (and ptrace from a child) is closed to the candidate, which
	// cannot undo it without the syscall package (the run command refuses that import).
	syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_DUMPABLE, 0, 0)
	// The nonce is stdin's first line (then end of file); it is in no file of the program.
	var in []byte
	buf := make([]byte, 512)
	for len(in) < 4096 {
		n, err := syscall.Read(0, buf)
		if err == syscall.EINTR {
			continue
		}
		if n <= 0 || err != nil {
			break
		}
		in = append(in, buf[:n]...)
	}
	for i, c := range in {
		if c == '\n' || c == '\r' {
			in = in[:i]
			break
		}
	}
	nonce = string(in)
	d, err := syscall.Dup(1)
	if err != nil {
		return
	}
	var st syscall.Stat_t
	if syscall.Fstat(d, &st) != nil {
		return
	}
	syscall.CloseOnExec(d)
	fd, dev, ino = d, uint64(st.Dev), uint64(st.Ino)
}

// Take hands the nonce and the descriptor to the harness's main, once; any other caller (no
// function of the candidate's is called main.main) gets nothing.
//
//go:noinline
func Take() (string, int, uint64, uint64) {
	pc, _, _, ok := runtime.Caller(1)
	if f := runtime.FuncForPC(pc); !ok || f == nil || f.Name() != "main.main" || fd < 0 {
		return "", -1, 0, 0
	}
	d := fd
	fd = -1
	return nonce, d, dev, ino
}
"""
# One function per case in the candidate's package: it calls the entry point (unexported, maybe
# generic) and passes back only the returned value.
_CASES = """package cand

import (
	_ "cf/out" // initialised before this package: the harness's output is taken first
	cfmath "math"
)

var _ = cfmath.Inf

const CfCases = __CF_COUNT__
__CF_FUNCS__"""
_CASE = """
func CfCase__CF_INDEX__() interface{} {
__CF_ARGS__
	return __CF_ENTRY__(__CF_NAMES__)
}
"""
# The serializer walks the value by reflection and never calls a method the value's type
# declares (String, Error, MarshalJSON...); records go to the captured descriptor, checked to be
# the same file before every write (a descriptor put in its place stops the run).
_HARNESS = r"""package main

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"syscall"
	"time"
	"unicode/utf8"

	"cf/cand"
	"cf/out"
)

var _ = cand.CfCases

// Made here: base64.StdEncoding is a variable the candidate could reassign.
var b64 = base64.NewEncoding("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

type sink struct {
	fd       int
	dev, ino uint64
}

func fail(why string) {
	syscall.Write(2, []byte("cf harness: "+why+"\n"))
	syscall.Exit(3)
}

func (s sink) write(text string) {
	var st syscall.Stat_t
	if syscall.Fstat(s.fd, &st) != nil || uint64(st.Dev) != s.dev || uint64(st.Ino) != s.ino {
		fail("the output descriptor was replaced")
	}
	b := []byte(text)
	for len(b) > 0 {
		n, err := syscall.Write(s.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			time.Sleep(time.Millisecond)
			continue
		}
		if err != nil || n <= 0 {
			fail("the output descriptor refused a record")
		}
		b = b[n:]
	}
}

func str(s string) string {
	out, _ := json.Marshal(s)
	return string(out)
}

func enc(v reflect.Value) string {
	if !v.IsValid() {
		return "null"
	}
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return "true"
		}
		return "false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return `{"int":"` + strconv.FormatInt(v.Int(), 10) + `"}`
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return `{"int":"` + strconv.FormatUint(v.Uint(), 10) + `"}`
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) {
			return `{"float":"nan"}`
		}
		if math.IsInf(f, 1) {
			return `{"float":"inf"}`
		}
		if math.IsInf(f, -1) {
			return `{"float":"-inf"}`
		}
		return `{"float":"` + strconv.FormatFloat(f, 'g', -1, 64) + `"}`
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			return `{"bytes":"` + b64.EncodeToString([]byte(s)) + `"}`
		}
		return str(s)
	case reflect.Slice, reflect.Array:
		out := "["
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				out += ","
			}
			out += enc(v.Index(i))
		}
		return out + "]"
	case reflect.Map:
		out := `{"dict":[`
		iter := v.MapRange()
		first := true
		for iter.Next() {
			if !first {
				out += ","
			}
			first = false
			out += "[" + enc(iter.Key()) + "," + enc(iter.Value()) + "]"
		}
		return out + "]}"
	case reflect.Ptr, reflect.Interface:
		if v.IsNil() {
			return "null"
		}
		return enc(v.Elem())
	}
	return `{"unsupported":` + str(v.Type().String()) + `}`
}

// A panic's text, calling Error() only on the standard library's own error types (the
// candidate's could say anything; the record is a failure either way).
func panicText(r interface{}) string {
	if s, ok := r.(string); ok {
		return s
	}
	if r == nil {
		return "panic(nil)"
	}
	t := reflect.TypeOf(r)
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	switch t.PkgPath() {
	case "runtime", "errors", "fmt", "strconv":
		if e, ok := r.(error); ok {
			return e.Error()
		}
	}
	return "panic: " + reflect.TypeOf(r).String()
}

func record(id int, call func() interface{}) (line string) {
	returned := false
	defer func() {
		if !returned {
			why := str(panicText(recover()))
			line = `{"id":` + strconv.Itoa(id) + `,"ok":false,"error":` + why + `}`
		}
	}()
	value := call()
	returned = true
	return `{"id":` + strconv.Itoa(id) + `,"ok":true,"value":` + enc(reflect.ValueOf(value)) + `}`
}

func main() {
	nonce, fd, dev, ino := out.Take()
	if fd < 0 {
		fail("no output descriptor")
	}
	if nonce == "" {
		fail("no run nonce on stdin")
	}
	s := sink{fd, dev, ino}
	prefix := "\n__CF_MARKER__ " + nonce + " "
	n := 0
__CF_CALLS__
	s.write(prefix + "DONE " + strconv.Itoa(n) + "\n")
}
"""
_CALL = """	s.write(prefix + record(__CF_ID__, cand.CfCase__CF_INDEX__) + "\\n")
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
        # The candidate's own package (main() is an ordinary function there, its imports used).
        code = re.sub(r"^\s*package\s+\w+\s*", "", candidate.strip())
        return "package cand\n\n" + code

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> dict[str, str]:
        # The nonce is not used: it arrives on stdin, read by cf/out before the candidate runs.
        funcs, calls = [], []
        for index, ((case_id, args), kinds) in enumerate(
            zip(cases, self.case_types(cases), strict=True)
        ):
            funcs.append(
                fill_template(
                    _CASE,
                    {
                        "__CF_INDEX__": str(index),
                        "__CF_ARGS__": "\n".join(
                            f"\ta{i} := {self.typed_literal(a, kinds[i])}"
                            for i, a in enumerate(args)
                        ),
                        "__CF_ENTRY__": entry_point,
                        "__CF_NAMES__": ", ".join(f"a{i}" for i in range(len(args))),
                    },
                )
            )
            calls.append(
                fill_template(
                    _CALL,
                    {"__CF_ID__": str(case_id), "__CF_INDEX__": str(index)},
                )
            )
        thunks = fill_template(
            _CASES, {"__CF_COUNT__": str(len(funcs)), "__CF_FUNCS__": "".join(funcs)}
        )
        harness = fill_template(_HARNESS, {"__CF_CALLS__": "".join(calls), "__CF_MARKER__": MARKER})
        # Flat names (the sandbox's /work has no folders); the run command lays out the packages.
        return {
            "main.go": harness,
            "cand.go": self.strip_candidate(candidate),
            "cand_cases.go": thunks,
            "out.go": _OUT,
        }


def go_string(text: str) -> str:
    """A Go interpreted string literal in plain ASCII: `"` and `\\` escaped, other bytes \\xHH."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\x{b:02x}")
