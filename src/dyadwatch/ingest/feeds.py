"""RSS/Atom feeds: entries read with feedparser, each entry's article page fetched.

When an entry's page cannot be fetched (or holds no article text) the feed's own
summary is stored instead, as a Document with ``kind="feed-summary"`` and
``extra["summary_only"] = True``, so nothing the feed told us is lost; the page is
tried again on later polls up to ``max_attempts`` times.

``poll_feeds`` is one round of `dyadwatch watch`: conditional requests (ETag /
Last-Modified) so an unchanged feed costs one 304; only entries not seen before are
fetched; the feed's validators are saved only after its entries are handled, so an
interrupted poll is finished by the next one instead of being skipped.

OPML import/export of feed lists and the shipped starter list live here too.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser

from dyadwatch.ingest import dedup
from dyadwatch.ingest.clean import clean_text
from dyadwatch.ingest.dates import DateError, parse_published
from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.pipeline import DocumentWriter, IngestSummary, record_problem
from dyadwatch.ingest.sentences import split_sentences
from dyadwatch.ingest.web import (
    Fetcher,
    FetchResult,
    canonical_url,
    page_document,
    store_one,
    with_feed_hint,
)
from dyadwatch.model import Document
from dyadwatch.store import Store
from dyadwatch.store import documents as doc_store
from dyadwatch.store import feeds as feed_store

#: Tries at an entry's page (the first included) before it is left as a summary.
MAX_ATTEMPTS = 5
#: New entries fetched per feed and poll: a feed listing hundreds of old items is read
#: over several polls instead of one very long one.
MAX_NEW_PER_POLL = 100
BLOCK_TAG_RE = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.I)
TAG_RE = re.compile(r"<[^>]+>")

Tell = Callable[[ReadError], None]


@dataclass
class FeedEntry:
    """What a feed says about one item."""

    key: str
    link: str | None
    title: str | None
    summary: str
    published: datetime | None
    author: str | None = None


@dataclass
class FeedReport:
    """What one poll of one feed did; ``line()`` is the log line."""

    url: str
    name: str | None = None
    status: str = "ok"
    http_status: int | None = None
    entries: int = 0
    new: int = 0
    summaries: int = 0
    failed: int = 0
    known: int = 0
    duplicates: int = 0
    retried: int = 0
    deferred: int = 0
    error: str | None = None

    @property
    def seen(self) -> int:
        return self.known + self.duplicates

    def line(self) -> str:
        label = self.name or self.url
        if self.status == "error":
            head = f"{label}: error: {self.error}"
        elif self.status == "not-modified":
            head = f"{label}: not modified (HTTP 304)"
        elif self.status == "stopped":
            head = f"{label}: stopped before the end"
        else:
            head = f"{label}: {self.entries} entries"
        parts = [f"{self.new} new"]
        if self.summaries:
            parts.append(f"{self.summaries} summary-only")
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate{'s' if self.duplicates != 1 else ''}")
        if self.retried:
            parts.append(f"{self.retried} retried")
        if self.deferred:
            parts.append(f"{self.deferred} left for the next poll")
        return f"{head}; " + ", ".join(parts)


@dataclass
class PollSummary:
    feeds: list[FeedReport] = field(default_factory=list)
    ingest: IngestSummary = field(default_factory=IngestSummary)
    stopped: bool = False
    #: Summary-only documents whose full article arrived (stored in their place).
    upgraded: int = 0

    @property
    def changed(self) -> int:
        """Documents added or replaced: what the coder has to look at."""
        return self.ingest.added + self.upgraded


# -- reading a feed -------------------------------------------------------------------


def parse_feed(result: FetchResult) -> tuple[Any, str | None]:
    """The parsed feed and, when its XML is broken but entries could be read, a note."""
    if not result.content.strip():
        raise ReadError(result.url, "empty response body")
    parsed = feedparser.parse(
        result.content,
        response_headers={k.lower(): v for k, v in result.headers.items()
                          if k.lower() in ("content-type", "content-location", "content-language")},
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        reason = f"malformed feed XML ({_describe(problem)})" if problem else "not an RSS or Atom feed"
        raise ReadError(result.url, reason)
    if problem is not None and not isinstance(problem, feedparser.CharacterEncodingOverride):
        if not parsed.entries:
            raise ReadError(result.url, f"malformed feed XML ({_describe(problem)}); no entries could be read")
        return parsed, f"malformed feed XML ({_describe(problem)}); read {len(parsed.entries)} entries anyway"
    return parsed, None


def _describe(problem: object) -> str:
    text = str(problem).strip() or type(problem).__name__
    return text.replace("<unknown>:", "line ")


def html_to_text(fragment: str) -> str:
    """Plain text of a feed's HTML summary, paragraphs kept apart."""
    text = BLOCK_TAG_RE.sub("\n\n", fragment)
    text = TAG_RE.sub("", text)
    return html_lib.unescape(text).strip()


