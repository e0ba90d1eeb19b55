"""Values through real PHP and back: the literal renderer and the output serializer."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codefactory.core.languages import Language
from codefactory.core.values import decode
from codefactory.judge.protocol import new_nonce, parse_output
from codefactory.sandbox.docker_sandbox import DockerSandbox

IDENTITY = "function ident($x) { return $x; }"

TRICKY: list[Any] = [
    "plain",
    "",
    "$x",
    "{$x}",
    "${x}",
    "\\",
    "\\\\n",
    '"',
    "'",
    "a'b\"c$d\\e",
    "#{x}",
    "line\nbreak\r\ttab",
    "nul\x00byte",
    "\x01\x1f\x7f",
    "é",
    "日本語",
    "🙂 emoji",
    "\u200b",
    "<?php echo 1; ?>",
    "?>",
    "%s %d",
    "`ls`",
    0,
    1,
    -1,
    2**63 - 1,
    -(2**63),
    2**62,
    -(2**62) - 7,
    0.0,
    -0.0,
    1.5,
    -2.25,
    0.1,
    1e300,
    -1e300,
    5e-324,
    1e-7,
    123456789.123,
    float("inf"),
    float("-inf"),
    None,
    True,
    False,
    [],
    {},
    [[]],
    [[], {}],
    [1, [2, [3, [4]]]],
    (1, "a"),
    ((),),
    {"a": 1, "b": [1, 2]},
    {"nested": {"deeper": {"x": None}}},
    {1: "one", 5: "five"},
    {"k$ey": "v", "quo'te": 1, "back\\slash": 2},
    {-3: "neg"},
    {"": "empty key"},
    [None, True, False, 0, 0.0, ""],
]


def php_echo(sandbox: DockerSandbox, php: Language, items: list[Any]) -> list[Any]:
    nonce = new_nonce()
    program = php.renderer.driver(IDENTITY, "ident", [(i, [v]) for i, v in enumerate(items)], nonce)
    files = {php.program_file: program.encode()}
    run = sandbox.run(php.image, php.run, files, php.limits, stdin=f"{nonce}\n".encode())
    assert run.exit_code == 0, run.stderr
    parsed = parse_output(run.stdout, nonce)
    assert not parsed.problems and parsed.done_count == len(items)
    assert all(parsed.records[i]["ok"] for i in range(len(items))), parsed.records
    return [decode(parsed.records[i]["value"]) for i in range(len(items))]


def as_php_sees(value: Any) -> Any:
    """What an exact round trip must give back: tuples become lists, {} becomes []."""
    if isinstance(value, tuple | list):
        return [as_php_sees(v) for v in value]
    if isinstance(value, dict):
        if not value or list(value) == list(range(len(value))):
            return [as_php_sees(v) for v in value.values()]
        return {k: as_php_sees(v) for k, v in value.items()}
    return value


def same(a: Any, b: Any) -> bool:
    """Exact equality that also tells 1 from 1.0, True from 1 and -0.0 from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_fixed_tricky_values(sandbox: DockerSandbox, php: Language) -> None:
    for value in TRICKY:
        assert php.renderer.unsupported_reason(value) is None, value
    got = php_echo(sandbox, php, TRICKY)
    for value, back in zip(TRICKY, got, strict=True):
        assert same(back, as_php_sees(value)), (value, back)


@pytest.mark.parametrize(
    "value",
    [
        2**63,
        -(2**63) - 1,
        {"1": "int-like key"},
        {True: 1},
        {1.5: 2},
        {1, 2},
        b"bytes",
        float("nan"),
        "\ud800",
    ],
)
def test_unrepresentable_values_are_refused_not_guessed(php: Language, value: Any) -> None:
    assert php.renderer.unsupported_reason(value) is not None


php_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=6).filter(lambda k: not k.lstrip("-").isdigit()), inner, max_size=4
        )
    ),
    max_leaves=10,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(php_values, min_size=1, max_size=8))
def test_property_round_trip(sandbox: DockerSandbox, php: Language, items: list[Any]) -> None:
    items = [v for v in items if php.renderer.unsupported_reason(v) is None]
    if not items:
        return
    got = php_echo(sandbox, php, items)
    for value, back in zip(items, got, strict=True):
        assert same(back, as_php_sees(value)), (value, back)
