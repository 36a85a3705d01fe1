"""Reading the documents analysts have on disk: text, Markdown, HTML, JSON, JSONL(.gz), CSV.

``expand_inputs`` turns command-line arguments (files, folders, globs, ``-``) into inputs;
``read_input`` turns one input into Documents, yielding a ReadError for each problem
(a bad line in a JSONL file is one problem, not the end of the file).
"""

from __future__ import annotations

import csv
import glob
import gzip
import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from charset_normalizer import from_bytes

from dyadwatch.ingest.clean import MARKDOWN_HEADING_RE, clean_text, normalise
from dyadwatch.ingest.errors import ReadError, ReadWarning
from dyadwatch.ingest.html import document_from_html
from dyadwatch.ingest.records import document_from_record
from dyadwatch.model import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# Containers in a JSON file that hold the list of records.
RECORD_LIST_KEYS = ("documents", "articles", "items", "records", "data", "results", "entries")


@dataclass(frozen=True)
class Input:
    """One thing to read: a path, or standard input (``path`` is None)."""

    path: Path | None
    label: str

    @property
    def kind(self) -> str:
        if self.path is None:
            return "stdin"
        suffixes = [s.lower() for s in self.path.suffixes]
        if suffixes and suffixes[-1] == ".gz":
            suffixes = suffixes[:-1]
        suffix = suffixes[-1] if suffixes else ""
        for kind, known in (
            ("text", TEXT_SUFFIXES),
            ("html", HTML_SUFFIXES),
            ("json", JSON_SUFFIXES),
            ("jsonl", JSONL_SUFFIXES),
            ("csv", CSV_SUFFIXES),
        ):
            if suffix in known:
                return kind
        return "unknown"


@dataclass
class ReadOptions:
    published: datetime | None = None
    source: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_chars: int = 2_000_000


def expand_inputs(arguments: Iterable[str]) -> tuple[list[Input], list[ReadError]]:
    """Files, folders (recursive, known suffixes, no hidden files), globs and ``-``."""
    inputs: list[Input] = []
    problems: list[ReadError] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            inputs.append(Input(path, str(path)))

    for argument in arguments:
        if argument == "-":
            inputs.append(Input(None, "<stdin>"))
            continue
        path = Path(argument).expanduser()
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                if child.is_symlink() and not child.exists():
                    problems.append(ReadError(str(child), "broken link: its target does not exist"))
                elif (
                    child.is_file()
                    and not any(p.startswith(".") for p in relative.parts)
                    and Input(child, "").kind != "unknown"
                ):
                    add(child)
        elif path.exists():
            add(path)
        elif glob.has_magic(argument):
            matches = sorted(glob.glob(argument, recursive=True))
            if not matches:
                problems.append(ReadError(argument, "no file matches this pattern"))
            for match in matches:
                if Path(match).is_file():
                    add(Path(match))
        else:
            problems.append(ReadError(argument, "no such file or folder"))
    return inputs, problems


def _read_bytes(source: Input, options: ReadOptions) -> bytes:
    if source.path is None:
        data = sys.stdin.buffer.read(options.max_bytes + 1)
    else:
        try:
            size = source.path.stat().st_size
            if size > options.max_bytes:
                raise ReadError(source.label, f"file of {size:,} bytes is over the limit of {options.max_bytes:,} (--max-bytes)")
            data = source.path.read_bytes()
        except PermissionError as exc:
            raise ReadError(source.label, "permission denied") from exc
        except IsADirectoryError as exc:
            raise ReadError(source.label, "is a folder") from exc
        except OSError as exc:
            raise ReadError(source.label, f"cannot read: {exc.strerror or exc}") from exc
    if source.path is not None and source.path.suffix.lower() == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ReadError(source.label, f"not a valid gzip file ({exc})") from exc
    if len(data) > options.max_bytes:
        raise ReadError(source.label, f"input is over the limit of {options.max_bytes:,} bytes (--max-bytes)")
    if not data.strip():
        raise ReadError(source.label, "empty file")
    return data


