"""Web pages over real HTTP on 127.0.0.1: fetching, politeness, bad responses, dedup."""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.web import (
    USER_AGENT,
    Fetcher,
    FetchOptions,
    canonical_url,
    decode_html,
    ingest_urls,
    retry_after_seconds,
)
from dyadwatch.store import feeds as feed_store
from dyadwatch.store.schema import documents, skipped

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "web"))
from fixture_server import FixtureServer  # noqa: E402

LAVROV = "/news/2025/03/04/lavrov-rubio-riyadh.html"


@pytest.fixture
def server():
    with FixtureServer(slow_seconds=1.5) as running:
        yield running


class Sleeps(list):
    """A sleep that records what it was asked to wait and waits nothing."""

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


def fast_options(**overrides) -> FetchOptions:
    values = {"timeout": 0.5, "per_host_delay": 0.0, "retries": 1, "backoff": 0.01, "max_bytes": 1_000_000}
    values.update(overrides)
    return FetchOptions(**values)


def stored(store) -> list[dict]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(documents).order_by(documents.c.id)).mappings()]


def test_article_page_becomes_a_document_with_title_date_and_url_as_ref(server, store):
    problems: list[ReadError] = []
    summary = ingest_urls(store, [server.url(LAVROV)], fetch_options=fast_options(), on_problem=problems.append)
    assert summary.added == 1 and not problems
    [doc] = stored(store)
    assert doc["ref"] == server.url(LAVROV)
    assert doc["title"] == "Lavrov and Rubio meet in Riyadh to restore embassy staffing"
    assert doc["published"].date().isoformat() == "2025-03-04"
    assert "Sergei Lavrov met U.S. Secretary of State Marco Rubio" in doc["text"]
    # Page furniture stays out of the analysed text.
    assert "Subscribe to our newsletter" not in doc["text"]
    assert "Most read" not in doc["text"]
    assert USER_AGENT in server.user_agents
    assert USER_AGENT.startswith("dyadwatch/") and "+http" in USER_AGENT


def test_canonical_url_spellings_are_fetched_once(server, store):
    first = ingest_urls(store, [server.url(LAVROV)], fetch_options=fast_options())
    again = ingest_urls(store, [server.url(LAVROV + "?utm_source=twitter&utm_medium=social#top")],
                        fetch_options=fast_options())
    assert first.added == 1 and again.added == 0 and again.duplicates == 1
    assert server.hits[LAVROV] == 1
    assert len(stored(store)) == 1


def test_canonical_url_rules():
    assert canonical_url("HTTPS://Example.COM:443/a/b?utm_source=x&b=2&a=1#frag") == "https://example.com/a/b?a=1&b=2"
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x?fbclid=abc") == "http://example.com:8080/x"


BAD = [
    ("/bad/404", "HTTP 404"),
    ("/bad/500", "HTTP 500"),
    ("/bad/slow", "timed out"),
    ("/bad/loop-a", "redirect loop"),
    ("/bad/pdf", "application/pdf"),
    ("/bad/empty", "empty response body"),
    ("/bad/huge", "over the limit"),
    ("/bad/huge-declared", "over the limit"),
    ("/bad/gzip-bomb", "over the limit"),
    ("/bad/no-text.html", "no article text"),
    ("/private/secret.html", "robots.txt"),
    ("/feeds/malformed.xml", "malformed feed XML"),
]


def test_each_bad_response_is_one_line_and_the_batch_goes_on(server, store):
    # Something already stored must survive a batch full of bad responses.
    ingest_urls(store, [server.url("/world/un-general-assembly-resolution.html")], fetch_options=fast_options())
    lines: list[str] = []
    urls = [server.url(path) for path, _ in BAD] + [server.url(LAVROV)]
    summary = ingest_urls(store, urls, fetch_options=fast_options(), on_problem=lambda p: lines.append(str(p)))
    assert summary.added == 1, "the good page after the bad ones is still read"
    for path, reason in BAD:
        matching = [line for line in lines if line.startswith(server.url(path)) and reason in line]
        assert matching, f"no clear line for {path}: {lines}"
    assert all("\n" not in line for line in lines)
    titles = [doc["title"] for doc in stored(store)]
    assert len(titles) == 2 and titles[0].startswith("United States votes with Russia")
    with store.connect() as conn:
        where = set(conn.execute(sa.select(skipped.c.where)).scalars())
        failed = [feed_store.get_fetch(conn, canonical_url(server.url(p))) for p, _ in BAD[:11]]
    assert server.url("/bad/404") in where
    assert all(row is not None and row["status"] == "failed" for row in failed)


def test_robots_txt_disallow_is_honoured(server):
    with Fetcher(fast_options()) as fetcher:
        assert fetcher.allowed(server.url(LAVROV))
        assert not fetcher.allowed(server.url("/private/secret.html"))
        with pytest.raises(ReadError, match="robots.txt"):
            fetcher.fetch(server.url("/private/secret.html"))
        # Nor may a redirect lead into a disallowed path.
        with pytest.raises(ReadError, match="robots.txt"):
            fetcher.fetch(server.url("/redirect/private/secret.html"))
    assert server.hits["/private/secret.html"] == 0
    assert server.hits["/robots.txt"] == 1, "robots.txt is read once per host"


