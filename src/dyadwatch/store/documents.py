"""Queries about documents, their sentences and inputs that were skipped."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dyadwatch.model import Document, Sentence
from dyadwatch.store.schema import documents, events, mentions, reports, sentences, skipped


def known_hashes(conn: Connection, hashes: Iterable[str]) -> set[str]:
    wanted = list(set(hashes))
    found: set[str] = set()
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        found.update(conn.execute(sa.select(documents.c.content_hash).where(documents.c.content_hash.in_(chunk))).scalars())
    return found


def find_by_canonical_url(conn: Connection, url: str) -> int | None:
    return conn.execute(
        sa.select(documents.c.id).where(sa.or_(documents.c.canonical_url == url, documents.c.url == url)).limit(1)
    ).scalar()


def document_values(document: Document, *, minhash: bytes | None) -> dict[str, Any]:
    """The columns a Document fills in the documents table (content and metadata)."""
    return {
        "content_hash": document.content_hash,
        "title": document.title,
        "url": document.url,
        "canonical_url": document.extra.get("canonical_url") or document.url,
        "published": document.published,
        "published_precision": document.published_precision,
        "source": document.source,
        "author": document.author,
        "kind": document.kind,
        "text": document.text,
        "blocks": [asdict(block) for block in document.blocks],
        "footnotes": document.footnotes,
        "extra": {k: v for k, v in document.extra.items() if k != "canonical_url"},
        "minhash": minhash,
    }


def insert_document(conn: Connection, document: Document, *, minhash: bytes | None, story_id: int | None) -> int:
    """Store one document; returns its id. Its story defaults to itself."""
    result = conn.execute(
        documents.insert().values(
            ref=document.ref,
            story_id=story_id,
            ingested_at=datetime.now().replace(microsecond=0),
            **document_values(document, minhash=minhash),
        )
    )
    doc_id = int(result.inserted_primary_key[0])
    if story_id is None:
        conn.execute(documents.update().where(documents.c.id == doc_id).values(story_id=doc_id))
    return doc_id


def insert_sentences(conn: Connection, rows: Iterable[Sentence]) -> int:
    values = [
        {"doc_id": s.doc_id, "idx": s.index, "start": s.start, "end": s.end, "text": s.text, "block": s.block}
        for s in rows
    ]
    if values:
        conn.execute(sentences.insert(), values)
    return len(values)


def delete_mentions_of(conn: Connection, doc_ids: Sequence[int]) -> None:
    """Delete the documents' actor mentions (before the coding pipeline stores new ones)."""
    if doc_ids:
        conn.execute(mentions.delete().where(mentions.c.doc_id.in_(list(doc_ids))))


def insert_mentions(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert ``mentions`` rows in one executemany (no RETURNING: nothing refers to them)."""
    if rows:
        conn.execute(mentions.insert(), list(rows))
    return len(rows)


def story_signatures(conn: Connection) -> Iterator[tuple[int, int, bytes]]:
    """(doc id, story id, MinHash bytes) of every stored document that has a signature."""
    query = sa.select(documents.c.id, documents.c.story_id, documents.c.minhash).where(documents.c.minhash.is_not(None))
    for row in conn.execute(query):
        yield row.id, row.story_id, row.minhash


def record_skip(conn: Connection, where: str, reason: str) -> None:
    conn.execute(skipped.insert().values(where=where, reason=reason, at=datetime.now().replace(microsecond=0)))


def list_documents(conn: Connection, *, limit: int | None = None, since: datetime | None = None,
                   until: datetime | None = None) -> list[dict[str, Any]]:
    query = sa.select(
        documents.c.id, documents.c.ref, documents.c.title, documents.c.url, documents.c.published,
        documents.c.published_precision, documents.c.source, documents.c.story_id, documents.c.kind,
    ).order_by(documents.c.id)
    if since is not None:
        query = query.where(documents.c.published >= since)
    if until is not None:
        query = query.where(documents.c.published <= until)
    if limit is not None:
        query = query.limit(limit)
    return [
        {
            "id": row.id,
            "ref": row.ref,
            "title": row.title,
            "url": row.url,
            "published": row.published.isoformat() if row.published else None,
            "published_precision": row.published_precision,
            "source": row.source,
            "story": row.story_id,
            "kind": row.kind,
        }
        for row in conn.execute(query)
    ]


def get_document(conn: Connection, doc_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(documents).where(documents.c.id == doc_id)).mappings().first()
    return dict(row) if row else None


def document_sentences(conn: Connection, doc_id: int) -> list[Sentence]:
    query = sa.select(sentences).where(sentences.c.doc_id == doc_id).order_by(sentences.c.idx)
    return [Sentence(r.doc_id, r.idx, r.start, r.end, r.text, r.block) for r in conn.execute(query)]


def counts(conn: Connection) -> dict[str, int]:
    def count(table: sa.Table, *where: Any) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar() or 0)

    return {
        "documents": count(documents),
        "sentences": count(sentences),
        "events": count(events),
        "reports": count(reports),
        "mentions": count(mentions),
        "stories": int(conn.execute(sa.select(sa.func.count(sa.distinct(documents.c.story_id)))).scalar() or 0),
        "coded_documents": count(documents, documents.c.coded_version.is_not(None)),
        "skipped": count(skipped),
    }


def date_range(conn: Connection) -> tuple[datetime | None, datetime | None]:
    row = conn.execute(sa.select(sa.func.min(documents.c.published), sa.func.max(documents.c.published))).first()
    return (row[0], row[1]) if row else (None, None)
