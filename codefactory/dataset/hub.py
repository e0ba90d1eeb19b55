"""The Hugging Face Hub: is it reachable, and uploading a dataset folder to it."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from codefactory.core.errors import CodefactoryError


def hub_reachable() -> bool:
    # One DNS lookup decides; the hub client would otherwise retry for ~25 s when offline.
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", ""):
        return False
    try:
        socket.getaddrinfo("huggingface.co", 443)
    except OSError:
        return False
    return True


def push_folder(folder: Path, repo: str, private: bool = False) -> str:
    """Upload `folder` as dataset repo `repo` (token from HF_TOKEN). The folder is untouched."""
    later = (
        f"the dataset is intact in {folder}; push it later with `codefactory push {folder} {repo}`"
    )
    if not hub_reachable():
        raise CodefactoryError(f"the Hugging Face Hub cannot be reached: {later}")
    from huggingface_hub import HfApi

    api = HfApi(token=os.environ.get("HF_TOKEN"))
    try:
        api.create_repo(repo, repo_type="dataset", exist_ok=True, private=private)
        info = api.upload_folder(
            folder_path=str(folder),
            repo_id=repo,
            repo_type="dataset",
            commit_message="codefactory: update dataset",
        )
    except Exception as exc:  # auth, network, permissions: all end the same way
        raise CodefactoryError(
            f"push to {repo} failed ({exc.__class__.__name__}: {exc}); {later}"
        ) from None
    return str(info)
