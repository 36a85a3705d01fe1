"""Aggregate queries behind the relations series (dyad counts, coverage, driving events).

All SQL of ``dyadwatch.relations`` lives here. Queries group in the database and return
small per-period tables; the relations module turns them into indices and trends.
Portable between SQLite (dates stored as ISO text) and PostgreSQL (``DATE``/``TIMESTAMP``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from dyadwatch.store.schema import documents, events, mentions, reports, sentences

#: Modalities that describe something announced or possible, not done: reported apart.
ANNOUNCED_MODALITIES = ("future", "hypothetical", "conditional")

#: Pass as ``theme`` to select events whatever their themes.
ANY_THEME = "*"

#: Grains the database groups by; quarters and years are built from months.
GRAINS = ("day", "week", "month")


def _grain_key(conn: Connection, column: Any, grain: str) -> Any:
    """An SQL expression giving 'YYYY-MM-DD' (day; the Monday of the ISO week for week)
    or 'YYYY-MM' (month) for a date or timestamp column."""
    if grain not in GRAINS:
        raise ValueError(f"unknown grain {grain!r}")
    if conn.dialect.name == "postgresql":
        if grain == "week":
            return sa.func.to_char(sa.func.date_trunc("week", column), "YYYY-MM-DD")
        return sa.func.to_char(column, "YYYY-MM-DD" if grain == "day" else "YYYY-MM")
    if grain == "week":
        # SQLite: six days back, then forward to a Monday = the Monday starting the week.
        return sa.func.date(column, sa.literal_column("'-6 days'"), sa.literal_column("'weekday 1'"))
    # SQLite (and others storing ISO text): the leading characters are the key. Literal
    # arguments, not bound parameters, so the expression matches ix_events_dyad_month.
    length = 10 if grain == "day" else 7
    return sa.func.substr(column, sa.literal_column("1"), sa.literal_column(str(length)))


def _in(column: Any, codes: Collection[str]) -> Any:
    # One code as an equality, so SQLite reads the dyad index in order and groups without sorting.
    codes = sorted(codes)
    return column == codes[0] if len(codes) == 1 else column.in_(codes)


def _theme_filter(theme: str) -> Any:
    # themes is a JSON list of ids; matching the quoted id in its text form works on both
    # SQLite (JSON stored as text) and PostgreSQL (json cast to text).
    return sa.cast(events.c.themes, sa.Text).like(f'%"{theme}"%')


def _date_filters(column: Any, since: date | None, until: date | None) -> list[Any]:
    where = []
    if since is not None:
        where.append(column >= since)
    if until is not None:
        where.append(column <= until)
    return where


def dyad_counts(
    conn: Connection,
    sources: Collection[str],
    targets: Collection[str],
    *,
    grain: str,
    since: date | None = None,
    until: date | None = None,
    theme: str | None = None,
) -> list[dict[str, Any]]:
    """Events from ``sources`` to ``targets`` grouped by period and by everything an index needs.

    One row per (period key, event type, quad class, Goldstein value, PLOVER score,
    negated, modality) with ``announced`` (future/hypothetical/conditional), ``n`` events
    and ``reports`` (sum of report counts). Goldstein values come from a fixed table, so
    the groups stay few and the rows carry the exact distribution of values needed for
    the bootstrap.
    """
    key = _grain_key(conn, events.c.date, grain)
    where = [
        _in(events.c.source_code, sources),
        _in(events.c.target_code, targets),
        *_date_filters(events.c.date, since, until),
    ]
    if theme:
        where.append(_theme_filter(theme))
    # Grouped in the column order of ix_events_dyad_month; "announced" is derived from the
    # modality afterwards, since a CASE in the GROUP BY would force a sort.
    group = [
        key,
        events.c.event,
        events.c.quad_class,
        events.c.goldstein,
        events.c.plover_score,
        events.c.negated,
        events.c.modality,
    ]
    query = (
        sa.select(
            key.label("key"),
            *group[1:],
            sa.func.count().label("n"),
            sa.func.sum(events.c.report_count).label("reports"),
        )
        .where(*where)
        .group_by(*group)
    )
    names = ("key", "event", "quad_class", "goldstein", "plover_score", "negated", "modality", "n", "reports")
    out = []
    for row in conn.execute(query).all():
        record = dict(zip(names, row, strict=True))
        record["announced"] = record.pop("modality") in ANNOUNCED_MODALITIES
        out.append(record)
    return out
    return [dict(row._mapping) for row in conn.execute(query)]


def has_documents(conn: Connection) -> bool:
    """Whether the store holds any document (so there may be something to code)."""
    return conn.execute(sa.select(documents.c.id).limit(1)).first() is not None


def has_mentions(conn: Connection) -> bool:
    """Whether the store keeps actor mentions (filled by the coding pipeline)."""
    return conn.execute(sa.select(mentions.c.id).limit(1)).first() is not None


def coverage_counts(
    conn: Connection,
    codes: Collection[str],
    *,
    grain: str,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, int]:
    """Stories (near-duplicate groups) that mention any of ``codes``, per period of publication.

    Uses the ``mentions`` table when the store has one filled; otherwise documents with a
    coded report whose source or target is one of ``codes``. A story reprinted by ten
    outlets counts once, like an event reported ten times.
    """
    codes = sorted(codes)
    story = sa.func.coalesce(documents.c.story_id, documents.c.id)
    key = _grain_key(conn, documents.c.published, grain).label("key")
    where = []
    if since is not None:
        where.append(documents.c.published >= datetime.combine(since, time.min))
    if until is not None:
        # published is a timestamp: compare its day so the whole last day is included.
        if conn.dialect.name == "sqlite":
            where.append(sa.func.substr(documents.c.published, 1, 10) <= until.isoformat())
        else:
            where.append(sa.cast(documents.c.published, sa.Date) <= until)
    if has_mentions(conn):
        doc_ids = sa.select(mentions.c.doc_id).where(mentions.c.code.in_(codes))
    else:
        doc_ids = sa.select(reports.c.doc_id).where(
            sa.or_(reports.c.source_code.in_(codes), reports.c.target_code.in_(codes))
        )
    query = (
        sa.select(key, sa.func.count(sa.distinct(story)).label("n"))
        .where(documents.c.id.in_(doc_ids), documents.c.published.is_not(None), *where)
        .group_by(key)
    )
    return {row.key: int(row.n) for row in conn.execute(query) if row.key}


def _pairs_filter(pairs: list[tuple[Collection[str], Collection[str]]]) -> Any:
    return sa.or_(
        *(
            sa.and_(events.c.source_code.in_(sorted(s)), events.c.target_code.in_(sorted(t)))
            for s, t in pairs
        )
    )


def _counted(where: list[Any]) -> list[Any]:
    # Negated and announced events stay out of every figure, as they do from the index.
    return [*where, events.c.negated.is_(False), events.c.modality.not_in(ANNOUNCED_MODALITIES)]


def top_events(
    conn: Connection,
    pairs: list[tuple[Collection[str], Collection[str]]],
    *,
    since: date | None = None,
    until: date | None = None,
    theme: str | None = None,
    order: str = "conflict",
    limit: int = 5,
) -> list[dict[str, Any]]:
    """The strongest events of the pairs in a date range, with the sentence standing for each.

    ``order``: "conflict" puts the lowest Goldstein value first, "cooperation" the highest,
    "reports" the most widely reported; ties go to the more widely reported, then earlier,
    event. ``pairs`` are (sources, targets) code sets.
    """
    where = _counted([_pairs_filter(pairs), *_date_filters(events.c.date, since, until)])
    if theme:
        where.append(_theme_filter(theme))
    if order == "reports":
        weight = -events.c.report_count
    else:
        where.append(events.c.goldstein.is_not(None))
        weight = events.c.goldstein if order == "conflict" else -events.c.goldstein
    primary = reports.alias("primary_report")
    query = (
        sa.select(
            events.c.id,
            events.c.date,
            events.c.source_code,
            events.c.target_code,
            events.c.event,
            events.c.mode,
            events.c.goldstein,
            events.c.report_count,
            events.c.themes,
            primary.c.doc_id,
            primary.c.sentence_idx,
            sentences.c.text.label("sentence"),
            documents.c.title,
            documents.c.url,
        )
        .select_from(
            events.outerjoin(primary, primary.c.id == events.c.primary_report_id)
            .outerjoin(
                sentences,
                sa.and_(sentences.c.doc_id == primary.c.doc_id, sentences.c.idx == primary.c.sentence_idx),
            )
            .outerjoin(documents, documents.c.id == primary.c.doc_id)
        )
        .where(*where)
        .order_by(weight, events.c.report_count.desc(), events.c.date, events.c.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def code_in_store(conn: Connection, code: str) -> bool:
    """Whether ``code`` is the source or target of an event, or was mentioned (index seeks first)."""
    for query in (
        sa.select(events.c.id).where(events.c.source_code == code),
        sa.select(mentions.c.id).where(mentions.c.code == code),
        sa.select(events.c.id).where(events.c.target_code == code),
    ):
        if conn.execute(query.limit(1)).first() is not None:
            return True
    return False


def store_codes(conn: Connection) -> set[str]:
    """Every actor code that appears as a source or target of an event, or in a mention."""
    codes: set[str] = set()
    for column in (events.c.source_code, events.c.target_code, mentions.c.code):
        codes.update(v for (v,) in conn.execute(sa.select(column).distinct()) if v)
    return codes


def theme_counts(
    conn: Connection,
    pairs: list[tuple[Collection[str], Collection[str]]],
    *,
    theme: str | None,
    since: date | None = None,
    until: date | None = None,
) -> list[dict[str, Any]]:
    """Counted events of the pairs carrying ``theme``, per quad class.

    ``theme`` None selects events carrying no theme, ``ANY_THEME`` every event.
    """
    where = _counted([_pairs_filter(pairs), *_date_filters(events.c.date, since, until)])
    if theme == ANY_THEME:
        pass
    elif theme is None:
        where.append(sa.cast(events.c.themes, sa.Text).in_(["[]", "null"]))
    else:
        where.append(_theme_filter(theme))
    query = (
        sa.select(
            events.c.quad_class,
            sa.func.count().label("n"),
            sa.func.sum(events.c.report_count).label("reports"),
            sa.func.sum(events.c.goldstein).label("goldstein_sum"),
            sa.func.count(events.c.goldstein).label("goldstein_n"),
            sa.func.min(events.c.date).label("first"),
            sa.func.max(events.c.date).label("last"),
        )
        .where(*where)
        .group_by(events.c.quad_class)
    )
    return [dict(row._mapping) for row in conn.execute(query)]
