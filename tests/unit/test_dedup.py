"""Dedup: planted exact and near duplicates go, distinct translations stay, the published row
wins, and the same input drops the same rows every time."""

from __future__ import annotations

from typing import Any

from codefactory.curate.apply import CurateOptions, curate
from codefactory.curate.dedup import EXACT, NEAR, find_duplicates, minhash

LONG = """<?php
function sum_of_squares($numbers) {
    $total = 0;
    foreach ($numbers as $n) {
        if ($n % 2 == 0) {
            $total += $n * $n;
        } else {
            $total -= $n;
        }
    }
    return $total;
}"""
# The same function with its whitespace changed: an exact duplicate after normalising.
REFORMATTED = LONG.replace("    ", "\t").replace(" {", "\n{")
# One name changed: a near duplicate.
RENAMED = LONG.replace("sum_of_squares", "square_sum")
DISTINCT = """<?php
function count_vowels($s) {
    $count = 0;
    for ($i = 0; $i < strlen($s); $i++) {
        if (strpos("aeiou", $s[$i]) !== false) { $count++; }
    }
    return $count;
}"""
# Short functions that differ in one operator are different functions, not duplicates.
ADD = "<?php\nfunction add($a, $b) { return $a + $b; }"
SUB = "<?php\nfunction sub($a, $b) { return $a - $b; }"


def test_exact_and_near_duplicates_are_found_and_distinct_code_is_kept() -> None:
    items = [
        ("1", LONG),
        ("2", REFORMATTED),
        ("3", RENAMED),
        ("4", DISTINCT),
        ("5", ADD),
        ("6", SUB),
    ]
    found = find_duplicates(items)
    assert found[0] is None and found[3] is None and found[4] is None and found[5] is None
    assert found[1] is not None and (found[1].reason, found[1].of) == (EXACT, "1")
    assert found[2] is not None and (found[2].reason, found[2].of) == (NEAR, "1")
    assert found[2].similarity >= 0.75


def test_near_duplicates_of_one_function_are_kept_but_not_exact_ones() -> None:
    # keep=all: several verified candidates of one function may differ a little
    found = find_duplicates([("1", LONG), ("1", RENAMED), ("1", REFORMATTED)])
    assert found[1] is None
    assert found[2] is not None and found[2].reason == EXACT


def test_the_hashing_is_pinned() -> None:
    """The same sketch on every machine and in every run: these values change only if the
    shingles, seed, permutation scheme or hash function do, and then nightly runs disagree."""
    assert [int(v) for v in minhash(LONG).hashvalues[:4]] == [
        8170407,
        15977475,
        18036051,
        14740619,
    ]
    items = [(str(i), LONG.replace("sum_of_squares", f"sum_{i}")) for i in range(20)]
    assert sum(d is not None for d in find_duplicates(items)) == 19


def row(task: str, code: str) -> dict[str, Any]:
    return {"task_id": task, "target_code": code, "candidate_sha256": f"sha-{task}"}


def test_the_row_already_published_wins_and_input_order_is_kept() -> None:
    train = [row("1", RENAMED), row("2", LONG), row("3", DISTINCT)]
    # Without history the earlier row (task 1) is kept ...
    assert [r["task_id"] for r in curate(train, [], CurateOptions()).train] == ["1", "3"]
    # ... but when task 2's row is already in the folder, a nightly run keeps that one.
    curated = curate(train, [], CurateOptions(), published={("2", "sha-2")})
    assert [r["task_id"] for r in curated.train] == ["2", "3"]
    assert curated.duplicates[0] | {"similarity": 0} == {
        "task_id": "1",
        "reason": NEAR,
        "of": "2",
        "similarity": 0,
    }


def test_dedup_off_keeps_everything() -> None:
    train = [row("1", LONG), row("2", LONG)]
    assert len(curate(train, [], CurateOptions(dedup=False)).train) == 2
