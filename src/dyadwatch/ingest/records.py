"""Structured records (JSON, JSONL, CSV rows) to Documents, whatever their field names."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from dyadwatch.ingest.clean import clean_text
from dyadwatch.ingest.dates import DateError, parse_published
from dyadwatch.ingest.errors import ReadError
from dyadwatch.model import Document


@lru_cache(maxsize=1)
def field_names() -> dict[str, list[str]]:
    text = resources.files("dyadwatch.ingest").joinpath("data/fields.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def pick(record: dict[str, Any], part: str) -> Any:
    """The record's value for a part ("text", "title", ...), by the common field names."""
    lowered = {str(key).lower(): value for key, value in record.items()}
    for name in field_names()[part]:
        value = lowered.get(name)
        if value not in (None, "", []):
            return value
    return None


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "\n\n".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("text") or value.get("name") or "")
    return str(value)


def document_from_record(
    record: dict[str, Any],
    *,
    where: str,
    default_published: datetime | None = None,
    default_source: str | None = None,
    max_chars: int = 2_000_000,
) -> tuple[Document, list[str]]:
    """Build a Document from one record; returns it with warnings worth a line each.

    Raises ReadError when the record has no text or too much of it.
    """
    if not isinstance(record, dict):
        raise ReadError(where, f"expected a JSON object, found {type(record).__name__}")
    raw_text = pick(record, "text")
    if raw_text is None:
        raise ReadError(where, "record has no text (looked for: " + ", ".join(field_names()["text"][:4]) + ", …)")
    raw_text = _as_text(raw_text)
    if len(raw_text) > max_chars:
        raise ReadError(where, f"text of {len(raw_text):,} characters is over the limit of {max_chars:,}")
    cleaned = clean_text(raw_text)
    if not cleaned.blocks:
        raise ReadError(where, "record text is empty after cleaning")
    warnings: list[str] = []
    published, precision = default_published, ("day" if default_published else None)
    raw_date = pick(record, "published")
    if raw_date is not None:
        try:
            published, precision = parse_published(raw_date)
        except DateError as exc:
            warnings.append(f"{where}: {exc}; " + ("using --published" if default_published else "date left unknown"))
    if isinstance(record.get("date_precision"), str) and record["date_precision"].split()[0] in ("day", "month", "year"):
        precision = record["date_precision"].split()[0]
    record_id = pick(record, "id")
    author = pick(record, "author")
    known = {name for names in field_names().values() for name in names}
    return (
        Document(
            text=cleaned.text,
            blocks=cleaned.blocks,
            footnotes=cleaned.footnotes,
            ref=str(record_id) if record_id is not None else where,
            title=_as_text(pick(record, "title")).strip() or None if pick(record, "title") else None,
            url=pick(record, "url"),
            published=published,
            published_precision=precision,
            source=_as_text(pick(record, "source")) if pick(record, "source")
            else (default_source or cleaned.publisher or host_of(pick(record, "url"))),
            author=_as_text(author) if author else None,
            kind="record",
            extra={k: v for k, v in record.items() if str(k).lower() not in known and _small(v)},
        ),
        warnings,
    )


def host_of(url: Any) -> str | None:
    """A publisher name of last resort: the site's host name, without "www."."""
    if not isinstance(url, str) or "://" not in url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _small(value: Any) -> bool:
    """Extra fields worth keeping: scalars and short lists, not second copies of the text."""
    if isinstance(value, str):
        return len(value) <= 2000
    if isinstance(value, list | dict):
        return len(str(value)) <= 2000
    return True