def test_429_is_retried_after_the_servers_retry_after(server):
    sleeps = Sleeps()
    with Fetcher(fast_options(retries=2), sleep=sleeps) as fetcher:
        result = fetcher.fetch(server.url("/flaky/429/politics/prisoner-swap-ankara.html"))
    assert result.status == 200 and b"prisoner exchange" in result.content
    assert server.hits["/flaky/429/politics/prisoner-swap-ankara.html"] == 2
    assert 7.0 in sleeps, "Retry-After: 7 is what the fetcher waited"


def test_5xx_is_retried_with_configurable_backoff(server):
    sleeps = Sleeps()
    with Fetcher(fast_options(retries=2, backoff=0.25), sleep=sleeps) as fetcher:
        result = fetcher.fetch(server.url("/flaky/503/europe/ceasefire-phone-call.html"))
    assert result.status == 200
    assert 0.25 in sleeps


def test_a_retry_after_longer_than_the_limit_gives_up_at_once(server):
    server.retry_after = "3600"
    sleeps = Sleeps()
    with Fetcher(fast_options(retries=3), sleep=sleeps) as fetcher, pytest.raises(ReadError, match="3600"):
        fetcher.fetch(server.url("/flaky/429/europe/ceasefire-phone-call.html"))
    assert 3600 not in sleeps


def test_per_host_rate_limit_spaces_requests(server):
    with Fetcher(fast_options(per_host_delay=0.3)) as fetcher:
        fetcher.fetch(server.url(LAVROV))  # robots.txt + page
        started = time.monotonic()
        fetcher.fetch(server.url("/europe/ceasefire-phone-call.html"))
        assert time.monotonic() - started >= 0.25


def test_gzip_encoded_page_is_decoded(server, store):
    summary = ingest_urls(store, [server.url("/gzip/world/embassy-staff-expelled.html")], fetch_options=fast_options())
    assert summary.added == 1
    assert "ordered two American diplomats to leave" in stored(store)[0]["text"]


def test_redirect_is_followed_and_the_final_url_kept(server, store):
    summary = ingest_urls(store, [server.url("/redirect/opinion/arms-control-after-new-start.html")],
                          fetch_options=fast_options())
    assert summary.added == 1
    [doc] = stored(store)
    assert doc["url"] == server.url("/opinion/arms-control-after-new-start.html")


def test_wrong_declared_encoding_is_detected_and_said(server, store):
    problems: list[ReadError] = []
    ingest_urls(store, [server.url("/world/kremlin-ready-for-dialogue.html")], fetch_options=fast_options(),
                on_problem=problems.append)
    [doc] = stored(store)
    assert "\u201cready for dialogue\u201d" in doc["text"]
    assert "Peskov\u2019s remarks" in doc["text"]
    assert len(problems) == 1 and isinstance(problems[0], ReadWarning)
    assert "declared charset utf-8" in problems[0].reason


def test_decode_html_trusts_utf8_over_a_latin1_label():
    text, note = decode_html("Müller".encode(), "text/html; charset=iso-8859-1")
    assert text == "Müller" and "UTF-8" in note
    text, note = decode_html("Müller".encode("latin-1"), "text/html; charset=iso-8859-1")
    assert text == "Müller" and note is None


def test_last_modified_header_dates_a_page_without_a_date(server, store):
    ingest_urls(store, [server.url("/world/embassy-staff-expelled.html")], fetch_options=fast_options())
    [doc] = stored(store)
    assert doc["published"].date().isoformat() == "2024-11-05"
    assert doc["extra"].get("date_from") == "last-modified"


def test_retry_after_parsing():
    assert retry_after_seconds("120") == 120
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now=now) == 90
    assert retry_after_seconds("soon") is None


def test_dyadwatch_ingest_url_on_the_command_line(server, cli, store):
    result = cli("ingest", server.url(LAVROV), server.url("/bad/404"), "--format", "json")
    assert result.exit_code == 0
    assert '"added": 1' in result.stdout and '"skipped": 1' in result.stdout
    assert "HTTP 404" in result.stderr
    assert stored(store)[0]["ref"] == server.url(LAVROV)


def test_publication_dates_of_every_fixture_page(server, store):
    """The fixture pages date themselves in the ways real sites do (see pages.json)."""
    from fixture_server import PAGES

    ingest_urls(store, [server.url(path) for path in PAGES], fetch_options=fast_options())
    found = {doc["ref"]: doc["published"] for doc in stored(store)}
    assert len(found) == len(PAGES)
    for path, info in PAGES.items():
        got = found[server.url(path)]
        assert (got.date().isoformat() if got else None) == info["published"], f"{path}: {info['how']}"


def test_rel_canonical_ties_a_copy_to_its_original(server, store):
    ingest_urls(store, [server.url(LAVROV)], fetch_options=fast_options())
    copy = ingest_urls(store, [server.url("/amp/lavrov-rubio-riyadh.html")], fetch_options=fast_options())
    assert copy.added == 0 and copy.duplicates == 1, "the AMP copy names the article as its canonical"
    # A canonical pointing at the home page is a CMS mistake and must not merge articles.
    other = ingest_urls(store, [server.url("/amp/home-canonical.html")], fetch_options=fast_options())
    assert other.added == 1
    docs = stored(store)
    assert docs[0]["canonical_url"] == server.url(LAVROV)
    assert docs[1]["canonical_url"] == server.url("/amp/home-canonical.html")
    assert docs[0]["source"] == "World Affairs Wire", "og:site_name names the publisher"
