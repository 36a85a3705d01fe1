"""Web pages over HTTP: a polite, careful fetcher and `dyadwatch ingest URL...`.

``Fetcher`` is the one HTTP client of dyadwatch (httpx): time-outs, redirects followed
by hand (so each hop is checked against robots.txt and loops are caught), a size cap
enforced while the body streams in (so a huge or gzip-bomb body never fills memory),
retries with exponential backoff on 429/5xx and time-outs that honour ``Retry-After``,
a per-host rate limit (raised to the site's robots.txt ``Crawl-delay``), conditional
requests (ETag / Last-Modified) and a clear User-Agent.

``ingest_urls`` reads article URLs and feed URLs (the response is sniffed: RSS/Atom go
to ``dyadwatch.ingest.feeds``). Every problem is one ReadError naming the URL and the
reason; the batch goes on.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx
import lxml.etree
import lxml.html
from charset_normalizer import from_bytes

from dyadwatch import __version__
from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.files import ReadOptions
from dyadwatch.ingest.html import document_from_html
from dyadwatch.ingest.pipeline import DocumentWriter, IngestSummary, ProblemHandler, record_problem
from dyadwatch.model import Document
from dyadwatch.store import Store
from dyadwatch.store import documents as doc_store
from dyadwatch.store import feeds as feed_store

PROJECT_URL = "https://github.com/dyadwatch/dyadwatch"
USER_AGENT = f"dyadwatch/{__version__} (+{PROJECT_URL})"
#: The name matched against ``User-agent:`` lines of robots.txt.
ROBOTS_AGENT = "dyadwatch"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}
HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/feed+json")
# Query parameters that only track where a click came from; they never change the page.
TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|yclid|igshid|"
                             r"_hsenc|_hsmi|ref_src|cmpid|at_medium|at_campaign|ocid|smid)$", re.I)
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)


@dataclass
class FetchOptions:
    """How politely and how patiently to fetch. Tests shrink the delays to milliseconds."""

    timeout: float = 20.0
    max_redirects: int = 5
    max_bytes: int = 10 * 1024 * 1024
    #: Further tries after the first, on 429/5xx, time-outs and dropped connections.
    retries: int = 3
    backoff: float = 2.0
    #: A server asking us to wait longer than this is given up on until the next run.
    max_retry_wait: float = 120.0
    #: Minimum seconds between two requests to the same host.
    per_host_delay: float = 1.0
    #: A robots.txt Crawl-delay is honoured up to this many seconds.
    max_crawl_delay: float = 30.0
    respect_robots: bool = True
    user_agent: str = USER_AGENT


@dataclass
class FetchResult:
    """A response read in full (under the size cap), or a 304 Not Modified."""

    url: str
    final_url: str
    status: int
    headers: httpx.Headers
    content: bytes = b""
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def kind(self) -> str:
        """'feed', 'html' or 'other', from the Content-Type and the first bytes."""
        head = self.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        looks_like_feed = head.startswith(b"<?xml") and any(
            tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")
        ) or head.startswith((b"<rss", b"<feed", b"<rdf:rdf"))
        looks_like_html = head.startswith((b"<!doctype html", b"<html")) or b"<body" in head or b"<head" in head
        ctype = self.content_type
        if ctype in FEED_TYPES or ctype.endswith("+xml") and ctype != "application/xhtml+xml":
            return "feed" if not looks_like_html else "html"
        if ctype in HTML_TYPES:
            return "feed" if looks_like_feed else "html"
        if not ctype or ctype in ("text/plain", "application/octet-stream"):
            if looks_like_feed:
                return "feed"
            if looks_like_html:
                return "html"
        return "other"


@dataclass
class _Host:
    last_request: float = 0.0
    robots: urllib.robotparser.RobotFileParser | None = None
    crawl_delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, sorted query, no empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host
    if parts.username:
        netloc = f"{parts.username}@{host}"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc += f":{port}"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not TRACKING_PARAMS.match(k))
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query), ""))


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def decode_html(body: bytes, content_type_header: str | None) -> tuple[str, str | None]:
    """Text of an HTML body and, when the declared encoding was wrong, a note saying so.

    Servers often declare one charset and send another; the declared one is believed
    only when the bytes fit it (and a Latin-1 label on valid UTF-8 is the classic lie).
    """
    declared = None
    if content_type_header:
        match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type_header, re.I)
        if match:
            declared = match.group(1).lower()
    if declared is None:
        match = META_CHARSET_RE.search(body[:4096])
        if match:
            declared = match.group(1).decode("ascii", "ignore").lower()
    utf8: str | None
    try:
        utf8 = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        utf8 = None
    if declared:
        if declared in ("iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "us-ascii", "ascii") \
                and utf8 is not None:
            return utf8, None if declared in ("us-ascii", "ascii") or body.isascii() else (
                f"declared charset {declared} but the body is UTF-8; read as UTF-8")
        try:
            return body.decode(declared), None
        except (UnicodeDecodeError, LookupError):
            pass
    if utf8 is not None:
        return utf8, None
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        said = f"declared charset {declared}" if declared else "no charset declared"
        return str(best), f"{said} but the body is not UTF-8; read as {best.encoding}"
    return body.decode("utf-8", errors="replace"), "cannot tell the encoding; undecodable bytes replaced"


class Fetcher:
    """A polite HTTP client; one per run, shared by every URL and feed of the run."""

    def __init__(self, options: FetchOptions | None = None, *,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.options = options or FetchOptions()
        self.sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self.client = httpx.Client(
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            headers={
                "User-Agent": self.options.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                          "application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
            },
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- politeness -----------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        return self._hosts.setdefault(key, _Host())

    def _wait_turn(self, host: _Host) -> None:
        delay = max(self.options.per_host_delay, host.crawl_delay)
        wait = host.last_request + delay - time.monotonic()
        if wait > 0:
            self.sleep(wait)
        host.last_request = time.monotonic()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets dyadwatch fetch it."""
        if not self.options.respect_robots:
            return True
        host = self._host(url)
        if host.robots is None:
            host.robots = self._read_robots(url, host)
        return host.robots.can_fetch(ROBOTS_AGENT, url)

    def _read_robots(self, url: str, host: _Host) -> urllib.robotparser.RobotFileParser:
        parts = urlsplit(url)
        robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        parser = urllib.robotparser.RobotFileParser(robots_url)
        self._wait_turn(host)
        try:
            response = self.client.get(robots_url, follow_redirects=True)
        except httpx.HTTPError:
            # No robots.txt we can read is, by convention, no restriction.
            parser.parse([])
            return parser
        if response.status_code in (401, 403):
            parser.disallow_all = True
        elif response.status_code == 200:
            text = response.content[:512 * 1024].decode("utf-8", errors="replace")
            parser.parse(text.splitlines())
            delay = parser.crawl_delay(ROBOTS_AGENT)
            if delay:
                host.crawl_delay = min(float(delay), self.options.max_crawl_delay)
        else:
            parser.parse([])
        return parser

    # -- fetching ---------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET a URL, following redirects; raises ReadError naming the URL and reason."""
        if not url.startswith(("http://", "https://")):
            raise ReadError(url, "not an http(s) URL")
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen = {canonical_url(url)}
        for _hop in range(self.options.max_redirects + 1):
            if not self.allowed(current):
                raise ReadError(url, f"robots.txt of {urlsplit(current).netloc} disallows fetching {current}")
            result = self._get(url, current, headers)
            if result.status in REDIRECT_STATUSES:
                location = result.headers.get("location")
                if not location:
                    raise ReadError(url, f"HTTP {result.status} redirect without a Location")
                target = urljoin(current, location)
                if canonical_url(target) in seen:
                    raise ReadError(url, f"redirect loop ({current} -> {target})")
                seen.add(canonical_url(target))
                current = target
                continue
            return result
        raise ReadError(url, f"too many redirects (more than {self.options.max_redirects})")

    def _get(self, url: str, current: str, headers: dict[str, str]) -> FetchResult:
        options = self.options
        host = self._host(current)
        for attempt in range(options.retries + 1):
            last = attempt == options.retries
            self._wait_turn(host)
            try:
                with self.client.stream("GET", current, headers=headers) as response:
                    status = response.status_code
                    if status in RETRY_STATUSES:
                        reason = f"HTTP {status} {response.reason_phrase}".strip()
                        wait = retry_after_seconds(response.headers.get("retry-after"))
                        if wait is not None and wait > options.max_retry_wait:
                            raise ReadError(url, f"{reason}; the server asks to wait {wait:.0f} s")
                        if last:
                            tries = options.retries + 1
                            raise ReadError(url, f"{reason} (after {tries} tr{'ies' if tries > 1 else 'y'})")
                        self.sleep(wait if wait is not None else options.backoff * 2 ** attempt)
                        continue
                    if status == 304:
                        return FetchResult(url, current, status, response.headers, not_modified=True)
                    if status in REDIRECT_STATUSES:
                        return FetchResult(url, current, status, response.headers)
                    if status >= 400:
                        raise ReadError(url, f"HTTP {status} {response.reason_phrase}".strip())
                    if status != 200:
                        raise ReadError(url, f"unexpected HTTP {status} {response.reason_phrase}".strip())
                    body = self._read_body(url, response)
                    return FetchResult(url, current, status, response.headers, body)
            except httpx.TimeoutException as exc:
                if last:
                    raise ReadError(url, f"timed out after {options.timeout:g} s "
                                         f"({type(exc).__name__})") from exc
            except httpx.DecodingError as exc:
                raise ReadError(url, f"body cannot be decompressed ({exc})") from exc
            except (httpx.TransportError, httpx.StreamError) as exc:
                if last:
                    raise ReadError(url, f"connection failed: {exc or type(exc).__name__}") from exc
            except httpx.InvalidURL as exc:
                raise ReadError(url, f"invalid URL: {exc}") from exc
            self.sleep(options.backoff * 2 ** attempt)
        raise ReadError(url, "gave up")  # not reached: the last attempt returns or raises

    def _read_body(self, url: str, response: httpx.Response) -> bytes:
        cap = self.options.max_bytes
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ReadError(url, f"response of {int(declared):,} bytes is over the limit of {cap:,}")
        chunks: list[bytes] = []
        size = 0
        # iter_bytes yields decompressed bytes, so the cap also stops gzip bombs.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise ReadError(url, f"response is over the limit of {cap:,} bytes; stopped reading")
            chunks.append(chunk)
        return b"".join(chunks)


