"""What a push changes: the folder's files against the previous revision's, by content.

The previous revision is the Hub repo's tree (git blob ids, and the SHA-256 of files stored
with LFS) or, offline, a folder holding that revision. Only files under `data/` are ever
deleted: the Hub's `.gitattributes` and files a person added to the repo stay.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANAGED = ("data/",)  # the prefixes whose stale files a push deletes


@dataclass(frozen=True)
class Digest:
    """A file's content as the Hub names it: `kind` is "sha256" (LFS) or "git" (blob id)."""

    kind: str
    value: str


@dataclass(frozen=True)
class PushPlan:
    added: tuple[str, ...]
    changed: tuple[str, ...]
    deleted: tuple[str, ...]
    unchanged: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.deleted)

    def describe(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.deleted)} deleted, "
            f"{len(self.unchanged)} unchanged"
        )

    def to_json(self) -> dict[str, list[str]]:
        return {
            "added": list(self.added),
            "changed": list(self.changed),
            "deleted": list(self.deleted),
            "unchanged": list(self.unchanged),
        }


def local_files(folder: Path) -> dict[str, bytes]:
    """The folder's files by repo path; hidden ones (.cache, .gitattributes) are not data."""
    files = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


def git_blob_id(data: bytes) -> str:
    # git names a file by the SHA-1 of this header and its bytes: what the Hub reports
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def folder_digests(folder: Path) -> dict[str, Digest]:
    """A previous revision kept as a folder, as the Hub would describe it."""
    return {
        p: Digest("sha256", hashlib.sha256(d).hexdigest()) for p, d in local_files(folder).items()
    }


def tree_digests(entries: Iterable[Any]) -> dict[str, Digest]:
    """The Hub's `list_repo_tree(recursive=True)` entries (files only) as digests."""
    digests = {}
    for entry in entries:
        blob_id = getattr(entry, "blob_id", None)
        if blob_id is None:  # a folder
            continue
        lfs = getattr(entry, "lfs", None)
        sha256 = getattr(lfs, "sha256", None) or (
            lfs.get("sha256") if isinstance(lfs, dict) else None
        )
        digests[entry.path] = Digest("sha256", sha256) if sha256 else Digest("git", blob_id)
    return digests


def _same(data: bytes, digest: Digest) -> bool:
    if digest.kind == "sha256":
        return hashlib.sha256(data).hexdigest() == digest.value
    return git_blob_id(data) == digest.value


def plan_push(files: Mapping[str, bytes], previous: Mapping[str, Digest]) -> PushPlan:
    added, changed, unchanged = [], [], []
    for path, data in sorted(files.items()):
        if path not in previous:
            added.append(path)
        elif _same(data, previous[path]):
            unchanged.append(path)
        else:
            changed.append(path)
    deleted = sorted(p for p in previous if p not in files and p.startswith(MANAGED))
    return PushPlan(tuple(added), tuple(changed), tuple(deleted), tuple(unchanged))


FILES_PER_COMMIT = 100  # the Hub's advice for one commit; a refresh past it is several


def commit_batches(plan: PushPlan, size: int | None = None) -> list[PushPlan]:
    """The plan as commits of at most `size` (FILES_PER_COMMIT) files each: every upload before
    any deletion, so no revision lacks a file before its replacement is in."""
    size = size or FILES_PER_COMMIT
    uploads = [("added", path) for path in plan.added] + [("changed", p) for p in plan.changed]
    items = uploads + [("deleted", path) for path in plan.deleted]
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
    return [
        PushPlan(
            added=tuple(path for kind, path in chunk if kind == "added"),
            changed=tuple(path for kind, path in chunk if kind == "changed"),
            deleted=tuple(path for kind, path in chunk if kind == "deleted"),
            unchanged=plan.unchanged,
        )
        for chunk in chunks
    ]


def commit_message(folder: Path, plan: PushPlan) -> tuple[str, str]:
    """(title, description): the funnel's summary per target, then what the commit changes."""
    parts = []
    funnel = folder / "funnel.json"
    summaries: dict[str, Any] = json.loads(funnel.read_text()) if funnel.is_file() else {}
    for target, summary in summaries.items():
        parts.append(f"{target} {summary.get('train_rows', 0)} verified")
    title = "codefactory refresh" + (f": {', '.join(parts)}" if parts else "")
    lines = [f"Files: {plan.describe()}."]
    for target, summary in summaries.items():
        funnel = summary.get("funnel", {})
        stages = [*funnel.get("stages", []), *funnel.get("curation", [])]
        flow = " -> ".join(f"{s['stage']} {s['count']}" for s in stages)
        lines.append(f"{target}: {summary.get('rejected_rows', 0)} rejected; {flow}")
    return title, "\n".join(lines)
