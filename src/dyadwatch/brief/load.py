"""The briefing's reads from the store: events of a dyad, their reports, sentences, documents.

All SQL of the briefing is here (SQLAlchemy Core, portable). Queries fetch only the
columns the briefing uses, and the heavy text (sentences, documents) only for the few
events that end up cited, so a briefing over 100k stored events stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dyadwatch.store.schema import documents, events, reports, sentences

_EVENT_COLUMNS = (
    # The date as text too: SQLite hands back ISO strings, and date.fromisoformat is far
    # faster than the generic Date processor over 100k rows.
    events.c.id, sa.type_coerce(events.c.date, sa.Text).label("date"), events.c.date_precision,
    events.c.source_code.label("source"),
    events.c.target_code.label("target"), events.c.event, events.c.mode,
    # Raw JSON text: every PLOVER type already names its section, so themes are parsed
    # only for the few events that need them (see select.section_of).
    sa.type_coerce(events.c.themes, sa.Text).label("themes_json"), events.c.goldstein,
    events.c.plover_score, events.c.quad_class, events.c.negated, events.c.modality,
    events.c.confidence, events.c.report_count, events.c.doc_count, events.c.primary_report_id,
)  # fmt: skip


def _dyad(table: sa.Table, a: Collection[str], b: Collection[str]) -> Any:
    """Either direction between the two sides (each side a set of codes)."""
    a, b = sorted(a), sorted(b)
    return sa.or_(
        sa.and_(table.c.source_code.in_(a), table.c.target_code.in_(b)),
        sa.and_(table.c.source_code.in_(b), table.c.target_code.in_(a)),
    )


def _window(query: sa.Select, since: date | None, until: date | None) -> sa.Select:
    if since is not None:
        query = query.where(events.c.date >= since)
    if until is not None:
        query = query.where(events.c.date <= until)
    return query


def _event_dicts(result: Any) -> list[dict[str, Any]]:
    # zip over plain tuples is the fast path: a briefing may read 100k of these.
    keys = list(result.keys())
    rows = [dict(zip(keys, row, strict=True)) for row in result.all()]
    for row in rows:
        day = row["date"]
        if isinstance(day, str):
            row["date"] = date.fromisoformat(day[:10])
        elif isinstance(day, datetime):
            row["date"] = day.date()
    return rows


def dyad_events(
    conn: Connection, a: Collection[str], b: Collection[str], *, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Events between sides ``a`` and ``b`` (sets of codes) either way, in date order."""
    query = sa.select(*_EVENT_COLUMNS).where(_dyad(events, a, b))
    query = _window(query, since, until).order_by(events.c.date, events.c.id)
    return _event_dicts(conn.execute(query))


def third_party_events(
    conn: Connection,
    a: Collection[str],
    b: Collection[str],
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int = 2000,
) -> list[dict[str, Any]]:
    """Events between one side of the dyad and a third actor, most reported first."""
    pair = sorted({*a, *b})
    query = sa.select(*_EVENT_COLUMNS).where(
        sa.or_(
            sa.and_(events.c.source_code.in_(pair), events.c.target_code.is_not(None),
                    events.c.target_code.not_in(pair)),
            sa.and_(events.c.target_code.in_(pair), events.c.source_code.not_in(pair)),
        ),
        events.c.negated.is_(False),
    )  # fmt: skip
    query = _window(query, since, until).order_by(
        events.c.doc_count.desc(), events.c.date.desc(), events.c.id
    )
    return _event_dicts(conn.execute(query.limit(limit)))


