"""R: input literals, the output serializer and the driver program.

R has no scalars (a number is a length-one vector) and `c()` is NULL, so Python lists of plain
scalars become atomic vectors and everything else a `list()`; the host compares under the
`vectors` leniency (languages/r.toml). Python ints become R doubles, R's default number type:
exact to 2^53 where R's 32-bit integers would overflow on products of the augmented inputs.
"""

from __future__ import annotations

from codefactory.core.values import Value
from codefactory.renderers.base import ascii_literal, template
from codefactory.renderers.script import Scalars, ScriptRenderer

EXACT_DOUBLE_INT = 2**53

# The harness is main.R; the candidate is candidate.R (docs/architecture.md §5.5). R lets code reach
# whatever it can name or find on the stack: it can rebind base functions (unlockBinding,
# assignInNamespace), shadow `[[` or `if` in the global env, add S3 methods for a class its value
# carries, sink() the output, walk sys.frames() into a caller's environment to plant active
# bindings or on.exit(return(...)) there, and run finalizers in the middle of other code. So the
# setup below runs before any candidate code: it reads the run's nonce from stdin, parses the
# candidate and builds the whole run as one expression of constants, whose every function is an
# object captured from base now (no name is looked up later): the candidate's top-level code in
# an environment of its own, then per case cat(prefix, id, <value>) to the stdout connection
# taken before any sink(). The serializer is not a function either: each value is substituted,
# quoted, into expression templates of captured builtins (recursion goes through substitute and
# eval), so no harness frame holds a variable anything could overwrite, nothing of the harness is
# reachable from the stack, and the value's class is dropped before it is looked at (no S3 or S4
# method runs). An error, the candidate's or ours, ends the run through R's own top level: no
# record, exit status 1.
_HARNESS = template(__name__, "main.R")


class RRenderer(ScriptRenderer):
    language_name = "R"
    harness = _HARNESS
    main_file = "main.R"  # the harness; it loads the candidate itself
    candidate_file = "candidate.R"
    int_range = (-EXACT_DOUBLE_INT, EXACT_DOUBLE_INT)
    scalars = Scalars("NULL", "FALSE", "TRUE", "Inf", "-Inf", nan="NaN")
    cases_brackets = ("base::list(", ")")
    string_keys = True  # list names

    def unsupported_reason(self, value: Value) -> str | None:
        if _has_nul(value):
            return "string with a NUL byte (R strings cannot hold one)"
        return super().unsupported_reason(value)

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if "" in value:
            return "dict with an empty-string key (R cannot name an element '')"
        return super().dict_reason(value)

    def string(self, text: str) -> str:
        return r_string(text)

    def number(self, text: str) -> str:
        return text  # ints are doubles: see the module docstring

    def literal(self, value: Value) -> str:
        if isinstance(value, list | tuple):
            items = [self.literal(v) for v in value]
            if not value:
                return "base::c()"
            # base:: because the candidate, defined before the cases, may shadow c or list
            return ("base::c(" if _atomic(value) else "base::list(") + ", ".join(items) + ")"
        if isinstance(value, dict):
            if not value:
                return "base::structure(base::list(), names = base::character(0))"
            pairs = [f"{self.dict_key(k)} = {self.literal(v)}" for k, v in value.items()]
            return "base::list(" + ", ".join(pairs) + ")"
        return self.scalar(value)

    def entry_ref(self, entry_point: str) -> str:
        return r_string(entry_point)  # do.call looks the name up in the candidate's environment

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"base::list({case_id}L, base::list({', '.join(args)}))"


def _has_nul(value: Value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(map(_has_nul, value))
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    return False


def _atomic(items: list[Value] | tuple[Value, ...]) -> bool:
    """Whether `c(...)` holds these without coercion: all bools, all numbers or all strings."""
    if all(isinstance(v, bool) for v in items):
        return True
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in items):
        return True
    return all(isinstance(v, str) for v in items)


def r_string(text: str) -> str:
    """A double-quoted R literal in plain ASCII: `"` and `\\` escaped, everything else outside
    printable ASCII as \\U{...} (R has no interpolation; NUL is refused before this)."""
    return ascii_literal(map(ord, text), '"\\', lambda c: f"\\U{{{c:x}}}")
