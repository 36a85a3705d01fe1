"""Reports and events in the database: coding bookkeeping, linking, and queries.

``reports`` holds one row per coded sentence; ``events`` one row per distinct
development, whose fields are copied from its most confident report
(``primary_report_id``). The rule deciding which reports belong together lives in
``dyadwatch.events.linking``; this module only runs the SQL around it. Everything here
is SQLAlchemy Core and runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dyadwatch.events import linking
from dyadwatch.model import Event
from dyadwatch.store.schema import documents, events, reports, sentences

# Copied from the primary report onto its event.
_EVENT_FIELDS = (
    "date", "date_precision", "event", "mode", "contexts", "cameo", "goldstein",
    "plover_score", "quad_class", "negated", "modality", "confidence",
)  # fmt: skip


# --------------------------------------------------------------------------- coding


def pending_document_ids(conn: Connection, version: str, *, recode: bool = False) -> list[int]:
    """Ids of the documents to code: not coded by ``version`` (or all, with ``recode``)."""
    query = sa.select(documents.c.id).order_by(documents.c.id)
    if not recode:
        query = query.where(
            sa.or_(documents.c.coded_version.is_(None), documents.c.coded_version != version)
        )
    return list(conn.execute(query).scalars())


def coding_inputs(conn: Connection, doc_ids: Sequence[int]) -> list[dict[str, Any]]:
    """What the coder needs of each document: dates, title, story and its sentences.

    The document text itself is not loaded: sentences carry their offsets into it.
    """
    if not doc_ids:
        return []
    rows = conn.execute(
        sa.select(
            documents.c.id, documents.c.title, documents.c.published,
            documents.c.ingested_at, documents.c.story_id, documents.c.published_precision,
        ).where(documents.c.id.in_(doc_ids))
    ).all()  # fmt: skip
    by_id: dict[int, dict[str, Any]] = {
        r.id: {
            "doc_id": r.id,
            "title": r.title,
            "published": r.published,
            "published_precision": r.published_precision if r.published else None,
            "ingested_at": r.ingested_at,
            "story_id": r.story_id,
            "sentences": [],
        }
        for r in rows
    }
    for s in conn.execute(
        sa.select(sentences.c.doc_id, sentences.c.idx, sentences.c.start, sentences.c.text)
        .where(sentences.c.doc_id.in_(doc_ids))
        .order_by(sentences.c.doc_id, sentences.c.idx)
    ):
        by_id[s.doc_id]["sentences"].append((s.idx, s.start, s.text))
    return [by_id[i] for i in doc_ids if i in by_id]


def mark_coded(conn: Connection, doc_ids: Iterable[int], version: str) -> None:
    ids = list(doc_ids)
    if ids:
        conn.execute(documents.update().where(documents.c.id.in_(ids)).values(coded_version=version))


def report_row(
    event: Event, *, doc_id: int, sentence_start: int, fallback_date: date,
    coder_version: str, fallback_precision: str = "day", span: tuple[int, int] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A ``reports`` row for an event coded in one sentence of a document.

    The coder gives evidence offsets into the sentence; stored offsets index the
    document text, so a quote can be checked verbatim. An event without a date takes
    the document's (publication) date and precision. ``span`` (offsets in the sentence)
    replaces the evidence's own start/end, e.g. with the trigger's span.
    """
    ev = event.evidence
    start, end = span if span is not None else (ev.start, ev.end)
    day = event.date.date() if isinstance(event.date, datetime) else event.date
    return {
        "doc_id": doc_id,
        "sentence_idx": ev.sentence,
        "start": sentence_start + start,
        "end": sentence_start + end,
        "trigger": ev.trigger,
        "date": day or fallback_date,
        "date_precision": (event.date_precision or "day") if day else fallback_precision,
        "source": event.source.as_dict(),
        "target": event.target.as_dict() if event.target else None,
        "source_code": event.source.code,
        "target_code": event.target.code if event.target else None,
        "event": event.event,
        "mode": event.mode,
        "contexts": list(event.contexts),
        "themes": list(event.themes),
        "cameo": event.cameo,
        "goldstein": event.goldstein,
        "plover_score": event.plover_score,
        "quad_class": event.quad_class,
        "negated": bool(event.negated),
        "modality": event.modality,
        "confidence": float(event.confidence),
        "reported_by": event.reported_by.as_dict() if event.reported_by else None,
        "pattern": event.pattern,
        "coder_version": coder_version,
    }


