"""Duplicate translations: exact (the same normalised code) and near (MinHash LSH).

Every setting that decides a MinHash is pinned here — shingle size, permutations, seed and
datasketch's own SHA-1 based hashing — so two runs on two machines drop the same rows
(docs/datasets.md, "Dedup"). The first row of a group wins; callers order rows so that the one
already published comes first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH  # type: ignore[import-untyped]
from datasketch.hashfunc import sha1_hash32  # type: ignore[import-untyped]

from codefactory.curate.settings import DEFAULT_THRESHOLD
from codefactory.curate.tokens import tokens

SHINGLE = 5  # tokens per shingle, as BigCode's near-dedup
NUM_PERM = 128
SEED = 1
# datasketch 2.0 changed its default permutation scheme: named here, a new default cannot
# silently change which rows are dropped.
SCHEME = "affine32"
# 16 bands of 8 rows (all 128 permutations), as datatrove's 14 x 8: a pair at Jaccard 0.85 is
# compared with probability 0.99, at 0.75 with 0.82. datasketch's own choice for a 0.75
# threshold (11 x 11) missed one pair in seven at 0.85.
BANDS = (16, 8)
EXACT, NEAR = "exact_duplicate", "near_duplicate"


@dataclass(frozen=True)
class Duplicate:
    reason: str  # EXACT or NEAR
    of: str  # the key (task id) of the row that was kept
    similarity: float  # 1.0 for an exact duplicate, else the estimated Jaccard


def shingles(code: str, size: int = SHINGLE) -> set[bytes]:
    """Overlapping runs of `size` tokens; shorter code is one shingle of all its tokens."""
    toks = tokens(code)
    if len(toks) <= size:
        return {" ".join(toks).encode()}
    return {" ".join(toks[i : i + size]).encode() for i in range(len(toks) - size + 1)}


def minhash(code: str) -> MinHash:
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=sha1_hash32, scheme=SCHEME)
    sketch.update_batch(sorted(shingles(code)))
    return sketch


def find_duplicates(
    items: Sequence[tuple[str, str]], threshold: float = DEFAULT_THRESHOLD
) -> list[Duplicate | None]:
    """For each (key, code) in order: None if kept, else which earlier kept row it duplicates.

    Exact duplicates are dropped whatever their key. Near duplicates only across keys: several
    verified candidates for one function (`--keep all`) are meant to differ only a little.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"dedup threshold must be in (0, 1], not {threshold}")
    exact: dict[str, str] = {}
    lsh = MinHashLSH(num_perm=NUM_PERM, params=BANDS)
    kept: dict[str, tuple[str, MinHash]] = {}
    out: list[Duplicate | None] = []
    for index, (key, code) in enumerate(items):
        digest = hashlib.sha256(" ".join(tokens(code)).encode()).hexdigest()
        if digest in exact:
            out.append(Duplicate(EXACT, exact[digest], 1.0))
            continue
        exact[digest] = key
        sketch = minhash(code)
        # LSH proposes candidates; the estimated Jaccard decides, so a band collision alone
        # never drops a row.
        scored = sorted(
            (round(sketch.jaccard(kept[name][1]), 3), -int(name), kept[name][0])
            for name in lsh.query(sketch)
            if kept[name][0] != key
        )
        near = [s for s in scored if s[0] >= threshold]
        if near:
            similarity, _, of = near[-1]  # the most similar; the earliest among equals
            out.append(Duplicate(NEAR, of, similarity))
            continue
        lsh.insert(str(index), sketch)
        kept[str(index)] = (key, sketch)
        out.append(None)
    return out
