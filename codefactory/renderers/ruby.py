"""Ruby: input literals, the output serializer and the driver program."""

from __future__ import annotations

from codefactory.renderers.base import ascii_literal, template
from codefactory.renderers.script import Scalars, ScriptRenderer

# The harness is main.rb; the candidate is candidate.rb, loaded by the harness once it has taken
# everything it needs (docs/architecture.md §5.5). Every method it calls after that is an
# UnboundMethod captured before the candidate existed and called with bind_call (UnboundMethod is
# frozen), so no monkeypatch, refinement, singleton method, subclass override or hook of the
# returned value runs; its state (the run's nonce, read from stdin first) lives in method locals,
# the rest in the constants of a frozen module, and the heap cannot be enumerated; records go to a
# descriptor duplicated from fd 1 beforehand and checked to still be that pipe before each write.
# What would let candidate code run between the call and the record (threads, traps, tracing,
# finalizers) or end the process without the harness (exit!, exec, syscall, daemon) is undefined
# first, and every way out of the harness that is not its own end is a SIGKILL, which no at_exit
# hook can turn into a clean exit.
_HARNESS = template(__name__, "main.rb")


class RubyRenderer(ScriptRenderer):
    """Ruby has bignums, typed hash keys and real floats: only the generic limits apply."""

    language_name = "Ruby"
    harness = _HARNESS
    scalars = Scalars("nil", "false", "true", "Float::INFINITY", "(-Float::INFINITY)")
    main_file = "main.rb"  # the harness; it loads the candidate itself
    candidate_file = "candidate.rb"

    def entry_ref(self, entry_point: str) -> str:
        return ":" + ruby_string(entry_point)

    def string(self, text: str) -> str:
        return ruby_string(text)

    def float_text(self, value: float) -> str:
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"  # Ruby needs a digit after the point
        return text


def ruby_string(text: str) -> str:
    """A double-quoted Ruby literal in plain ASCII: `"`, `\\` and `#` escaped (no `#{...}`
    interpolation can survive), everything else outside printable ASCII as \\u{...}."""
    return ascii_literal(map(ord, text), '"\\#', lambda c: f"\\u{{{c:x}}}")
