"""Near-duplicate detection: the same wire story in two outlets is one story.

MinHash signatures over word shingles (datasketch) with an LSH index; a document whose
estimated Jaccard similarity to an earlier one reaches the threshold joins its story.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 64
SHINGLE = 5
THRESHOLD = 0.7
# Named explicitly: stored signatures must be read back with the scheme that made them.
SCHEME = "affine32"
WORD_RE = re.compile(r"\w+", re.UNICODE)


def signature(text: str) -> MinHash:
    words = WORD_RE.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return np.asarray(minhash.hashvalues, dtype=np.uint32).tobytes()


def from_bytes(data: bytes) -> MinHash:
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME, hashvalues=np.frombuffer(data, dtype=np.uint32))


class StoryIndex:
    """Which story a new document belongs to, given the documents already seen."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.story_of: dict[int, int] = {}
        self.signatures: dict[int, MinHash] = {}

    def add(self, doc_id: int, minhash: MinHash, story_id: int | None = None) -> None:
        self.lsh.insert(str(doc_id), minhash)
        self.signatures[doc_id] = minhash
        self.story_of[doc_id] = story_id or doc_id

    def story_for(self, minhash: MinHash) -> int | None:
        """The story of the most similar earlier document above the threshold, if any."""
        best, best_score = None, self.threshold
        for key in self.lsh.query(minhash):
            score = minhash.jaccard(self.signatures[int(key)])
            if score >= best_score:
                best, best_score = int(key), score
        return self.story_of[best] if best is not None else None
