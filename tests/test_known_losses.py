"""Losses that were ours, not the model's (issue 13), checked without Docker."""

from __future__ import annotations

import pytest

from codefactory.core.equality import Relation, values_equal
from codefactory.core.languages import get_language
from codefactory.core.schema import CallSpec, Source
from codefactory.sources.assert_calls import return_relation
from codefactory.suite.build import with_return_relation

# -- Java: the candidate's unit imports what translations use without an import line -----------


def test_java_candidate_unit_imports_streams_regex_and_functions() -> None:
    java = get_language("java")
    code = java.renderer.strip_candidate(
        "class Solution {\n    public static long f(long x) { return x; }\n}"
    )
    files = java.renderer.driver(code, "f", [(0, (1,))], "0" * 24)
    assert isinstance(files, dict)
    solution, harness = files["Solution.java"], files["Main.java"]
    for package in ("java.util", "java.util.stream", "java.util.regex", "java.util.function"):
        assert f"import {package}.*;" in solution
    assert solution.index("package cfcand;") < solution.index("import java.util.stream.*;")
    assert "import java.util.stream" not in harness  # only the candidate's unit gets them


# -- set-order results compare as a multiset ---------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "def f(xs):\n    return list(set(xs))",
        "def f(xs):\n    return tuple(set(xs))",
        "def f(xs):\n    return list({x % 3 for x in xs})",
        "def f(xs):\n    return list({1, 2, *xs})",
        "def f(a, b):\n    return list(set(a) & set(b))",
        "def f(a, b):\n    return list(set(a).intersection(b))",
        "def f(xs):\n    '''Docs.'''\n    if not xs:\n        return list(set())\n"
        "    def key(x):\n        return x\n    return list(frozenset(xs))",
    ],
)
def test_set_order_result_compares_as_a_multiset(code: str) -> None:
    assert return_relation(code, "f") == Relation(kind="sorted")


@pytest.mark.parametrize(
    "code",
    [
        "def f(xs):\n    return sorted(set(xs))",
        "def f(xs):\n    return len(set(xs))",
        "def f(xs):\n    return list(xs)",
        "def f(xs):\n    if not xs:\n        return []\n    return list(set(xs))",
        "def f(xs):\n    print(list(set(xs)))",  # no return: None
        "def f(xs):\n    return list(set(xs)),",  # a tuple holding the list: its order matters
        "def g(xs):\n    return list(set(xs))\ndef f(xs):\n    return g(xs)",
    ],
)
def test_other_results_compare_exactly(code: str) -> None:
    assert return_relation(code, "f") is None


def test_source_calls_take_the_implied_relation_unless_their_assert_states_one() -> None:
    source = Source(
        "t",
        "def f(xs):\n    return list(set(xs))",
        "f",
        (CallSpec("([1, 2],)"), CallSpec("([3],)", Relation(kind="set"))),
    )
    upgraded = with_return_relation(source)
    assert [c.relation.kind for c in upgraded.calls] == ["sorted", "set"]
    plain = Source("t", "def f(xs):\n    return list(xs)", "f", (CallSpec("([1, 2],)"),))
    assert with_return_relation(plain) is plain


def test_multiset_relation_ignores_order_but_not_duplicates() -> None:
    sorted_ = Relation(kind="sorted")
    assert values_equal(["b", "a", "c"], ["a", "c", "b"], sorted_)
    assert not values_equal(["b", "a"], ["a", "b", "b"], sorted_)
    assert not values_equal(["b", "a"], ["a", "b"])


# -- Ruby: capitalised parameters are constants -------------------------------------------------


def _prompt(code: str, entry: str, lang: str) -> str:
    from codefactory.generation.prompts import translate_messages

    messages = translate_messages(Source("t", code, entry, ()), get_language(lang))
    return "\n".join(text for _, text in messages)


def test_ruby_prompt_renames_capitalised_parameters_and_locals() -> None:
    code = "def f(N, n, xs):\n    M = N * 2\n    return [x for x in xs if x < M + n]"
    text = _prompt(code, "f", "ruby")
    assert text.endswith(
        "```\nIn Ruby a capitalised name is a constant: write `n_` for `N`, `m` for `M`."
    )


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("def f(n):\n    return n + 1", "ruby"),  # nothing capitalised
        ("def f(N):\n    return N + 1", "php"),  # `$N` is a variable
        ("def f(n):\n    return MAX + n", "ruby"),  # a global constant is read, not bound
    ],
)
def test_other_prompts_are_unchanged(code: str, lang: str) -> None:
    name = get_language(lang).name
    assert _prompt(code, "f", lang).endswith(
        f"Translate this Python function to {name}:\n```python\n{code}\n```"
    )


# -- mutation: a one-statement string function has mutants, and a docstring is never one --------

DASHERIZE = (
    'def dasherize(word):\n    """\n    Replace underscores with dashes in the string.\n    """\n'
    "    return word.replace('_', '-')"
)


def test_dasherize_gets_string_mutants_and_no_docstring_mutant() -> None:
    from codefactory.suite.mutation import mutants

    out = mutants(DASHERIZE)
    assert [m.splitlines()[-1].strip() for m in out] == [
        "return word.replace('', '-')",
        "return word.replace('_', '')",
    ]
    assert all("Replace underscores" in m for m in out)  # the docstring stays as it is
    assert mutants('def f(x):\n    """Docs."""\n    return x') == []
    assert mutants('def f(x):\n    return f"a{x}b"') == []  # an f-string's literal parts are kept


# -- an entry point named like a PHP builtin: asked for, and given, a name PHP can declare -------

# The replies of qwen2.5-coder-1.5b (greedy) to the prompt that asks for the safe name.
BUILTIN_NAMED = [
    ("intdiv", "def intdiv(a, b):\n    return a // b", "function intdiv_($a, $b) {\n"),
    ("count", "def count(lst):\n    return sum(lst)", "function count_($lst) {\n"),
    (
        "pow",
        "def pow(x, n):\n    if n == 0:\n        return 1\n    return x * pow(x, n - 1)",
        "function pow_($x, $n) {\n    if ($n == 0) {\n        return 1;\n    }\n"
        "    return $x * pow_($x, $n - 1);\n",
    ),
]


@pytest.mark.parametrize(("name", "code", "reply"), BUILTIN_NAMED)
def test_php_builtin_named_entry_point_is_asked_for_and_gets_its_safe_name(
    name: str, code: str, reply: str
) -> None:
    from codefactory.judge.entry_names import reserved_names
    from codefactory.judge.syntax_gate import check_in_process

    php = get_language("php")
    assert f"name the function `{name}_`" in _prompt(code, name, "php")
    for candidate in (
        reply + "}\n",
        reply.replace(f"function {name}_(", f"function {name}(") + "}\n",
    ):
        result = check_in_process(php.grammar, candidate, name, reserved_names(php))
        assert (result.ok, result.entry) == (True, f"{name}_"), candidate
