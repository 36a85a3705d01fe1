"""Coding stored documents into reports and events, incrementally and on all cores.

``code_pending`` finds the documents whose ``coded_version`` differs from the coder's
version, and for each chunk of documents:

1. a cheap pass (no parser) keeps the sentences that could hold an event: the coder's
   own ``could_hold_event`` predicate when it has one, otherwise an actor mention found
   by the registry's phrase matcher;
2. only those candidate sentences are parsed (``nlp.pipe`` in batches) and coded,
   with the actors named in the title and first sentences as ``context_codes``;
   the actor mentions of every sentence are resolved as of the document's date (over
   the parse for candidates, over the tokens alone for the others; see ``code_jobs``);
3. in one transaction per chunk: the documents' old reports and mentions are deleted,
   the new ones stored with offsets shifted from the sentence into the document text,
   reports linked to events (``dyadwatch.events.linking``), and ``coded_version`` is set.

Steps 1–2 run in worker processes (``workers``, ``DYADWATCH_WORKERS``, default all
cores); the main process reads and writes the database, in document order, so the
result does not depend on the number of workers.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from dyadwatch.model import Event
from dyadwatch.relations.themes import assign_themes
from dyadwatch.store import Store
from dyadwatch.store import documents as doc_store
from dyadwatch.store import events as event_store

#: Documents per unit of work sent to a worker and per database transaction.
CHUNK_DOCS = 16
#: Chunks a worker process codes before it is replaced by a fresh fork (bounds memory).
RECYCLE_CHUNKS = 48
#: Sentences that make up a document's context (with the title) for ``context_codes``.
CONTEXT_SENTENCES = 2
#: Sentences longer than this are not parsed: they are tables or run-on boilerplate,
#: and the parser's cost grows with length.
MAX_SENTENCE_CHARS = 2000
#: Sentences per ``nlp.pipe`` batch in a worker (larger batches cost memory, not speed).
PARSE_BATCH = 32
#: Coded once per process before any document, to build the registry's matchers.
WARM_UP_TEXT = "Russia and China held talks in Geneva, the United Nations said."
#: What the pipeline stores besides the coder's events, recorded in ``coded_version``:
#: when it grows (m1: actor mentions), documents coded by an older pipeline are coded
#: again, so no store is left with mentions for only its newest documents (the coverage
#: series reads mentions alone once the table has any).
PIPELINE_OUTPUT = "m1"

#: One actor mention as a worker sends it back: (sentence index, start, end in the
#: document text, text, code, sector, role, person, how). A tuple pickles smaller than
#: a dict or the resolver's objects.
MentionRow = tuple[int, int, int, str, str, str | None, str | None, str | None, str | None]


@dataclass
class CodeSummary:
    """What a coding run did."""

    version: str
    documents: int = 0
    sentences: int = 0
    candidates: int = 0
    reports: int = 0
    events: int = 0
    mentions: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)
    workers: int = 1
    seconds: float = 0.0
    #: Seconds per stage, summed over workers: cheap, parse, mentions, code (workers),
    #: store (main).
    timings: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "documents": self.documents,
            "sentences": self.sentences,
            "candidates": self.candidates,
            "reports": self.reports,
            "events": self.events,
            "mentions": self.mentions,
            "failed": [{"doc_id": d, "error": e} for d, e in self.failed],
            "workers": self.workers,
            "seconds": round(self.seconds, 3),
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
        }


@dataclass
class DocResult:
    """A worker's answer for one document."""

    doc_id: int
    sentences: int = 0
    candidates: int = 0
    # (sentence index, sentence start in the document, event with sentence offsets)
    events: list[tuple[int, int, Event]] = field(default_factory=list)
    # Actor mentions of every sentence, offsets already in the document text.
    mentions: list[MentionRow] = field(default_factory=list)
    error: str | None = None
    # Seconds spent per stage; a chunk's figures are carried by its first document.
    timings: dict[str, float] = field(default_factory=dict)


def default_workers() -> int:
    """``DYADWATCH_WORKERS`` if set, else the number of cores."""
    value = os.environ.get("DYADWATCH_WORKERS")
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            pass
    return os.cpu_count() or 1


