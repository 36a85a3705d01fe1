"""Queries about watched feeds and the URLs the web reader has fetched.

``feeds`` holds each watched feed with its conditional-request state (ETag,
Last-Modified); ``fetches`` holds every article URL seen (by canonical form) with what
became of it: ``ok`` (stored, or a duplicate of something stored), ``summary`` (the
page failed, the feed's summary was stored instead) or ``failed``; ``attempts`` counts
tries so failures are retried on later polls only up to a limit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dyadwatch.model import Document
from dyadwatch.store.documents import document_values
from dyadwatch.store.schema import documents, feeds, fetches, mentions, sentences

#: Statuses of a fetched URL that may be tried again.
RETRYABLE = ("failed", "summary")


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def add_feed(conn: Connection, url: str, name: str | None = None) -> tuple[int, bool]:
    """Add a feed (or rename it when ``name`` is given); returns (id, whether new)."""
    row = conn.execute(sa.select(feeds.c.id, feeds.c.name).where(feeds.c.url == url)).first()
    if row is not None:
        if name and name != row.name:
            conn.execute(feeds.update().where(feeds.c.id == row.id).values(name=name))
        return int(row.id), False
    result = conn.execute(feeds.insert().values(url=url, name=name, added_at=_now()))
    return int(result.inserted_primary_key[0]), True


def remove_feed(conn: Connection, url: str) -> bool:
    """Stop watching a feed; documents already stored from it stay."""
    feed_id = conn.execute(sa.select(feeds.c.id).where(feeds.c.url == url)).scalar()
    if feed_id is None:
        return False
    conn.execute(fetches.update().where(fetches.c.feed_id == feed_id).values(feed_id=None))
    conn.execute(feeds.delete().where(feeds.c.id == feed_id))
    return True


def list_feeds(conn: Connection) -> list[dict[str, Any]]:
    """Every feed with its poll state and how many of its entries were stored."""
    stored = (
        sa.select(fetches.c.feed_id, sa.func.count().label("entries"))
        .where(fetches.c.status.in_(("ok", "summary")))
        .group_by(fetches.c.feed_id)
        .subquery()
    )
    query = (
        sa.select(feeds, sa.func.coalesce(stored.c.entries, 0).label("entries"))
        .select_from(feeds.outerjoin(stored, stored.c.feed_id == feeds.c.id))
        .order_by(feeds.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def get_feed(conn: Connection, url: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(feeds).where(feeds.c.url == url)).mappings().first()
    return dict(row) if row else None


def record_poll(conn: Connection, feed_id: int, *, status: str, etag: str | None = None,
                last_modified: str | None = None, keep_validators: bool = False) -> None:
    """Remember a poll; the validators are replaced only when the feed was read afresh."""
    values: dict[str, Any] = {"last_polled": _now(), "last_status": status}
    if not keep_validators:
        values.update(etag=etag, last_modified=last_modified)
    conn.execute(feeds.update().where(feeds.c.id == feed_id).values(**values))


def get_fetch(conn: Connection, url: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(fetches).where(fetches.c.url == url)).mappings().first()
    return dict(row) if row else None


def record_fetch(conn: Connection, url: str, *, status: str, feed_id: int | None = None,
                 doc_id: int | None = None, error: str | None = None) -> None:
    """Record one try at a URL: its outcome, the document it gave, one more attempt."""
    row = get_fetch(conn, url)
    if row is None:
        conn.execute(fetches.insert().values(
            url=url, feed_id=feed_id, doc_id=doc_id, status=status, attempts=1,
            last_error=error, last_attempt=_now(),
        ))
        return
    values: dict[str, Any] = {
        "status": status,
        "attempts": int(row["attempts"]) + 1,
        "last_error": error,
        "last_attempt": _now(),
    }
    # A failed retry must not forget the summary document stored on an earlier try.
    if doc_id is not None:
        values["doc_id"] = doc_id
    if feed_id is not None:
        values["feed_id"] = feed_id
    conn.execute(fetches.update().where(fetches.c.url == url).values(**values))


def retry_candidates(conn: Connection, *, max_attempts: int, feed_id: int | None = None) -> list[dict[str, Any]]:
    """URLs that failed (or gave only a summary) fewer than ``max_attempts`` times."""
    query = (
        sa.select(fetches)
        .where(fetches.c.status.in_(RETRYABLE), fetches.c.attempts < max_attempts)
        .order_by(fetches.c.last_attempt)
    )
    if feed_id is not None:
        query = query.where(fetches.c.feed_id == feed_id)
    return [dict(row) for row in conn.execute(query).mappings()]


def fetch_counts(conn: Connection) -> dict[str, int]:
    rows = conn.execute(sa.select(fetches.c.status, sa.func.count()).group_by(fetches.c.status))
    return {status: int(count) for status, count in rows}


def upgrade_summary(conn: Connection, doc_id: int, document: Document, *, minhash: bytes | None) -> None:
    """Put a fetched article in place of the feed summary stored for it earlier.

    The document keeps its id (so links to it stay valid); its sentences are replaced
    by the caller and ``coded_version`` is cleared, so the next coding run replaces
    the summary's reports with the article's.
    """
    conn.execute(sentences.delete().where(sentences.c.doc_id == doc_id))
    conn.execute(mentions.delete().where(mentions.c.doc_id == doc_id))
    conn.execute(documents.update().where(documents.c.id == doc_id).values(
        **document_values(document, minhash=minhash), coded_version=None,
    ))


def uncoded_documents(conn: Connection) -> int:
    """Documents never coded (an interrupted `watch` may leave some behind)."""
    query = sa.select(sa.func.count()).select_from(documents).where(documents.c.coded_version.is_(None))
    return int(conn.execute(query).scalar() or 0)
