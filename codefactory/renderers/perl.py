"""Perl: input literals, the output serializer and the driver program."""

from __future__ import annotations

from codefactory.core.value_types import INT64
from codefactory.renderers.base import ascii_literal, fill_template, template
from codefactory.renderers.script import Scalars, ScriptRenderer

# The candidate is compiled at run time by a string eval, after the whole harness: its BEGIN-time
# CORE::GLOBAL:: overrides cannot reach ops compiled before it, and the eval sits in a sub declared
# before any harness lexical, so no harness name is in its scope. What the harness calls is
# captured into lexicals before the candidate exists (a runtime redefinition of B::, builtin:: or
# Scalar::Util:: subs changes nothing), nothing is dispatched as a method, blessed values are never
# stringified (no overload runs), and records go through syswrite on a dup of fd 1 made before
# the candidate runs, so rebinding, tying or reopening STDOUT leaves it alone.
# The run's nonce is never in this file (the candidate can read the file): the harness reads it from
# stdin as its first statement, long before the candidate is compiled, into a harness lexical;
# stdin is then at end of file.
# Harness lexicals must also be out of reach at run time, not only by name. A string eval in code
# compiled in package DB runs in the scope of the nearest caller frame whose sub is not in DB (the
# debugger's rule): from an `add` in package DB, called by a harness at file scope, that was the
# harness itself, and `eval '$prefix'` or `eval '$enc = sub {...}'` read the nonce or replaced the
# serializer. So the harness is an anonymous sub compiled in package DB: such an eval skips it and
# lands at file scope, where only $__cf_compile is. It closes over $__cf_compile, so what runs is a
# clone whose pad nothing else holds (B::main_cv's pad has the prototype's, never the values).
_PROLOGUE = "my $__cf_compile = sub { eval shift; return $@ };\n"
_HARNESS = template(__name__, "main.pl")


class PerlRenderer(ScriptRenderer):
    language_name = "Perl"
    prologue = _PROLOGUE
    harness = _HARNESS
    int_range = INT64
    scalars = Scalars("undef", "!!0", "!!1", "(9**9**9)", "(-9**9**9)")
    cases_brackets = ("", "")  # the table is the list `for` walks
    string_keys = True

    def string(self, text: str) -> str:
        return perl_string(text)

    def float_text(self, value: float) -> str:
        return f"({value!r})"

    def assemble(self, code: str, entry_point: str, fields: dict[str, str]) -> str:
        # The source goes in as bytes, so the eval reads it as perl reads a file.
        source = '$CF::Harness::started = 1;\n# line 1 "candidate.pl"\n' + code + "\n"
        literal = ascii_literal(
            source.encode("utf-8", "surrogatepass"), '"\\$@', lambda b: f"\\x{b:02x}"
        )
        return self.prologue + fill_template(self.harness, {**fields, "__CF_SOURCE__": literal})


def perl_string(text: str) -> str:
    """A double-quoted Perl literal in plain ASCII: `"`, `\\`, `$` and `@` escaped (nothing can
    interpolate), everything else outside printable ASCII as \\x{...}."""
    return ascii_literal(map(ord, text), '"\\$@', lambda c: f"\\x{{{c:x}}}")
