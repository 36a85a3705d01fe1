"""The shared vocabulary of dyadwatch: plain dataclasses, no I/O.

Every stage passes these between each other. The store turns them into rows and back;
nothing here knows about databases, spaCy or the command line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

BlockKind = Literal["heading", "paragraph", "bullet"]
DatePrecision = Literal["day", "month", "year"]
Modality = Literal["asserted", "future", "hypothetical", "conditional", "reported"]


@dataclass(frozen=True)
class Block:
    """A unit of cleaned text that no sentence may cross (a heading, a paragraph, a bullet)."""

    text: str
    kind: BlockKind = "paragraph"


@dataclass
class Document:
    """One article, release, transcript or record, cleaned for analysis.

    ``text`` is the analysed text: the blocks joined by blank lines. Character offsets of
    sentences and evidence always point into ``text``, so a quote can be checked verbatim.
    """

    text: str
    ref: str
    title: str | None = None
    url: str | None = None
    published: datetime | None = None
    published_precision: DatePrecision | None = None
    source: str | None = None
    author: str | None = None
    kind: str = "text"
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    id: int | None = None
    story_id: int | None = None

    @property
    def content_hash(self) -> str:
        """Identity of the content: same title and text means the same document."""
        normalised = " ".join((self.title or "").split()) + "\n" + " ".join(self.text.split())
        return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sentence:
    """A sentence of a stored document; ``start``/``end`` index ``Document.text``."""

    doc_id: int
    index: int
    start: int
    end: int
    text: str
    block: BlockKind = "paragraph"


@dataclass(frozen=True)
class ActorRef:
    """An actor as coded in an event: a country or organisation code plus a sector.

    ``code`` is ISO 3166-1 alpha-3 for states or the registry id of an organisation
    (NATO, EU, UN, ...). ``person`` names the individual when one was resolved.
    """

    code: str
    name: str | None = None
    sector: str | None = None
    role: str | None = None
    person: str | None = None
    text: str | None = None
    start: int | None = None
    end: int | None = None
    how: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "sector": self.sector,
            "role": self.role,
            "person": self.person,
            "text": self.text,
            "how": self.how,
        }


@dataclass(frozen=True)
class Evidence:
    """Where an event is said: sentence index, character span in the document, trigger."""

    sentence: int
    start: int
    end: int
    trigger: str
    text: str | None = None
    # Span of the trigger words (first to last token) in the same text as start/end;
    # the pipeline stores this span as the report's offsets when the coder gives it.
    trigger_start: int | None = None
    trigger_end: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "trigger": self.trigger,
            "text": self.text,
        }


@dataclass
class Event:
    """One coded action: who did what to whom, when, how sure, and where it says so.

    A coded sentence gives a *report*; reports of the same development share ``id``
    (the event id) and the event carries ``report_count``.
    """

    source: ActorRef
    target: ActorRef | None
    event: str
    evidence: Evidence
    date: date | None = None
    date_precision: DatePrecision = "day"
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    cameo: str | None = None
    goldstein: float | None = None
    plover_score: float | None = None
    quad_class: int | None = None
    negated: bool = False
    modality: Modality = "asserted"
    confidence: float = 0.5
    reported_by: ActorRef | None = None
    pattern: str | None = None
    doc_id: int | None = None
    id: int | None = None
    report_count: int = 1
    themes: list[str] = field(default_factory=list)
