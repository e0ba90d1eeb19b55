"""Entry points named like a target's keyword or builtin: the naming rule, the gate's renaming,
and the prompt (codefactory/judge/entry_names.py). No Docker."""

from __future__ import annotations

import re

import pytest

from codefactory.core.languages import Language, all_languages, get_language
from codefactory.core.schema import Source
from codefactory.generation.prompts import translate_messages
from codefactory.judge.entry_names import ReservedNames, accepted_names, reserved_names
from codefactory.judge.syntax_gate import check_in_process

TARGETS = sorted(lang_id for lang_id, lang in all_languages().items() if lang.is_target)


def test_safe_name_appends_underscores_until_the_target_allows_it() -> None:
    names = ReservedNames(frozenset({"intdiv", "intdiv_"}))
    assert names.safe("intdiv") == "intdiv__"
    assert names.safe("add") == "add"
    assert "Intdiv" not in names  # case-sensitive unless the language says otherwise


def test_php_names_are_case_insensitive_builtins_and_keywords() -> None:
    php = reserved_names(get_language("php"))
    for name in ("intdiv", "fdiv", "Count", "Sort", "checkDate", "list", "MATCH"):
        assert name in php, name
    for name in ("intdiv_", "sort_matrix", "add", "min_cost"):
        assert name not in php, name
    assert php.safe("Count") == "Count_"


@pytest.mark.parametrize(
    ("lang", "reserved", "free"),
    [
        ("ruby", ["end", "next", "include"], ["End", "add"]),
        ("lua", ["end", "repeat", "until"], ["print", "add"]),
        ("r", ["repeat", "next", "function", "return"], ["list", "c"]),
        ("perl", ["length", "sort", "s"], ["max", "add"]),
        ("javascript", ["delete", "switch", "arguments"], ["eval", "console"]),
        ("typescript", ["delete", "eval"], ["type", "number"]),
        ("go", ["range", "map", "type", "init", "int"], ["len", "main", "Range"]),
        ("rust", ["match", "type", "move", "loop"], ["main", "drop", "Vec"]),
        ("java", ["switch", "default", "int"], ["main", "record"]),
        ("cpp", ["main", "delete", "and"], ["max", "sort"]),
    ],
)
def test_each_target_lists_what_was_measured_to_fail(
    lang: str, reserved: list[str], free: list[str]
) -> None:
    names = reserved_names(get_language(lang))
    assert [n for n in reserved if n not in names] == []
    assert [n for n in free if n in names] == []


def test_the_safe_name_comes_first_for_a_reserved_entry_point() -> None:
    php = reserved_names(get_language("php"))
    assert accepted_names("intdiv", php)[0] == "intdiv_"
    assert accepted_names("sort_matrix", php) == ["sort_matrix", "sortMatrix", "SortMatrix"]


@pytest.mark.parametrize("lang_id", TARGETS)
def test_the_gate_accepts_the_safe_name_of_every_listed_name(lang_id: str) -> None:
    """The conformance `add`, named as the prompt asks for each reserved name, is the entry."""
    lang = get_language(lang_id)
    names = reserved_names(lang)
    assert names.names, f"{lang_id}.toml has no [names]"
    refused = []
    listed = sorted(names.names)
    for name in listed[:: max(1, len(listed) // 40)]:  # PHP lists 1299: a spread of 40 is enough
        safe = names.safe(name)
        code = re.sub(r"\badd\b", safe, lang.conformance["add"])
        result = check_in_process(lang.grammar, code, name, names)
        if not (result.ok and result.entry == safe):
            refused.append((name, result.reason))
    assert refused == []


def _php_gate(code: str, entry_point: str) -> tuple[str, str]:
    php = get_language("php")
    result = check_in_process(php.grammar, code, entry_point, reserved_names(php))
    assert result.ok, result.reason
    return result.entry, result.code


def test_a_declaration_under_a_builtin_name_is_renamed_and_its_calls_keep_the_builtin() -> None:
    entry, code = _php_gate(
        "function intdiv($a, $b) { return intdiv($a, $b); }\necho intdiv(7, 2);", "intdiv"
    )
    assert entry == "intdiv_"
    assert code == "function intdiv_($a, $b) { return intdiv($a, $b); }\n"


def test_a_convention_variant_that_collides_is_renamed_too() -> None:
    entry, code = _php_gate("function checkDate($d) { return $d > 0; }", "check_date")
    assert (entry, code) == ("checkDate_", "function checkDate_($d) { return $d > 0; }\n")


def test_the_safe_name_the_prompt_asked_for_is_taken_as_is() -> None:
    code = "function intdiv_($a, $b) { return intdiv($a, $b); }\n"
    assert _php_gate(code, "intdiv") == ("intdiv_", code)


def test_a_helper_already_named_like_the_safe_name_is_not_clobbered() -> None:
    entry, code = _php_gate(
        "function intdiv_($x) { return $x; }\nfunction intdiv($a, $b) { return 0; }", "intdiv"
    )
    assert entry == "intdiv_"  # the name the prompt asked for wins
    assert "function intdiv(" in code  # and nothing else is rewritten


def test_without_reserved_names_the_gate_is_as_before() -> None:
    php = get_language("php")
    result = check_in_process(php.grammar, "function intdiv($a, $b) { return 0; }", "intdiv")
    assert (result.ok, result.entry) == (True, "intdiv")


def _messages(lang: Language, code: str, entry: str, signature: str | None = None) -> str:
    return "\n".join(
        text for _, text in translate_messages(Source("t", code, entry, ()), lang, signature)
    )


def test_the_prompt_asks_for_the_safe_name() -> None:
    text = _messages(get_language("php"), "def intdiv(a, b):\n    return a // b", "intdiv")
    assert "the function `intdiv_` with the same parameters" in text
    assert "`intdiv` cannot be declared in PHP" in text and "name the function `intdiv_`" in text


def test_a_typed_targets_signature_hint_takes_the_safe_name() -> None:
    text = _messages(
        get_language("rust"), "def match(x):\n    return x", "match", "fn match(x: i64) -> i64"
    )
    assert "Use this signature: `fn match_(x: i64) -> i64`" in text


def test_the_prompt_of_a_free_name_is_unchanged() -> None:
    """Byte for byte the prompt before this change: cached replies keep hitting."""
    messages = translate_messages(
        Source("t", "def add(a, b):\n    return a + b\n", "add", ()), get_language("php")
    )
    assert messages == (
        (
            "system",
            "You translate Python into PHP. Reply with one ```php code block holding the complete "
            "PHP code: the function `add` with the same parameters and behaviour, and any helpers "
            "it needs. No explanation, no tests, no example usage.",
        ),
        (
            "user",
            "Translate this Python function to PHP:\n"
            "```python\ndef add(a, b):\n    return a + b\n```",
        ),
    )


def test_a_missing_entry_point_is_reported_under_the_name_the_prompt_asked_for() -> None:
    php = get_language("php")
    result = check_in_process(
        php.grammar, "function f($a) { return 0; }", "intdiv", reserved_names(php)
    )
    assert result.reason == "no function named intdiv_ (defined: f)"
    plain = check_in_process(
        php.grammar, "function f($a) { return 0; }", "add", reserved_names(php)
    )
    assert plain.reason == "no function named add (defined: f)"
