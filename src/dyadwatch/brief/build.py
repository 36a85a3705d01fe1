"""Building a briefing on a dyad from the store: a plain dict, checked before it is returned.

The dict is the JSON form (see ``brief --format json``)::

    {dyad, since, until, assessment, takeaways[{text, date, citations}],
     sections[{theme, title, key_points[{text, date, citations, ...}]}],
     timeline[{date, text, citations}], watch[{text, due, kind, citations}],
     sources[{n, doc_id, title, publisher, date, url, ref}], appendix[...]}

plus ``_chart``, a callable that draws the index chart as SVG for the HTML renderer
(keys starting with ``_`` are not part of the JSON).

Every text that is not a short template phrase around figures is a quote: the source's
own words, trimmed at clause boundaries at most. :func:`build_brief` runs the
faithfulness check and raises if any citation is not backed by the store.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from dyadwatch.brief import assess as assess_mod
from dyadwatch.brief import chronology, faithful, load, watch
from dyadwatch.brief.quotes import trim_quote
from dyadwatch.brief.select import choose, salience, section_of, section_rules, words
from dyadwatch.relations.codes import UnknownActorError, resolve_side
from dyadwatch.store import Store

COUNTED = {"asserted", "reported"}
MODAL = ("future", "conditional", "hypothetical")


class BriefError(ValueError):
    """A briefing cannot be made as asked (unknown actor code, bad dyad)."""


@dataclass(frozen=True)
class BriefOptions:
    per_section: int = 4
    max_takeaways: int = 6
    timeline_max: int = 20
    watch_max: int = 10
    citations_per_point: int = 3
    freq: str = "month"


def parse_dyad(text: str) -> tuple[str, str]:
    """``USA-RUS`` (or ``USA:RUS``, ``USA,RUS``) into two sides."""
    for sep in ("-", ":", ",", "/"):
        if sep in text:
            a, _, b = text.partition(sep)
            if a.strip() and b.strip() and sep not in b:
                return a.strip(), b.strip()
    raise BriefError(f"--dyad {text!r}: expected two actor codes such as USA-RUS")


def resolve_sides(store: Store, a: str, b: str) -> tuple[tuple[str, frozenset[str]], tuple[str, frozenset[str]]]:
    """Each side's display code and member codes (groups such as ``EU-members`` too).

    Unknown codes raise :class:`BriefError` with the close ones relations suggests.
    """
    sides = []
    for name in (a, b):
        try:
            side = resolve_side(name, store)
        except UnknownActorError as exc:
            raise BriefError(str(exc)) from exc
        sides.append((side.name, frozenset(side.codes)))
    return sides[0], sides[1]


def _names(reports_by_event: dict[int, list[dict[str, Any]]], a: str, b: str,
           a_codes: Collection[str], b_codes: Collection[str]) -> dict[str, str]:
    """Display names of the two sides from the coded actors (the code when unknown)."""
    names = {"a": a, "b": b}
    for rows in reports_by_event.values():
        for row in rows:
            for actor in (row.get("source"), row.get("target")):
                if not isinstance(actor, dict) or not actor.get("name"):
                    continue
                code = actor.get("code")
                if code in a_codes and len(a_codes) == 1 and names["a"] == a:
                    names["a"] = actor["name"]
                if code in b_codes and len(b_codes) == 1 and names["b"] == b:
                    names["b"] = actor["name"]
    return names


def _surface_names(reports_by_event: dict[int, list[dict[str, Any]]],
                   codes: Collection[str]) -> set[str]:
    """How the sources name the dyad's actors: names, mention texts, people's surnames."""
    names: set[str] = set()
    for rows in reports_by_event.values():
        for row in rows:
            for actor in (row.get("source"), row.get("target")):
                if not isinstance(actor, dict) or actor.get("code") not in codes:
                    continue
                for key in ("name", "text", "person"):
                    if actor.get(key):
                        names.add(str(actor[key]))
                if actor.get("person"):
                    names.add(str(actor["person"]).split()[-1])
    return names


def readable(quote: str) -> bool:
    """Whether a quote can stand as a development: a statement, not a fragment or question.

    Sentence splitting of transcripts and legal text leaves fragments ("and territorial
    integrity of ...") and reporters' questions; they stay citable but are not key points.
    """
    text = quote.strip().strip("“”\"'")
    if len(text.split()) < 5 or text.endswith("?"):
        return False
    if text[:2] in ("Q ", "Q:") or text.startswith(("Q.", "QUESTION")):
        return False
    return text[0].isupper() or text[0].isdigit()


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


class _Citer:
    """Turns reports into citations and remembers what it quoted, for sources/appendix."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sentences: dict[tuple[int, int], dict[str, Any]] = {}
        self.meta: dict[int, dict[str, Any]] = {}

    def preload(self, locations: Iterable[tuple[int, int]]) -> None:
        wanted = {loc for loc in locations if loc not in self.sentences}
        if wanted:
            self.sentences.update(load.sentence_at(self.conn, wanted, context=1))
            missing = {doc for doc, _ in wanted} - set(self.meta)
            self.meta.update(load.document_meta(self.conn, missing))

    def citation(self, doc_id: int, idx: int, focus: tuple[int, int] | None = None,
                 quote: str | None = None) -> dict[str, Any] | None:
        row = self.sentences.get((doc_id, idx))
        meta = self.meta.get(doc_id)
        if row is None or meta is None:
            return None
        if quote is None:
            local = None
            if focus is not None:
                local = (max(focus[0] - row["start"], 0), max(focus[1] - row["start"], 0))
            quote = trim_quote(row["text"], local)
        return {"doc_id": doc_id, "ref": meta["ref"], "sentence": idx, "quote": quote}

    def for_reports(self, rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
        """One citation per distinct document (independent reports), best first.

        The first citation gives the key point its words, so it must read as a statement
        (:func:`readable`); when no report does, the event gets no citation and is passed over.
        """
        seen_docs: set[int] = set()
        seen_stories: set[Any] = set()
        out = []
        for row in rows:
            doc_id = row["doc_id"]
            story = (self.meta.get(doc_id) or {}).get("story_id") or doc_id
            if doc_id in seen_docs or story in seen_stories:
                continue
            c = self.citation(doc_id, row["sentence_idx"], (row["start"], row["end"]))
            if c is None or (not out and not readable(c["quote"])):
                continue
            seen_docs.add(doc_id)
            seen_stories.add(story)
            out.append(c)
            if len(out) >= limit:
                break
        return out


def build_brief(
    store: Store,
    a: str,
    b: str,
    *,
    since: date | None = None,
    until: date | None = None,
    options: BriefOptions | None = None,
) -> dict[str, Any]:
    """The briefing on ``a``–``b`` over what is stored; faithfulness-checked."""
    options = options or BriefOptions()
    (a_name, a_codes), (b_name, b_codes) = resolve_sides(store, a, b)
    with store.connect() as conn:
        dyad = load.dyad_events(conn, a_codes, b_codes, since=since, until=until)
        counted = [e for e in dyad if not e["negated"] and e["modality"] in COUNTED]
        start = since or (min(e["date"] for e in dyad) if dyad else None)
        end = until or (max(e["date"] for e in dyad) if dyad else None)
        third = (
            load.third_party_events(conn, a_codes, b_codes, since=start, until=end)
            if dyad else []
        )
        third = [e for e in third if e["modality"] in COUNTED]
        span_start, span_end = start or date.today(), end or date.today()

        for e in counted:
            e["salience"] = salience(e, span_start, span_end)
            e["section"] = section_of(e)
        for e in third:
            e["salience"] = salience(e, span_start, span_end) * 0.8
            e["section"] = section_of(e, third_party=True)

        # Only the strongest candidates need their words loaded.
        by_section: dict[str, list[dict[str, Any]]] = {}
        for e in counted + third:
            if e["section"]:
                by_section.setdefault(e["section"], []).append(e)
        shortlist: dict[int, dict[str, Any]] = {}

        def strongest(items: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
            return heapq.nsmallest(n, items, key=lambda e: (-e["salience"], e["date"], e["id"]))

        for items in by_section.values():
            for e in strongest(items, options.per_section * 5):
                shortlist[e["id"]] = e
        # Runs are formed among the strongest events only: weaker reports of a story on
        # neighbouring days would not be shown anyway.
        timeline_candidates = chronology.representatives(
            strongest(counted, options.timeline_max * 100)
        )[: options.timeline_max * 3]
        for e in timeline_candidates:
            shortlist[e["id"]] = e
        demands = watch.open_demands(counted, end) if end else []
        for e in demands[:20]:
            shortlist[e["id"]] = e

        reports_by_event = load.reports_for(conn, shortlist)
        citer = _Citer(conn)
        citer.preload((r["doc_id"], r["sentence_idx"]) for rows in reports_by_event.values() for r in rows)

        def cite_event(e: dict[str, Any]) -> list[dict[str, Any]]:
            if "citations" not in e:
                rows = reports_by_event.get(e["id"], [])
                primary = [r for r in rows if r["id"] == e.get("primary_report_id")]
                ordered = primary + [r for r in rows if r["id"] != e.get("primary_report_id")]
                e["citations"] = citer.for_reports(ordered, options.citations_per_point)
            return e["citations"]

        def text_of(e: dict[str, Any]) -> str:
            cites = cite_event(e)
            return cites[0]["quote"] if cites else ""

        # Relevance to the pair: a quote naming both sides beats one naming neither
        # (coders also pick up domestic items that merely mention the other side).
        side_names = [watch.names_pattern(_surface_names(reports_by_event, codes))
                      for codes in (a_codes, b_codes)]
        for e in shortlist.values():
            text = text_of(e)
            named = sum(1 for p in side_names if p is not None and p.search(text))
            e["salience"] = round(e["salience"] + {0: -0.1, 1: 0.0, 2: 0.08}[named], 6)

        # Developments by theme: novelty across the whole briefing, not only per section.
        taken: list[frozenset[str]] = []
        sections = []
        titles = {rule.id: rule.title for rule in section_rules()}
        for rule in section_rules():
            picked = choose(by_section.get(rule.id, []), options.per_section, text_of=text_of, taken=taken)
            taken.extend(words(text_of(e)) for e in picked)
            if picked:
                sections.append({
                    "theme": rule.id,
                    "title": rule.title,
                    "key_points": [_point(e) for e in sorted(picked, key=lambda e: (-e["salience"], e["date"]))],
                })  # fmt: skip

        # Timeline: one line per run of a story, the most salient runs, in date order.
        lines = choose(timeline_candidates, options.timeline_max, text_of=text_of)
        lines = chronology.no_consecutive_runs(lines)
        timeline = [
            {"date": e["date"], "date_precision": e["date_precision"], "text": text_of(e),
             "citations": cite_event(e)[:2], "theme": titles.get(e["section"], e["section"]),
             "event": e["event"], "event_id": e["id"]}
            for e in lines
        ]  # fmt: skip

        names = _names(reports_by_event, a_name, b_name, a_codes, b_codes)
        relations_series = None
        if dyad:
            relations_series = assess_mod.from_relations(
                store, a, b, freq=options.freq, since=start, until=end
            )
        assessment = assess_mod.assess(
            counted, names=names, start=start, end=end, freq=options.freq,
            relations_series=relations_series,
        )
        assessment["events_negated_or_modal"] = len(dyad) - len(counted)
        _cite_change_points(conn, citer, assessment, options)

        latest_events = heapq.nlargest(300, counted, key=lambda e: (e["date"], e["id"]))
        watch_items = _watch(conn, citer, reports_by_event, latest_events, a_codes, b_codes, start, end,
                             demands, assessment,
                             [e for e in shortlist.values() if e["section"] != "third_party"],
                             text_of, cite_event, options) if end else []
        takeaways = _takeaways(sections, assessment, options.max_takeaways)

        brief: dict[str, Any] = {
            "dyad": {"a": a_name, "b": b_name, "a_codes": sorted(a_codes), "b_codes": sorted(b_codes),
                     "names": names},
            "since": start,
            "until": end,
            "assessment": assessment,
            "takeaways": takeaways,
            "sections": sections,
            "timeline": timeline,
            "watch": watch_items,
        }
        _number_sources(brief, citer)
        brief["appendix"] = _appendix(brief, citer)
        # The chart is drawn only when HTML is rendered (matplotlib is the slow part).
        brief["_chart"] = lambda: _chart(relations_series, assessment)
        faithful.verify(brief, conn)
    return brief


def _point(e: dict[str, Any]) -> dict[str, Any]:
    cites = e["citations"]
    return {
        "text": cites[0]["quote"],
        "date": e["date"],
        "date_precision": e["date_precision"],
        "citations": cites,
        "event_id": e["id"],
        "event": e["event"],
        "source": e["source"],
        "target": e["target"],
        "reports": e["report_count"],
        "salience": e["salience"],
    }


def _takeaways(sections: list[dict[str, Any]], assessment: dict[str, Any], limit: int) -> list[dict[str, Any]]:
    """The state in figures, then the most salient point of each section (then the next)."""
    items: list[dict[str, Any]] = []
    n_points = sum(min(len(s["key_points"]), 4) for s in sections)
    summary = assessment["summary"][:2]
    # One bullet of figures; split in two when there are too few developments for three.
    lines = summary if n_points < 2 else [" ".join(summary)] if summary else []
    for line in lines:
        items.append({"text": line, "date": None, "citations": [], "kind": "assessment"})
    points = []
    for rank in range(4):
        # Third-party context gives at most one takeaway: the briefing is about the pair.
        round_points = [s["key_points"][rank] for s in sections
                        if len(s["key_points"]) > rank and (s["theme"] != "third_party" or rank == 0)]
        round_points.sort(key=lambda p: -p["salience"])
        points.extend(round_points)
    for p in points:
        if len(items) >= min(limit + 1, 7):
            break
        items.append({"text": p["text"], "date": p["date"], "citations": p["citations"][:1],
                      "kind": "development"})
    return items[:7]


def _watch(conn: Any, citer: _Citer, reports_by_event: dict[int, list[dict[str, Any]]],
           latest_events: list[dict[str, Any]],
           a_codes: Collection[str], b_codes: Collection[str],
           start: date | None, end: date, demands: list[dict[str, Any]],
           assessment: dict[str, Any], shortlisted: list[dict[str, Any]],
           text_of: Any, cite_event: Any, options: BriefOptions) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    # Dates after the end date, stated in the latest documents on the dyad.
    recent = max(start or end, date.fromordinal(end.toordinal() - 180))
    doc_ids = _recent_documents(conn, latest_events, limit=150)
    doc_ids += [d for d in load.documents_involving(conn, {*a_codes, *b_codes}, published_since=recent,
                                                    published_until=end, limit=150) if d not in doc_ids]
    meta = load.document_meta(conn, doc_ids)
    citer.meta.update(meta)
    published = {d: _as_date(m["published"]) for d, m in meta.items()}
    names = _surface_names(reports_by_event, {*a_codes, *b_codes}) | {*a_codes, *b_codes}
    for found in watch.dated_mentions(load.sentences_of(conn, doc_ids), published, end, names)[:30]:
        citer.preload([(found["doc_id"], found["sentence"])])
        c = citer.citation(found["doc_id"], found["sentence"], quote=found["quote"])
        if c:
            items.append({"kind": "date", "text": found["quote"], "due": found["due"], "citations": [c]})
    # Announced, planned and conditional actions.
    modal = load.modal_reports(conn, a_codes, b_codes, MODAL, published_since=recent,
                               published_until=end, limit=100)
    citer.preload((r["doc_id"], r["sentence_idx"]) for r in modal)
    for r in modal[:30]:
        c = citer.citation(r["doc_id"], r["sentence_idx"], (r["start"], r["end"]))
        if c is None or not readable(c["quote"]):
            continue
        row = citer.sentences[(r["doc_id"], r["sentence_idx"])]
        later = [m.date for m in watch.find_dates(row["text"], published.get(r["doc_id"]) or r["date"])
                 if m.date > end]
        due = later[0] if later else (r["date"] if r["date"] > end else None)
        kind = "planned" if r["modality"] == "future" else "conditional"
        items.append({"kind": kind, "text": c["quote"], "due": due, "citations": [c]})
    for e in demands:
        cites = cite_event(e)
        if cites:
            items.append({"kind": "open demand", "text": cites[0]["quote"], "due": None,
                          "citations": cites[:1], "since": e["date"]})
    threshold = watch.threshold_item(assessment)
    if threshold is not None and shortlisted:
        # Cite the latest strong development: what moved the index last.
        latest = max(shortlisted, key=lambda e: (e["date"], e["salience"]))
        cites = cite_event(latest)
        if cites:
            threshold["citations"] = cites[:1]
            items.append(threshold)
    items = [i for i in items if i["due"] is None or i["due"] > end]
    return watch.merge(items, options.watch_max, lambda i: i["text"])


def _cite_change_points(conn: Any, citer: _Citer, assessment: dict[str, Any],
                        options: BriefOptions) -> None:
    """Give each change point the words of the events that drove it (the "why")."""
    for c in assessment["change_points"]:
        c.setdefault("citations", [])
    points = [c for c in assessment["change_points"] if c.get("event_ids")]
    wanted = [i for c in points for i in c["event_ids"][:3] if i is not None]
    if not wanted:
        return
    reports = load.reports_for(conn, wanted)
    citer.preload((r["doc_id"], r["sentence_idx"]) for rows in reports.values() for r in rows)
    for c in points:
        cites: list[dict[str, Any]] = []
        for event_id in c["event_ids"][:3]:
            found = citer.for_reports(reports.get(event_id, []), 1)
            if found and all(found[0]["quote"] != other["quote"] for other in cites):
                cites.append(found[0])
            if len(cites) >= 2:
                break
        c["citations"] = cites


def _recent_documents(conn: Any, latest_events: list[dict[str, Any]], *, limit: int) -> list[int]:
    """The documents reporting the latest dyad events, newest first (for dated mentions)."""
    reports = load.reports_for(conn, [e["id"] for e in latest_events])
    seen: dict[int, None] = {}
    for e in latest_events:
        for r in reports.get(e["id"], []):
            seen.setdefault(r["doc_id"])
    return list(seen)[:limit]


def _number_sources(brief: dict[str, Any], citer: _Citer) -> None:
    """Number cited documents in order of first citation; tag each citation with it."""
    numbers: dict[int, int] = {}
    for _where, c in faithful.iter_citations(brief):
        if c["doc_id"] not in numbers:
            numbers[c["doc_id"]] = len(numbers) + 1
        c["source"] = numbers[c["doc_id"]]
    missing = [d for d in numbers if d not in citer.meta]
    if missing:
        citer.meta.update(load.document_meta(citer.conn, missing))
    sources = []
    for doc_id, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        m = citer.meta[doc_id]
        sources.append({
            "n": n, "doc_id": doc_id, "title": m.get("title") or m["ref"],
            "publisher": m.get("source"), "date": _as_date(m.get("published")),
            "url": m.get("url"), "ref": m["ref"],
        })  # fmt: skip
    brief["sources"] = sources


def _appendix(brief: dict[str, Any], citer: _Citer) -> list[dict[str, Any]]:
    """Each cited sentence with its neighbours, for the HTML appendix; ids are stable."""
    entries: dict[tuple[int, int, str], dict[str, Any]] = {}
    for _where, c in faithful.iter_citations(brief):
        key = (c["doc_id"], c["sentence"], c["quote"])
        if key not in entries:
            doc_id, idx = c["doc_id"], c["sentence"]
            before = citer.sentences.get((doc_id, idx - 1))
            here = citer.sentences.get((doc_id, idx)) or {"text": c["quote"]}
            after = citer.sentences.get((doc_id, idx + 1))
            entries[key] = {
                "id": f"q{len(entries) + 1}", "doc_id": doc_id, "sentence": idx,
                "source": c["source"], "quote": c["quote"],
                "before": before["text"] if before else "", "text": here["text"],
                "after": after["text"] if after else "",
            }  # fmt: skip
        c["anchor"] = entries[key]["id"]
    return list(entries.values())


def _chart(relations_series: dict[str, Any] | None, assessment: dict[str, Any]) -> str:
    if relations_series is not None:
        try:
            from dyadwatch.relations.plot import svg_chart

            return svg_chart(relations_series)
        except ImportError:
            pass
    return assess_mod.fallback_svg(assessment["index"]["series"])


__all__ = ["BriefError", "BriefOptions", "build_brief", "parse_dyad"]
