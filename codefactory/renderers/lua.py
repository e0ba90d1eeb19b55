"""Lua 5.4: input literals, the output serializer and the driver program."""

from __future__ import annotations

from codefactory.core.value_types import INT64
from codefactory.core.values import Value
from codefactory.renderers.base import ascii_literal, fill_template, template
from codefactory.renderers.script import Scalars, ScriptRenderer

# Everything the harness uses is captured into locals and the cases are built before any candidate
# code exists. The candidate is then loaded as text into an environment of its own: its globals,
# and its changes to globals, never reach the harness, and the debug library (which reads and
# writes any function's locals and upvalues) is not in it. Loaders in that environment default
# to it, never to the real globals, and load text only (crafted bytecode can corrupt memory).
# The serializer uses raw access only (no __index, __len, __pairs or __tostring is called), and
# records go through the FILE* write method captured here. The run's nonce is never in this file
# (the candidate can read the file): the first statement reads it from stdin into a local, which
# no code in the candidate's environment can reach without debug; stdin is then at end of file.
_HARNESS = template(__name__, "main.lua")


class LuaRenderer(ScriptRenderer):
    language_name = "Lua"
    harness = _HARNESS
    int_range = INT64
    scalars = Scalars(
        "nil", "false", "true", "math.huge", "(-math.huge)", int_min="math.mininteger"
    )
    list_brackets = cases_brackets = ("{", "}")
    pair_separator = " = "

    def nested_reason(self, value: Value) -> str | None:
        return "None inside a container (a hole in a Lua table)" if value is None else None

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if any(isinstance(k, int) for k in value):
            return "dict with int keys (a Lua table would read as a list)"
        return None

    def string(self, text: str) -> str:
        return lua_string(text)

    def dict_key(self, key: Value) -> str:
        return f"[{self.literal(key)}]"

    def case_row(self, case_id: int, args: list[str]) -> str:
        return f"{{{case_id}, table.pack({', '.join(args)})}}"

    def assemble(self, code: str, entry_point: str, fields: dict[str, str]) -> str:
        # The chunk hands back the entry point, so a `local function` works as well as a global.
        source = code + "\nreturn " + entry_point + "\n"
        return fill_template(self.harness, {**fields, "__CF_SOURCE__": lua_string(source)})


def lua_string(text: str) -> str:
    """A Lua literal in plain ASCII: `"` and `\\` escaped, other bytes as decimal \\ddd."""
    return ascii_literal(text.encode("utf-8"), '"\\', lambda b: f"\\{b:03d}")