def last_modified_date(result: FetchResult) -> datetime | None:
    """The Last-Modified header as a publication date, when it can be trusted.

    Dynamic sites stamp every response with the time it was made, so a Last-Modified
    within a minute of the response's Date says nothing about publication.
    """
    value = result.last_modified
    if not value:
        return None
    try:
        modified = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    served = None
    if result.headers.get("date"):
        try:
            served = parsedate_to_datetime(result.headers["date"])
        except (TypeError, ValueError):
            served = None
    served = served or datetime.now(UTC)
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=UTC)
    if served.tzinfo is None:
        served = served.replace(tzinfo=UTC)
    if abs((served - modified).total_seconds()) < 60 or modified > served:
        return None
    return modified.astimezone(UTC).replace(tzinfo=None)


def page_document(result: FetchResult, *, ref: str, published: datetime | None = None,
                  source: str | None = None, kind: str = "html") -> tuple[Document, str | None]:
    """The article of a fetched page as a Document, plus a note about its encoding.

    ``published`` is only a fallback: the page's own date (trafilatura / htmldate) wins,
    then the caller's, then a trustworthy Last-Modified header.
    """
    if not result.content.strip():
        raise ReadError(ref, "empty response body")
    text, encoding_note = decode_html(result.content, result.headers.get("content-type"))
    fallback = published or last_modified_date(result)
    document = document_from_html(text, ref=ref, url=result.final_url, published=fallback,
                                  source=source, kind=kind)
    if document.published is not None and document.published is fallback and published is None:
        document.extra["date_from"] = "last-modified"
    head = page_head(text, result.final_url)
    document.extra["canonical_url"] = head.get("canonical") or canonical_url(result.final_url)
    document.extra["fetched_url"] = result.final_url
    # The publisher's own name for itself beats a feed's title or nothing.
    if head.get("site_name"):
        document.source = head["site_name"]
    return document, encoding_note