def _entry_date(entry: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        stamp = entry.get(name)
        if stamp:
            try:
                return parse_published(datetime(*stamp[:6]))[0]
            except (DateError, ValueError, TypeError):
                continue
    return None


def feed_entries(parsed: Any, feed_url: str) -> list[FeedEntry]:
    """The entries of a parsed feed, with links made absolute and canonical keys."""
    base = parsed.get("href") or feed_url
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if link:
            link = urljoin(base, link.strip())
            if not link.startswith(("http://", "https://")):
                link = None
        guid = entry.get("id") or entry.get("title") or ""
        key = canonical_url(link) if link else f"{canonical_url(feed_url)}#entry={guid}"
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry.content), key=len)
        summary = entry.get("summary") or ""
        entries.append(FeedEntry(
            key=key,
            link=link,
            title=html_to_text(entry.get("title") or "") or None,
            summary=html_to_text(content if len(content) > len(summary) else summary),
            published=_entry_date(entry),
            author=entry.get("author"),
        ))
    return entries


def summary_document(entry: FeedEntry, *, feed_url: str, feed_title: str | None) -> Document:
    """The feed's own text about an entry, as a Document marked summary-only."""
    where = entry.link or entry.key
    body = entry.summary or entry.title or ""
    cleaned = clean_text(body, markdown=False)
    if not cleaned.blocks:
        raise ReadError(where, "the feed entry has no summary or title to keep")
    return Document(
        text=cleaned.text,
        blocks=cleaned.blocks,
        footnotes=cleaned.footnotes,
        ref=where,
        title=entry.title,
        url=entry.link,
        published=entry.published,
        published_precision="day" if entry.published else None,
        source=feed_title,
        author=entry.author,
        kind="feed-summary",
        extra={"summary_only": True, "canonical_url": entry.key, "feed_url": feed_url},
    )


# -- handling entries -------------------------------------------------------------------


@dataclass
class _Run:
    """What every entry of a poll needs: where to store, how to fetch, whom to tell."""

    store: Store
    writer: DocumentWriter
    fetcher: Fetcher
    tell: Tell
    max_attempts: int = MAX_ATTEMPTS
    #: Entries new to us fetched per feed per poll; the rest wait for the next poll.
    max_new: int = MAX_NEW_PER_POLL
    #: Feed summaries replaced by their full article in this run.
    upgraded: int = 0


def _article(run: _Run, link: str, *, published: datetime | None, title: str | None,
             feed_title: str | None, feed_url: str | None) -> Document:
    result = run.fetcher.fetch(link)
    if result.kind != "html":
        raise ReadError(link, f"not a web page (Content-Type: {result.content_type or 'none'})")
    document, note = page_document(result, ref=link, published=published, source=feed_title)
    if note:
        run.tell(ReadWarning(link, note))
    # The feed's date is structured data written by the publisher's system; it beats
    # a date guessed from the page's markup.
    if published is not None:
        if document.published and document.published.date() != published.date():
            document.extra["page_date"] = document.published.isoformat()
        document.published, document.published_precision = published, "day"
        document.extra["date_from"] = "feed"
    document.title = document.title or title
    if feed_url:
        document.extra["feed_url"] = feed_url
    return document