def reports_for(conn: Connection, event_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Reports of the given events (evidence location, modality, actors), by event id."""
    ids = sorted(set(event_ids))
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(ids):
        query = sa.select(
            reports.c.id, reports.c.event_id, reports.c.doc_id, reports.c.sentence_idx,
            reports.c.start, reports.c.end, reports.c.trigger, reports.c.source,
            reports.c.target, reports.c.confidence, reports.c.modality, reports.c.negated,
            reports.c.date,
        ).where(reports.c.event_id.in_(chunk))  # fmt: skip
        for row in conn.execute(query.order_by(reports.c.confidence.desc(), reports.c.id)):
            found[row.event_id].append(dict(row._mapping))
    return found


def modal_reports(
    conn: Connection,
    a: Collection[str],
    b: Collection[str],
    modalities: Sequence[str],
    *,
    published_since: date | None = None,
    published_until: date | None = None,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """Reports between ``a`` and ``b`` with a future/conditional modality, latest first.

    Reports rather than events, because an announced or offered action is a statement
    in one source, not yet a development others confirm. Selected by when the source was
    published (the event date of an announcement is often in the future).
    """
    query = (
        sa.select(
            reports.c.id, reports.c.event_id, reports.c.doc_id, reports.c.sentence_idx,
            reports.c.start, reports.c.end, reports.c.date, reports.c.event, reports.c.modality,
            reports.c.source_code, reports.c.target_code, reports.c.confidence,
        )
        .join(documents, documents.c.id == reports.c.doc_id)
        .where(
            _dyad(reports, a, b),
            reports.c.modality.in_(list(modalities)),
            reports.c.negated.is_(False),
        )
    )  # fmt: skip
    if published_since is not None:
        query = query.where(documents.c.published >= datetime.combine(published_since, time.min))
    if published_until is not None:
        query = query.where(documents.c.published <= datetime.combine(published_until, time.max))
    query = query.order_by(documents.c.published.desc(), reports.c.confidence.desc(), reports.c.id)
    return [dict(row._mapping) for row in conn.execute(query.limit(limit))]


def documents_involving(
    conn: Connection, codes: Collection[str], *, published_since: date | None,
    published_until: date | None, limit: int,
) -> list[int]:
    """Documents published in the window with a report whose source or target is one of
    ``codes``, newest first: where deadlines and plans about either side are stated even
    when the sentence codes no event between the two."""
    query = (
        sa.select(reports.c.doc_id, sa.func.max(documents.c.published).label("published"))
        .join(documents, documents.c.id == reports.c.doc_id)
        .where(sa.or_(reports.c.source_code.in_(list(codes)), reports.c.target_code.in_(list(codes))))
        .group_by(reports.c.doc_id)
        .order_by(sa.desc("published"), sa.desc(reports.c.doc_id))
        .limit(limit)
    )
    if published_since is not None:
        query = query.where(documents.c.published >= datetime.combine(published_since, time.min))
    if published_until is not None:
        query = query.where(documents.c.published <= datetime.combine(published_until, time.max))
    return [row.doc_id for row in conn.execute(query)]


def sentences_of(conn: Connection, doc_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """All stored sentences of the documents, by document, in order."""
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(doc_ids))):
        query = (
            sa.select(sentences.c.doc_id, sentences.c.idx, sentences.c.start, sentences.c.end,
                      sentences.c.text)
            .where(sentences.c.doc_id.in_(chunk))
            .order_by(sentences.c.doc_id, sentences.c.idx)
        )  # fmt: skip
        for row in conn.execute(query):
            found[row.doc_id].append(dict(row._mapping))
    return found


def sentence_at(
    conn: Connection, pairs: Iterable[tuple[int, int]], *, context: int = 1
) -> dict[tuple[int, int], dict[str, Any]]:
    """The sentences at (doc_id, idx) with ``context`` neighbours each side."""
    wanted = sorted(set(pairs))
    by_doc: dict[int, set[int]] = defaultdict(set)
    for doc_id, idx in wanted:
        by_doc[doc_id].update(range(idx - context, idx + context + 1))
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    # One query per chunk of documents (not per document), filtered exactly in Python.
    wanted_indices = sorted({i for indices in by_doc.values() for i in indices})
    for chunk in _chunks(sorted(by_doc)):
        query = sa.select(
            sentences.c.doc_id, sentences.c.idx, sentences.c.start, sentences.c.end, sentences.c.text
        ).where(sentences.c.doc_id.in_(chunk), sentences.c.idx.in_(wanted_indices))
        for row in conn.execute(query):
            if row.idx in by_doc[row.doc_id]:
                rows[(row.doc_id, row.idx)] = dict(row._mapping)
    return rows


def document_meta(conn: Connection, doc_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Title, publisher, date, URL, ref and story of the documents (no text)."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(doc_ids))):
        query = sa.select(
            documents.c.id, documents.c.ref, documents.c.title, documents.c.url,
            documents.c.published, documents.c.source, documents.c.story_id,
        ).where(documents.c.id.in_(chunk))  # fmt: skip
        for row in conn.execute(query):
            found[row.id] = dict(row._mapping)
    return found


def document_texts(conn: Connection, doc_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Id, ref and full text of the documents: what the faithfulness check reads."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(doc_ids))):
        query = sa.select(documents.c.id, documents.c.ref, documents.c.text).where(
            documents.c.id.in_(chunk)
        )
        for row in conn.execute(query):
            found[row.id] = {"ref": row.ref, "text": row.text}
    return found


def _chunks(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]
