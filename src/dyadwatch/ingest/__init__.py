"""Getting documents in: one reader per kind of source, cleaning, duplicates, storing.

- ``files``: text, Markdown, HTML, JSON, JSONL(.gz) and CSV on disk or stdin
- ``html``: article extraction from web pages (trafilatura)
- ``records``: structured records with whatever common field names they use
- ``clean``: blocks, page furniture, footnote markers
- ``dedup``: near-duplicate stories (MinHash)
- ``pipeline``: storing documents and their sentences
"""

from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.files import ReadOptions
from dyadwatch.ingest.pipeline import IngestSummary, ingest_paths, store_documents

__all__ = ["IngestSummary", "ReadError", "ReadOptions", "ReadWarning", "ingest_paths", "store_documents"]