def page_head(html: str, page_url: str) -> dict[str, str]:
    """The page's canonical URL (``<link rel=canonical>``, else ``og:url``) and site name.

    A canonical that points at the site's home page from an article is a common CMS
    mistake; believing it would make every article a duplicate of the first, so it is
    ignored.
    """
    found: dict[str, str] = {}
    try:
        tree = lxml.html.fromstring(html[:500_000])
    except (lxml.etree.ParserError, ValueError):
        return found
    candidates = [
        href for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split() and (href := link.get("href"))
    ] + [meta.get("content") for meta in tree.iter("meta")
         if meta.get("property") == "og:url" and meta.get("content")]
    for candidate in candidates:
        absolute = urljoin(page_url, candidate.strip())
        if not absolute.startswith(("http://", "https://")):
            continue
        if urlsplit(absolute).path in ("", "/") and urlsplit(page_url).path not in ("", "/"):
            continue
        found["canonical"] = canonical_url(absolute)
        break
    for meta in tree.iter("meta"):
        if meta.get("property") == "og:site_name" and (meta.get("content") or "").strip():
            found["site_name"] = meta.get("content").strip()
            break
    return found


FEED_LINK_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")


def feed_links(result: FetchResult) -> list[str]:
    """Feeds a web page advertises (``<link rel="alternate" type="application/rss+xml">``)."""
    text, _ = decode_html(result.content, result.headers.get("content-type"))
    try:
        tree = lxml.html.fromstring(text[:500_000])
    except (lxml.etree.ParserError, ValueError):
        return []
    links = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        if "alternate" in rel and (link.get("type") or "").lower() in FEED_LINK_TYPES and link.get("href"):
            url = urljoin(result.final_url, link.get("href").strip())
            if url.startswith(("http://", "https://")) and url not in links:
                links.append(url)
    return links


