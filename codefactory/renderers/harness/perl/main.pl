
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
