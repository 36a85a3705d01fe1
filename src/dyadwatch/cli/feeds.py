"""`dyadwatch feeds ...` (the list of watched feeds) and `dyadwatch watch` (polling it)."""

from __future__ import annotations

import re
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import click

from dyadwatch.cli.common import db_option, dumps, err_console, open_store, out_console, warn
from dyadwatch.cli.ingest import tell_problem
from dyadwatch.ingest.errors import ReadError
from dyadwatch.ingest.feeds import (
    MAX_ATTEMPTS,
    MAX_NEW_PER_POLL,
    FeedReport,
    FeedSource,
    poll_feeds,
    read_opml_file,
    starter_feeds,
    write_opml,
)
from dyadwatch.ingest.web import Fetcher, FetchOptions
from dyadwatch.store import Store
from dyadwatch.store import feeds as feed_store

DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """'90', '90s', '15m', '1h', '1d' as seconds."""
    match = DURATION_RE.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30s, 15m, 1h)")
    return float(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]


def _duration_option(_ctx: click.Context, _param: click.Parameter, value: str) -> float:
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _check_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    return url


def _add_sources(store: Store, sources: list[FeedSource]) -> tuple[int, int]:
    added = known = 0
    with store.begin() as conn:
        for source in sources:
            if not source.url.startswith(("http://", "https://")):
                warn(f"{source.url}: not an http(s) URL; not added")
                continue
            _, new = feed_store.add_feed(conn, source.url, source.name)
            added += new
            known += not new
    return added, known


@click.group("feeds")
def feeds_group() -> None:
    """The RSS/Atom feeds that `dyadwatch watch` polls."""


@feeds_group.command("add")
@click.argument("url")
@click.option("--name", help="A name for the feed in lists and logs.")
@db_option
def feeds_add(url: str, name: str | None) -> None:
    """Watch a feed (nothing is fetched until `dyadwatch watch`)."""
    store = open_store()
    with store.begin() as conn:
        _, new = feed_store.add_feed(conn, _check_url(url), name)
    err_console.print(f"{'added' if new else 'already watched'}: {url}")


@feeds_group.command("remove")
@click.argument("url")
@db_option
def feeds_remove(url: str) -> None:
    """Stop watching a feed; the documents it brought stay stored."""
    store = open_store()
    with store.begin() as conn:
        removed = feed_store.remove_feed(conn, url)
    if not removed:
        raise click.ClickException(f"{url}: not a watched feed (see `dyadwatch feeds list`)")
    err_console.print(f"removed: {url}")


@feeds_group.command("list")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@db_option
def feeds_list(output_format: str) -> None:
    """The watched feeds, when each was last polled and what came of it."""
    store = open_store()
    with store.connect() as conn:
        rows = feed_store.list_feeds(conn)
    if output_format == "json":
        keys = ("id", "url", "name", "added_at", "last_polled", "last_status", "entries", "etag", "last_modified")
        click.echo(dumps([{k: row[k] for k in keys} for row in rows], indent=2))
        return
    if not rows:
        err_console.print("No feeds yet: `dyadwatch feeds add URL` or `dyadwatch feeds starter`.")
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("name", "url", "entries", "last polled", "last status"):
        table.add_column(column, overflow="fold")
    for row in rows:
        polled = row["last_polled"].isoformat(sep=" ") if row["last_polled"] else "never"
        table.add_row(row["name"] or "", row["url"], str(row["entries"]), polled, row["last_status"] or "")
    out_console.print(table)


@feeds_group.command("import")
@click.argument("opml_file", type=click.Path(dir_okay=False))
@db_option
def feeds_import(opml_file: str) -> None:
    """Watch every feed listed in an OPML file."""
    try:
        sources = read_opml_file(opml_file)
    except ReadError as exc:
        raise click.ClickException(str(exc)) from exc
    added, known = _add_sources(open_store(), sources)
    err_console.print(f"{added} feeds added, {known} already watched (from {opml_file})")


@feeds_group.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
@db_option
def feeds_export(output: str | None) -> None:
    """The watched feeds as OPML, for other feed readers or another dyadwatch."""
    store = open_store()
    with store.connect() as conn:
        rows = feed_store.list_feeds(conn)
    text = write_opml([FeedSource(row["url"], row["name"]) for row in rows])
    if output:
        Path(output).write_text(text, encoding="utf-8")
        err_console.print(f"{len(rows)} feeds written to {output}")
    else:
        click.echo(text, nl=False)


