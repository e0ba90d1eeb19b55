"""The shared results store (core/store.py) behind `Cache`, chosen by the location's form."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codefactory.core.cache import Cache, SqliteStore
from codefactory.core.paths import default_cache_path, is_store_location, pinned_location
from codefactory.core.store import DirectoryStore


def test_the_location_picks_the_store(tmp_path: Path) -> None:
    assert isinstance(Cache(tmp_path / "cache.sqlite")._store, SqliteStore)
    assert isinstance(Cache(tmp_path)._store, DirectoryStore)  # an existing directory
    assert isinstance(Cache(f"{tmp_path}/new/")._store, DirectoryStore)
    assert isinstance(Cache("memory://codefactory-test")._store, DirectoryStore)
    assert is_store_location("s3://bucket/cf") and not is_store_location(str(tmp_path / "x.db"))


@pytest.mark.parametrize("form", ["directory", "url"])
def test_two_nodes_see_each_others_results(tmp_path: Path, form: str) -> None:
    location = f"{tmp_path}/store/" if form == "directory" else f"file://{tmp_path}/store"
    one, two = Cache(location), Cache(location)
    assert two.get("generation", "k1") is None
    one.put("generation", "k1", {"text": "<?php", "n": 1})
    one.put("verdict", "k1", {"status": "passed"})
    assert two.get("generation", "k1") == {"text": "<?php", "n": 1}
    assert two.get("verdict", "k1") == {"status": "passed"}
    assert (two.count("generation"), two.count("oracle")) == (1, 0)
    one.put("generation", "k1", {"text": "again"})  # the last write wins, whole
    assert two.get("generation", "k1") == {"text": "again"}


def test_a_half_written_file_reads_as_absent(tmp_path: Path) -> None:
    store = DirectoryStore(str(tmp_path))
    store.put("verdict", "abcdef", {"status": "passed"})
    path = Path(store._path("verdict", "abcdef"))
    path.write_text('{"status": "pas')  # a foreign writer killed mid-way
    assert store.get("verdict", "abcdef") is None
    store.put("verdict", "abcdef", {"status": "passed"})
    assert store.get("verdict", "abcdef") == {"status": "passed"}
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]  # nothing left aside


def test_files_beside_the_cache_stay_in_the_cache_root_for_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("CODEFACTORY_CACHE", "s3://bucket/cf")
    assert default_cache_path() == tmp_path / "xdg" / "codefactory" / "cache.sqlite"
    monkeypatch.setenv("CODEFACTORY_CACHE", str(tmp_path / "mine.sqlite"))
    assert default_cache_path() == tmp_path / "mine.sqlite"
    assert os.environ["CODEFACTORY_CACHE"].endswith("mine.sqlite")


def test_the_driver_pins_a_directory_store_for_every_node(tmp_path: Path) -> None:
    assert pinned_location(str(tmp_path)) == f"{tmp_path}/"  # a node without it: still a store
    assert pinned_location("s3://bucket/cf") == "s3://bucket/cf"
    assert pinned_location(str(tmp_path / "cache.sqlite")) == str(tmp_path / "cache.sqlite")
