"""From inputs to stored documents: read, skip what is known, group stories, store.

``ingest_paths`` is what `dyadwatch ingest PATH...` runs; ``store_documents`` is the part
every reader shares (the web and feed readers call it with Documents they made).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dyadwatch.ingest import dedup
from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.files import ReadOptions, expand_inputs, read_input
from dyadwatch.ingest.sentences import split_sentences
from dyadwatch.model import Document
from dyadwatch.store import Store
from dyadwatch.store import documents as doc_store

BATCH_SIZE = 200

ProblemHandler = Callable[[ReadError], None]


@dataclass
class IngestSummary:
    inputs: int = 0
    read: int = 0
    added: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    sentences: int = 0
    skipped: int = 0
    doc_ids: list[int] = field(default_factory=list)
    problems: list[ReadError] = field(default_factory=list)
    unreadable_inputs: int = 0
    warnings: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "inputs": self.inputs,
            "read": self.read,
            "added": self.added,
            "duplicates": self.duplicates,
            "near_duplicates": self.near_duplicates,
            "sentences": self.sentences,
            "skipped": self.skipped,
            "warnings": self.warnings,
        }


class DocumentWriter:
    """Stores documents in batches: exact duplicates dropped, near-duplicates grouped."""

    def __init__(self, store: Store, summary: IngestSummary) -> None:
        self.store = store
        self.summary = summary
        self.pending: list[Document] = []
        self._stories: dedup.StoryIndex | None = None
        self._hashes_in_run: set[str] = set()

    @property
    def stories(self) -> dedup.StoryIndex:
        if self._stories is None:
            self._stories = dedup.StoryIndex()
            with self.store.connect() as conn:
                for doc_id, story_id, data in doc_store.story_signatures(conn):
                    self._stories.add(doc_id, dedup.from_bytes(data), story_id)
        return self._stories

    def add(self, document: Document) -> None:
        self.summary.read += 1
        digest = document.content_hash
        if digest in self._hashes_in_run:
            self.summary.duplicates += 1
            return
        self._hashes_in_run.add(digest)
        self.pending.append(document)
        if len(self.pending) >= BATCH_SIZE:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        batch, self.pending = self.pending, []
        with self.store.begin() as conn:
            known = doc_store.known_hashes(conn, (d.content_hash for d in batch))
            for document in batch:
                if document.content_hash in known:
                    self.summary.duplicates += 1
                    continue
                url = document.extra.get("canonical_url")
                if url and doc_store.find_by_canonical_url(conn, url) is not None:
                    self.summary.duplicates += 1
                    continue
                signature = dedup.signature(document.text)
                story = self.stories.story_for(signature)
                doc_id = doc_store.insert_document(
                    conn, document, minhash=dedup.to_bytes(signature), story_id=story
                )
                self.stories.add(doc_id, signature, story)
                if story is not None:
                    self.summary.near_duplicates += 1
                self.summary.sentences += doc_store.insert_sentences(conn, split_sentences(document, doc_id))
                self.summary.added += 1
                self.summary.doc_ids.append(doc_id)


def record_problem(store: Store, summary: IngestSummary, problem: ReadError,
                   on_problem: ProblemHandler | None) -> None:
    """Tell about a problem; a warning is only told, a skip is also stored and counted."""
    if isinstance(problem, ReadWarning):
        summary.warnings += 1
        if on_problem:
            on_problem(problem)
        return
    summary.skipped += 1
    summary.problems.append(problem)
    with store.begin() as conn:
        doc_store.record_skip(conn, problem.where, problem.reason)
    if on_problem:
        on_problem(problem)


def store_documents(store: Store, docs: Iterable[Document | ReadError], *,
                    on_problem: ProblemHandler | None = None) -> IngestSummary:
    """Store documents (and record problems) from any reader."""
    summary = IngestSummary()
    writer = DocumentWriter(store, summary)
    for item in docs:
        if isinstance(item, ReadError):
            record_problem(store, summary, item, on_problem)
        else:
            writer.add(item)
    writer.flush()
    return summary


def ingest_paths(
    store: Store,
    arguments: Iterable[str],
    options: ReadOptions | None = None,
    *,
    on_problem: ProblemHandler | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
) -> IngestSummary:
    """Read files, folders, globs and ``-`` into the store; problems never stop the batch."""
    options = options or ReadOptions()
    inputs, problems = expand_inputs(arguments)
    summary = IngestSummary(inputs=len(inputs) + len(problems))
    writer = DocumentWriter(store, summary)
    for problem in problems:
        record_problem(store, summary, problem, on_problem)
        summary.unreadable_inputs += 1
    for source in progress(inputs) if progress else inputs:
        produced = False
        for item in read_input(source, options):
            if isinstance(item, ReadError):
                record_problem(store, summary, item, on_problem)
            else:
                produced = True
                writer.add(item)
        if not produced:
            summary.unreadable_inputs += 1
    writer.flush()
    return summary
