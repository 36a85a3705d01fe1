"""The faithfulness check: every citation points to a stored document, and every quote
is the source's own words, found verbatim in that document (and in the cited sentence).

It runs on every briefing before it is output, and on saved JSON briefings
(``dyadwatch verify-brief``). A briefing that fails is not printed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import Connection

from dyadwatch.brief import load


class FaithfulnessError(RuntimeError):
    """A briefing cites something the store does not back; ``problems`` lists each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; ... {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"faithfulness check failed ({len(problems)} problem(s)): {shown}")


def iter_citations(brief: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, citation) for every citation anywhere in a briefing."""
    for i, point in enumerate((brief.get("assessment") or {}).get("change_points") or []):
        for c in (point.get("citations") or []) if isinstance(point, dict) else []:
            yield f"assessment.change_points[{i}]", c
    for i, item in enumerate(brief.get("takeaways") or []):
        for c in item.get("citations") or []:
            yield f"takeaways[{i}]", c
    for s, section in enumerate(brief.get("sections") or []):
        for k, point in enumerate(section.get("key_points") or []):
            for c in point.get("citations") or []:
                yield f"sections[{s}].key_points[{k}]", c
    for i, item in enumerate(brief.get("timeline") or []):
        for c in item.get("citations") or []:
            yield f"timeline[{i}]", c
    for i, item in enumerate(brief.get("watch") or []):
        for c in item.get("citations") or []:
            yield f"watch[{i}]", c


def check(brief: dict[str, Any], conn: Connection) -> list[str]:
    """Every problem found, as one line each; empty when the briefing is faithful."""
    cited = list(iter_citations(brief))
    doc_ids = set()
    problems: list[str] = []
    for where, c in cited:
        try:
            doc_ids.add(int(c["doc_id"]))
        except (KeyError, TypeError, ValueError):
            problems.append(f"{where}: citation without a valid doc_id")
    texts = load.document_texts(conn, doc_ids)
    pairs = {(int(c["doc_id"]), int(c["sentence"])) for _, c in cited
             if isinstance(c.get("sentence"), int) and str(c.get("doc_id", "")).isdigit()}
    stored_sentences = load.sentence_at(conn, pairs, context=0)
    sources = {s.get("n"): s for s in brief.get("sources") or []}
    for where, c in cited:
        try:
            doc_id = int(c["doc_id"])
        except (KeyError, TypeError, ValueError):
            continue
        quote = c.get("quote") or ""
        doc = texts.get(doc_id)
        if doc is None:
            problems.append(f"{where}: document {doc_id} is not in the store")
            continue
        if c.get("ref") is not None and c["ref"] != doc["ref"]:
            problems.append(f"{where}: document {doc_id} is {doc['ref']!r}, cited as {c['ref']!r}")
        if not quote.strip():
            problems.append(f"{where}: empty quote from document {doc_id}")
            continue
        if quote not in doc["text"]:
            problems.append(f"{where}: quote not found verbatim in document {doc_id}: {quote[:80]!r}")
            continue
        sentence = c.get("sentence")
        if isinstance(sentence, int):
            stored = stored_sentences.get((doc_id, sentence))
            if stored is None:
                problems.append(f"{where}: document {doc_id} has no sentence {sentence}")
            elif quote not in stored["text"]:
                problems.append(f"{where}: quote is not in sentence {sentence} of document {doc_id}")
        number = c.get("source")
        if number is not None and (number not in sources or sources[number].get("doc_id") != doc_id):
            problems.append(f"{where}: source [{number}] does not list document {doc_id}")
    return problems


def verify(brief: dict[str, Any], conn: Connection) -> int:
    """Raise :class:`FaithfulnessError` unless the briefing is faithful; the citation count."""
    problems = check(brief, conn)
    if problems:
        raise FaithfulnessError(problems)
    return sum(1 for _ in iter_citations(brief))
