"""Splitting cleaned documents into sentences that never cross a block boundary."""

from __future__ import annotations

from dyadwatch import nlp
from dyadwatch.model import Document, Sentence

# Blocks longer than this are split in slices for the sentencizer's sake; a slice edge
# falls on whitespace, so no word is cut.
MAX_BLOCK_CHARS = 100_000


def split_sentences(document: Document, doc_id: int = 0) -> list[Sentence]:
    """Sentences with character offsets into ``document.text``.

    Uses spaCy's rule-based sentencizer on the tokenizer (abbreviations such as "U.S."
    and "Mr." are single tokens, so they do not end sentences) one block at a time.
    """
    splitter = nlp.sentencizer()
    sentences: list[Sentence] = []
    offset = 0
    for block in document.blocks or []:
        for piece_start, piece in _slices(block.text):
            for span in splitter(piece).sents:
                text = span.text.strip()
                if not text:
                    continue
                start = offset + piece_start + span.start_char + (len(span.text) - len(span.text.lstrip()))
                sentences.append(
                    Sentence(doc_id, len(sentences), start, start + len(text), text, block.kind)
                )
        offset += len(block.text) + 2
    return sentences


def _slices(text: str) -> list[tuple[int, str]]:
    if len(text) <= MAX_BLOCK_CHARS:
        return [(0, text)]
    pieces, start = [], 0
    while start < len(text):
        end = min(start + MAX_BLOCK_CHARS, len(text))
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        pieces.append((start, text[start:end]))
        start = end
    return pieces