def handle_entry(run: _Run, entry: FeedEntry, report: FeedReport, *, feed_id: int | None,
                 feed_url: str, feed_title: str | None) -> bool:
    """Fetch and store one entry unless it is known; fall back to its summary.

    Returns whether the entry was new to us (known entries cost no request). A bug
    tripped by one odd page is told as one line and counted as a failed attempt, so a
    long-running `watch` goes on with the other entries.
    """
    known_before = report.known
    try:
        _handle_entry(run, entry, report, feed_id=feed_id, feed_url=feed_url, feed_title=feed_title)
    except Exception as exc:  # noqa: BLE001 - one entry must not stop the watch
        reason = f"unexpected error ({type(exc).__name__}: {exc})"
        report.failed += 1
        run.tell(ReadError(entry.link or entry.key, reason))
        with run.store.begin() as conn:
            feed_store.record_fetch(conn, entry.key, status="failed", feed_id=feed_id, error=reason)
    return report.known == known_before


def _handle_entry(run: _Run, entry: FeedEntry, report: FeedReport, *, feed_id: int | None,
                  feed_url: str, feed_title: str | None) -> None:
    with run.store.connect() as conn:
        row = feed_store.get_fetch(conn, entry.key)
        stored_elsewhere = row is None and doc_store.find_by_canonical_url(conn, entry.key) is not None
    if row is not None and (row["status"] == "ok" or row["attempts"] >= run.max_attempts):
        report.known += 1
        return
    if stored_elsewhere:
        report.known += 1
        with run.store.begin() as conn:
            feed_store.record_fetch(conn, entry.key, status="ok", feed_id=feed_id)
        return
    if entry.link is None:
        # Nothing to fetch: the feed's text is the whole document.
        _store_summary(run, entry, report, feed_id=feed_id, feed_url=feed_url, feed_title=feed_title,
                       status="ok", reason=None)
        return
    try:
        document = _article(run, entry.link, published=entry.published, title=entry.title,
                            feed_title=feed_title, feed_url=feed_url)
    except ReadError as error:
        if row is not None and row["status"] == "summary":
            report.failed += 1
            attempts = int(row["attempts"]) + 1
            run.tell(ReadWarning(entry.link, f"{error.reason}; still only the feed's summary "
                                             f"(attempt {attempts} of {run.max_attempts})"))
            with run.store.begin() as conn:
                feed_store.record_fetch(conn, entry.key, status="summary", feed_id=feed_id,
                                        error=error.reason)
            return
        _store_summary(run, entry, report, feed_id=feed_id, feed_url=feed_url, feed_title=feed_title,
                       status="summary", reason=error.reason)
        return
    _keep_article(run, document, report, key=entry.key, row=row, feed_id=feed_id)


def _keep_article(run: _Run, document: Document, report: FeedReport, *, key: str,
                  row: dict[str, Any] | None, feed_id: int | None) -> None:
    """Store a fetched article; one that earlier gave only a summary takes its place."""
    summary_id = row["doc_id"] if row is not None and row["status"] == "summary" else None
    if summary_id is not None:
        with run.store.begin() as conn:
            if doc_store.known_hashes(conn, [document.content_hash]):
                doc_id = None
            else:
                signature = dedup.signature(document.text)
                feed_store.upgrade_summary(conn, summary_id, document, minhash=dedup.to_bytes(signature))
                doc_store.insert_sentences(conn, split_sentences(document, summary_id))
                doc_id = summary_id
                run.upgraded += 1
    else:
        doc_id = store_one(run.store, run.writer, document)
    if doc_id is None:
        report.duplicates += 1
    else:
        report.new += 1
    with run.store.begin() as conn:
        feed_store.record_fetch(conn, key, status="ok", feed_id=feed_id, doc_id=doc_id)


def _store_summary(run: _Run, entry: FeedEntry, report: FeedReport, *, feed_id: int | None,
                   feed_url: str, feed_title: str | None, status: str, reason: str | None) -> None:
    where = entry.link or entry.key
    try:
        document = summary_document(entry, feed_url=feed_url, feed_title=feed_title)
    except ReadError as no_summary:
        report.failed += 1
        full = f"{reason}; {no_summary.reason}" if reason else no_summary.reason
        run.tell(ReadError(where, full))
        with run.store.begin() as conn:
            feed_store.record_fetch(conn, entry.key, status="failed", feed_id=feed_id, error=full)
        return
    if reason:
        run.tell(ReadWarning(where, f"{reason}; kept the feed's summary instead"))
    doc_id = store_one(run.store, run.writer, document)
    if status == "ok" and doc_id is not None:
        report.new += 1
    elif doc_id is None:
        report.duplicates += 1
    else:
        report.summaries += 1
    with run.store.begin() as conn:
        feed_store.record_fetch(conn, entry.key, status=status, feed_id=feed_id, doc_id=doc_id,
                                error=reason)


