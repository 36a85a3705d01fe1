"""The database schema, in SQLAlchemy Core, portable between SQLite and PostgreSQL.

One ``metadata`` holds every table. Types are the portable ones (no SQLite-only
affinities, no PostgreSQL-only arrays): lists and dicts go into ``JSON`` columns.
``SCHEMA_VERSION`` goes up whenever a table changes; ``store.db.migrate`` knows how to
bring an older database forward.
"""

from __future__ import annotations

import sqlalchemy as sa

SCHEMA_VERSION = 1

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    # The input's own id: a record's "id", a file path, or a URL.
    sa.Column("ref", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("canonical_url", sa.Text),
    sa.Column("published", sa.DateTime),
    sa.Column("published_precision", sa.String(8)),
    sa.Column("source", sa.Text),
    sa.Column("author", sa.Text),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("blocks", sa.JSON, nullable=False),
    sa.Column("footnotes", sa.JSON, nullable=False),
    sa.Column("extra", sa.JSON, nullable=False),
    # Near-duplicate group: the id of the first document of the story.
    sa.Column("story_id", sa.Integer, index=True),
    sa.Column("minhash", sa.LargeBinary),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    # Version of the coder (lexicons + code) that produced this document's reports;
    # NULL means not coded yet.
    sa.Column("coded_version", sa.String(64), index=True),
    sa.Index("ix_documents_published", "published"),
    sa.Index("ix_documents_canonical_url", "canonical_url"),
)

sentences = sa.Table(
    "sentences",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("block", sa.String(16), nullable=False),
    sa.UniqueConstraint("doc_id", "idx", name="uq_sentences_doc_idx"),
)

mentions = sa.Table(
    "mentions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    sa.Column("sentence_idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("code", sa.String(32), nullable=False, index=True),
    sa.Column("sector", sa.String(16)),
    sa.Column("role", sa.Text),
    sa.Column("person", sa.Text),
    sa.Column("how", sa.String(32)),
    sa.Index("ix_mentions_doc", "doc_id"),
)

# A distinct development. Reports of it (one per coded sentence) point here.
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("source_code", sa.String(32), nullable=False),
    sa.Column("source_sector", sa.String(16)),
    sa.Column("target_code", sa.String(32)),
    sa.Column("target_sector", sa.String(16)),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(32)),
    sa.Column("contexts", sa.JSON, nullable=False),
    sa.Column("themes", sa.JSON, nullable=False),
    sa.Column("cameo", sa.String(8)),
    sa.Column("goldstein", sa.Float),
    sa.Column("plover_score", sa.Float),
    sa.Column("quad_class", sa.Integer),
    sa.Column("negated", sa.Boolean, nullable=False),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("report_count", sa.Integer, nullable=False),
    sa.Column("doc_count", sa.Integer, nullable=False),
    # The report chosen to stand for the event (most confident, earliest).
    sa.Column("primary_report_id", sa.Integer),
    sa.Index("ix_events_dyad_date", "source_code", "target_code", "date"),
    sa.Index("ix_events_date", "date"),
)

# SQLite only (an expression index): lets the relations series group a dyad's events by
# month in index order, without a sort or a table lookup (store/series.py renders the
# same expression). PostgreSQL hash-aggregates over ix_events_dyad_date instead.
sa.event.listen(
    events,
    "after_create",
    sa.DDL(
        "CREATE INDEX IF NOT EXISTS ix_events_dyad_month ON events (source_code, target_code, "
        "substr(date, 1, 7), event, quad_class, goldstein, plover_score, negated, modality, "
        "report_count, date)"
    ).execute_if(dialect="sqlite"),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id", ondelete="SET NULL"), index=True),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("sentence_idx", sa.Integer, nullable=False),
    sa.Column("start", sa.Integer, nullable=False),
    sa.Column("end", sa.Integer, nullable=False),
    sa.Column("trigger", sa.Text, nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("date_precision", sa.String(8), nullable=False),
    sa.Column("source", sa.JSON, nullable=False),
    sa.Column("target", sa.JSON),
    sa.Column("source_code", sa.String(32), nullable=False),
    sa.Column("target_code", sa.String(32)),
    sa.Column("event", sa.String(16), nullable=False),
    sa.Column("mode", sa.String(32)),
    sa.Column("contexts", sa.JSON, nullable=False),
    sa.Column("themes", sa.JSON, nullable=False),
    sa.Column("cameo", sa.String(8)),
    sa.Column("goldstein", sa.Float),
    sa.Column("plover_score", sa.Float),
    sa.Column("quad_class", sa.Integer),
    sa.Column("negated", sa.Boolean, nullable=False),
    sa.Column("modality", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("reported_by", sa.JSON),
    sa.Column("pattern", sa.Text),
    sa.Column("coder_version", sa.String(64), nullable=False),
)

# Inputs that could not be read: one row per problem, for `stats` and for retries.
skipped = sa.Table(
    "skipped",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("where", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_polled", sa.DateTime),
    sa.Column("last_status", sa.Text),
    sa.Column("added_at", sa.DateTime, nullable=False),
)

# URLs seen by the web reader: what was fetched, what failed and how often.
fetches = sa.Table(
    "fetches",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="SET NULL")),
    sa.Column("doc_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="SET NULL")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("last_attempt", sa.DateTime),
)
