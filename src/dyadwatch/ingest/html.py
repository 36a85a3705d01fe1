"""HTML pages: main text, title, author, site name and publication date via trafilatura."""

from __future__ import annotations

from datetime import datetime

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
    import trafilatura

    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    # Markdown output keeps headings and list items as their own lines, so the cleaner
    # can keep them as separate blocks. No cross-document deduplication: it would make
    # trafilatura drop text it saw in an earlier page of the same run.
    body = trafilatura.extract(
        html,
        url=url,
        output_format="markdown",
        include_formatting=True,
        include_comments=False,
        include_tables=False,
        favor_precision=True,
        deduplicate=False,
    )
    if not body or not body.strip():
        raise ReadError(ref, "no article text found in the page")
    meta = trafilatura.extract_metadata(html, default_url=url)
    title = (meta.title if meta else None) or None
    cleaned = clean_text(body)
    blocks = cleaned.blocks
    # The headline is the title, not the first sentence of the body.
    if blocks and title and blocks[0].kind == "heading" and blocks[0].text == title:
        blocks = blocks[1:]
    if not blocks:
        raise ReadError(ref, "no article text found in the page")
    page_date, precision = None, None
    if meta and meta.date:
        try:
            page_date, precision = parse_published(meta.date)
        except DateError:
            page_date = None
    text = "\n\n".join(block.text for block in blocks)
    return Document(
        text=text,
        blocks=blocks,
        footnotes=cleaned.footnotes if blocks is cleaned.blocks else [],
        ref=ref,
        title=title,
        url=url or (meta.url if meta else None),
        published=page_date or published,
        published_precision=precision if page_date else ("day" if published else None),
        source=(meta.sitename if meta else None) or source or cleaned.publisher,
        author=meta.author if meta else None,
        kind=kind,
        extra={
            "hostname": meta.hostname if meta else None,
            # The page's own <link rel="canonical">, used to de-duplicate URLs.
            "canonical_url": (meta.url if meta else None) or url,
        },
    )