def coding_version(coder: Any) -> str:
    """What ``documents.coded_version`` records: the coder's version, the actor data it
    resolves with, the themes taxonomy and what the pipeline stores (``PIPELINE_OUTPUT``).

    Themes are stored with each report and actors decide who did what, so a change of
    ``themes.yaml`` or of an actor file (the package's or the user's) also calls for
    recoding. The value fits the column (64 characters).
    """
    from importlib import resources

    from dyadwatch.relations.themes import THEMES_FILE

    themes = resources.files("dyadwatch.relations").joinpath("data", THEMES_FILE).read_bytes()
    actors = getattr(getattr(coder, "registry", None), "fingerprint", "")
    value = (f"{coder.version}+t{hashlib.sha256(themes).hexdigest()[:8]}"
             f"+a{str(actors)[:8]}+{PIPELINE_OUTPUT}")
    if len(value) > 64:
        value = hashlib.sha256(value.encode("utf-8")).hexdigest()
    return value


def default_coder() -> Any:
    """The coder used when none is given: ``dyadwatch.events.Coder`` with its defaults."""
    from dyadwatch.events import Coder

    return Coder()


# --------------------------------------------------------------------------- the worker side


class _Tools:
    """The coder and what goes with it, built once per process."""

    def __init__(self, coder: Any) -> None:
        self.coder = coder
        self.nlp = getattr(coder, "nlp", None)
        if self.nlp is None:
            from dyadwatch import nlp

            self.nlp = nlp.load()
        self.registry = getattr(coder, "registry", None)
        if self.registry is None:
            from dyadwatch.actors import get_registry

            self.registry = get_registry()
        self.could_hold_event: Callable[[str], bool] = getattr(
            coder, "could_hold_event", None
        ) or (lambda text: bool(self.registry.scan(text)))

        self._resolver: Any = None  # for a coder without its own (``resolve``)
        self._warm_up()

    def _warm_up(self) -> None:
        # The registry builds its phrase matchers on first use, per vocabulary, which
        # costs seconds; doing it here means forked workers inherit them ready-made.
        try:
            sample = WARM_UP_TEXT
            self.could_hold_event(sample)
            self.registry.scan(sample)
            self.resolve(self.nlp.make_doc(sample), None, ())
            self.coder.code_doc(self.nlp(sample), None, context_codes=())
        except Exception:  # a failing warm-up shows again, per document, where it matters
            pass

    def resolve(self, doc: Any, when: date | None, context: tuple[str, ...]) -> list[Any]:
        """Actor mentions of a parsed or tokenized sentence: the coder's own resolver when it
        has one (it follows the coder's conventions, so stored mentions are the very ones
        the events are coded from), else the registry's default resolver."""
        resolve = getattr(self.coder, "resolve_mentions", None)
        if resolve is not None:
            return resolve(doc, when, context_codes=context)
        if self._resolver is None:
            from dyadwatch.actors import Resolver

            self._resolver = Resolver(self.registry)
        return list(self._resolver.resolve(doc, when, context_codes=context))

    def may_mention(self, doc: Any) -> bool:
        """Whether a tokenized sentence can hold an actor mention: a registry phrase matches
        in it, or a token hides a name behind a hyphen ("U.S.-made").

        Most sentences the cheap pass keeps from the parser name no actor at all; the two
        phrase matchers cost a few microseconds, the resolver several times more (its
        search for other spellings of people's names walks every capitalised word). Only
        those other spellings alone in a sentence are lost, which coverage can spare.
        """
        registry = self.registry
        if not hasattr(registry, "matchers"):
            return True  # a registry of another kind: let the resolver decide
        while registry is not None:
            lower, exact = registry.matchers(doc.vocab)
            if lower(doc) or exact(doc):
                return True
            registry = getattr(registry, "base", None)
        return "-" in doc.text and any("-" in token.text[1:-1] for token in doc)

    def context_codes(self, job: dict[str, Any]) -> tuple[str, ...]:
        head = [job.get("title") or ""] + [s[2] for s in job["sentences"][:CONTEXT_SENTENCES]]
        return tuple(sorted(self.registry.scan("\n".join(head))))


_TOOLS: _Tools | None = None


def _init_worker(coder: Any) -> None:
    global _TOOLS
    _TOOLS = _Tools(coder)


