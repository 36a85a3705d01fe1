"""Wire datelines ("MOSCOW (Reuters) - ", "WASHINGTON, March 3, 2022 — ") and transcript
speaker labels ("MS. PSAKI: "): the frame of a sentence, not its news.

The coder names no actor from a dateline (the city is where the story was filed, not a
party to it); briefings quote sentences without one.
"""

from __future__ import annotations

import re

# A place in capitals with a date and/or an agency: a bare "NATO - " is not a dateline.
DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'\-]{2,40}(?:,\s*[A-Z][A-Za-z]+\.?(?:\s+\d{1,2})?(?:,\s*\d{4})?"
    r"(?:\s*\([^)]{1,40}\))?|\s*\([^)]{1,40}\))\s*(?:—|–|--|-)\s+"
)

# A transcript's speaker label: "BEDINGFIELD: ", "MS. PSAKI: ", "Q: ".
SPEAKER = re.compile(r"^(?:[A-Z][A-Z.'\-]*\s){0,3}[A-Z][A-Z.'\-]+:\s+")

#: What must follow a dateline for it to be one (not a whole short line in capitals).
MIN_REST = 20


def dateline_end(text: str) -> int:
    """Where the news starts: the end of a leading dateline, else 0."""
    match = DATELINE.match(text)
    if match and len(text) - match.end() > MIN_REST:
        return match.end()
    return 0


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline or speaker label."""
    for pattern in (DATELINE, SPEAKER):
        match = pattern.match(text)
        if match and len(text) - match.end() > MIN_REST:
            text = text[match.end():]
    return text
