"""Reading PETRARCH/TABARI `.actors` and `.agents` dictionaries.

Actors files list a name (words joined by ``_``), ``+SYNONYM`` lines, and codes in
brackets, optionally date-ranged: ``[USAGOV 090120-170120]``, ``[RUSGOV >080508]``,
``[HOBCIV <20080120]``. Agents files map common nouns to sector codes: ``POLICE {} [~COP]``
(``{PLURAL}`` gives the plural, ``{}`` none) with ``!SET! = A, B`` substitution sets.
Comments start with ``#`` or sit in ``<!-- ... -->`` blocks.

Malformed lines are reported as :class:`DictionaryProblem` (file and line number) and
skipped; the rest of the file still loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

#: CAMEO/PLOVER agent (sector) codes a 3-letter chunk of a PETRARCH code may carry.
#: (POL, the issue's word for politicians, is left out: it is also Poland's ISO code.)
SECTOR_CODES = frozenset({
    "GOV", "MIL", "LEG", "JUD", "COP", "SPY", "PTY", "OPP", "REB", "ELI", "BUS", "MED", "JRN",
    "CVL", "EDU", "LAB", "REF", "CRM", "UAF", "IGO", "NGO", "AGR", "REL", "HLH", "ENV", "SOC",
    "PRE", "PRM", "UNK", "JNK", "NON", "INS", "SEP", "MOD", "RAD", "HRI", "DEV"
})

#: Phoenix/CAMEO three-letter organisation chunks (after ``IGO``) → registry ids.
IGO_CODES = {
    "UNO": "UN", "NAT": "NATO", "EEU": "EU", "EUR": "EU", "AFU": "AU", "ASN": "ASEAN",
    "OPC": "OPEC", "ARL": "ARL", "GCC": "GCC", "OAS": "OAS", "OSC": "OSCE", "WTO": "WTO",
    "IMF": "IMF", "WBK": "WB", "IAE": "IAEA", "ICC": "ICC", "SCO": "SCO", "CIS": "CIS",
    "G8G": "G8", "G7G": "G7", "GTW": "G20", "BRC": "BRICS", "CST": "CSTO", "ICJ": "ICJ",
    "WHO": "WHO", "ECW": "ECOWAS", "OIC": "OIC", "CWN": "CWN",
}

_CODE_RE = re.compile(r"\[([^\[\]]*)\]")
_DATED_RE = re.compile(
    r"^(?P<code>[^\s<>]+)\s*(?:(?P<before><)\s*(?P<bdate>\S+)|(?P<after>>)\s*(?P<adate>\S+)"
    r"|(?P<start>\d+)\s*-\s*(?P<end>\d+))?$"
)
_AGENT_RE = re.compile(r"^(?P<words>[^\[{]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]]*)\]\s*$")
_SUBST_RE = re.compile(r"^(?P<name>![A-Z]+!)\s*=\s*(?P<values>.+)$")


@dataclass(frozen=True)
class DictionaryProblem:
    """One malformed line, reported and skipped."""

    path: str
    line: int
    problem: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.problem}"


@dataclass(frozen=True)
class PetrarchCode:
    """One bracketed code, split into country/organisation and sector, with its dates."""

    raw: str
    code: str
    sector: str | None
    sectors: tuple[str, ...]
    start: date | None = None
    end: date | None = None


@dataclass
class PetrarchActor:
    name: str
    synonyms: list[str] = field(default_factory=list)
    codes: list[PetrarchCode] = field(default_factory=list)
    comment: str | None = None
    line: int = 0


@dataclass(frozen=True)
class PetrarchAgent:
    phrase: str
    sectors: tuple[str, ...]
    prefix: bool
    line: int


def phrase_of(token: str) -> str:
    """``PRESIDENT_VLADIMIR_V._PUTIN_`` → ``President Vladimir V. Putin`` (title case words)."""
    words = token.replace("_", " ").split()
    return " ".join(words)


def readable_name(phrase: str) -> str:
    """PETRARCH writes names in capitals, which says nothing about their case in text:
    ``GONDOR`` → ``Gondor``, ``U.S.`` stays, ``AL-QAEDA`` → ``Al-Qaeda``."""
    words = []
    for word in phrase.split():
        if len(word) <= 4 and "." in word:
            words.append(word.upper())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def parse_date(text: str) -> date:
    """``yymmdd`` (pivot: 00–29 → 20xx) or ``yyyymmdd``; raises ValueError otherwise."""
    if not text.isdigit() or len(text) not in (6, 8):
        raise ValueError(f"bad date {text!r} (want yymmdd or yyyymmdd)")
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy < 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    # Some dictionaries write day 00 or month 00 for "unknown": use the first.
    return date(year, max(month, 1), max(day, 1))


def split_code(raw: str, known_states: Iterable[str] = ()) -> tuple[str, str | None, tuple[str, ...]]:
    """A PETRARCH code such as ``USAGOV`` or ``IGOUNOIAE`` → (code, sector, all sectors)."""
    text = raw.strip().lstrip("~").upper()
    chunks = [text[i:i + 3] for i in range(0, len(text), 3)]
    if not chunks:
        return "", None, ()
    head, rest = chunks[0], chunks[1:]
    if head == "IGO" and rest:
        code = IGO_CODES.get(rest[0], rest[0]) if rest[0] not in SECTOR_CODES else "IGO"
        if rest[0] not in SECTOR_CODES:
            rest = rest[1:]
        sectors = tuple(c for c in rest if c in SECTOR_CODES) or ("IGO",)
        return code, sectors[0], sectors
    if raw.strip().startswith("~"):
        # An agent: every chunk is a sector code, known or local (GGS, CHRCPT, ...).
        sectors = tuple("PTY" if c == "POL" else c for c in chunks if len(c) == 3)
        return "", (sectors[0] if sectors else None), sectors
    if head in SECTOR_CODES and head not in set(known_states):
        sectors = tuple(c for c in chunks if c in SECTOR_CODES)
        return "", (sectors[0] if sectors else None), sectors
    # After the country come agent codes; a dictionary may use its own ("HOBCIV" in the
    # PETRARCH validation suite): with no known one, the first other chunk is the sector.
    sectors = tuple(c for c in rest if c in SECTOR_CODES)
    if not sectors:
        sectors = tuple(c for c in rest[:1] if len(c) == 3 and c not in set(known_states))
    return head, (sectors[0] if sectors else None), sectors


def _parse_code(body: str, path: str, lineno: int, problems: list[DictionaryProblem],
                known_states: frozenset[str] = frozenset()) -> PetrarchCode | None:
    body = " ".join(body.split())
    if not body or body in ("---", "+++"):
        return None
    match = _DATED_RE.match(body)
    if not match:
        problems.append(DictionaryProblem(path, lineno, f"cannot read code [{body}]"))
        return None
    raw = match["code"]
    try:
        start = end = None
        if match["before"]:
            end = parse_date(match["bdate"])
        elif match["after"]:
            start = parse_date(match["adate"])
        elif match["start"]:
            start, end = parse_date(match["start"]), parse_date(match["end"])
    except ValueError as exc:
        problems.append(DictionaryProblem(path, lineno, f"[{body}]: {exc}"))
        return None
    code, sector, sectors = split_code(raw, known_states)
    return PetrarchCode(raw=raw, code=code, sector=sector, sectors=sectors, start=start, end=end)


def _strip_comments(lines: Iterable[str]) -> Iterable[tuple[int, str, str | None]]:
    """(line number, content without comments, trailing # comment) for each line."""
    in_block = False
    for lineno, line in enumerate(lines, start=1):
        text = line.rstrip("\n")
        if in_block:
            if "-->" in text:
                in_block = False
                text = text.split("-->", 1)[1]
            else:
                continue
        text = re.sub(r"<!\s+--", "<!--", text)  # "<! --" occurs in PETR.Validate.actors.txt
        while "<!--" in text:
            before, after = text.split("<!--", 1)
            if "-->" in after:
                text = before + after.split("-->", 1)[1]
            else:
                text = before
                in_block = True
        comment = None
        if "#" in text:
            text, comment = text.split("#", 1)
            comment = comment.strip() or None
        yield lineno, text, comment


def read_actors(path: str | Path, known_states: Iterable[str] = ()
                ) -> tuple[list[PetrarchActor], list[DictionaryProblem]]:
    """Parse a `.actors` dictionary: entries with synonyms and (dated) codes.

    ``known_states``: country codes, so that "MNCUSA" is not read as sector "USA"."""
    states = frozenset(known_states)
    path_s = str(path)
    problems: list[DictionaryProblem] = []
    actors: list[PetrarchActor] = []
    current: PetrarchActor | None = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        for lineno, text, comment in _strip_comments(handle):
            stripped = text.strip()
            if not stripped:
                continue
            if stripped.count("[") != stripped.count("]"):
                problems.append(DictionaryProblem(path_s, lineno, f"unbalanced brackets: {stripped!r}"))
                continue
            codes_here = _CODE_RE.findall(stripped)
            words = _CODE_RE.sub(" ", stripped).strip()
            if stripped.startswith("["):
                if current is None:
                    problems.append(DictionaryProblem(path_s, lineno, "code line before any name"))
                    continue
            elif stripped.startswith("+"):
                if current is None:
                    problems.append(DictionaryProblem(path_s, lineno, "synonym before any name"))
                    continue
                synonym = phrase_of(words[1:])
                if synonym:
                    current.synonyms.append(synonym)
            else:
                if not re.search(r"[A-Za-z0-9]", words):
                    problems.append(DictionaryProblem(path_s, lineno, f"no name in {stripped!r}"))
                    continue
                current = PetrarchActor(name=phrase_of(words), comment=comment, line=lineno)
                actors.append(current)
            for body in codes_here:
                code = _parse_code(body, path_s, lineno, problems, states)
                if code is not None:
                    current.codes.append(code)
    return actors, problems


def read_agents(path: str | Path) -> tuple[list[PetrarchAgent], list[DictionaryProblem]]:
    """Parse an `.agents` dictionary: nouns (and plurals) → sector codes."""
    path_s = str(path)
    problems: list[DictionaryProblem] = []
    agents: list[PetrarchAgent] = []
    substitutions: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for lineno, text, _comment in _strip_comments(handle):
            stripped = text.strip()
            if not stripped:
                continue
            subst = _SUBST_RE.match(stripped)
            if subst:
                substitutions[subst["name"]] = [v.strip() for v in subst["values"].split(",") if v.strip()]
                continue
            match = _AGENT_RE.match(stripped)
            if not match:
                problems.append(DictionaryProblem(path_s, lineno, f"cannot read agent line {stripped!r}"))
                continue
            body = match["code"].replace(" ", "")
            if not body or "~" not in body:
                problems.append(DictionaryProblem(path_s, lineno, f"agent code without '~': [{body}]"))
                continue
            prefix = body.endswith("~")
            _code, _sector, sectors = split_code("~" + body.strip("~"))
            if not sectors:
                sectors = (body.strip("~")[:3],)
            forms = [match["words"]]
            if match["plural"]:
                forms.append(match["plural"])
            elif match["plural"] is None:
                # No braces: PETRARCH forms the regular plural ("{}" means none).
                forms.append(_regular_plural(match["words"]))
            for form in forms:
                for expanded in _expand(form, substitutions):
                    phrase = phrase_of(expanded)
                    if phrase:
                        agents.append(PetrarchAgent(phrase, sectors, prefix, lineno))
    return agents, problems


def _regular_plural(words: str) -> str:
    """PETRARCH's plural of an agent phrase: its last word takes -S, -ES or -IES."""
    words = words.rstrip()
    upper = words.upper()
    if upper.endswith("Y") and len(upper) > 1 and upper[-2] not in "AEIOU":
        return words[:-1] + "IES"
    if upper.endswith(("S", "X", "Z", "CH", "SH")):
        return words + "ES"
    return words + "S"


def _expand(form: str, substitutions: dict[str, list[str]]) -> list[str]:
    for name, values in substitutions.items():
        if name in form:
            return [e for v in values for e in _expand(form.replace(name, v, 1), substitutions)]
    return [form]


def looks_like_agents(path: str | Path) -> bool:
    """Agents files carry ``[~CODE]``/``[CODE~]`` codes; actors files do not."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        head = handle.read(200_000)
    agent_codes = len(re.findall(r"\[\s*~|~\s*\]", head))
    all_codes = len(re.findall(r"\[", head))
    return all_codes > 0 and agent_codes / all_codes > 0.5
