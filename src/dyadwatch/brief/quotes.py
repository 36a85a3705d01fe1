"""Quotes: the source's exact words, trimmed at clause boundaries at most.

A quote is always a contiguous slice of the stored sentence (and so of the document), so
the faithfulness check can find it verbatim. Long sentences are cut down to the clause
that holds the event's evidence; nothing inside a clause is ever removed or reworded.
"""

from __future__ import annotations

import re

from dyadwatch.datelines import strip_dateline

#: Sentences longer than this are trimmed to the clause(s) around the evidence.
MAX_QUOTE = 320

# Clause boundaries: semicolons, colons, dashes, and a comma followed by a conjunction
# or a relative/adverbial clause opener.
_BOUNDARY = re.compile(
    r"(?:;|:|\s[—–]\s|\s--\s|,\s(?=(?:and|but|while|whereas|although|though|as|which|who|"
    r"after|before|because|since|when|where|adding|saying|noting|stressing)\b))"
)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of ``text``, covering it without gaps."""
    spans, start = [], 0
    for match in _BOUNDARY.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def trim_quote(sentence: str, focus: tuple[int, int] | None = None, *, limit: int = MAX_QUOTE) -> str:
    """The sentence, or the run of its clauses around ``focus`` (offsets into it).

    The result is stripped of surrounding spaces, of a leading dateline and of a trailing
    comma/semicolon, and is always a substring of ``sentence``.
    """
    text = strip_dateline(sentence.strip())
    if focus is not None:
        # Offsets were into the whole sentence; the dateline cut moves them.
        cut = sentence.find(text)
        focus = (max(focus[0] - cut, 0), max(focus[1] - cut, 0))
        sentence = text
    if len(text) <= limit:
        return text
    offset = sentence.find(text)
    spans = [(s + offset, e + offset) for s, e in clause_spans(text)]
    if focus is None:
        focus = (spans[0][0], spans[0][0])
    # Start from the clause holding the evidence and grow towards its neighbours while
    # the quote stays under the limit.
    centre = next((i for i, (s, e) in enumerate(spans) if s <= focus[0] < e or s >= focus[0]), 0)
    lo = hi = centre
    while True:
        grown = False
        if hi + 1 < len(spans) and spans[hi + 1][1] - spans[lo][0] <= limit:
            hi += 1
            grown = True
        if lo > 0 and spans[hi][1] - spans[lo - 1][0] <= limit:
            lo -= 1
            grown = True
        if not grown:
            break
    quote = sentence[spans[lo][0] : spans[hi][1]].strip().rstrip(",;:")
    return quote.strip() or text