def _when(job: dict[str, Any]) -> date | None:
    published = job.get("published")
    return published.date() if isinstance(published, datetime) else published


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def code_jobs(jobs: Sequence[dict[str, Any]], tools: _Tools | None = None) -> list[DocResult]:
    """Cheap pass, parse and code a chunk of documents (runs in a worker).

    Actor mentions are resolved for every sentence, as of the document's date and with
    the document's context codes, two ways:

    - candidate sentences: the resolver over the parsed sentence, with the arguments the
      coder gets, so the mentions are those the events were coded from; they are handed
      to ``code_doc``, so the parsed sentences are not resolved twice.
    - sentences the cheap pass keeps from the parser: the same resolver over the
      tokenizer's output alone (phrase matchers and grouping, no tagger, parser or NER).
      A sentence that names Russia but holds no trigger word still mentions Russia, and
      the coverage series counts documents by their mentions; parsing those sentences
      would undo the cheap pass (it spares more than half of the parsing), while
      ``registry.scan`` alone gives codes without offsets, sectors or people. Without
      the parse the resolver cannot use part-of-speech, dependencies or PERSON entities,
      so these mentions are a little less precise ("the Beijing Olympics" may stay an
      actor mention of China); their codes are what coverage needs.

    Sentences longer than ``MAX_SENTENCE_CHARS`` (tables, boilerplate) get no mentions,
    as they get no events.
    """
    tools = tools or _TOOLS
    assert tools is not None, "worker not initialised"
    results = [DocResult(job["doc_id"]) for job in jobs]
    clock = time.perf_counter()
    # (result, date, context codes, sentence) for every candidate sentence of the chunk,
    # and for every sentence the cheap pass keeps away from the parser.
    todo: list[tuple[DocResult, date | None, tuple[str, ...], tuple[int, int, str]]] = []
    unparsed: list[tuple[DocResult, date | None, tuple[str, ...], tuple[int, int, str]]] = []
    for result, job in zip(results, jobs, strict=True):
        try:
            context = tools.context_codes(job)
            when = _when(job)
            for sentence in job["sentences"]:
                result.sentences += 1
                text = sentence[2]
                if len(text) > MAX_SENTENCE_CHARS:
                    continue
                if tools.could_hold_event(text):
                    result.candidates += 1
                    todo.append((result, when, context, sentence))
                else:
                    unparsed.append((result, when, context, sentence))
        except Exception as exc:  # one bad document must not stop the batch
            result.error = result.error or f"cheap pass failed: {_describe(exc)}"
    cheap_done = time.perf_counter()
    for result, when, context, (idx, start, text) in unparsed:
        tokens = tools.nlp.make_doc(text)
        if tools.may_mention(tokens):
            _add_mentions(tools, result, tokens, when, context, idx, start)
    parse_start = time.perf_counter()
    docs = _parse(tools, [item[3][2] for item in todo])
    parse_done = time.perf_counter()
    resolving = 0.0  # mentions of parsed sentences, timed apart from the coder
    for (result, when, context, (idx, start, text)), doc in zip(todo, docs, strict=True):
        if doc is None:
            result.error = result.error or f"sentence {idx} could not be parsed"
            continue
        tick = time.perf_counter()
        found = _add_mentions(tools, result, doc, when, context, idx, start)
        resolving += time.perf_counter() - tick
        if found is None:
            continue
        try:
            coded = tools.coder.code_doc(doc, when, context_codes=context, mentions=found)
        except Exception as exc:
            result.error = result.error or f"coder failed on sentence {idx}: {_describe(exc)}"
            continue
        for event in coded:
            _add_themes(event, text)
            result.events.append((idx, start, event))
    for result in results:
        result.mentions.sort(key=lambda row: (row[0], row[1], row[2]))  # text order
    if results:
        results[0].timings = {
            "cheap": cheap_done - clock,
            "parse": parse_done - parse_start,
            "mentions": parse_start - cheap_done + resolving,
            "code": time.perf_counter() - parse_done - resolving,
        }
    return results


def _add_mentions(tools: _Tools, result: DocResult, doc: Any, when: date | None,
                  context: tuple[str, ...], idx: int, sentence_start: int) -> list[Any] | None:
    """Resolve the actor mentions of one sentence into ``result.mentions``; return them
    (None when resolution failed).

    Offsets index the sentence (the text given to the resolver); adding the sentence's
    start makes them index the document text, as for report evidence.
    """
    try:
        found = tools.resolve(doc, when, context)
    except Exception as exc:  # one bad sentence must not lose the document's other mentions
        result.error = result.error or f"actor mentions failed on sentence {idx}: {_describe(exc)}"
        return None
    for mention in found:
        actor = mention.actor
        if not actor.code:
            continue
        result.mentions.append((
            idx, sentence_start + mention.start_char, sentence_start + mention.end_char,
            mention.text, actor.code, actor.sector, actor.role, actor.person, actor.how,
        ))  # fmt: skip
    return found


def _add_themes(event: Event, sentence: str) -> None:
    """Themes (relations taxonomy) of the event, matched against its sentence."""
    facts = {
        "event": event.event, "mode": event.mode, "contexts": event.contexts,
        "quad_class": event.quad_class, "source_code": event.source.code,
        "target_code": event.target.code if event.target else None,
    }  # fmt: skip
    event.themes = sorted(set(event.themes) | set(assign_themes(facts, sentence)))


