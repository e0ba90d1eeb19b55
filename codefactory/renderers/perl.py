"""Perl: input literals, the output serializer and the driver program."""

from __future__ import annotations

import math
from collections.abc import Sequence

from codefactory.core.values import Value
from codefactory.judge.protocol import MARKER
from codefactory.renderers.base import ScriptRenderer, ascii_literal, fill_template

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

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
_HARNESS = r"""
package DB;
(sub {
    no strict;
    no warnings;
    use B ();
    use Opcode ();
    use Scalar::Util ();

    my $prefix = do {
        my $nonce = <STDIN>;
        $nonce = '' unless defined $nonce;
        $nonce =~ s/\r?\n\z//;
        if ($nonce eq '') {
            syswrite(STDERR, "no run nonce on stdin\n");
            exit 70;
        }
        "\n" . '__CF_MARKER__ ' . $nonce . ' ';
    };
    my $svref = \&B::svref_2object;
    my $sv_flags = \&B::SV::FLAGS;
    my ($IOK, $NOK, $POK) = (B::SVp_IOK(), B::SVp_NOK(), B::SVp_POK());
    my $blessed = \&Scalar::Util::blessed;
    my $reftype = \&Scalar::Util::reftype;
    my $is_bool = \&builtin::is_bool;
    my $inf = 9**9**9;
    open(my $out, '>&', \*STDOUT) or die "no stdout: $!";
    open(my $err, '>&', \*STDERR) or die "no stderr: $!";
    # Checked before each record: POSIX::dup2 onto this descriptor (a pipe to a rewriting
    # process) changes what it refers to.
    my ($out_dev, $out_ino) = (stat $out)[0, 1];

    my $str = sub {
        my ($s) = @_;
        my $text = '';
        for my $c (split //, $s) {
            my $o = ord $c;
            if ($c eq '"') { $text .= '\\"'; }
            elsif ($c eq '\\') { $text .= '\\\\'; }
            elsif ($o < 0x20 || $o == 0x7f) { $text .= sprintf('\\u%04x', $o); }
            elsif ($o > 0xffff) {
                my $u = $o - 0x10000;
                $text .= sprintf('\\u%04x\\u%04x', 0xd800 + ($u >> 10), 0xdc00 + ($u & 0x3ff));
            }
            elsif ($o > 0x7e) { $text .= sprintf('\\u%04x', $o); }
            else { $text .= $c; }
        }
        return '"' . $text . '"';
    };
    my $enc;
    $enc = sub {
        my ($v) = @_;
        return 'null' unless defined $v;
        my $class = $blessed->($v);
        return '{"unsupported":' . $str->($class) . '}' if defined $class;
        my $kind = $reftype->($v);
        if (defined $kind) {
            if ($kind eq 'ARRAY') {
                my @parts;
                for my $x (@$v) { push @parts, $enc->($x); }
                return '[' . join(',', @parts) . ']';
            }
            if ($kind eq 'HASH') {
                my @parts;
                for my $k (keys %$v) {
                    push @parts, '[' . $str->($k) . ',' . $enc->($v->{$k}) . ']';
                }
                return '{"dict":[' . join(',', @parts) . ']}';
            }
            return $enc->($$v) if $kind eq 'SCALAR' || $kind eq 'REF';
            return '{"unsupported":' . $str->($kind) . '}';
        }
        return $v ? 'true' : 'false' if $is_bool->($v);
        my $flags = $sv_flags->($svref->(\$v));
        if (($flags & ($IOK | $NOK)) && !($flags & $POK)) {
            return '{"int":"' . $v . '"}' if ($flags & $IOK) && !($flags & $NOK);
            return '{"float":"nan"}' if $v != $v;
            return '{"float":"inf"}' if $v == $inf;
            return '{"float":"-inf"}' if $v == -$inf;
            return '{"float":"' . sprintf('%.17g', $v) . '"}';
        }
        return $str->($v);
    };
    my $describe = sub {
        my ($e) = @_;
        return "$e" unless ref $e;
        my $class = $blessed->($e);
        return '(error object: ' . (defined $class ? $class : $reftype->($e)) . ')';
    };

    # No `syscall` op compiles from here on (the mask only grows): with it, prctl could make the
    # process dumpable again and /proc/self/mem would give the nonce away.
    Opcode::opmask_add(Opcode::opset('syscall'));
    # `ref` and `length`, not truth: a blessed error's overloaded bool must not decide this.
    my $problem = $__cf_compile->(__CF_SOURCE__);
    if (ref $problem || length $problem) {
        my $text = $describe->($problem);
        # What perl says of a file that did not compile (the source sets the flag once it runs).
        $text .= "Execution of candidate.pl aborted due to compilation errors.\n"
            unless $CF::Harness::started || $text =~ /BEGIN failed--compilation aborted/;
        syswrite($err, $text);
        exit 255;
    }
    my $n = 0;
    for my $case (__CF_CASES__) {
        my ($id, $args) = @$case;
        my $line;
        my @result;
        my $ok = eval { @result = main::__CF_ENTRY__(@$args); 1 };
        if (!$ok) {
            my $why = $describe->($@);
            chomp $why;
            $line = '{"id":' . $id . ',"ok":false,"error":' . $str->($why) . '}';
        } else {
            my $value = @result == 1 ? $result[0] : (@result ? \@result : undef);
            $line = '{"id":' . $id . ',"ok":true,"value":' . $enc->($value) . '}';
        }
        my ($dev, $ino) = (stat $out)[0, 1];
        if ($dev != $out_dev || $ino != $out_ino) {
            syswrite($err, "the harness's output descriptor was replaced\n");
            exit 1;
        }
        syswrite($out, $prefix . $line . "\n");
        $n++;
    }
    syswrite($out, $prefix . 'DONE ' . $n . "\n");
})->();
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

    def driver(
        self,
        candidate: str,
        entry_point: str,
        cases: Sequence[tuple[int, Sequence[Value]]],
        nonce: str,
    ) -> str:
        table = self.render_cases(cases)
        # The nonce (unused here) arrives on stdin. The source goes in as bytes, so the eval
        # reads it as perl reads a file.
        source = (
            '$CF::Harness::started = 1;\n# line 1 "candidate.pl"\n'
            + self.strip_candidate(candidate)
            + "\n"
        )
        literal = ascii_literal(
            source.encode("utf-8", "surrogatepass"), '"\\$@', lambda b: f"\\x{b:02x}"
        )
        return self.prologue + fill_template(
            self.harness,
            {
                "__CF_CASES__": table,
                "__CF_ENTRY__": self.entry_ref(entry_point),
                "__CF_MARKER__": MARKER,
                "__CF_SOURCE__": literal,
            },
        )


def perl_string(text: str) -> str:
    """A double-quoted Perl literal in plain ASCII: `"`, `\\`, `$` and `@` escaped (nothing can
    interpolate), everything else outside printable ASCII as \\x{...}."""
    return ascii_literal(map(ord, text), '"\\$@', lambda c: f"\\x{{{c:x}}}")
