"""Decontamination: planted benchmark items are flagged with their benchmark and item, other code
is not; `--decontaminate` drops them; nothing of a benchmark is needed beyond its own files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codefactory.core.errors import InputError
from codefactory.curate.apply import CurateOptions, curate
from codefactory.curate.benchmarks import default_dir, load_benchmarks
from codefactory.curate.decontam import ContaminationIndex
from codefactory.curate.options import curate_options
from codefactory.curate.settings import CurationSettings

HUMANEVAL = {
    "task_id": "HumanEval/7",
    "prompt": 'def filter_by_substring(strings, substring):\n    """ Filter an input list of '
    'strings only for ones that contain given substring """\n',
    "canonical_solution": "    return [x for x in strings if substring in x]\n",
    "test": "def check(candidate):\n    assert candidate([], 'john') == []\n",
    "entry_point": "filter_by_substring",
}
MBPP = [
    {
        "task_id": 17,
        "code": "def square_perimeter(a):\r\n  perimeter=4*a\r\n  return perimeter",
        "test_list": ["assert square_perimeter(10)==40"],
    },
    {
        "task_id": 62,
        "code": "def smallest_num(xs):\n  return min(xs)\n",  # shorter than 13 words
        "test_list": ["assert smallest_num([10, 20, 1, 45, 99]) == 1"],
    },
]
MULTIPL_E_PHP = {
    "task_id": "HumanEval/7",
    "name": "HumanEval_7_filter_by_substring",
    "prompt": "<?php\n// Filter an input array of strings only for ones that contain given "
    "substring\nfunction filter_by_substring($strings, $substring) {\n",
    "tests": "function candidate(...$args) {\n    return filter_by_substring(...$args);\n}\n",
}
CLEAN_PY = (
    "def mean(values):\n    total = 0\n    for v in values:\n        total += v\n"
    "    return total / len(values)"
)
CLEAN_PHP = "<?php\nfunction mean($values) {\n    return array_sum($values) / count($values);\n}"


@pytest.fixture
def benchmarks(tmp_path: Path) -> Path:
    folder = tmp_path / "benchmarks"
    folder.mkdir()
    (folder / "humaneval.jsonl").write_text(json.dumps(HUMANEVAL) + "\n")
    (folder / "mbpp.jsonl").write_text("".join(json.dumps(r) + "\n" for r in MBPP))
    (folder / "multipl_e_humaneval_php.jsonl").write_text(json.dumps(MULTIPL_E_PHP) + "\n")
    return folder


def row(source: str, target: str = CLEAN_PHP, task: str = "t") -> dict[str, Any]:
    return {
        "task_id": task,
        "source_code": source,
        "target_code": target,
        "target_language": "php",
        "candidate_sha256": task,
    }


def test_planted_items_are_flagged_with_benchmark_and_item(benchmarks: Path) -> None:
    index = ContaminationIndex.build(load_benchmarks(benchmarks))
    he = HUMANEVAL["prompt"] + HUMANEVAL["canonical_solution"]
    # Reformatted and inside a bigger file: still the benchmark's code.
    assert index.matches("import os\n\n" + he.replace("    ", "  "), "python") == (
        "humaneval:HumanEval/7",
    )
    assert index.matches(MBPP[0]["code"].replace("\r\n", "\n"), "python") == ("mbpp:17",)
    assert index.matches("def smallest_num(xs):\n    return min(xs)", "python") == ("mbpp:62",)
    # The target side: MultiPL-E's PHP prompt copied into a translation.
    leaked = MULTIPL_E_PHP["prompt"] + "    return array_values(array_filter($strings));\n}"
    assert index.matches(leaked, "php") == ("multipl-e-humaneval-php:HumanEval/7",)


def test_other_code_is_not_flagged(benchmarks: Path) -> None:
    index = ContaminationIndex.build(load_benchmarks(benchmarks))
    assert index.matches(CLEAN_PY, "python") == ()
    assert index.matches(CLEAN_PHP, "php") == ()
    # The same function name alone, or the Python benchmark's code checked as PHP, is no match.
    assert index.matches("def smallest_num(xs):\n    return sorted(xs)[0]", "python") == ()
    assert index.matches(MBPP[0]["code"], "php") == ()


def test_every_row_gets_the_field_and_decontaminate_drops_flagged_rows(
    benchmarks: Path,
) -> None:
    train = [
        row(MBPP[0]["code"], "<?php\nfunction p($a) { return 4 * $a; }", "a"),
        row(CLEAN_PY, task="b"),
    ]
    rejected = [row(CLEAN_PY, MULTIPL_E_PHP["prompt"] + "return [];\n}", task="c")]
    options = curate_options(CurationSettings(benchmarks=benchmarks))
    flagged = curate(train, rejected, options)
    assert [r["contamination"] for r in flagged.train] == ["mbpp:17", ""]
    assert flagged.rejected[0]["contamination"] == "multipl-e-humaneval-php:HumanEval/7"
    assert flagged.flagged_train == 1 and len(flagged.train) == 2  # flagged, not dropped
    assert dict(flagged.contaminated) == {"mbpp": 1} and flagged.flagged_rejected == 1

    options = curate_options(CurationSettings(decontaminate=True, benchmarks=benchmarks))
    dropped = curate(train, rejected, options)
    assert [r["task_id"] for r in dropped.train] == ["b"] and dropped.rejected == []
    assert dropped.dropped_contaminated == {"train": 1, "rejected": 1}


def test_without_benchmark_files_rows_are_unchecked_and_decontaminate_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEFACTORY_BENCHMARKS", str(tmp_path / "none"))
    with pytest.raises(InputError, match="no benchmark folder"):
        curate_options(CurationSettings())
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="no benchmark file in"):
        curate_options(CurationSettings(benchmarks=empty))
    unchecked = curate([row(MBPP[0]["code"])], [], CurateOptions(index=None))
    assert "contamination" not in unchecked.train[0] and not unchecked.checked


def test_the_shared_benchmarks_flag_the_bundled_sample_and_not_humaneval_solutions() -> None:
    """The real files: the bundled sample is MBPP, so each of its rows is flagged as its own
    MBPP item; HumanEval's solutions are checked against MBPP alone to count false matches."""
    folder = default_dir()
    if folder is None or not (folder / "mbpp.jsonl").is_file():
        pytest.skip("no shared benchmark data (set CODEFACTORY_BENCHMARKS to a folder with it)")
    from codefactory.sources.jsonl import read_jsonl
    from codefactory.sources.load import SAMPLE

    items = load_benchmarks(folder)
    mbpp = ContaminationIndex.build(i for i in items if i.benchmark == "mbpp")
    sample = [r for r in read_jsonl(SAMPLE) if r.source is not None]
    for source_row in sample:
        assert f"mbpp:{source_row.task_id}" in mbpp.matches(source_row.source.code, "python")
    humaneval = [i for i in items if i.benchmark == "humaneval"]
    false = [i.item for i in humaneval if mbpp.matches(i.texts[0], "python")]
    assert len(false) <= 2, false  # measured: 1 of 164 (HumanEval/71, a triangle test)
