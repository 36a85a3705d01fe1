"""RSS/Atom feeds and `dyadwatch watch`, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.feeds import FeedSource, poll_feeds, read_opml, starter_feeds, write_opml
from dyadwatch.ingest.web import Fetcher, FetchOptions, canonical_url, ingest_urls
from dyadwatch.store import Store
from dyadwatch.store import feeds as feed_store
from dyadwatch.store.schema import documents

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "web"))
from fixture_server import SITE, FixtureServer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
GONE = "/gone/drone-incursion.html"


@pytest.fixture
def server():
    with FixtureServer(slow_seconds=1.5) as running:
        yield running


def fast() -> FetchOptions:
    return FetchOptions(timeout=1.0, per_host_delay=0.0, retries=0, backoff=0.01)


def stored(store) -> list[dict]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(documents).order_by(documents.c.id)).mappings()]


def by_title(store) -> dict[str, dict]:
    return {doc["title"]: doc for doc in stored(store)}


def test_rss_feed_url_brings_in_each_entrys_article(server, store):
    problems: list[ReadError] = []
    summary = ingest_urls(store, [server.url("/feeds/world.xml")], fetch_options=fast(), on_problem=problems.append)
    docs = by_title(store)
    assert summary.added == 5
    geneva = docs["Russian and American diplomats hold strategic stability talks in Geneva"]
    assert geneva["kind"] == "html"
    assert "Deputy Foreign Minister Sergei Ryabkov led the Russian side" in geneva["text"]
    assert geneva["published"].isoformat() == "2025-05-16T11:30:00"
    assert geneva["extra"]["feed_url"] == server.url("/feeds/world.xml")
    # The tracking parameters of the feed's link do not make a second identity.
    oil = docs["Washington imposes new sanctions on Russian oil producers"]
    assert oil["canonical_url"] == server.url("/business/oil-price-cap-sanctions.html")


def test_unfetchable_entry_keeps_the_feeds_summary_marked_so(server, store):
    problems: list[ReadError] = []
    ingest_urls(store, [server.url("/feeds/world.xml")], fetch_options=fast(), on_problem=problems.append)
    docs = by_title(store)
    drone = docs["NATO allies condemn Russian drone incursion into Poland"]
    assert drone["kind"] == "feed-summary" and drone["extra"]["summary_only"] is True
    assert "The United States said it stood with Poland" in drone["text"]
    assert "<p>" not in drone["text"]
    assert drone["published"].isoformat() == "2025-09-11T07:45:00"
    # robots.txt forbids the page; the feed's own words are kept instead.
    private = docs["Russia and the United States complete a prisoner exchange (members only)"]
    assert private["kind"] == "feed-summary"
    assert server.hits["/private/secret.html"] == 0
    said = {p.where: p for p in problems}
    assert isinstance(said[server.url(GONE)], ReadWarning)
    assert "HTTP 404" in said[server.url(GONE)].reason and "summary" in said[server.url(GONE)].reason


def test_atom_feed_redirects_and_an_entry_without_link(server, store):
    ingest_urls(store, [server.url("/feeds/official.atom")], fetch_options=fast())
    docs = by_title(store)
    swap = docs["Russia and the United States complete largest prisoner exchange since the Cold War"]
    assert swap["kind"] == "html" and swap["url"] == server.url("/politics/prisoner-swap-ankara.html")
    statement = docs["Joint statement on the resumption of consular work"]
    assert statement["kind"] == "feed-summary"
    assert statement["text"].startswith("The Russian Federation and the United States of America agreed")


def test_malformed_feed_is_one_line(server, store):
    lines: list[str] = []
    ingest_urls(store, [server.url("/feeds/malformed.xml"), server.url("/world/black-sea-grain-initiative-ends.html")],
                fetch_options=fast(), on_problem=lambda p: lines.append(str(p)))
    assert any(line.startswith(server.url("/feeds/malformed.xml")) and "malformed feed XML" in line for line in lines)
    assert [doc["title"] for doc in stored(store)] == ["Russia pulls out of the Black Sea grain deal"]


def add_feeds(store, server, *paths: str) -> None:
    with store.begin() as conn:
        for path in paths:
            feed_store.add_feed(conn, server.url(path), path.rsplit("/", 1)[-1])


def test_poll_uses_etag_and_a_restart_does_not_reingest(server, db_path):
    store = Store(str(db_path))
    add_feeds(store, server, "/feeds/world.xml", "/feeds/official.atom")
    with Fetcher(fast()) as fetcher:
        first = poll_feeds(store, fetcher)
    assert first.ingest.added == 8
    assert [r.status for r in first.feeds] == ["ok", "ok"]
    article_hits = server.hits["/news/2025/03/04/lavrov-rubio-riyadh.html"]
    store.dispose()

    # A new process: new store object, new fetcher; state comes from the database.
    restarted = Store(str(db_path))
    with Fetcher(fast()) as fetcher:
        second = poll_feeds(restarted, fetcher)
    assert second.ingest.added == 0
    assert [r.status for r in second.feeds] == ["not-modified", "not-modified"]
    assert "not modified (HTTP 304)" in second.feeds[0].line()
    conditional = [c for c in server.conditional if c[0] == "/feeds/world.xml"]
    assert conditional[0][1] is None and conditional[1][1] is not None, "second poll sent If-None-Match"
    assert server.hits["/news/2025/03/04/lavrov-rubio-riyadh.html"] == article_hits
    assert len(stored(restarted)) == 8


def test_only_new_entries_are_fetched(server, store):
    add_feeds(store, server, "/feeds/world.xml")
    with Fetcher(fast()) as fetcher:
        poll_feeds(store, fetcher)
        feed = (SITE / "feeds/world.xml").read_bytes()
        new_item = b"""<item><title>Putin suspends Russia's participation in New START</title>
          <link>{base}/news/2023/02/21/new-start-suspension.html</link>
          <pubDate>Tue, 21 Feb 2023 12:00:00 GMT</pubDate></item>
        </channel>"""
        server.replace("/feeds/world.xml", feed.replace(b"</channel>", new_item))
        second = poll_feeds(store, fetcher)
    report = second.feeds[0]
    assert report.status == "ok" and report.entries == 6
    assert report.new == 1 and report.known >= 3
    assert server.hits["/world/europe/geneva-strategic-stability-talks.html"] == 1
    assert "Putin suspends Russia's participation in New START" in by_title(store)


def test_failed_pages_are_retried_on_later_polls_up_to_the_limit(server, store):
    add_feeds(store, server, "/feeds/world.xml")
    with Fetcher(fast()) as fetcher:
        for _ in range(4):
            poll_feeds(store, fetcher, max_attempts=3)
    assert server.hits[GONE] == 3
    with store.connect() as conn:
        row = feed_store.get_fetch(conn, canonical_url(server.url(GONE)))
    assert row["status"] == "summary" and row["attempts"] == 3 and row["doc_id"] is not None


def test_a_page_that_comes_back_takes_the_place_of_its_summary(server, store):
    add_feeds(store, server, "/feeds/world.xml")
    with Fetcher(fast()) as fetcher:
        poll_feeds(store, fetcher)
        [summary] = [doc for doc in stored(store) if doc["url"] == server.url(GONE)]
        article = (SITE / "world/black-sea-grain-initiative-ends.html").read_bytes()
        server.replace(GONE, article.replace(b"Russia pulls out of the Black Sea grain deal",
                                             b"NATO allies condemn Russian drone incursion into Poland"))
        later = poll_feeds(store, fetcher)
    assert later.feeds[0].new == 1 and later.upgraded == 1 and later.changed == 1
    [doc] = [doc for doc in stored(store) if doc["url"] == server.url(GONE)]
    assert doc["id"] == summary["id"], "the summary's place (and id) goes to the article"
    assert doc["kind"] == "html" and "summary_only" not in doc["extra"]
    assert "Kremlin spokesman Dmitry Peskov said Moscow" in doc["text"]
    assert doc["coded_version"] is None, "re-coded on the next coding run"
    assert doc["published"].isoformat() == "2025-09-11T07:45:00", "the summary's date is kept"
    with store.connect() as conn:
        assert feed_store.get_fetch(conn, canonical_url(server.url(GONE)))["status"] == "ok"
        sentences = conn.execute(sa.text("select text from sentences where doc_id = :d"), {"d": doc["id"]}).scalars().all()
    assert any("Peskov" in s for s in sentences)


def test_opml_round_trip(tmp_path):
    sources = [FeedSource("https://a.example/feed.xml", "Alpha & Co", "Official"),
               FeedSource("https://b.example/rss?x=1&y=2", "Beta", None)]
    assert read_opml(write_opml(sources)) == sources
    with pytest.raises(ReadError, match="not valid OPML"):
        read_opml("<opml><body><outline", where="x.opml")


def test_starter_list_has_the_official_sources_first():
    urls = [source.url for source in starter_feeds()]
    for host in ("whitehouse.gov", "state.gov", "kremlin.ru", "mid.ru", "mfa.gov.ua", "un.org",
                 "nato.int", "eeas.europa.eu"):
        assert any(host in url for url in urls[:8]), host
    assert len(urls) >= 12 and len(set(urls)) == len(urls)


def test_feeds_commands(cli, tmp_path, store):
    assert cli("feeds", "add", "https://a.example/feed.xml", "--name", "Alpha").exit_code == 0
    assert cli("feeds", "add", "ftp://nope").exit_code != 0
    listed = cli("feeds", "list", "--format", "json")
    assert '"name": "Alpha"' in listed.stdout
    exported = tmp_path / "out.opml"
    cli("feeds", "export", "-o", str(exported))
    assert cli("feeds", "remove", "https://a.example/feed.xml").exit_code == 0
    assert cli("feeds", "remove", "https://a.example/feed.xml").exit_code != 0
    assert cli("feeds", "import", str(exported)).exit_code == 0
    with store.connect() as conn:
        assert [(f["url"], f["name"]) for f in feed_store.list_feeds(conn)] == [("https://a.example/feed.xml", "Alpha")]
    cli("feeds", "starter")
    with store.connect() as conn:
        assert len(feed_store.list_feeds(conn)) == 1 + len(starter_feeds())
    assert "whitehouse.gov" in cli("feeds", "export").stdout


def test_watch_once_end_to_end(server, cli, store, monkeypatch):
    monkeypatch.setenv("DYADWATCH_WORKERS", "1")
    cli("feeds", "add", server.url("/feeds/official.atom"), "--name", "Official")
    result = cli("watch", "--once", "--per-host-delay", "0", "--retries", "0", "--timeout", "2")
    assert result.exit_code == 0, result.stderr
    assert "Official: 3 entries; 3 new" in result.stderr
    assert "poll done: 1 feeds, 3 new documents" in result.stderr
    titles = set(by_title(store))
    assert "Trump and Putin discuss a ceasefire in a long phone call" in titles
    try:
        from dyadwatch.events.pipeline import code_pending  # noqa: F401
    except ImportError:
        assert "coding skipped" in result.stderr
    else:
        assert "coded 3 documents" in result.stderr
        assert all(doc["coded_version"] for doc in stored(store))
        with store.connect() as conn:
            pairs = {tuple(sorted((s, t or ""))) for s, t in conn.execute(sa.text("select source_code, target_code from events"))}
        assert ("RUS", "USA") in pairs, "the feed's articles became U.S.-Russia events"
    again = cli("watch", "--once", "--per-host-delay", "0")
    assert "not modified (HTTP 304)" in again.stderr and len(stored(store)) == 3


def test_watch_without_feeds_says_what_to_do(cli):
    result = cli("watch", "--once")
    assert result.exit_code != 0 and "feeds add" in result.output + result.stderr


def test_watch_once_fails_when_no_feed_can_be_read(server, cli):
    cli("feeds", "add", server.url("/bad/404"))
    result = cli("watch", "--once", "--per-host-delay", "0", "--retries", "0")
    assert result.exit_code == 1 and "error: HTTP 404" in result.stderr


def test_watch_stops_cleanly_on_ctrl_c(server, db_path, store):
    # SIGTERM (systemd's stop) goes to the same handler as SIGINT; one subprocess is enough.
    with store.begin() as conn:
        feed_store.add_feed(conn, server.url("/feeds/official.atom"), "Official")
    env = {**os.environ, "DYADWATCH_DB": str(db_path)}
    process = subprocess.Popen(
        # The interpreter running the tests has dyadwatch installed, whatever its venv is called.
        [sys.executable, "-m", "dyadwatch", "watch", "--every", "1h", "--no-code", "--per-host-delay", "0"],
        stderr=subprocess.PIPE, text=True, env=env,
    )
    lines = []
    deadline = time.monotonic() + 30
    for line in process.stderr:
        lines.append(line)
        if "next poll in" in line or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "stopped" in rest and "Traceback" not in rest
    assert any("poll done" in line for line in lines)


def test_a_long_feed_is_read_over_several_polls(server, store):
    add_feeds(store, server, "/feeds/world.xml")
    with Fetcher(fast()) as fetcher:
        reports = [poll_feeds(store, fetcher, max_new=2).feeds[0] for _ in range(4)]
    assert [r.deferred for r in reports] == [3, 1, 0, 0]
    assert "3 left for the next poll" in reports[0].line()
    assert [r.status for r in reports] == ["ok", "ok", "ok", "not-modified"]
    assert len(stored(store)) == 5
    assert server.hits["/news/2025/03/04/lavrov-rubio-riyadh.html"] == 1


def test_a_site_given_instead_of_its_feed_gets_the_feed_named(server, store):
    add_feeds(store, server, "/")
    lines: list[str] = []
    with Fetcher(fast()) as fetcher:
        poll = poll_feeds(store, fetcher, on_problem=lambda p: lines.append(str(p)))
    assert poll.feeds[0].status == "error"
    assert lines == [f"{server.url('/')}: not an RSS or Atom feed (Content-Type: text/html); "
                     f"the page links to the feed {server.url('/feeds/world.xml')}"]
