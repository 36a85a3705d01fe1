"""Getting documents in: one reader per kind of source, cleaning, duplicates, storing.

- ``files``: text, Markdown, HTML, JSON, JSONL(.gz) and CSV on disk or stdin
- ``html``: article extraction from web pages (trafilatura)
- ``records``: structured records with whatever common field names they use
- ``clean``: blocks, page furniture, footnote markers
- ``dedup``: near-duplicate stories (MinHash)
- ``pipeline``: storing documents and their sentences
"""

from __future__ import annotations

import importlib
from typing import Any

# Names re-exported lazily, so that importing a light module of this package (dates,
# errors) does not load spaCy and datasketch.
_EXPORTS = {
    "ReadError": "dyadwatch.ingest.errors",
    "ReadWarning": "dyadwatch.ingest.errors",
    "ReadOptions": "dyadwatch.ingest.files",
    "IngestSummary": "dyadwatch.ingest.pipeline",
    "ingest_paths": "dyadwatch.ingest.pipeline",
    "store_documents": "dyadwatch.ingest.pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'dyadwatch.ingest' has no attribute {name!r}")
