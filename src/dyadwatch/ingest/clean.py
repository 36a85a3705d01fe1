"""Cleaning raw text for analysis without losing what a reader needs.

The result is a list of blocks (headings, paragraphs, bullets) that no sentence may cross,
plus the footnote markers taken out of the prose and the publisher named by a copyright
line. Page furniture ("Subscribe to our channels", "0 Comments", share buttons) is dropped;
the patterns are data (``data/boilerplate.yaml``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from dyadwatch.model import Block

# "[1]", "[12][5]", "[1, 5]" stuck to prose: citation markers, not words.
FOOTNOTE_RE = re.compile(r"\[(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\]")
BULLET_RE = re.compile(r"^\s*(?:[-*•·▪–—]|\(?[a-z]\)|\d{1,2}\))\s+(?=\S)")
NUMBERED_TITLE_RE = re.compile(
    r"^\s*(?:(?:section|part|chapter|article)\s+)?(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVXLC]{1,6}\.)\s+\S.{0,100}$",
    re.IGNORECASE,
)
MARKDOWN_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
SETEXT_UNDERLINE_RE = re.compile(r"^\s*(=+|-+)\s*$")
SENTENCE_END = (".", "!", "?", ":", ";", '"', "”", "’", "'", ")")


@dataclass
class CleanText:
    blocks: list[Block]
    footnotes: list[dict[str, Any]] = field(default_factory=list)
    publisher: str | None = None
    dropped_lines: int = 0

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[re.Pattern[str], re.Pattern[str]]:
    raw = yaml.safe_load(
        resources.files("dyadwatch.ingest").joinpath("data/boilerplate.yaml").read_text("utf-8")
    )
    lines = re.compile(
        "^(?:" + "|".join(f"(?:{p})" for p in raw["line_patterns"]) + r")\s*$", re.IGNORECASE
    )
    copyright_line = re.compile(raw["copyright_pattern"], re.IGNORECASE)
    return lines, copyright_line


# C0/C1 control characters (but tab and newline), zero-width and bidi marks, BOMs.
INVISIBLE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


# Stray HTML in text records (web archives keep "21<sup>st</sup>", <u>, <span>, figures):
# figures and images go whole, line breaks become newlines, inline tags go, their text stays.
HTML_FIGURE_RE = re.compile(r"<(figure|script|style)\b[^>]*>.*?</\1\s*>|<img\b[^>]*>", re.IGNORECASE | re.DOTALL)
HTML_BREAK_RE = re.compile(r"<br\s*/?>|</?p\b[^>]*>", re.IGNORECASE)
HTML_INLINE_RE = re.compile(
    r"</?(?:a|abbr|b|big|cite|code|del|em|font|i|ins|mark|q|s|small|span|strong|sub|sup|time|u)\b[^>]*>",
    re.IGNORECASE,
)


def normalise(raw: str) -> str:
    """Unicode NFC, unified newlines, no control characters, no zero-width marks, no tags."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    text = INVISIBLE_RE.sub("", text.replace("\xa0", " "))
    if "<" in text:
        text = HTML_INLINE_RE.sub("", HTML_BREAK_RE.sub("\n", HTML_FIGURE_RE.sub("", text)))
    return text


def _looks_like_heading(line: str, next_line: str | None) -> bool:
    """A short line without closing punctuation standing alone is a heading."""
    words = line.split()
    if not words or len(words) > 14 or line.rstrip().endswith(SENTENCE_END):
        return False
    if NUMBERED_TITLE_RE.match(line):
        return True
    # Only when it stands alone (blank line or end after it) and starts like a title.
    return (next_line is None or not next_line.strip()) and line.strip()[0].isupper()


def clean_text(raw: str, *, markdown: bool = True) -> CleanText:
    """Split raw text into blocks, drop furniture, lift footnote markers out of prose."""
    boilerplate, copyright_line = _boilerplate()
    lines = normalise(raw).split("\n")
    blocks: list[Block] = []
    paragraph: list[str] = []
    publisher: str | None = None
    dropped = 0

    def flush() -> None:
        if paragraph:
            joined = " ".join(part.strip() for part in paragraph)
            blocks.append(Block(" ".join(joined.split()), "paragraph"))
            paragraph.clear()

    for number, line in enumerate(lines):
        stripped = line.strip()
        next_line = lines[number + 1] if number + 1 < len(lines) else None
        if not stripped:
            flush()
            continue
        if boilerplate.match(stripped):
            dropped += 1
            continue
        found = copyright_line.match(stripped)
        if found:
            publisher = publisher or found.group("publisher").strip(" ,")
            dropped += 1
            continue
        if markdown and SETEXT_UNDERLINE_RE.match(stripped) and paragraph and len(paragraph) == 1:
            heading = paragraph.pop()
            blocks.append(Block(" ".join(heading.split()), "heading"))
            continue
        heading = MARKDOWN_HEADING_RE.match(line) if markdown else None
        if heading:
            flush()
            if heading.group(1):
                blocks.append(Block(heading.group(1), "heading"))
            continue
        if BULLET_RE.match(line):
            flush()
            blocks.append(Block(" ".join(BULLET_RE.sub("", line, count=1).split()), "bullet"))
            continue
        if not paragraph and _looks_like_heading(stripped, next_line):
            blocks.append(Block(" ".join(stripped.split()), "heading"))
            continue
        if paragraph and NUMBERED_TITLE_RE.match(stripped) and not stripped.endswith(SENTENCE_END):
            flush()
            blocks.append(Block(" ".join(stripped.split()), "heading"))
            continue
        paragraph.append(stripped)
    flush()
    return _lift_footnotes(blocks, publisher, dropped)


def _lift_footnotes(blocks: list[Block], publisher: str | None, dropped: int) -> CleanText:
    """Remove "[1][5]" markers from prose, remembering where they stood in the final text."""
    cleaned: list[Block] = []
    footnotes: list[dict[str, Any]] = []
    offset = 0
    for block in blocks:
        pieces: list[str] = []
        position = 0
        length = 0
        for match in FOOTNOTE_RE.finditer(block.text):
            before = block.text[position : match.start()]
            pieces.append(before)
            length += len(before)
            footnotes.append({"marker": match.group(1), "offset": offset + length})
            position = match.end()
        pieces.append(block.text[position:])
        text = " ".join("".join(pieces).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if text:
            cleaned.append(Block(text, block.kind))
            offset += len(text) + 2
    return CleanText(cleaned, footnotes, publisher, dropped)