def _parse(tools: _Tools, texts: list[str]) -> list[Any]:
    """Parsed docs for ``texts`` (None where the parser fails), batched."""
    try:
        return list(tools.nlp.pipe(texts, batch_size=PARSE_BATCH))
    except Exception:
        # Find the culprit one by one rather than lose the whole chunk.
        docs = []
        for text in texts:
            try:
                docs.append(tools.nlp(text))
            except Exception:
                docs.append(None)
        return docs


# --------------------------------------------------------------------------- the main side


def _chunks(ids: Sequence[int], size: int) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i : i + size])


def _inline(store: Store, chunks: Iterable[list[int]], coder: Any):
    tools = _Tools(coder)
    for ids in chunks:
        jobs = _read(store, ids)
        yield jobs, code_jobs(jobs, tools)


def _read(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    with store.connect() as conn:
        return event_store.coding_inputs(conn, ids)


def _new_pool(coder: Any, workers: int) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(coder,))  # fmt: skip


def _isolated(coder: Any, job: dict[str, Any]) -> DocResult:
    """Code one document in a process of its own: if that process dies, only it is lost."""
    pool = _new_pool(coder, 1)
    try:
        return pool.submit(code_jobs, [job]).result()[0]
    except BrokenProcessPool:
        return DocResult(job["doc_id"], sentences=len(job["sentences"]),
                         error="the coding process died on this document")  # fmt: skip
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _pooled(store: Store, chunks: Iterable[list[int]], coder: Any, workers: int):
    """Like ``_inline`` but coded in worker processes, results in submission order.

    A worker process that dies (a crash, not a Python exception) breaks the pool: the
    chunk it was on is then coded one document per process, so that only the document
    that kills the process is lost, and the other chunks go to a new pool.
    """
    # Build the tools once here so forked workers inherit the loaded model for free,
    # and drop pooled connections: a database connection must not cross a fork.
    _init_worker(coder)
    store.engine.dispose()
    # Frozen objects are left alone by the garbage collector, so the workers do not
    # copy the pages of the shared model and registry just by collecting.
    gc.collect()
    gc.freeze()
    pool = _new_pool(coder, workers)
    in_flight: deque[tuple[list[dict[str, Any]], Future]] = deque()
    chunk_iter = iter(chunks)
    submitted = 0
    try:
        while True:
            while len(in_flight) < 2 * workers and submitted < RECYCLE_CHUNKS:
                ids = next(chunk_iter, None)
                if ids is None:
                    break
                jobs = _read(store, ids)
                in_flight.append((jobs, pool.submit(code_jobs, jobs)))
                submitted += 1
            if not in_flight:
                if submitted < RECYCLE_CHUNKS:
                    return
                # Fresh workers now and then: spaCy's string store and the heap only
                # grow in a long-lived worker; a new fork starts from the parent again.
                pool.shutdown(wait=True)
                pool, submitted = _new_pool(coder, workers), 0
                continue
            jobs, future = in_flight.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                results = [_isolated(coder, job) for job in jobs]
                pool = _new_pool(coder, workers)
                in_flight = deque((j, pool.submit(code_jobs, j)) for j, _ in in_flight)
            yield jobs, results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def trigger_span(sentence: str, event: Event) -> tuple[int, int]:
    """Offsets of the trigger words in ``sentence`` (the text the coder was given).

    The coder's ``trigger_start``/``trigger_end`` when it gives them; otherwise the trigger
    is looked for inside the evidence span: the whole phrase on word boundaries, else
    from its first word to its last ("imposed sanctions" in "imposed new sanctions").
    Falls back to the evidence span itself.
    """
    ev = event.evidence
    if ev.trigger_start is not None and ev.trigger_end is not None:
        return ev.trigger_start, ev.trigger_end
    low = max(0, min(ev.start, len(sentence)))
    high = max(low, min(ev.end, len(sentence)))
    region = sentence[low:high]
    words = (ev.trigger or "").split()
    if not words:
        return ev.start, ev.end
    whole = re.search(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)", region)
    if whole:
        return low + whole.start(), low + whole.end()
    first = re.search(r"(?<!\w)" + re.escape(words[0]) + r"(?!\w)", region)
    if not first:
        return ev.start, ev.end
    end = first.end()
    if len(words) > 1:
        last = re.search(r"(?<!\w)" + re.escape(words[-1]) + r"(?!\w)", region[first.end():])
        if last:
            end = first.end() + last.end()
    return low + first.start(), low + end


