"""Each language's representability rules (no Docker; the conformance suite runs the values)."""

from __future__ import annotations

import pytest

from codefactory.languages import get_language
from codefactory.types import Signature, Type, Untypable, type_of


@pytest.mark.parametrize(
    ("lang", "value", "reason"),
    [
        ("php", {"1": "a"}, "int key"),
        ("php", 2**63, "outside -9223372036854775808..9223372036854775807"),
        ("javascript", 2**53 + 1, "outside -9007199254740992..9007199254740992"),
        ("javascript", {1: "a", "1": "b"}, "collide"),
        ("lua", [1, None], "hole"),
        ("lua", {1: "a"}, "int keys"),
        ("perl", {1: "a", "1": "b"}, "collide"),
        ("ruby", {1, 2}, "set"),
        ("typescript", float("nan"), "NaN"),
    ],
)
def test_unrepresentable_values_are_refused(lang: str, value: object, reason: str) -> None:
    assert reason in (get_language(lang).renderer.unsupported_reason(value) or "")


@pytest.mark.parametrize("lang", ["php", "javascript", "typescript", "ruby", "lua", "perl"])
def test_plain_values_are_accepted(lang: str) -> None:
    renderer = get_language(lang).renderer
    for value in (0, -1, 1.5, "a$b", [1, 2], {"k": [1.0]}, True, None, (1, "x")):
        assert renderer.unsupported_reason(value) is None, (lang, value)


@pytest.mark.parametrize(
    ("lang", "text", "sigils"),
    [
        ("php", "$x {$y} \\", "$\\"),
        ("ruby", "#{x} \\", "#\\"),
        ("perl", "$x @y", "$@"),
        ("lua", 'a\\b"c', '\\"'),
        ("javascript", 'a"b\\', '"\\'),
    ],
)
def test_string_literals_escape_every_sigil(lang: str, text: str, sigils: str) -> None:
    body = get_language(lang).renderer.literal(text)[1:-1]
    for i, char in enumerate(body):
        if char in sigils and (i == 0 or body[i - 1] != "\\"):
            # an unescaped sigil is only fine as the escaped half of a backslash pair
            assert char == "\\" and body[i + 1 : i + 2] in tuple(sigils), (lang, body)


def test_typescript_signature_from_values() -> None:
    renderer = get_language("typescript").renderer
    signature = Signature(
        ("xs", "k"),
        (Type("list", (Type("int"),)), Type("str")),
        Type("optional", (Type("dict", (Type("str"), Type("float"))),)),
    )
    assert renderer.signature_hint("f", signature) == (  # type: ignore[attr-defined]
        "function f(xs: number[], k: string): {[key: string]: number} | null"
    )
    with pytest.raises(Untypable):
        type_of([1, "a"])
