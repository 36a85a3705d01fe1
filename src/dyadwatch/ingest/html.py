"""HTML pages: main text, title, author, site name and publication date via trafilatura."""

from __future__ import annotations

import json
from datetime import datetime

import trafilatura

from dyadwatch.ingest.clean import clean_text
from dyadwatch.ingest.dates import DateError, parse_published
from dyadwatch.ingest.errors import ReadError
from dyadwatch.model import Document


def document_from_html(
    html: str | bytes,
    *,
    ref: str,
    url: str | None = None,
    published: datetime | None = None,
    source: str | None = None,
    kind: str = "html",
) -> Document:
    """Extract the article in an HTML page as a cleaned Document.

    ``published`` and ``source`` given by the caller win over what the page says only
    when the page says nothing. Raises ReadError when the page holds no article text.
    """
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    extracted = trafilatura.extract(
        html,
        url=url,
        output_format="json",
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=True,
    )
    if not extracted:
        raise ReadError(ref, "no article text found in the page")
    data = json.loads(extracted)
    raw_text = data.get("raw_text") or data.get("text") or ""
    cleaned = clean_text(data.get("text") or raw_text, markdown=False)
    if not cleaned.blocks:
        raise ReadError(ref, "no article text found in the page")
    page_date, precision = None, None
    if data.get("date"):
        try:
            page_date, precision = parse_published(data["date"])
        except DateError:
            page_date = None
    return Document(
        text=cleaned.text,
        blocks=cleaned.blocks,
        footnotes=cleaned.footnotes,
        ref=ref,
        title=data.get("title"),
        url=url or data.get("url") or data.get("source"),
        published=page_date or published,
        published_precision=precision if page_date else ("day" if published else None),
        source=data.get("sitename") or source or cleaned.publisher,
        author=data.get("author"),
        kind=kind,
        extra={
            **{k: data[k] for k in ("hostname", "categories", "tags") if data.get(k)},
            # The page's own <link rel="canonical">, used to de-duplicate URLs.
            "canonical_url": data.get("url") or url,
        },
    )
