"""PHP: input literals, the output serializer and the driver program."""

from __future__ import annotations

import re
import secrets

from codefactory.core.value_types import INT64
from codefactory.core.values import Value
from codefactory.renderers.base import ascii_literal, fill_template, template
from codefactory.renderers.script import Scalars, ScriptRenderer

# PHP turns a string key that looks like a canonical decimal int into an int key.
_INT_LIKE_KEY = re.compile(r"-?(0|[1-9][0-9]*)")

# The harness comes before the candidate, so a `declare(ticks=1)` in the candidate cannot reach it,
# and its state lives in locals of functions whose names carry a per-run tag (nothing to `global`,
# nothing to predefine). Builtins are fully qualified (a namespace cannot shadow them; PHP cannot
# redefine them) and records go through \fwrite(\STDOUT), which ob_start cannot capture; the run
# argv disables the stream filter and wrapper functions that could rewrite that stream.
# The run's nonce is never in this file (the candidate can read the file): the record loop is a
# generator, started by the file's first statement, before any candidate code; it reads the nonce
# from stdin into a local and waits at `yield` while the candidate's top-level code runs. A
# suspended generator's locals are out of reach of PHP code (no reflection, debug_backtrace,
# $GLOBALS or clone shows them); the candidate can only resume it early, which runs the real loop.
_HARNESS = template(__name__, "main.php")
# `declare(strict_types=...)` must be the file's first statement: it moves above the harness.
_STRICT_TYPES = re.compile(
    r"\A((?:\s+|//[^\n]*|#[^\n]*|/\*.*?\*/)*)(declare\s*\(\s*strict_types\s*=\s*[01]\s*\)\s*;)",
    re.DOTALL | re.IGNORECASE,
)


class PhpRenderer(ScriptRenderer):
    language_name = "PHP"
    prologue = "<?php\n"
    harness = _HARNESS
    int_range = INT64
    # PHP reads -9223372036854775808 as a float: PHP_INT_MIN spells it.
    scalars = Scalars("null", "false", "true", "\\INF", "(-\\INF)", int_min="\\PHP_INT_MIN")
    dict_brackets = ("[", "]")

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        for key in value:
            if isinstance(key, str) and _INT_LIKE_KEY.fullmatch(key):
                return f"dict key {key!r} would become an int key in PHP"
        return None

    def string(self, text: str) -> str:
        return php_string(text)

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"{case_id} => [{', '.join(args)}]"

    def entry_ref(self, entry_point: str) -> str:
        return "\\" + entry_point

    def strip_candidate(self, candidate: str) -> str:
        code = candidate.strip()
        code = re.sub(r"^<\?php\b", "", code).strip()
        return re.sub(r"\?>\s*$", "", code)

    def assemble(self, code: str, entry_point: str, fields: dict[str, str]) -> str:
        tag = secrets.token_hex(8)
        harness = fill_template(self.harness, {**fields, "__CF_TAG__": tag})
        declare = ""
        if match := _STRICT_TYPES.match(code):
            declare = match.group(2) + "\n"
            code = match.group(1) + code[match.end() :]
        # The nonce (unused here) arrives on stdin; the generator reads it before the candidate.
        run = f"$__cf_{tag} = __cf_run_{tag}();\n$__cf_{tag}->current();\n"
        return f"{self.prologue}{declare}{harness}\n{run}{code}\n$__cf_{tag}->next();\n"


def php_string(text: str) -> str:
    """A double-quoted PHP literal in plain ASCII: `$`, `\\`, `"` escaped, the rest as \\x bytes.

    MultiPL-E's PHP translator never escaped `$` or `\\`; this is the piece that must not be wrong.
    """
    return ascii_literal(text.encode("utf-8"), '\\$"', lambda b: f"\\x{b:02x}")
