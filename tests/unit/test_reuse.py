"""A published folder's replies into the cache (dataset/reuse.py)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from codefactory.core.cache import Cache
from codefactory.dataset.reuse import reuse_replies


def _write(path: Path, columns: dict[str, list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pydict(columns), path)


def test_replies_go_into_the_cache_once_and_old_layouts_are_passed_over(tmp_path: Path) -> None:
    folder = tmp_path / "published"
    _write(
        folder / "data/php/train-1.parquet",
        {
            "generation_key": ["k1", None],  # None: a given candidate (verify), no reply
            "reply": ["```php\nfunction f() {}\n```", None],
            "prompt_tokens": [10, None],
            "completion_tokens": [20, None],
            "generation_s": [1.5, None],
        },
    )
    _write(folder / "data/php-sft/train-1.parquet", {"messages": ["[]"]})  # a view
    _write(folder / "data/lua/train-1.parquet", {"target_code": ["x"]})  # before replies were kept
    cache = Cache(tmp_path / "cache.sqlite")
    assert reuse_replies(folder, cache) == {"php": 1}
    assert cache.get("generation", "k1") == {
        "text": "```php\nfunction f() {}\n```",
        "prompt_tokens": 10,
        "completion_tokens": 20,
        "seconds": 1.5,
    }
    assert reuse_replies(folder, cache) == {}  # already there: nothing added, nothing overwritten
