"""Readers for gold-standard files in the field's own formats.

Every reader returns ``(records, problems)``: a bad line or record is reported as a
:class:`GoldProblem` naming the file and line, and reading goes on.

* PLOVER GSR JSONL (``plover-gsr-dev.jsonl``): one human-coded sentence per line.
* PETRARCH validation XML (``PETR2_GSR_validation.xml``, ``PETR.UnitTest.records.xml``):
  read leniently with regular expressions, because the files are not well-formed XML
  (self-closed ``<Sentence .../>`` followed by the record's content, ``#`` banners
  outside comments, attribute values with nested quotes).
* current-style JSONL (``current-style-dev.jsonl``): one expected event per sentence.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class GoldProblem:
    """A line or record of a gold file that could not be used."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        # Line 0 means the whole file.
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class GoldActor:
    code: str
    sector: str | None = None
    text: str | None = None


@dataclass
class PloverGsrRecord:
    id: str
    text: str
    event: str
    source: list[GoldActor]
    target: list[GoldActor]
    reciprocal: bool = False
    mode: str | None = None
    line: int = 0


@dataclass(frozen=True)
class PetrarchTriple:
    source: str
    target: str
    code: str


@dataclass
class PetrarchRecord:
    id: str
    text: str
    when: date | None
    category: str | None
    expected: list[PetrarchTriple] = field(default_factory=list)
    noevents: bool = False
    error: str | None = None
    line: int = 0

    @property
    def expects_no_event(self) -> bool:
        # Records flagged noevents, or testing PETRARCH's discard/error paths, expect nothing.
        return not self.expected


@dataclass
class CurrentStyleRecord:
    id: str
    text: str
    when: date | None
    events: list[str]
    source: list[str]
    target: list[str]
    either_direction: bool = False
    negated: bool = False
    modality: str = "asserted"
    mode: str | None = None
    reported_by: str | None = None
    line: int = 0