def with_feed_hint(error: ReadError, result: FetchResult) -> ReadError:
    """Add the feeds a page links to, when someone gave the site instead of its feed."""
    links = feed_links(result)
    if not links:
        return error
    more = f" (and {len(links) - 1} more)" if len(links) > 1 else ""
    return ReadError(error.where, f"{error.reason}; the page links to the feed {links[0]}{more}")


def _already_stored(store: Store, key: str) -> bool:
    with store.connect() as conn:
        fetch = feed_store.get_fetch(conn, key)
        if fetch is not None and fetch["status"] == "ok":
            return True
        return doc_store.find_by_canonical_url(conn, key) is not None


def store_one(store: Store, writer: DocumentWriter, document: Document) -> int | None:
    """Store one document now; its id, or None when it was a duplicate."""
    before = writer.summary.added
    writer.add(document)
    writer.flush()
    return writer.summary.doc_ids[-1] if writer.summary.added > before else None


def ingest_urls(
    store: Store,
    urls: list[str],
    *,
    options: ReadOptions | None = None,
    on_problem: ProblemHandler | None = None,
    quiet: bool = False,
    fetch_options: FetchOptions | None = None,
    fetcher: Fetcher | None = None,
) -> IngestSummary:
    """Fetch article and feed URLs into the store; each problem is one line, the batch goes on.

    A URL already stored (by its canonical form) is counted as a duplicate without
    being fetched again. A feed URL brings in each of its entries' article pages.
    """
    options = options or ReadOptions()
    fetch_options = fetch_options or FetchOptions()
    fetch_options = replace(fetch_options, max_bytes=min(fetch_options.max_bytes, options.max_bytes))
    summary = IngestSummary(inputs=len(urls))
    writer = DocumentWriter(store, summary)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(fetch_options)

    def problem(error: ReadError) -> None:
        record_problem(store, summary, error, on_problem)

    try:
        for url in urls:
            key = canonical_url(url)
            if _already_stored(store, key):
                summary.read += 1
                summary.duplicates += 1
                continue
            try:
                result = fetcher.fetch(url)
                kind = result.kind
                if kind == "feed":
                    from dyadwatch.ingest.feeds import ingest_feed_response

                    report = ingest_feed_response(store, writer, fetcher, result, feed_id=None,
                                                  on_problem=problem, source=options.source)
                    if report.new == 0 and report.summaries == 0 and report.failed and not report.seen:
                        summary.unreadable_inputs += 1
                    continue
                if kind != "html":
                    raise ReadError(url, f"not a web page or feed (Content-Type: "
                                         f"{result.content_type or 'none'})")
                try:
                    document, note = page_document(result, ref=url, published=options.published,
                                                   source=options.source)
                except ReadError as no_text:
                    raise with_feed_hint(no_text, result) from None
            except ReadError as error:
                summary.unreadable_inputs += 1
                problem(error)
                with store.begin() as conn:
                    feed_store.record_fetch(conn, key, status="failed", error=error.reason)
                continue
            if note:
                problem(ReadWarning(url, note))
            doc_id = store_one(store, writer, document)
            with store.begin() as conn:
                feed_store.record_fetch(conn, key, status="ok", doc_id=doc_id)
    finally:
        writer.flush()
        if own_fetcher:
            fetcher.close()
    return summary