def insert_reports(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert report rows in one statement; their ids, in the order given."""
    if not rows:
        return []
    result = conn.execute(
        reports.insert().returning(reports.c.id, sort_by_parameter_order=True), list(rows)
    )
    return list(result.scalars())


def delete_reports_of(conn: Connection, doc_ids: Sequence[int]) -> set[int]:
    """Delete the documents' reports; refresh (or drop) the events they belonged to."""
    if not doc_ids:
        return set()
    touched = set(
        conn.execute(
            sa.select(reports.c.event_id)
            .where(reports.c.doc_id.in_(doc_ids), reports.c.event_id.is_not(None))
            .distinct()
        ).scalars()
    )
    conn.execute(reports.delete().where(reports.c.doc_id.in_(doc_ids)))
    refresh_events(conn, touched)
    return touched


# --------------------------------------------------------------------------- linking


def _key_of(row: Any, story_id: int | None, sentence_text: str | None) -> linking.ReportKey:
    return linking.ReportKey(
        doc_id=row["doc_id"],
        story_id=story_id,
        date=row["date"],
        date_precision=row["date_precision"],
        mode=row["mode"],
        words=linking.words(sentence_text),
    )


def _group_of(row: Any) -> tuple:
    """Reports that could share an event have the same group (the SQL-side filter)."""
    return (
        row["source_code"], row["target_code"], row["event"], bool(row["negated"]),
        linking.same_stance_modalities(row["modality"]), row["date_precision"],
    )  # fmt: skip


def _candidates(conn: Connection, group: tuple, low: date, high: date) -> list[linking.Candidate]:
    """Stored events of ``group`` dated between ``low`` and ``high``, with their reports' traits."""
    source, target, event, negated, modalities, precision = group
    target_clause = events.c.target_code.is_(None) if target is None else events.c.target_code == target
    found = conn.execute(
        sa.select(events.c.id, events.c.date, events.c.date_precision)
        .where(
            events.c.source_code == source,
            target_clause,
            events.c.event == event,
            events.c.negated == negated,
            events.c.modality.in_(modalities),
            events.c.date_precision == precision,
            events.c.date.between(low, high),
        )
        .order_by(events.c.id)
    ).all()
    if not found:
        return []
    cands = {r.id: linking.Candidate(r.id, r.date, r.date_precision) for r in found}
    for r in conn.execute(
        sa.select(
            reports.c.event_id, reports.c.mode, documents.c.story_id,
            sentences.c.text.label("sentence_text"),
        )
        .join(documents, documents.c.id == reports.c.doc_id)
        .outerjoin(sentences, _sentence_join())
        .where(reports.c.event_id.in_(list(cands)))
        .order_by(reports.c.id)
    ):  # fmt: skip
        _add_trait(cands[r.event_id], r.mode, r.story_id, linking.words(r.sentence_text))
    return [cands[i] for i in sorted(cands)]


def _add_trait(cand: linking.Candidate, mode: str | None, story_id: int | None,
               words: frozenset[str]) -> None:  # fmt: skip
    cand.modes.add(mode)
    if story_id is not None:
        cand.story_ids.add(story_id)
    cand.wordings.append(words)


def link_new_reports(
    conn: Connection, report_ids: Sequence[int], rows: Sequence[dict[str, Any]],
    story_ids: Sequence[int | None], sentence_texts: Sequence[str | None],
) -> set[int]:  # fmt: skip
    """Attach each new report to the event it describes, creating events as needed.

    ``rows`` are the inserted report rows (ids in ``report_ids``), with their documents'
    story ids and sentence texts. Reports are linked one by one in the order given, so a
    later report can join an event made by an earlier one. Candidate events are fetched
    once per group of comparable reports. Returns the events touched.
    """
    keys = [_key_of(row, story, text) for row, story, text in
            zip(rows, story_ids, sentence_texts, strict=True)]  # fmt: skip
    spans: dict[tuple, tuple[date, date]] = {}
    for row in rows:
        group = _group_of(row)
        low, high = linking.date_range(row["date"], row["date_precision"])
        known = spans.get(group)
        spans[group] = (min(low, known[0]), max(high, known[1])) if known else (low, high)
    pools = {group: _candidates(conn, group, low, high) for group, (low, high) in spans.items()}

    touched: set[int] = set()
    # Events made here from one report already hold that report's fields and counts.
    fresh_single: set[int] = set()
    assignments = []
    for report_id, row, key in zip(report_ids, rows, keys, strict=True):
        pool = pools[_group_of(row)]
        event_id = linking.choose_event(key, pool)
        if event_id is None:
            values = {name: row[name] for name in _EVENT_FIELDS}
            values.update(
                source_code=row["source_code"],
                source_sector=(row["source"] or {}).get("sector"),
                target_code=row["target_code"],
                target_sector=(row["target"] or {}).get("sector"),
                themes=sorted(row["themes"] or []),
                report_count=1,
                doc_count=1,
                primary_report_id=report_id,
            )
            event_id = conn.execute(events.insert().returning(events.c.id), values).scalar_one()
            pool.append(linking.Candidate(event_id, row["date"], row["date_precision"]))
            fresh_single.add(event_id)
        else:
            fresh_single.discard(event_id)
        _add_trait(next(c for c in pool if c.event_id == event_id), key.mode, key.story_id, key.words)
        assignments.append({"r_id": report_id, "e_id": event_id})
        touched.add(event_id)
    if assignments:
        conn.execute(
            reports.update()
            .where(reports.c.id == sa.bindparam("r_id"))
            .values(event_id=sa.bindparam("e_id")),
            assignments,
        )
    refresh_events(conn, touched - fresh_single)
    return touched


def refresh_events(conn: Connection, event_ids: Iterable[int]) -> None:
    """Recompute counts and the primary report of events; drop events left without reports."""
    for event_id in sorted(event_ids):
        rows = conn.execute(
            sa.select(reports)
            .where(reports.c.event_id == event_id)
            .order_by(reports.c.confidence.desc(), reports.c.date, reports.c.id)
        ).all()
        if not rows:
            conn.execute(events.delete().where(events.c.id == event_id))
            continue
        primary = rows[0]
        themes = sorted({t for r in rows for t in (r.themes or [])})
        values = {name: getattr(primary, name) for name in _EVENT_FIELDS}
        values.update(
            source_sector=(primary.source or {}).get("sector"),
            target_sector=(primary.target or {}).get("sector"),
            themes=themes,
            report_count=len(rows),
            doc_count=len({r.doc_id for r in rows}),
            primary_report_id=primary.id,
        )
        conn.execute(events.update().where(events.c.id == event_id).values(**values))


# --------------------------------------------------------------------------- queries


def parse_dyad(dyad: str) -> tuple[str, str]:
    """``"USA-RUS"`` -> ``("USA", "RUS")``; raises ValueError on anything else."""
    parts = [p.strip().upper() for p in dyad.replace("–", "-").split("-")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"dyad must look like A-B (e.g. USA-RUS), got {dyad!r}")
    return parts[0], parts[1]


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip().upper() for v in value if v.strip()]


