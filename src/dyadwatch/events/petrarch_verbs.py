"""Reader for PETRARCH/TABARI verb dictionaries (``CAMEO.2.0.txt``, ``PETR.Validate.verbs.txt``).

A verb dictionary holds synonym sets (``&NAME`` followed by ``+WORD`` lines) and verb
blocks::

    ---  AGREE   [050]  ---          <- block header with its default CAMEO code
    AGREE                             <- verbs of the block (optional own code, irregular forms)
    ACCUSE [112]
    - * (TO &CEASEFIRE)   [0356]      <- pattern: words after the verb "*", code
    - $ * + (OF MEDDLING) [112]

We keep what a dependency parse can use: the verb lemma, the words that must follow it
(prepositions, particles, object nouns; a synonym set becomes a set of alternatives) and
the CAMEO code, and the words that must precede it ("&NEGATVAUXVRB * OVER EFFORTS").  The
source/target markers ($, +, %, ^) are dropped: the parse finds the arguments.  Malformed lines are reported with file and line
and skipped, so one bad line never loses the rest of the dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_CODE = re.compile(r"\[([^\]]*)\]")
_HEADER = re.compile(r"^-{2,}\s*(.*?)\s*\[([^\]]*)\]\s*-{2,}\s*$")
_FORMS = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class VerbPattern:
    """One pattern of a verb block: ``lemma`` followed (in its clause) by ``words``."""

    lemma: str
    words: tuple[frozenset[str], ...]
    cameo: str
    where: str  # "file:line", for users tuning dictionaries
    # "[032:033]": the target's code for the same act, target -> source (visit / host).
    reverse: str | None = None
    # Words before the verb ("- UNEXPECTEDLY &NEGATVAUXVRB * OVER EFFORTS"): one item per
    # space-separated chunk, in order with gaps allowed; an item holds the alternative token
    # sequences of the chunk ("_" joins adjacent words, a synonym set gives alternatives).
    before: tuple[frozenset[tuple[str, ...]], ...] = ()
    # "RECENTLY_*": the last word before the verb must be right next to it.
    adjacent: bool = False

    @property
    def length(self) -> int:
        return len(self.words)


@dataclass
class VerbDictionary:
    patterns: dict[str, list[VerbPattern]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    synsets: dict[str, frozenset[str]] = field(default_factory=dict)

    def add(self, pattern: VerbPattern) -> None:
        self.patterns.setdefault(pattern.lemma, []).append(pattern)


def _clean_code(raw: str) -> str | None:
    """'042:043' -> '042'; ':173' -> '173'; '---' or '' -> None.  Test codes are kept as text."""
    for part in raw.split(":"):
        part = part.strip()
        if part and not part.startswith("-"):
            return part
    return None


def _reverse_code(raw: str | None) -> str | None:
    """'032:033' -> '033' (the target's side of a paired code); otherwise None."""
    if not raw or ":" not in raw:
        return None
    first, second = (p.strip() for p in raw.split(":", 1))
    if not first or first.startswith("-") or not second or second.startswith("-"):
        return None
    return second


def _words(text: str, synsets: dict[str, frozenset[str]]) -> tuple[frozenset[str], ...] | None:
    """Pattern text after '*' to a sequence of alternatives; None when unusable."""
    text = text.replace("(", " ").replace(")", " ").replace("{", " ").replace("}", " ")
    out: list[frozenset[str]] = []
    for raw in text.split():
        word = raw.strip().lower()
        if word in {"$", "+", "%", "^", "|", "*"} or not word:
            continue
        if word.startswith("&"):
            alts = synsets.get(word.upper().rstrip("_")) or synsets.get(word.upper())
            if not alts:
                return None
            out.append(alts)
            continue
        word = word.lstrip("$+%^").rstrip("_")
        if not word:
            continue
        out.append(frozenset(w for w in word.replace("_", " ").split() if w)
                   if "_" in word else frozenset({word}))
    return tuple(out)


def _before(text: str, synsets: dict[str, frozenset[str]]
            ) -> tuple[frozenset[tuple[str, ...]], ...] | None:
    """Pattern text before '*' to chunks of alternative token sequences; None when unusable."""
    text = re.sub(r"[()$+%^|]", " ", text)
    chunks: list[frozenset[tuple[str, ...]]] = []
    for chunk in text.split():
        sequences: set[tuple[str, ...]] = {()}
        for part in (p for p in chunk.split("_") if p):
            if part.startswith("&"):
                alts = synsets.get(part.upper())
                if not alts:
                    return None
                options = {tuple(a.split()) for a in alts}
            else:
                options = {(part.lower(),)}
            sequences = {seq + opt for seq in sequences for opt in options}
        sequences.discard(())
        if sequences:
            chunks.append(frozenset(sequences))
    return tuple(chunks)


def read_verb_dictionary(path: str | Path) -> VerbDictionary:
    """Read one PETRARCH verb dictionary; bad lines end up in ``problems`` as 'file:line: why'."""
    path = Path(path)
    result = VerbDictionary()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        result.problems.append(f"{path}: cannot read verb dictionary ({exc.strerror or exc})")
        return result

    synsets = result.synsets
    current_syn: str | None = None
    syn_words: list[str] = []
    block_code: str | None = None
    block_reverse: str | None = None
    # (lemma, particle words, own code)
    block_verbs: list[tuple[str, tuple[frozenset[str], ...], str | None]] = []
    in_comment = False

    def close_synset() -> None:
        nonlocal current_syn, syn_words
        if current_syn:
            synsets[current_syn] = frozenset(
                " ".join(w.lower().replace("_", " ").split()) for w in syn_words if w.strip())
        current_syn, syn_words = None, []

    for number, raw in enumerate(lines, start=1):
        where = f"{path}:{number}"
        line = raw.split("#", 1)[0].rstrip()
        # XML-style comments in the validation dictionaries.
        if "<!--" in line:
            in_comment = "-->" not in line
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        stripped = line.strip()
        if not stripped:
            if not raw.strip():
                close_synset()
            continue
        if stripped.startswith("&"):
            close_synset()
            current_syn = stripped.split()[0].upper().rstrip("_")
            continue
        if current_syn is not None:
            if stripped.startswith("+"):
                syn_words.append(stripped[1:].strip())
                continue
            close_synset()
        header = _HEADER.match(stripped)
        if header:
            block_code = _clean_code(header.group(2))
            block_reverse = _reverse_code(header.group(2))
            block_verbs = []
            continue
        if stripped.startswith("-"):
            if not block_verbs:
                result.problems.append(f"{where}: pattern outside a verb block")
                continue
            body = stripped[1:]
            codes = _CODE.findall(body)
            if not codes:
                result.problems.append(f"{where}: pattern without a [CODE]")
                continue
            code = _clean_code(codes[-1])
            if code is None:
                continue
            body = _CODE.sub(" ", body)
            if "*" not in body:
                result.problems.append(f"{where}: pattern without the verb marker '*'")
                continue
            before_text, after = body.split("*", 1)
            before = _before(before_text, synsets)
            words = _words(after, synsets)
            if words is None or before is None:
                result.problems.append(f"{where}: unknown synonym set in pattern")
                continue
            reverse = _reverse_code(codes[-1])
            for lemma, particle, _own in block_verbs:
                result.add(VerbPattern(lemma, particle + words, code, where, reverse, before,
                                       adjacent=before_text.rstrip().endswith("_")))
            continue
        if stripped.startswith("+"):
            stripped = stripped[1:]  # "+IRON_OUT": a verb with its particle
        # A verb of the current block, possibly with its own code and irregular forms.
        text = _FORMS.sub(" ", stripped)
        own_codes = _CODE.findall(text)
        name = _CODE.sub(" ", text).strip().split()
        if not name:
            result.problems.append(f"{where}: cannot read verb line")
            continue
        words = name[0].lower().split("_")
        lemma = words[0].lstrip("+")
        if not re.match(r"^[a-z][a-z\-']*$", lemma):
            result.problems.append(f"{where}: cannot read verb {name[0]!r}")
            continue
        own = _clean_code(own_codes[0]) if own_codes else None
        particle = tuple(frozenset({w.lstrip("+")}) for w in words[1:] if w.lstrip("+"))
        block_verbs.append((lemma, particle, own))
        default = own or block_code
        reverse = _reverse_code(own_codes[0]) if own_codes else block_reverse
        if default:
            result.add(VerbPattern(lemma, particle, default, where, reverse))
    close_synset()
    return result
