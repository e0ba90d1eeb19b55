"""The Hugging Face Hub: is it reachable, and pushing a dataset folder to it incrementally.

A push is one commit of the files that changed since the repo's current revision (a chain of
commits of at most 100 files each past that, deletions last), made with `parent_commit` so that
a job racing another cannot silently overwrite it, and tagged, so each refresh stays loadable by
its tag (`load_dataset(repo, revision=tag)`).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from codefactory.core.errors import CodefactoryError, InputError
from codefactory.dataset.push_plan import (
    PushPlan,
    commit_batches,
    commit_message,
    local_files,
    plan_push,
    tree_digests,
)


def hub_reachable() -> bool:
    # One DNS lookup decides; the hub client would otherwise retry for ~25 s when offline.
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", ""):
        return False
    try:
        socket.getaddrinfo("huggingface.co", 443)
    except OSError:
        return False
    return True


def check_folder(folder: Path) -> None:
    if not (folder / "README.md").is_file() or not (folder / "data").is_dir():
        raise InputError(
            f"{folder} is not a dataset folder (no README.md and data/): write one first"
        )


def refresh_tag() -> str:
    return time.strftime("refresh-%Y%m%d-%H%M%S", time.gmtime())


def _later(folder: Path, repo: str) -> str:
    return (
        f"the dataset is intact in {folder}; push it later with `codefactory push {folder} {repo}`"
    )


def plan_against_hub(folder: Path, repo: str) -> PushPlan:
    """What a push of `folder` to `repo` would change now (nothing is uploaded)."""
    check_folder(folder)
    if not hub_reachable():
        raise CodefactoryError(f"the Hugging Face Hub cannot be reached: {_later(folder, repo)}")
    from huggingface_hub import HfApi

    api = HfApi(token=os.environ.get("HF_TOKEN") or None)
    try:
        parent = api.dataset_info(repo).sha
        tree = api.list_repo_tree(repo, repo_type="dataset", recursive=True, revision=parent)
        return plan_push(local_files(folder), tree_digests(tree))
    except Exception as exc:  # no such repo, auth, network
        raise CodefactoryError(
            f"cannot read {repo} ({exc.__class__.__name__}: {_first_line(exc)})"
        ) from None


def push_folder(folder: Path, repo: str, private: bool = False, tag: bool = True) -> str:
    """Commit what changed in `folder` to dataset repo `repo` (token: HF_TOKEN) and tag it.
    The folder is never modified; any failure is one line saying so."""
    check_folder(folder)
    later = _later(folder, repo)
    if not hub_reachable():
        raise CodefactoryError(f"the Hugging Face Hub cannot be reached: {later}")
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete, HfApi

    api = HfApi(token=os.environ.get("HF_TOKEN") or None)
    try:
        api.create_repo(repo, repo_type="dataset", exist_ok=True, private=private)
        parent = api.dataset_info(repo).sha
        tree = api.list_repo_tree(repo, repo_type="dataset", recursive=True, revision=parent)
        files = local_files(folder)
        plan = plan_push(files, tree_digests(tree))
        if plan.empty:
            return f"{repo}: nothing changed ({plan.describe()})"
        title, description = commit_message(folder, plan)
        batches = commit_batches(plan)
        for i, batch in enumerate(batches, 1):
            operations: list[CommitOperationAdd | CommitOperationDelete] = [
                CommitOperationAdd(path_in_repo=path, path_or_fileobj=files[path])
                for path in (*batch.added, *batch.changed)
            ]
            operations += [CommitOperationDelete(path_in_repo=path) for path in batch.deleted]
            part = f" ({i}/{len(batches)})" if len(batches) > 1 else ""
            # Each commit's parent is the one before: a concurrent push still fails the chain.
            commit = api.create_commit(
                repo,
                operations,
                commit_message=title + part,
                commit_description=description,
                repo_type="dataset",
                parent_commit=parent,
            )
            parent = commit.oid
        name = refresh_tag() if tag else None
        if name:
            api.create_tag(
                repo, tag=name, revision=commit.oid, repo_type="dataset", tag_message=title
            )
    except Exception as exc:  # auth, network, a concurrent push (412): all end the same way
        raise CodefactoryError(
            f"push to {repo} failed ({exc.__class__.__name__}: {_first_line(exc)}); {later}"
        ) from None
    return f"{commit.commit_url} ({plan.describe()}{f'; tag {name}' if name else ''})"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [""])[0]


__all__ = ["PushPlan", "check_folder", "hub_reachable", "plan_against_hub", "push_folder"]
