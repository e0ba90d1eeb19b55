"""The framed-record protocol, parsed strictly (no Docker)."""

from __future__ import annotations

import json
import re

import pytest

from codefactory.judge.protocol import MARKER, new_nonce, parse_output

NONCE = "abc123"


def line(body: str, nonce: str = NONCE) -> bytes:
    return f"{MARKER} {nonce} {body}\n".encode()


def rec(case_id: object, ok: object = True, **extra: object) -> bytes:
    return line(json.dumps({"id": case_id, "ok": ok, **extra}))


def test_records_by_id_and_the_done_count() -> None:
    out = parse_output(rec(1, value=5) + rec(0, value=4) + line("DONE 2"), NONCE)
    assert out.records == {
        0: {"id": 0, "ok": True, "value": 4},
        1: {"id": 1, "ok": True, "value": 5},
    }
    assert out.done_count == 2 and out.problems == []


def test_lines_that_are_not_records_of_this_run_are_ignored() -> None:
    stdout = (
        b"hello\n"
        + line(json.dumps({"id": 0, "ok": True, "value": 1}), nonce="abc1234")  # longer nonce
        + line(json.dumps({"id": 1, "ok": True, "value": 1}), nonce="abc12")  # a prefix of it
        + b" "
        + rec(2)  # not at the start of the line
        + b"@@cf abc123"
        + b"\n"  # the prefix without its space
        + rec(3)
        + line("DONE 1", nonce="other")
    )
    out = parse_output(stdout, NONCE)
    assert list(out.records) == [3] and out.done_count is None and out.problems == []


def test_carriage_returns_and_surrounding_blanks_are_tolerated() -> None:
    stdout = rec(0).replace(b"\n", b"\r\n") + line("DONE 1 ").replace(b"\n", b"\r\n")
    out = parse_output(stdout, NONCE)
    assert list(out.records) == [0] and out.done_count == 1 and out.problems == []


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[0, true]",
        '"a string"',
        "7",
        '{"ok": true}',  # no id
        '{"id": "0", "ok": true}',  # id not an int
        '{"id": 0.0, "ok": true}',
        '{"id": 0, "ok": 1}',  # ok not a bool
        '{"id": 0}',
        '{"id": 0, "ok": true',  # cut short
    ],
)
def test_a_malformed_record_is_a_problem_and_not_a_record(body: str) -> None:
    out = parse_output(line(body) + line("DONE 1"), NONCE)
    assert out.records == {} and out.problems == ["malformed record"]


@pytest.mark.parametrize("count", ["x", "1.0", "1 2", "0x1", "-"])
def test_a_malformed_done_is_a_problem(count: str) -> None:
    out = parse_output(rec(0) + line(f"DONE {count}"), NONCE)
    assert out.done_count is None and out.problems == ["malformed DONE record"]


def test_a_duplicate_keeps_the_first_record_and_says_so() -> None:
    out = parse_output(rec(0, value=1) + rec(0, value=2) + line("DONE 1"), NONCE)
    assert out.records[0]["value"] == 1
    assert out.problems == ["duplicate record for case 0"]


def test_anything_after_done_is_a_problem_blank_lines_are_not() -> None:
    assert parse_output(rec(0) + line("DONE 1") + b"\n  \n", NONCE).problems == []
    late = parse_output(rec(0) + line("DONE 1") + b"bye\n" + rec(1), NONCE)
    assert late.problems == ["output after the DONE record"] and list(late.records) == [0]
    # A second DONE, even for this run, is output after DONE too.
    again = parse_output(rec(0) + line("DONE 1") + line("DONE 5"), NONCE)
    assert again.done_count == 1 and again.problems == ["output after the DONE record"]


def test_invalid_utf8_around_a_record_does_not_break_parsing() -> None:
    out = parse_output(b"\xff\xfe\n" + rec(0, value="\u00e9") + line("DONE 1"), NONCE)
    assert out.records[0]["value"] == "é" and out.problems == []


def test_nonces_are_fresh_hex_of_96_bits() -> None:
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100
    assert all(re.fullmatch(r"[0-9a-f]{24}", n) for n in nonces)


def test_a_bool_id_is_not_case_one() -> None:
    out = parse_output(b'@@cf n {"id": true, "ok": true, "value": 1}\n@@cf n DONE 1\n', "n")
    assert out.records == {} and out.problems == ["malformed record"]
