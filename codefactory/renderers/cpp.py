"""C++17: typed input literals, an overloaded output serializer and the driver program.

Types come from the values: each parameter's type unifies the types of that argument over all
cases (`codefactory/core/value_types.py`), so a function declared with the signature the prompt
asked for accepts every call. Arguments are bound to locals first, so `T&` parameters compile too.
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import ClassVar

from codefactory.core.value_types import INT64, Type
from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import TypedRenderer, fill_template, signed, template

# Two translation units (sandboxes/cpp/cf-build builds them): the candidate's, and the harness's
# (main.cpp), which no macro, inline definition or specialization of the candidate's reaches.
# After the candidate comes one shim per signature, `call<k><R>`, an explicit specialization of a
# template declared before the candidate, that calls the entry point and returns exactly what it
# returns; a marker `type<k><R>()` names R, and cf-build reads it off the object file for the
# harness. The shims' names carry a hash of the candidate, and every identifier in them is
# #undef'd first, so the candidate's macros cannot touch them either. Only values cross between
# the units.
_CANDIDATE_HEAD = template(__name__, "candidate_head.cpp")
_HARNESS = template(__name__, "main.cpp")
_CASE = """  {
__CF_ARGS__
    __CF_NS__::run_case(__CF_ID__, [&]() -> decltype(auto) {
      return __CF_NS__::call__CF_K__<CF_RETURN___CF_K__>(__CF_NAMES__);
    });
    ++n;
  }
"""
# Names the preprocessor will not #undef.
_NOT_MACROS = frozenset({"defined", "_Pragma", "__VA_ARGS__", "__VA_OPT__"})


class CppRenderer(TypedRenderer):
    language_name = "C++"
    parameter_form = "{type} {name}"
    signature_form = "{returns} {entry}({params})"
    # fmt: off
    type_forms: ClassVar[dict[str, str]] = {
        "int": "long long", "float": "double", "bool": "bool", "str": "std::string",
        "list": "std::vector<{0}>", "dict": "std::map<{0}, {1}>", "optional": "std::optional<{0}>",
    }
    # fmt: on

    def type_name(self, t: Type) -> str:
        if t.kind == "tuple":
            return f"std::tuple<{', '.join(self.type_name(a) for a in t.args)}>"
        return super().type_name(t)

    def optional_literal(self, value: Value, t: Type) -> str:
        inner = "" if value is None else self.typed_literal(value, t.args[0])
        return f"{self.type_name(t)}({inner})"

    def float_literal(self, number: float) -> str:
        if math.isinf(number):
            infinity = "std::numeric_limits<double>::infinity()"
            return infinity if number > 0 else f"(-{infinity})"
        return signed(repr(number))

    def int_literal(self, value: int) -> str:
        # -9223372036854775808LL is the negation of a literal too large for long long.
        return "(-9223372036854775807LL - 1)" if value == INT64[0] else signed(f"{value}LL")

    def string_literal(self, text: str) -> str:
        data = text.encode("utf-8")
        return f"std::string({cpp_bytes(data)}, {len(data)})"

    def list_literal(self, t: Type, items: list[str]) -> str:
        return self.type_name(t) + "{" + ", ".join(items) + "}"

    def tuple_literal(self, t: Type, items: list[str]) -> str:
        return self.type_name(t) + "(" + ", ".join(items) + ")"

    def dict_literal(self, t: Type, pairs: list[tuple[str, str]]) -> str:
        return self.type_name(t) + "{" + ", ".join(f"{{{k}, {v}}}" for k, v in pairs) + "}"

    def strip_candidate(self, candidate: str) -> str:
        # The harness owns main(); a main() the model wrote is kept but renamed, so that
        # whatever it used still compiles.
        return re.sub(r"\b(int|signed)\s+main\s*\(", r"\1 cf_candidate_main(", candidate.strip())

    def argument(self, i: int, value: Value, t: Type) -> str:
        return f"    auto a{i} = {self.typed_literal(value, t)};"

    def assemble(
        self, code: str, entry_point: str, cases: list[TypedRenderer.Case]
    ) -> dict[str, str]:
        # Names the candidate cannot predefine (they would have to contain its own hash); the
        # nonce (unused here) arrives on stdin.
        tag = hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        ns = f"cf_{tag}"
        signatures: dict[tuple[str, ...], int] = {}  # parameter types -> shim number
        blocks = []
        for case in cases:
            params = tuple(self.type_name(t) for t in case.types)
            k = signatures.setdefault(params, len(signatures))
            blocks.append(
                fill_template(_CASE, {**case.fields, "__CF_NS__": ns, "__CF_K__": str(k)})
            )
        decls, shims = [], []
        for params, k in signatures.items():
            refs = ", ".join(f"{p}&" for p in params)
            decls.append(
                f"template <class R> R call{k}({refs});\ntemplate <class R> void type{k}();\n"
            )
            r = f"{ns}_r{k}"
            lvals = ", ".join(f"{ns}::lval<{p}>()" for p in params)
            named = ", ".join(f"{p}& a{i}" for i, p in enumerate(params))
            names = ", ".join(f"a{i}" for i in range(len(params)))
            shims.append(
                f"using {r} = decltype(({entry_point})({lvals}));\n"
                f"template <> {r} {ns}::call{k}<{r}>({named}) {{\n"
                f"  return ({entry_point})({names});\n}}\n"
                f"template <> void {ns}::type{k}<{r}>() {{}}\n"
            )
        tail = "".join(shims)
        undefs = "".join(
            f"#undef {name}\n"
            for name in sorted(set(re.findall(r"\b[A-Za-z_]\w*", tail)) - _NOT_MACROS)
        )
        head = fill_template(_CANDIDATE_HEAD, {"__CF_NS__": ns, "__CF_DECLS__": "".join(decls)})
        harness = fill_template(
            _HARNESS,
            {
                "__CF_TAG__": tag,
                "__CF_NS__": ns,
                "__CF_DECLS__": "".join(decls),
                "__CF_MARKER__": MARKER,
                "__CF_CASES__": "".join(blocks),
            },
        )
        # A blank line ends a trailing backslash-newline of the candidate's; `;` ends any
        # declaration it left open.
        candidate_unit = head + code + "\n\n;\n" + undefs + tail
        return {"main.cpp": harness, "candidate.cpp": candidate_unit}


def cpp_bytes(data: bytes) -> str:
    """A C++ string literal of exactly these bytes: printable ASCII as is (but `"`, `\\` and `?`,
    which could start a trigraph), everything else as three-digit octal escapes."""
    out = ['"']
    for byte in data:
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in '"\\?':
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    out.append('"')
    return "".join(out)
