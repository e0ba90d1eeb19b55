
function __cf_enc___CF_TAG__($v) {
    if ($v === null) { return 'null'; }
    if (\is_bool($v)) { return $v ? 'true' : 'false'; }
    if (\is_int($v)) { return '{"int":"' . $v . '"}'; }
    if (\is_float($v)) {
        if (\is_nan($v)) { return '{"float":"nan"}'; }
        if (\is_infinite($v)) { return $v > 0 ? '{"float":"inf"}' : '{"float":"-inf"}'; }
        \ini_set('serialize_precision', '-1');  // the candidate may have lowered it
        return '{"float":"' . \var_export($v, true) . '"}';
    }
    if (\is_string($v)) {
        if (!\mb_check_encoding($v, 'UTF-8')) { return '{"bytes":"' . \base64_encode($v) . '"}'; }
        return \json_encode($v, \JSON_UNESCAPED_SLASHES);
    }
    if (\is_array($v)) {
        $parts = [];
        if (\array_is_list($v)) {
            foreach ($v as $x) { $parts[] = __cf_enc___CF_TAG__($x); }
            return '[' . \implode(',', $parts) . ']';
        }
        foreach ($v as $k => $x) {
            $parts[] = '[' . __cf_enc___CF_TAG__($k) . ',' . __cf_enc___CF_TAG__($x) . ']';
        }
        return '{"dict":[' . \implode(',', $parts) . ']}';
    }
    // Objects are never converted: no __toString, jsonSerialize or property hook is called.
    return '{"unsupported":' . \json_encode(\is_object($v) ? \get_class($v) : \gettype($v)) . '}';
}
function __cf_run___CF_TAG__() {
    $nonce = \fgets(\STDIN);
    if (!\is_string($nonce) || ($nonce = \rtrim($nonce, "\r\n")) === '') {
        \fwrite(\STDERR, "no run nonce on stdin\n");
        exit(70);
    }
    $prefix = "\n__CF_MARKER__ " . $nonce . ' ';
    unset($nonce);
    yield;  // the candidate's top-level code runs here
    // Warnings become exceptions: Python raises where PHP would warn and carry on with null.
    \set_error_handler(static function ($no, $msg, $file, $line) {
        if (!(\error_reporting() & $no)) { return false; }
        throw new \ErrorException($msg, 0, $no, $file, $line);
    }, \E_WARNING | \E_USER_WARNING | \E_RECOVERABLE_ERROR);
    $n = 0;
    foreach (__CF_CASES__ as $id => $args) {
        try {
            $line = '{"id":' . $id . ',"ok":true,"value":'
                . __cf_enc___CF_TAG__(__CF_ENTRY__(...$args)) . '}';
        } catch (\Throwable $e) {
            $msg = \get_class($e) . ': ' . $e->getMessage();
            $line = '{"id":' . $id . ',"ok":false,"error":'
                . \json_encode($msg, \JSON_INVALID_UTF8_SUBSTITUTE) . '}';
        }
        \fwrite(\STDOUT, $prefix . $line . "\n");
        $n++;
    }
    \fwrite(\STDOUT, $prefix . 'DONE ' . $n . "\n");
}
