"""A published dataset's replies, put back into the generation cache: a refresh that starts from
it (a fresh CI runner, another machine, a lost cache) pays only for requests it has not seen.

Every generated row carries the model's reply and the generation cache's key for the exact
request (model, prompt version, messages, temperature, seed, max tokens). Seeding the cache with
them, rather than carrying rows over, keeps everything else as a normal run does it: the tests
are rebuilt and every candidate is judged again by today's verifier, and a repair whose feedback
changed is a new request, paid for."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from codefactory.core.cache import Cache
from codefactory.core.errors import InputError

COLUMNS = ("generation_key", "reply", "prompt_tokens", "completion_tokens", "generation_s")


def published_replies(folder: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(config, key, cache value) of every generated row in a dataset folder's splits; files
    of an older layout, without the columns, are passed over."""
    for path in sorted(folder.glob("data/*/*.parquet")):
        if not set(COLUMNS) <= set(pq.read_schema(path).names):
            continue  # a view (sft, dpo), or a folder written before rows kept their replies
        for row in pq.read_table(path, columns=list(COLUMNS)).to_pylist():
            if row["generation_key"] and row["reply"] is not None:
                yield (
                    path.parent.name,
                    row["generation_key"],
                    {
                        "text": row["reply"],
                        "prompt_tokens": row["prompt_tokens"] or 0,
                        "completion_tokens": row["completion_tokens"] or 0,
                        "seconds": row["generation_s"] or 0.0,
                    },
                )


def reuse_replies(folder: Path, cache: Cache) -> Counter[str]:
    """Put the folder's replies the cache lacks into it; how many, per config (target)."""
    added: Counter[str] = Counter()
    for config, key, value in published_replies(folder):
        if cache.get("generation", key) is None:
            cache.put("generation", key, value)
            added[config] += 1
    return added


@contextmanager
def published_folder(source: str) -> Iterator[Path]:
    """A local dataset folder as it is, or a Hub dataset repo's split files, downloaded. Any
    failure to fetch stops the run, "no such repo" too (the Hub answers so for a private repo
    and a wrong token): it would otherwise pay again, silently, for all the repo holds."""
    path = Path(source)
    if path.is_dir():
        yield path
        return
    if path.exists() or source.startswith((".", "/")):
        raise InputError(f"--refresh-from {source}: not a dataset folder")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import RepositoryNotFoundError

    with tempfile.TemporaryDirectory(prefix="codefactory-published-") as scratch:
        try:
            snapshot_download(
                source, repo_type="dataset", local_dir=scratch, allow_patterns=["data/*/*.parquet"]
            )
        except RepositoryNotFoundError:
            raise InputError(
                f"no dataset {source!r} on the Hub, or none this HF_TOKEN may read: check both; "
                "a first refresh, before anything is published, runs without --refresh-from"
            ) from None
        except Exception as exc:  # offline, a Hub error: all one line
            raise InputError(
                f"cannot fetch the published dataset {source!r} from the Hub "
                f"({type(exc).__name__}): check the name, the network and HF_TOKEN, "
                "or pass a local folder"
            ) from None
        yield Path(scratch)
