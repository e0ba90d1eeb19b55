"""Each language's representability rules (no Docker; the conformance suite runs the values)."""

from __future__ import annotations

import pytest

from codefactory.core.languages import all_languages, get_language
from codefactory.core.schema import Source, TestCase
from codefactory.core.value_types import Signature, Type, Untypable, infer_signature, type_of
from codefactory.suite.oracle import cases_for


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
        ("r", "a\x00b", "NUL"),
        ("r", [["ok", "a\x00"]], "NUL"),
        ("r", 2**53 + 1, "outside"),
        ("r", {"": 1}, "empty-string key"),
        ("r", {1: "a", "1": "b"}, "collide"),
    ],
)
def test_unrepresentable_values_are_refused(lang: str, value: object, reason: str) -> None:
    assert reason in (get_language(lang).renderer.unsupported_reason(value) or "")


@pytest.mark.parametrize("lang", ["php", "javascript", "typescript", "ruby", "lua", "perl", "r"])
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
        ("r", 'a"b\\ \\d', '"\\'),
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
    assert renderer.signature_hint("f", signature) == (
        "function f(xs: number[], k: string): {[key: string]: number} | null"
    )
    with pytest.raises(Untypable):
        type_of([1, "a"])


SIGNATURE = Signature(
    ("xs", "k"),
    (Type("list", (Type("int"),)), Type("str")),
    Type("dict", (Type("str"), Type("float"))),
)


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("cpp", "std::map<std::string, double> f(std::vector<long long> xs, std::string k)"),
        ("go", "func f(xs []int, k string) map[string]float64"),
        ("rust", "fn f(xs: Vec<i64>, k: String) -> std::collections::HashMap<String, f64>"),
        ("java", "public static Map<String, Double> f(List<Long> xs, String k)"),
    ],
)
def test_typed_targets_hint_a_signature(lang: str, hint: str) -> None:
    renderer = get_language(lang).renderer
    assert renderer.signature_hint("f", SIGNATURE).startswith(hint)


@pytest.mark.parametrize(
    ("lang", "value"),
    [("go", (1, "a")), ("go", None), ("cpp", None), ("java", None), ("rust", [1, "a"])],
)
def test_typed_targets_refuse_what_they_cannot_type(lang: str, value: object) -> None:
    assert get_language(lang).renderer.unsupported_reason(value) is not None


@pytest.mark.parametrize(
    ("lang", "literal"),
    [
        ("rust", "vec![1i64, 2i64, 3i64]"),
        ("cpp", "std::vector<long long>{1LL, 2LL, 3LL}"),
        ("java", "list((long) (1L), (long) (2L), (long) (3L))"),
        ("go", "[]int{1, 2, 3}"),
    ],
)
def test_tuples_of_varying_length_are_typed_as_sequences(lang: str, literal: str) -> None:
    """Augmentation adds shorter and longer tuples: a fixed tuple type would fit none of them."""
    renderer = get_language(lang).renderer
    cases = [(0, [(1, 2, 3)]), (1, [()]), (2, [(4,)])]
    (kinds,) = set(map(tuple, renderer.case_types(cases)))  # type: ignore[attr-defined]
    assert kinds == (Type("list", (Type("int"),)),)
    assert renderer.typed_literal((1, 2, 3), kinds[0]) == literal  # type: ignore[attr-defined]


def test_typed_literals_follow_the_unified_parameter_type() -> None:
    cpp = get_language("cpp").renderer
    files = cpp.driver("long long f(double x) { return 0; }", "f", [(0, [1]), (1, [2.5])], "n")
    program = files["main.cpp"]  # type: ignore[index]
    assert "auto a0 = 1.0;" in program and "auto a0 = 2.5;" in program  # int widened to double


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ([1, 2.5], "base::c(1, 2.5)"),  # Python ints are R doubles (exact to 2^53)
        (["a", "b"], 'base::c("a", "b")'),
        ([True, 1], "base::list(TRUE, 1)"),  # c() would coerce TRUE to 1
        ([None, "x"], 'base::list(NULL, "x")'),  # c() would drop the NULL
        ([[1, 2], [3]], "base::list(base::c(1, 2), base::c(3))"),
        ([], "base::c()"),
        ({"k": [1]}, 'base::list("k" = base::c(1))'),
        ({3: "x"}, 'base::list("3" = "x")'),
        ("é\n", '"\\U{e9}\\U{a}"'),
        (float("-inf"), "-Inf"),
    ],
)
def test_r_literals_are_vectors_where_c_keeps_them(value: object, literal: str) -> None:
    assert get_language("r").renderer.literal(value) == literal


@pytest.mark.parametrize("lang", ["cpp", "rust", "go", "java", "typescript", "php", "r"])
def test_arguments_of_different_types_are_representable(lang: str) -> None:
    """f([1, 2], 3) takes a list and an int: each argument is checked on its own."""
    kept, dropped = cases_for(get_language(lang), (TestCase(0, ([1, 2], 3), [4, 5]),))
    assert len(kept) == 1 and not dropped


