"""Ruby: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math

from codefactory.renderers.base import ScriptRenderer, ascii_literal
from codefactory.values import Value

# The output IO and the JSON module are taken before the candidate runs.
_PROLOGUE = "require 'json'\n__cf_io = IO.for_fd(1, autoclose: false)\n"
_HARNESS = r"""
def __cf_enc(v)
  case v
  when nil then 'null'
  when true then 'true'
  when false then 'false'
  when Integer then '{"int":"' + v.to_s + '"}'
  when Float
    return '{"float":"nan"}' if v.nan?
    return(v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}') if v.infinite?
    '{"float":"' + v.to_s + '"}'
  when String, Symbol
    s = v.to_s.dup.force_encoding('UTF-8')
    return '{"bytes":"' + [v.to_s].pack('m0') + '"}' unless s.valid_encoding?
    JSON.generate(s)
  when Array then '[' + v.map { |x| __cf_enc(x) }.join(',') + ']'
  when Hash
    '{"dict":[' + v.map { |k, x| '[' + __cf_enc(k) + ',' + __cf_enc(x) + ']' }.join(',') + ']}'
  else
    return '{"set":[' + v.map { |x| __cf_enc(x) }.join(',') + ']}' if defined?(Set) && v.is_a?(Set)
    '{"unsupported":' + JSON.generate(v.class.name) + '}'
  end
end

__cf_n = 0
__CF_CASES__.each do |__cf_id, __cf_args|
  begin
    __cf_line = '{"id":' + __cf_id.to_s + ',"ok":true,"value":' +
                __cf_enc(send(:__CF_ENTRY__, *__cf_args)) + '}'
  rescue Exception => e
    why = (e.class.name + ': ' + e.message.to_s).encode('UTF-8', invalid: :replace, undef: :replace)
    __cf_line = '{"id":' + __cf_id.to_s + ',"ok":false,"error":' + JSON.generate(why) + '}'
  end
  __cf_io.syswrite("\n__CF_PREFIX__ " + __cf_line + "\n")
  __cf_n += 1
end
__cf_io.syswrite("\n__CF_PREFIX__ DONE " + __cf_n.to_s + "\n")
"""


class RubyRenderer(ScriptRenderer):
    """Ruby has bignums, typed hash keys and real floats: only the generic limits apply."""

    prologue = "# encoding: utf-8\n" + _PROLOGUE
    harness = _HARNESS

    def scalar(self, value: Value) -> str:
        if value is None:
            return "nil"
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return f"({value})" if value < 0 else str(value)
        if isinstance(value, float):
            if math.isinf(value):
                return "Float::INFINITY" if value > 0 else "(-Float::INFINITY)"
            text = repr(value)
            if "e" in text and "." not in text.split("e")[0]:
                mantissa, exponent = text.split("e")
                text = f"{mantissa}.0e{exponent}"  # Ruby needs a digit after the point
            return f"({text})" if text.startswith("-") else text
        if isinstance(value, str):
            return ruby_string(value)
        raise TypeError(f"no Ruby literal for {type(value).__name__}")

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{k} => {v}" for k, v in pairs) + "}"


def ruby_string(text: str) -> str:
    """A double-quoted Ruby literal in plain ASCII: `"`, `\\` and `#` escaped (no `#{...}`
    interpolation can survive), everything else outside printable ASCII as \\u{...}."""
    return ascii_literal(map(ord, text), '"\\#', lambda c: f"\\u{{{c:x}}}")