def retry_entry(run: _Run, row: dict[str, Any], report: FeedReport, *, feed_title: str | None) -> None:
    """Try again a page that failed on an earlier poll (and is no longer in the feed)."""
    link = row["url"]
    report.retried += 1
    published = None
    if row.get("doc_id"):
        with run.store.connect() as conn:
            summary = doc_store.get_document(conn, row["doc_id"])
        published = summary["published"] if summary else None
    try:
        document = _article(run, link, published=published, title=None, feed_title=feed_title,
                            feed_url=report.url)
    except ReadError as error:
        report.failed += 1
        attempts = int(row["attempts"]) + 1
        kept = "still only the feed's summary" if row["status"] == "summary" else "not stored"
        problem = ReadWarning if row["status"] == "summary" else ReadError
        run.tell(problem(link, f"{error.reason}; {kept} (attempt {attempts} of {run.max_attempts})"))
        with run.store.begin() as conn:
            feed_store.record_fetch(conn, row["url"], status=row["status"], error=error.reason)
        return
    _keep_article(run, document, report, key=row["url"], row=row, feed_id=None)


def _entries_of(run: _Run, result: FetchResult, report: FeedReport,
                feed_title: str | None) -> tuple[list[FeedEntry], str | None]:
    parsed, note = parse_feed(result)
    if note:
        run.tell(ReadWarning(result.url, note))
    title = feed_title or html_to_text(parsed.feed.get("title") or "") or None
    entries = feed_entries(parsed, result.final_url)
    report.entries = len(entries)
    return entries, title


def ingest_feed_response(store: Store, writer: DocumentWriter, fetcher: Fetcher, result: FetchResult, *,
                         feed_id: int | None, on_problem: Tell, source: str | None = None,
                         max_attempts: int = MAX_ATTEMPTS) -> FeedReport:
    """Every entry of an already-fetched feed (``dyadwatch ingest FEED_URL``)."""
    run = _Run(store, writer, fetcher, on_problem, max_attempts)
    report = FeedReport(url=result.url, http_status=result.status)
    try:
        entries, title = _entries_of(run, result, report, source)
    except ReadError as error:
        report.status, report.error = "error", error.reason
        report.failed += 1
        on_problem(error)
        return report
    for entry in entries:
        handle_entry(run, entry, report, feed_id=feed_id, feed_url=result.url, feed_title=title)
    return report


def poll_feed(run: _Run, feed: dict[str, Any], *, stop: threading.Event | None = None) -> FeedReport:
    """One conditional poll of one stored feed, then retries of its earlier failures."""
    report = FeedReport(url=feed["url"], name=feed.get("name"))
    handled: set[str] = set()
    try:
        result = run.fetcher.fetch(feed["url"], etag=feed.get("etag"), last_modified=feed.get("last_modified"))
        report.http_status = result.status
        if result.not_modified:
            report.status = "not-modified"
            entries, title = [], feed.get("name")
        else:
            if result.kind != "feed":
                error = ReadError(feed["url"], f"not an RSS or Atom feed (Content-Type: "
                                               f"{result.content_type or 'none'})")
                raise with_feed_hint(error, result) if result.kind == "html" else error
            entries, title = _entries_of(run, result, report, feed.get("name"))
    except ReadError as error:
        report.status, report.error = "error", error.reason
        run.tell(error)
        with run.store.begin() as conn:
            feed_store.record_poll(conn, feed["id"], status=f"error: {error.reason}", keep_validators=True)
        entries, title, result = [], feed.get("name"), None
    fresh = 0
    for position, entry in enumerate(entries):
        if stop is not None and stop.is_set():
            report.status = "stopped"
            return report
        if fresh >= run.max_new:
            # The rest waits for the next poll; the validators are not saved, so that
            # poll reads the feed again instead of getting a 304.
            report.deferred = len(entries) - position
            break
        handled.add(entry.key)
        fresh += handle_entry(run, entry, report, feed_id=feed["id"], feed_url=feed["url"], feed_title=title)
    if result is not None and report.deferred:
        with run.store.begin() as conn:
            feed_store.record_poll(conn, feed["id"], status=f"{result.status}: {len(entries)} entries, "
                                   f"{report.deferred} left for the next poll", keep_validators=True)
    elif result is not None:
        with run.store.begin() as conn:
            if result.not_modified:
                feed_store.record_poll(conn, feed["id"], status="304 not modified", keep_validators=True)
            else:
                feed_store.record_poll(conn, feed["id"], status=f"{result.status}: {len(entries)} entries",
                                       etag=result.etag, last_modified=result.last_modified)
    with run.store.connect() as conn:
        retries = feed_store.retry_candidates(conn, max_attempts=run.max_attempts, feed_id=feed["id"])
    for row in retries:
        if stop is not None and stop.is_set():
            report.status = "stopped"
            break
        if row["url"] not in handled and row["url"].startswith(("http://", "https://")):
            retry_entry(run, row, report, feed_title=title)
    return report