def test_a_case_with_one_unrepresentable_value_is_dropped_with_the_reason() -> None:
    cases = (TestCase(0, ([1, 2], 3), 2**70), TestCase(1, ([1], 2), 3))
    kept, dropped = cases_for(get_language("cpp"), cases)
    assert [c.id for c in kept] == [1]
    assert dropped == {"unsupported in cpp: int beyond 64 bits": 1}


# A function that returns None on some inputs: each value alone (a bare None) has no type, but
# across the cases the return type is an optional int, which every typed target can declare.
OPTIONAL_CASES = (
    TestCase(0, ([3, 1, 2],), 3),
    TestCase(1, ([],), None),
    TestCase(2, ([None, 4],), 4),
    TestCase(3, ([5],), 5),
)


@pytest.mark.parametrize("lang", ["rust", "cpp", "java", "go", "typescript"])
def test_none_among_ints_is_typed_across_cases_not_dropped(lang: str) -> None:
    kept, dropped = cases_for(get_language(lang), OPTIONAL_CASES)
    assert [c.id for c in kept] == [0, 1, 2, 3] and not dropped
    signature = infer_signature(
        Source("t", "def f(xs):\n    return max(xs) if xs else None\n", "f", ()), kept
    )
    assert signature.returns == Type("optional", (Type("int"),))
    assert signature.params == (Type("list", (Type("optional", (Type("int"),)),)),)


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("rust", "fn f(xs: Vec<Option<i64>>) -> Option<i64>"),
        ("cpp", "std::optional<long long> f(std::vector<std::optional<long long>> xs)"),
        ("go", "func f(xs []*int) *int"),
        ("typescript", "function f(xs: (number | null)[]): number | null"),
    ],
)
def test_optional_signature_hints(lang: str, hint: str) -> None:
    renderer = get_language(lang).renderer
    optional_int = Type("optional", (Type("int"),))
    signature = Signature(("xs",), (Type("list", (optional_int,)),), optional_int)
    assert renderer.signature_hint("f", signature).startswith(hint)


@pytest.mark.parametrize(
    ("lang", "literal"),
    [
        ("rust", "vec![None, Some(4i64)]"),
        ("go", "[]*int{(*int)(nil), func() *int { v := int(4); return &v }()}"),
    ],
)
def test_optional_literals(lang: str, literal: str) -> None:
    renderer = get_language(lang).renderer
    t = Type("list", (Type("optional", (Type("int"),)),))
    assert renderer.typed_literal([None, 4], t) == literal  # type: ignore[attr-defined]


def test_a_case_whose_types_differ_from_the_others_is_dropped_with_the_reason() -> None:
    cases = (TestCase(0, (1,), 2), TestCase(1, (2,), "two"), TestCase(2, (3,), None))
    kept, dropped = cases_for(get_language("rust"), cases)
    assert [c.id for c in kept] == [0, 2]
    assert dropped == {"unsupported in rust: types differ across cases: mixed types int and str": 1}


def test_a_function_whose_unified_type_has_no_target_type_keeps_no_case() -> None:
    """Always None: no case is kept, rather than the survivors of a per-value filter."""
    kept, dropped = cases_for(
        get_language("go"), (TestCase(0, (1,), None), TestCase(1, (2,), None))
    )
    assert not kept and sum(dropped.values()) == 2


TYPED = {"cpp", "go", "java", "rust", "typescript"}


@pytest.mark.parametrize("lang", sorted(all_languages()))
def test_typed_targets_say_so(lang: str) -> None:
    """Whether the prompt asks for a signature is declared; exactly those define the hint."""
    renderer = get_language(lang).renderer
    typed = lang in TYPED
    assert renderer.typed is typed
    assert hasattr(renderer, "signature_hint") is typed


@pytest.mark.parametrize(
    ("lang", "literals"),
    [
        ("lua", ["math.mininteger", "(-1)", "math.huge", "(-math.huge)", "(-0.0)", "{[1] = nil}"]),
        ("php", ["\\PHP_INT_MIN", "(-1)", "\\INF", "(-\\INF)", "(-0.0)", "[1 => null]"]),
        ("perl", ["(-9223372036854775808)", "(-1)", "(9**9**9)", "(-9**9**9)", "(-0.0)"]),
        (
            "javascript",
            ["-9223372036854775808", "-1", "Infinity", "-Infinity", "-0", '{"1": null}'],
        ),
        ("ruby", ["(-9223372036854775808)", "(-1)", "Float::INFINITY", "(-Float::INFINITY)"]),
        ("r", ["-9223372036854775808", "-1", "Inf", "-Inf", "-0.0", 'base::list("1" = NULL)']),
    ],
)
def test_script_scalars_are_spelled_by_their_language(lang: str, literals: list[str]) -> None:
    """The spelling tables: -2**63, negatives in parentheses where an operator could bind
    tighter, infinities, negative zero, and a dict's keys."""
    values = [-(2**63), -1, float("inf"), float("-inf"), -0.0, {1: None}]
    renderer = get_language(lang).renderer
    assert [renderer.literal(v) for v in values[: len(literals)]] == literals