def _fallback_date(job: dict[str, Any]) -> date:
    for value in (job.get("published"), job.get("ingested_at")):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
    return date.today()


def _store_chunk(store: Store, jobs: list[dict[str, Any]], results: list[DocResult],
                 version: str) -> tuple[int, int, set[int]]:  # fmt: skip
    """Replace the chunk's reports and mentions, link the reports, mark the documents coded.

    One transaction: a document is never left with new reports and old mentions, and a
    document coded again (``--recode``, a new version) has its mentions replaced, not added.
    Returns (reports stored, mentions stored, events touched).
    """
    rows, stories, quotes = [], [], []
    mention_rows: list[dict[str, Any]] = []
    for job, result in zip(jobs, results, strict=True):
        mention_rows.extend(
            {"doc_id": job["doc_id"], "sentence_idx": idx, "start": start, "end": end,
             "text": text, "code": code, "sector": sector, "role": role, "person": person,
             "how": how}
            for idx, start, end, text, code, sector, role, person, how in result.mentions
        )  # fmt: skip
        texts = {s[0]: s[2] for s in job["sentences"]}
        fallback = _fallback_date(job)
        for idx, start, event in result.events:
            row = event_store.report_row(
                event, doc_id=job["doc_id"], sentence_start=start,
                span=trigger_span(texts.get(idx, ""), event),
                fallback_date=fallback, coder_version=version,
                fallback_precision=job.get("published_precision") or "day",
            )  # fmt: skip
            row["sentence_idx"] = idx
            rows.append(row)
            stories.append(job.get("story_id"))
            quotes.append(texts.get(idx))
    doc_ids = [job["doc_id"] for job in jobs]
    with store.begin() as conn:
        event_store.delete_reports_of(conn, doc_ids)
        doc_store.delete_mentions_of(conn, doc_ids)
        report_ids = event_store.insert_reports(conn, rows)
        doc_store.insert_mentions(conn, mention_rows)
        touched = event_store.link_new_reports(conn, report_ids, rows, stories, quotes)
        event_store.mark_coded(conn, doc_ids, version)
    return len(rows), len(mention_rows), touched


def code_pending(
    store: Store,
    *,
    recode: bool = False,
    coder: Any = None,
    workers: int | None = None,
    n_process: int | None = None,
    quiet: bool = False,
    warn: Callable[[str], None] | None = None,
) -> CodeSummary:
    """Code every document not yet coded by this coder version (all, with ``recode``).

    ``workers`` (alias ``n_process``) is the number of processes; default
    ``DYADWATCH_WORKERS`` or all cores. A document the coder fails on gets one warning
    naming it (through ``warn``, default stderr) and is still marked coded, so the same
    coder does not trip on it at every run; the other documents go on.
    """
    from dyadwatch.cli.common import progress
    from dyadwatch.cli.common import warn as default_warn

    started = time.perf_counter()
    if coder is None:
        coder = default_coder()
    warn = warn or default_warn
    version = coding_version(coder)
    summary = CodeSummary(version=version)
    with store.connect() as conn:
        ids = event_store.pending_document_ids(conn, version, recode=recode)
    if not ids:
        return summary
    chunks = list(_chunks(ids, CHUNK_DOCS))
    wanted = workers or n_process or default_workers()
    summary.workers = max(1, min(wanted, len(chunks)))
    if summary.workers == 1:
        batches = _inline(store, chunks, coder)
    else:
        batches = _pooled(store, chunks, coder, summary.workers)

    touched: set[int] = set()

    def per_document() -> Iterator[None]:
        for jobs, results in batches:
            clock = time.perf_counter()
            n_reports, n_mentions, events_touched = _store_chunk(store, jobs, results, version)
            stage = summary.timings
            stage["store"] = stage.get("store", 0.0) + time.perf_counter() - clock
            for result in results:
                for name, seconds in result.timings.items():
                    stage[name] = stage.get(name, 0.0) + seconds
            summary.reports += n_reports
            summary.mentions += n_mentions
            touched.update(events_touched)
            for job, result in zip(jobs, results, strict=True):
                summary.documents += 1
                summary.sentences += result.sentences
                summary.candidates += result.candidates
                if result.error:
                    summary.failed.append((result.doc_id, result.error))
                    title = job.get("title")
                    named = f"document {result.doc_id}" + (f" ({title!r})" if title else "")
                    warn(f"{named}: {result.error}")
                yield None

    for _ in progress(per_document(), total=len(ids), label="coding", quiet=quiet):
        pass
    summary.events = len(touched)
    summary.seconds = time.perf_counter() - started
    return summary