def _jsonl(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[GoldProblem]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[GoldProblem] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [GoldProblem(str(path), 0, f"cannot read file: {exc}")]
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(GoldProblem(str(path), number, f"not JSON ({exc.msg})"))
            continue
        if not isinstance(value, dict):
            problems.append(GoldProblem(str(path), number, "not a JSON object"))
            continue
        rows.append((number, value))
    if not rows and not problems:
        problems.append(GoldProblem(str(path), 0, "no records (empty file)"))
    return rows, problems


def _actors(value: Any) -> list[GoldActor]:
    if not isinstance(value, list):
        raise ValueError("actors must be a list")
    actors = []
    for item in value:
        if isinstance(item, str):
            actors.append(GoldActor(code=item))
        elif isinstance(item, dict) and isinstance(item.get("code"), str):
            actors.append(GoldActor(item["code"], item.get("sector"), item.get("text")))
        else:
            raise ValueError(f"actor without a code: {item!r}")
    return actors


def read_plover_gsr(path: str | Path) -> tuple[list[PloverGsrRecord], list[GoldProblem]]:
    """Read a PLOVER GSR JSONL file (``text``, ``event_plover_current``, ``source``, ...)."""
    path = Path(path)
    rows, problems = _jsonl(path)
    records = []
    for number, row in rows:
        try:
            text, event = row["text"], row["event_plover_current"]
            if not isinstance(text, str) or not isinstance(event, str) or not event:
                raise ValueError("'text' and 'event_plover_current' must be strings")
            records.append(
                PloverGsrRecord(
                    id=str(row.get("id") or f"line-{number}"),
                    text=text,
                    event=event.upper(),
                    source=_actors(row.get("source") or []),
                    target=_actors(row.get("target") or []),
                    reciprocal=bool(row.get("reciprocal_src_tar")),
                    mode=row.get("mode_hint_current"),
                    line=number,
                )
            )
        except (KeyError, ValueError) as exc:
            problems.append(GoldProblem(str(path), number, f"bad record: {exc}"))
    return records, problems


def _date(text: Any) -> date | None:
    if not text:
        return None
    digits = re.sub(r"\D", "", str(text))
    if len(digits) == 6:  # yymmdd, as in some PETRARCH records
        year = int(digits[:2])
        return date(2000 + year if year < 50 else 1900 + year, int(digits[2:4]), int(digits[4:]))
    if len(digits) == 8:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    return date.fromisoformat(str(text))


def read_current_style(path: str | Path) -> tuple[list[CurrentStyleRecord], list[GoldProblem]]:
    """Read current-style JSONL: ``text``, ``date``, ``event[]``, ``source[]``, ``target[]``, ..."""
    path = Path(path)
    rows, problems = _jsonl(path)
    records = []
    for number, row in rows:
        try:
            events = row["event"]
            events = [events] if isinstance(events, str) else list(events)
            if not isinstance(row["text"], str) or not events:
                raise ValueError("'text' must be a string and 'event' non-empty")
            records.append(
                CurrentStyleRecord(
                    id=str(row.get("id") or f"line-{number}"),
                    text=row["text"],
                    when=_date(row.get("date")),
                    events=[e.upper() for e in events],
                    source=[a.code for a in _actors(row.get("source") or [])],
                    target=[a.code for a in _actors(row.get("target") or [])],
                    either_direction=bool(row.get("either_direction")),
                    negated=bool(row.get("negated")),
                    modality=str(row.get("modality") or "asserted"),
                    mode=row.get("mode"),
                    reported_by=row.get("reported_by"),
                    line=number,
                )
            )
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(GoldProblem(str(path), number, f"bad record: {exc}"))
    return records, problems


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SENTENCE = re.compile(r"<Sentence\b([^>]*?)/?>", re.S)
_END = re.compile(r"</Sentences\s*>")
_EVENT = re.compile(r"<EventCoding\b([^>]*?)/?>", re.S)
_TEXT = re.compile(r"<Text>(.*?)</Text>", re.S)
_PARSE = re.compile(r"<Parse>(.*?)</Parse>", re.S)
_ATTRIBUTE = re.compile(r"""([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _attributes(text: str) -> dict[str, str]:
    found = {}
    for name, double, single in _ATTRIBUTE.findall(text):
        # Values like '"INJURY TOLL"' name a literal phrase; the inner quotes are noise.
        found[name.lower()] = (double if double or not single else single).strip().strip('"')
    return found


def _blank_comments(text: str) -> str:
    # Keep offsets (and so line numbers) stable: replace comments by same-length blanks.
    return _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _text_from_conll(parse: str) -> str:
    """Rebuild a sentence from a CoNLL-U parse (for records whose <Text> is empty)."""
    pieces = []
    for row in parse.strip().splitlines():
        columns = row.split("\t")
        if len(columns) < 10 or not columns[0].isdigit():
            return ""  # not CoNLL-U (e.g. a Penn tree): nothing safe to rebuild
        pieces.append(columns[1] + ("" if "SpaceAfter=No" in columns[9] else " "))
    return "".join(pieces).strip()


def read_petrarch_xml(path: str | Path) -> tuple[list[PetrarchRecord], list[GoldProblem]]:
    """Read PETRARCH validation records (``<Sentence>`` + ``<EventCoding>`` + ``<Text>``)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return [], [GoldProblem(str(path), 0, f"cannot read file: {exc}")]
    text = _blank_comments(raw)
    opening = text.find("<Sentences>")
    start = opening if opening >= 0 else 0
    end_match = _END.search(text, start)
    stop = end_match.start() if end_match else len(text)
    heads = [m for m in _SENTENCE.finditer(text, start, stop) if m.group(0) != "<Sentences>"]
    records: list[PetrarchRecord] = []
    problems: list[GoldProblem] = []
    for index, head in enumerate(heads):
        body_end = heads[index + 1].start() if index + 1 < len(heads) else stop
        body = text[head.end() : body_end]
        line = text.count("\n", 0, head.start()) + 1
        attributes = _attributes(head.group(1))
        record_id = attributes.get("id") or f"line-{line}"
        text_match = _TEXT.search(body)
        sentence = " ".join(text_match.group(1).split()) if text_match else ""
        if not sentence:
            parse = _PARSE.search(body)
            sentence = _text_from_conll(parse.group(1)) if parse else ""
        if not sentence:
            problems.append(GoldProblem(str(path), line, f"record {record_id} has no <Text>"))
            continue
        try:
            when = _date(attributes.get("date"))
        except ValueError:
            problems.append(GoldProblem(str(path), line, f"record {record_id}: bad date"))
            when = None
        record = PetrarchRecord(
            id=record_id,
            text=sentence,
            when=when,
            category=attributes.get("category"),
            line=line,
        )
        for coding in _EVENT.finditer(body):
            values = _attributes(coding.group(1))
            if values.get("noevents", "").lower() == "true":
                record.noevents = True
            elif "error" in values:
                record.error = values["error"]
            elif "eventcode" in values:
                record.expected.append(
                    PetrarchTriple(
                        values.get("sourcecode", ""),
                        values.get("targetcode", ""),
                        values["eventcode"],
                    )
                )
            else:
                coding_line = text.count("\n", 0, head.end() + coding.start()) + 1
                problems.append(
                    GoldProblem(
                        str(path), coding_line, f"record {record_id}: unreadable EventCoding"
                    )
                )
        records.append(record)
    if not heads:
        problems.append(GoldProblem(str(path), 0, "no <Sentence> records found"))
    return records, problems
