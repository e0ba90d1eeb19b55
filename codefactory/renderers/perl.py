"""Perl: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math

from codefactory.renderers.base import ScriptRenderer, ascii_literal
from codefactory.values import Value

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

# The output handle is duplicated before the candidate runs.
_PROLOGUE = "open(our $__CF_OUT, '>&=', 1) or die 'no stdout';\n"
_HARNESS = r"""
package CF::Harness;
use B ();
no warnings;

sub enc {
    my ($v) = @_;
    return 'null' unless defined $v;
    my $ref = ref $v;
    if ($ref eq 'ARRAY') { return '[' . join(',', map { enc($_) } @$v) . ']'; }
    if ($ref eq 'HASH') {
        return '{"dict":[' . join(',', map { '[' . str($_) . ',' . enc($v->{$_}) . ']' }
                                       keys %$v) . ']}';
    }
    if ($ref eq 'SCALAR' || $ref eq 'REF') { return enc($$v); }
    return '{"unsupported":' . str($ref) . '}' if $ref;
    if (builtin::is_bool($v)) { return $v ? 'true' : 'false'; }
    my $flags = B::svref_2object(\$v)->FLAGS;
    if (($flags & (B::SVp_IOK | B::SVp_NOK)) && !($flags & B::SVp_POK)) {
        if (($flags & B::SVp_IOK) && !($flags & B::SVp_NOK)) { return '{"int":"' . $v . '"}'; }
        return '{"float":"nan"}' if $v != $v;
        return '{"float":"inf"}' if $v == 9**9**9;
        return '{"float":"-inf"}' if $v == -9**9**9;
        return '{"float":"' . sprintf('%.17g', $v) . '"}';
    }
    return str($v);
}

sub str {
    my ($s) = @_;
    my $out = '';
    for my $c (split //, $s) {
        my $o = ord $c;
        if ($c eq '"') { $out .= '\\"'; }
        elsif ($c eq '\\') { $out .= '\\\\'; }
        elsif ($o < 0x20 || $o == 0x7f) { $out .= sprintf('\\u%04x', $o); }
        elsif ($o > 0xffff) {
            my $u = $o - 0x10000;
            $out .= sprintf('\\u%04x\\u%04x', 0xd800 + ($u >> 10), 0xdc00 + ($u & 0x3ff));
        }
        elsif ($o > 0x7e) { $out .= sprintf('\\u%04x', $o); }
        else { $out .= $c; }
    }
    return '"' . $out . '"';
}

package main;
{
    no warnings;
    my $n = 0;
    for my $case (__CF_CASES__) {
        my ($id, $args) = @$case;
        my $line;
        my @result = eval { main::__CF_ENTRY__(@$args) };
        if ($@) {
            my $why = "$@";
            chomp $why;
            $line = '{"id":' . $id . ',"ok":false,"error":' . CF::Harness::str($why) . '}';
        } else {
            my $value = @result == 1 ? $result[0] : (@result ? \@result : undef);
            $line = '{"id":' . $id . ',"ok":true,"value":' . CF::Harness::enc($value) . '}';
        }
        syswrite($main::__CF_OUT, "\n" . '__CF_PREFIX__ ' . $line . "\n");
        $n++;
    }
    syswrite($main::__CF_OUT, "\n" . '__CF_PREFIX__ DONE ' . $n . "\n");
}
"""


class PerlRenderer(ScriptRenderer):
    prologue = _PROLOGUE
    harness = _HARNESS
    int_range = (INT64_MIN, INT64_MAX)

    def dict_reason(self, value: dict[Value, Value]) -> str | None:
        if len({str(k) for k in value}) != len(value):
            return "dict keys that collide as strings"
        return None

    def scalar(self, value: Value) -> str:
        if value is None:
            return "undef"
        if isinstance(value, bool):
            return "!!1" if value else "!!0"
        if isinstance(value, int):
            return f"({value})" if value < 0 else str(value)
        if isinstance(value, float):
            if math.isinf(value):
                return "(9**9**9)" if value > 0 else "(-9**9**9)"
            if value == 0 and math.copysign(1, value) < 0:
                return "(-0.0)"
            return f"({value!r})"
        if isinstance(value, str):
            return perl_string(value)
        raise TypeError(f"no Perl literal for {type(value).__name__}")

    def dict_key(self, key: Value) -> str:
        return perl_string(str(key))

    def dict_literal(self, pairs: list[tuple[str, str]]) -> str:
        return "{" + ", ".join(f"{k} => {v}" for k, v in pairs) + "}"

    def cases_table(self, rows: list[str]) -> str:
        return ", ".join(rows)


def perl_string(text: str) -> str:
    """A double-quoted Perl literal in plain ASCII: `"`, `\\`, `$` and `@` escaped (nothing can
    interpolate), everything else outside printable ASCII as \\x{...}."""
    return ascii_literal(map(ord, text), '"\\$@', lambda c: f"\\x{{{c:x}}}")