def poll_feeds(store: Store, fetcher: Fetcher, *, on_problem: Tell | None = None,
               max_attempts: int = MAX_ATTEMPTS, max_new: int = MAX_NEW_PER_POLL,
               stop: threading.Event | None = None,
               on_feed: Callable[[FeedReport], None] | None = None) -> PollSummary:
    """Poll every stored feed once; ``on_feed`` hears each feed's report as it is done."""
    poll = PollSummary()
    writer = DocumentWriter(store, poll.ingest)

    def tell(problem: ReadError) -> None:
        record_problem(store, poll.ingest, problem, on_problem)

    run = _Run(store, writer, fetcher, tell, max_attempts, max_new)
    with store.connect() as conn:
        feeds = feed_store.list_feeds(conn)
    poll.ingest.inputs = len(feeds)
    for feed in feeds:
        if stop is not None and stop.is_set():
            poll.stopped = True
            break
        report = poll_feed(run, feed, stop=stop)
        poll.feeds.append(report)
        if on_feed:
            on_feed(report)
        if report.status == "stopped":
            poll.stopped = True
            break
    writer.flush()
    poll.upgraded = run.upgraded
    return poll


# -- OPML -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSource:
    url: str
    name: str | None = None
    category: str | None = None


def read_opml(text: str | bytes, *, where: str = "OPML") -> list[FeedSource]:
    """The feeds of an OPML file (nested outlines give their text as a category)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ReadError(where, f"not valid OPML XML ({exc})") from exc
    if root.tag.lower() != "opml":
        raise ReadError(where, f"not OPML (root element <{root.tag}>)")
    body = root.find("body")
    if body is None:
        raise ReadError(where, "OPML has no <body>")
    found: list[FeedSource] = []

    def walk(node: ET.Element, category: str | None) -> None:
        for outline in node.findall("outline"):
            attrs = {k.lower(): v for k, v in outline.attrib.items()}
            url = (attrs.get("xmlurl") or "").strip()
            name = (attrs.get("title") or attrs.get("text") or "").strip() or None
            if url:
                found.append(FeedSource(url, name, category))
            walk(outline, name if not url else category)

    walk(body, None)
    return found


def write_opml(sources: list[FeedSource], *, title: str = "dyadwatch feeds") -> str:
    """An OPML 2.0 document listing the feeds (grouped by category when they have one)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    groups: dict[str | None, ET.Element] = {None: body}
    for source in sources:
        parent = groups.get(source.category)
        if parent is None:
            parent = groups[source.category] = ET.SubElement(body, "outline", text=source.category or "")
        name = source.name or source.url
        ET.SubElement(parent, "outline", type="rss", text=name, title=name, xmlUrl=source.url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def starter_feeds() -> list[FeedSource]:
    """The shipped starter list (official sources first, then news outlets)."""
    data = resources.files("dyadwatch.ingest").joinpath("data/starter_feeds.opml").read_bytes()
    return read_opml(data, where="starter_feeds.opml")


def read_opml_file(path: str | Path) -> list[FeedSource]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    return read_opml(data, where=str(path))