def decode(data: bytes, where: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM), else the best-detected encoding."""
    sample = data[:8192]
    if b"\x00" in sample and not (sample.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise ReadError(where, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise ReadError(where, "cannot decode: not UTF-8 and no other text encoding fits")
    text = str(best)
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\n\r\t")
    if control > 8:
        raise ReadError(where, "binary file, not text")
    return text


def _sniff(text: str) -> str:
    head = text.lstrip()[:512].lower()
    if head.startswith("<!doctype html") or head.startswith("<html") or "<body" in head:
        return "html"
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        first_line = text.lstrip().split("\n", 1)[0].strip()
        try:
            json.loads(first_line)
            return "jsonl"
        except json.JSONDecodeError:
            return "json"
    return "text"


def read_input(source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    """All documents of one input; problems come out as ReadError items, not exceptions."""
    try:
        data = _read_bytes(source, options)
        text = decode(data, source.label)
    except ReadError as problem:
        yield problem
        return
    kind = source.kind
    if kind in ("stdin", "unknown"):
        kind = _sniff(text)
    reader = {"text": _read_text, "html": _read_html, "json": _read_json, "jsonl": _read_jsonl, "csv": _read_csv}[kind]
    yield from reader(text, source, options)


def _read_text(text: str, source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    """Plain text and Markdown: the first non-empty line (or ``# heading``) is the title."""
    lines = normalise(text).split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        yield ReadError(source.label, "empty file")
        return
    heading = MARKDOWN_HEADING_RE.match(lines[first])
    title = (heading.group(1) if heading else lines[first]).strip()
    body = "\n".join(lines[first + 1 :])
    # A one-line file is all title and all body.
    cleaned = clean_text(body if body.strip() else title)
    if not cleaned.blocks:
        yield ReadError(source.label, "no text left after removing page furniture")
        return
    if len(cleaned.text) > options.max_chars:
        yield ReadError(source.label, f"text of {len(cleaned.text):,} characters is over the limit of {options.max_chars:,}")
        return
    suffix = source.path.suffix.lower() if source.path else ""
    yield Document(
        text=cleaned.text,
        blocks=cleaned.blocks,
        footnotes=cleaned.footnotes,
        ref=source.label,
        title=title[:500],
        published=options.published,
        published_precision="day" if options.published else None,
        source=options.source or cleaned.publisher,
        kind="markdown" if suffix in (".md", ".markdown") else "text",
    )


def _read_html(text: str, source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    try:
        yield document_from_html(
            text, ref=source.label, published=options.published, source=options.source
        )
    except ReadError as problem:
        yield problem


def _records(records: Iterable[tuple[str, object]], options: ReadOptions) -> Iterator[Document | ReadError]:
    for where, record in records:
        try:
            document, warnings = document_from_record(
                record,  # type: ignore[arg-type]
                where=where,
                default_published=options.published,
                default_source=options.source,
                max_chars=options.max_chars,
            )
        except ReadError as problem:
            yield problem
            continue
        for warning in warnings:
            yield ReadWarning(where, warning.split(": ", 1)[-1])
        yield document


def _read_json(text: str, source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield ReadError(f"{source.label}:{exc.lineno}", f"malformed JSON ({exc.msg})")
        return
    if isinstance(data, dict):
        container = next((data[k] for k in RECORD_LIST_KEYS if isinstance(data.get(k), list)), None)
        data = container if container is not None else [data]
    if not isinstance(data, list):
        yield ReadError(source.label, "JSON holds neither a record nor a list of records")
        return
    yield from _records(((f"{source.label}#{i + 1}", r) for i, r in enumerate(data)), options)


def _read_jsonl(text: str, source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    def records() -> Iterator[tuple[str, object]]:
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"{source.label}:{number}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"{source.label}:{number}", ReadError(f"{source.label}:{number}", f"malformed JSON line ({exc.msg})")

    for where, record in records():
        if isinstance(record, ReadError):
            yield record
        else:
            yield from _records([(where, record)], options)


def _read_csv(text: str, source: Input, options: ReadOptions) -> Iterator[Document | ReadError]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if source.path and source.path.suffix.lower() == ".tsv" else csv.excel
    csv.field_size_limit(options.max_chars + 1)
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    if not reader.fieldnames:
        yield ReadError(source.label, "CSV file has no header row")
        return

    def rows() -> Iterator[tuple[str, object]]:
        try:
            for row in reader:
                yield f"{source.label}:{reader.line_num}", {k: v for k, v in row.items() if k is not None}
        except csv.Error as exc:
            yield f"{source.label}:{reader.line_num}", ReadError(f"{source.label}:{reader.line_num}", f"malformed CSV ({exc})")

    for where, row in rows():
        if isinstance(row, ReadError):
            yield row
        else:
            yield from _records([(where, row)], options)
