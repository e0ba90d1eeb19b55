"""The syntax gate in-process (trusted text only): entry point names and example usage."""

from __future__ import annotations

import pytest

from codefactory.core.languages import get_language
from codefactory.judge.syntax_gate import check_in_process, entry_names


@pytest.mark.parametrize(
    ("python_name", "names"),
    [
        ("sort_matrix", ["sort_matrix", "sortMatrix", "SortMatrix"]),
        (
            "decimal_To_Binary",
            ["decimal_To_Binary", "decimalToBinary", "DecimalToBinary", "decimal_to_binary"],
        ),
        ("add", ["add", "Add"]),
        ("Add", ["Add", "add"]),
        ("_private", ["_private"]),
        ("a__b", ["a__b"]),
    ],
)
def test_entry_point_in_the_targets_convention(python_name: str, names: list[str]) -> None:
    assert entry_names(python_name) == names


def test_gate_finds_a_camel_case_entry_point_and_prefers_the_exact_name() -> None:
    js = get_language("javascript").grammar
    camel = "function sortMatrix(m) { return m; }\nconsole.log(sortMatrix([1]));\n"
    result = check_in_process(js, camel, "sort_matrix")
    assert result.ok and result.entry == "sortMatrix"
    assert "console.log" not in result.code  # example usage of the renamed function stripped
    both = "function sortMatrix(m) { return 0; }\nfunction sort_matrix(m) { return m; }\n"
    assert check_in_process(js, both, "sort_matrix").entry == "sort_matrix"
    other = check_in_process(js, "function sortRows(m) { return m; }\n", "sort_matrix")
    assert not other.ok and other.reason == "no function named sort_matrix (defined: sortRows)"


class _DeadPool:
    """A worker pool whose worker died before it could parse anything."""

    def submit(self, *args: object) -> object:
        from concurrent.futures.process import BrokenProcessPool

        raise BrokenProcessPool("worker died")

    def shutdown(self, **kwargs: object) -> None:
        pass


def test_a_worker_that_died_once_is_not_the_candidate_s_fault() -> None:
    from codefactory.core.languages import get_language
    from codefactory.judge.syntax_gate import SyntaxGate

    gate = SyntaxGate()
    real_start = gate._start
    starts: list[int] = []

    def start_dead_then_real() -> object:
        starts.append(1)
        if len(starts) == 1:
            gate._pool = _DeadPool()  # type: ignore[assignment]
            return gate._pool
        return real_start()

    gate._start = start_dead_then_real  # type: ignore[method-assign]
    try:
        result = gate.check(get_language("php"), "function add($a, $b) { return $a + $b; }", "add")
    finally:
        gate.close()
    assert result.ok and len(starts) == 2
