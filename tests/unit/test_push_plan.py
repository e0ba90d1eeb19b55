"""Incremental push: the plan (added, changed, deleted) against a previous revision, the one
commit it becomes (parent_commit, a tag, the funnel as message), and offline failure that
leaves the folder as it was."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from codefactory.cli.app import app
from codefactory.dataset import hub, push_plan
from codefactory.dataset.push_plan import (
    PushPlan,
    commit_batches,
    folder_digests,
    git_blob_id,
    local_files,
    plan_push,
    tree_digests,
)
from codefactory.dataset.writer import write_dataset

SUMMARY = {"php": {"train_rows": 2, "rejected_rows": 1, "funnel": {"stages": []}}}


def make(folder: Path, tasks: list[str], lua: bool = True) -> Path:
    configs = {"php": {"train": [{"task_id": t, "verified": True} for t in tasks]}}
    if lua:
        configs["lua"] = {"train": [{"task_id": "l", "verified": True}]}
    extra = {"funnel.json": json.dumps(SUMMARY), "codefactory.toml": 'push-to-hub = "me/x"\n'}
    write_dataset(folder, configs, "# card\n", extra)
    return folder


def test_the_plan_against_a_previous_revision_folder(tmp_path: Path) -> None:
    old = make(tmp_path / "old", ["1", "2"])
    new = make(tmp_path / "new", ["1", "2", "3"], lua=False)
    plan = plan_push(local_files(new), folder_digests(old))
    (old_php,) = (p for p in local_files(old) if p.startswith("data/php/"))
    (new_php,) = (p for p in local_files(new) if p.startswith("data/php/"))
    (old_lua,) = (p for p in local_files(old) if p.startswith("data/lua/"))
    assert plan.added == (new_php,)
    assert plan.changed == ("README.md",)  # its configs name the new file
    assert set(plan.deleted) == {old_php, old_lua}
    assert set(plan.unchanged) == {"codefactory.toml", "funnel.json"}
    # Nothing changed: nothing to commit.
    assert plan_push(local_files(new), folder_digests(new)).empty


def test_the_cli_prints_the_plan_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    old = make(tmp_path / "old", ["1"])
    new = make(tmp_path / "new", ["1", "2"])
    result = CliRunner().invoke(app, ["push", str(new), "--against", str(old)])
    assert result.exit_code == 0, result.output
    assert "1 added, 1 changed, 1 deleted, 3 unchanged" in result.output


@dataclass
class Entry:  # what HfApi.list_repo_tree yields
    path: str
    blob_id: str | None
    lfs: dict[str, Any] | None = None


def test_hub_digests_match_by_git_blob_id_or_lfs_sha256_and_foreign_files_stay(
    tmp_path: Path,
) -> None:
    folder = make(tmp_path / "new", ["1"])
    files = local_files(folder)
    parquet = next(p for p in files if p.startswith("data/php/"))
    tree = [
        Entry("data", None),  # a folder
        Entry(".gitattributes", "0" * 40),
        Entry("notes.md", "1" * 40),  # a person's file: never deleted
        Entry("README.md", git_blob_id(files["README.md"])),
        Entry("funnel.json", "2" * 40),  # another content: changed
        Entry(parquet, "3" * 40, {"sha256": hashlib.sha256(files[parquet]).hexdigest()}),
        Entry("data/php/train-0000.parquet", "4" * 40, {"sha256": "5" * 64}),  # stale
    ]
    plan = plan_push(files, tree_digests(tree))
    assert set(plan.unchanged) == {"README.md", parquet}
    assert plan.changed == ("funnel.json",)
    assert plan.deleted == ("data/php/train-0000.parquet",)
    assert "codefactory.toml" in plan.added


class FakeApi:
    """Records what push_folder asks of the Hub; the repo holds `tree` at commit `parent`."""

    calls: ClassVar[list[tuple[str, Any]]] = []
    tree: ClassVar[list[Entry]] = []

    def __init__(self, token: str | None = None) -> None:
        FakeApi.calls = []

    def create_repo(self, repo: str, **kw: Any) -> None:
        FakeApi.calls.append(("create_repo", repo))

    def dataset_info(self, repo: str) -> Any:
        return type("Info", (), {"sha": "parent-sha"})()

    def list_repo_tree(self, repo: str, **kw: Any) -> list[Entry]:
        return FakeApi.tree

    def create_commit(self, repo: str, operations: list[Any], **kw: Any) -> Any:
        FakeApi.calls.append(("create_commit", (operations, kw)))
        return type("Commit", (), {"oid": "new-sha", "commit_url": "https://hub/commit/new"})()

    def create_tag(self, repo: str, **kw: Any) -> None:
        FakeApi.calls.append(("create_tag", kw))


def test_a_push_commits_only_what_changed_on_its_parent_and_tags_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    folder = make(tmp_path / "new", ["1"])
    files = local_files(folder)
    FakeApi.tree = [Entry(p, git_blob_id(d)) for p, d in files.items() if p != "funnel.json"]
    FakeApi.tree.append(Entry("data/php/train-old.parquet", "9" * 40))
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    monkeypatch.setattr(hub, "hub_reachable", lambda: True)

    message = hub.push_folder(folder, "me/x")
    assert "1 added, 0 changed, 1 deleted" in message and "tag refresh-" in message
    (operations, kw), tag = FakeApi.calls[1][1], FakeApi.calls[2][1]
    assert kw["parent_commit"] == "parent-sha"  # a concurrent push makes this commit fail
    assert sorted(type(op).__name__ + ":" + op.path_in_repo for op in operations) == [
        "CommitOperationAdd:funnel.json",
        "CommitOperationDelete:data/php/train-old.parquet",
    ]
    assert kw["commit_message"] == "codefactory refresh: php 2 verified"
    assert tag["revision"] == "new-sha" and tag["tag"].startswith("refresh-")

    FakeApi.tree = [Entry(p, git_blob_id(d)) for p, d in files.items()]
    assert "nothing changed" in hub.push_folder(folder, "me/x")
    assert [c[0] for c in FakeApi.calls] == ["create_repo"]  # no empty commit, no tag


def test_offline_push_is_one_line_exits_non_zero_and_leaves_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = make(tmp_path / "out", ["1"])
    before = local_files(folder)
    result = CliRunner().invoke(app, ["push", str(folder)])  # the repo from codefactory.toml
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "cannot be reached" in result.output and "me/x" in result.output
    assert local_files(folder) == before


def test_no_repo_anywhere_says_how_to_name_one(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    write_dataset(folder, {"php": {"train": [{"task_id": "1"}]}}, "# card\n")
    result = CliRunner().invoke(app, ["push", str(folder)])
    assert result.exit_code == 2 and "codefactory push" in result.output


def test_a_large_refresh_is_a_chain_of_commits_deletions_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = PushPlan(
        added=tuple(f"data/php/a{i}.parquet" for i in range(150)),
        changed=("README.md",),
        deleted=tuple(f"data/php/old{i}.parquet" for i in range(60)),
        unchanged=(),
    )
    batches = commit_batches(plan, size=100)
    assert [len(b.added) + len(b.changed) + len(b.deleted) for b in batches] == [100, 100, 11]
    first_deletion = next(i for i, b in enumerate(batches) if b.deleted)
    uploaded_by_then = sum(len(b.added) + len(b.changed) for b in batches[: first_deletion + 1])
    assert uploaded_by_then == 151  # every upload is in before any file goes
    assert [p for b in batches for p in b.deleted] == list(plan.deleted)

    import huggingface_hub

    folder = make(tmp_path / "new", ["1"])
    FakeApi.tree = []
    monkeypatch.setattr(huggingface_hub, "HfApi", FakeApi)
    monkeypatch.setattr(hub, "hub_reachable", lambda: True)
    monkeypatch.setattr(push_plan, "FILES_PER_COMMIT", 2)
    message = hub.push_folder(folder, "me/x")
    commits = [c[1][1] for c in FakeApi.calls if c[0] == "create_commit"]
    assert len(commits) == -(-len(local_files(folder)) // 2) > 1
    assert commits[0]["parent_commit"] == "parent-sha"
    assert all(c["parent_commit"] == "new-sha" for c in commits[1:])  # a chain
    assert commits[-1]["commit_message"].endswith(f"({len(commits)}/{len(commits)})")
    assert "tag refresh-" in message