def _actor(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if not value:
        return None
    keep = ("code", "name", "sector", "role", "person", "text")
    return {k: value.get(k) for k in keep}


def _day(value: date | datetime | str | None) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(value)


def _event_dict(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "doc_id": r.doc_id,
        "date": r.date,
        "date_precision": r.date_precision,
        "source": _actor(r.source),
        "target": _actor(r.target),
        "event": r.event,
        "mode": r.mode,
        "contexts": list(r.contexts or []),
        "cameo": r.cameo,
        "goldstein": r.goldstein,
        "quad_class": r.quad_class,
        "negated": bool(r.negated),
        "modality": r.modality,
        "evidence": {
            "sentence": r.sentence_idx,
            "start": r.start,
            "end": r.end,
            "trigger": r.trigger,
            "text": r.quote,
        },
        "confidence": r.confidence,
        "report_count": r.report_count,
        "doc_count": r.doc_count,
        "themes": list(r.themes or []),
        "reported_by": _actor(r.reported_by),
        "plover_score": r.plover_score,
        "pattern": r.pattern,
        "ref": r.ref,
        "url": r.url,
        "quote": r.quote,
    }


def _sentence_join():
    return sa.and_(sentences.c.doc_id == reports.c.doc_id, sentences.c.idx == reports.c.sentence_idx)


def query_events(
    conn: Connection,
    *,
    dyad: str | tuple[str, str] | None = None,
    actor: str | None = None,
    event: str | Sequence[str] | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    min_confidence: float = 0.0,
    include_negated: bool = False,
    modality: str | Sequence[str] | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events (one row per development), shaped like ``events --format jsonl``.

    ``dyad`` ``"A-B"`` matches both directions; ``actor`` matches source or target;
    ``event`` and ``modality`` take one value or a comma-separated list; negated events
    are left out unless ``include_negated``. Sorted by date, then id.
    """
    query = (
        sa.select(
            events.c.id, events.c.date, events.c.date_precision, events.c.event,
            events.c.mode, events.c.contexts, events.c.cameo, events.c.goldstein,
            events.c.quad_class, events.c.negated, events.c.modality, events.c.confidence,
            events.c.report_count, events.c.doc_count, events.c.themes, events.c.plover_score,
            reports.c.doc_id, reports.c.source, reports.c.target, reports.c.sentence_idx,
            reports.c.start, reports.c.end, reports.c.trigger, reports.c.reported_by,
            reports.c.pattern, documents.c.ref, documents.c.url,
            sentences.c.text.label("quote"),
        )
        .join(reports, reports.c.id == events.c.primary_report_id)
        .join(documents, documents.c.id == reports.c.doc_id)
        .outerjoin(sentences, _sentence_join())
    )  # fmt: skip
    if dyad:
        a, b = parse_dyad(dyad) if isinstance(dyad, str) else (dyad[0].upper(), dyad[1].upper())
        query = query.where(
            sa.or_(
                sa.and_(events.c.source_code == a, events.c.target_code == b),
                sa.and_(events.c.source_code == b, events.c.target_code == a),
            )
        )
    if actor:
        code = actor.strip().upper()
        query = query.where(sa.or_(events.c.source_code == code, events.c.target_code == code))
    if types := _as_list(event):
        query = query.where(events.c.event.in_(types))
    if modalities := [m.lower() for m in _as_list(modality)]:
        query = query.where(events.c.modality.in_(modalities))
    if since is not None:
        query = query.where(events.c.date >= _day(since))
    if until is not None:
        query = query.where(events.c.date <= _day(until))
    if min_confidence:
        query = query.where(events.c.confidence >= min_confidence)
    if not include_negated:
        query = query.where(events.c.negated == sa.false())
    query = query.order_by(events.c.date, events.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [_event_dict(r) for r in conn.execute(query)]


def reports_of(conn: Connection, event_id: int) -> list[dict[str, Any]]:
    """The reports of one event, most confident first, with their quotes."""
    rows = conn.execute(
        sa.select(
            reports, documents.c.ref, documents.c.url, documents.c.source.label("outlet"),
            documents.c.title, sentences.c.text.label("quote"),
        )
        .join(documents, documents.c.id == reports.c.doc_id)
        .outerjoin(sentences, _sentence_join())
        .where(reports.c.event_id == event_id)
        .order_by(reports.c.confidence.desc(), reports.c.date, reports.c.id)
    ).all()  # fmt: skip
    out = []
    for r in rows:
        item = dict(r._mapping)
        item["evidence"] = {
            "sentence": r.sentence_idx, "start": r.start, "end": r.end,
            "trigger": r.trigger, "text": r.quote,
        }  # fmt: skip
        out.append(item)
    return out


def counts(conn: Connection) -> dict[str, int]:
    """How many documents are coded, and how many reports and events are stored."""
    return {
        "documents_coded": conn.execute(
            sa.select(sa.func.count()).where(documents.c.coded_version.is_not(None))
        ).scalar_one(),
        "reports": conn.execute(sa.select(sa.func.count()).select_from(reports)).scalar_one(),
        "events": conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one(),
    }