@feeds_group.command("starter")
@db_option
def feeds_starter() -> None:
    """Watch the shipped starter list: official U.S., Russian, Ukrainian, UN, NATO and EU
    sources and a few international news outlets."""
    sources = starter_feeds()
    added, known = _add_sources(open_store(), sources)
    err_console.print(f"{added} starter feeds added, {known} already watched; "
                      "see them with `dyadwatch feeds list`")


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log(message: str) -> None:
    err_console.print(f"{_stamp()} {message}", markup=False, highlight=False)


def _uncoded(store: Store) -> int:
    with store.connect() as conn:
        return feed_store.uncoded_documents(conn)


def _code_new(store: Store) -> None:
    """Code what the poll brought in; the coder is another room and may be absent."""
    try:
        from dyadwatch.events.pipeline import code_pending
    except ImportError as exc:
        _log(f"coding skipped: the event coder is not available ({exc})")
        return
    summary = code_pending(store, quiet=True)
    failed = len(getattr(summary, "failed", []) or [])
    _log(f"coded {summary.documents} documents: {summary.reports} reports, {summary.events} events"
         + (f", {failed} documents failed" if failed else ""))


@click.command("watch")
@click.option("--every", "every", default="15m", show_default=True, callback=_duration_option,
              metavar="DURATION", help="Time between polls: 30s, 15m, 1h ...")
@click.option("--once", is_flag=True, help="Poll every feed once, code what is new, and exit.")
@click.option("--max-attempts", type=click.IntRange(1), default=MAX_ATTEMPTS, show_default=True,
              help="Tries at a failing article page, over successive polls.")
@click.option("--max-new", type=click.IntRange(1), default=MAX_NEW_PER_POLL, show_default=True,
              help="New entries fetched per feed per poll; the rest wait for the next poll.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--per-host-delay", type=float, default=1.0, show_default=True,
              help="Minimum seconds between requests to one host (robots.txt Crawl-delay wins if longer).")
@click.option("--retries", type=click.IntRange(0), default=3, show_default=True,
              help="Retries of a request on 429/5xx/time-outs within one poll.")
@click.option("--backoff", type=float, default=2.0, show_default=True,
              help="First retry delay in seconds, doubled on each retry (Retry-After wins).")
@click.option("--no-code", is_flag=True, help="Only fetch; leave coding to `dyadwatch events`.")
@db_option
def watch_command(every: float, once: bool, max_attempts: int, max_new: int, timeout: float,
                  per_host_delay: float, retries: int, backoff: float, no_code: bool) -> None:
    """Poll the watched feeds, store new articles, and code them into events.

    Feeds are asked with ETag / Last-Modified, so unchanged feeds cost one short
    request; entries already stored are never fetched again, also after a restart.
    Pages that fail are retried on later polls, up to --max-attempts. One log line per
    feed per poll goes to stderr. Ctrl-C (or SIGTERM) stops cleanly after the current
    request. With --once the exit status is 1 when no feed at all could be read.
    """
    store = open_store()
    with store.connect() as conn:
        if not feed_store.list_feeds(conn):
            raise click.ClickException("no feeds to watch: add one with `dyadwatch feeds add URL` "
                                       "or the starter list with `dyadwatch feeds starter`")
    stop = threading.Event()

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        _log(f"{signal.Signals(signum).name}: stopping after the current request")

    all_failed = False
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    options = FetchOptions(timeout=timeout, per_host_delay=per_host_delay, retries=retries, backoff=backoff)
    try:
        with Fetcher(options) as fetcher:
            first = True
            while not stop.is_set():
                poll = poll_feeds(store, fetcher, on_problem=tell_problem, max_attempts=max_attempts,
                                  max_new=max_new, stop=stop, on_feed=lambda report: _log(report.line()))
                _log(_poll_line(poll.feeds))
                # The first poll also codes what an interrupted earlier run left uncoded.
                if not no_code and not stop.is_set() and (poll.changed or (first and _uncoded(store))):
                    _code_new(store)
                first = False
                if once or stop.is_set():
                    all_failed = bool(poll.feeds) and all(r.status == "error" for r in poll.feeds)
                    break
                _log(f"next poll in {every:g} s")
                stop.wait(every)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if stop.is_set():
        _log("stopped")
    elif all_failed:
        # Lets cron (or a monitoring check) notice that nothing could be read at all.
        raise SystemExit(1)


def _poll_line(reports: list[FeedReport]) -> str:
    new = sum(r.new for r in reports)
    summaries = sum(r.summaries for r in reports)
    failed = sum(r.failed for r in reports)
    errors = sum(r.status == "error" for r in reports)
    return (f"poll done: {len(reports)} feeds, {new} new documents, {summaries} summary-only, "
            f"{failed} failed pages, {errors} feed errors")


COMMANDS = [feeds_group, watch_command]
