"""The registry's records: entries (what a name stands for), dated roles, and matches."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

#: Offices in order of precedence when a person holds several at once.
OFFICE_RANK = (
    "head-of-state", "monarch", "supreme-leader", "president", "chancellor", "prime-minister",
    "secretary-general", "commission-president", "high-representative", "vice-president",
    "foreign-minister", "secretary-of-state", "defence-minister", "national-security-adviser",
    "intelligence-chief", "security-council-secretary", "finance-minister", "interior-minister",
    "chief-of-staff", "un-ambassador", "ambassador", "envoy", "spokesperson", "speaker",
    "director-general", "party-leader", "senator", "legislator", "other",
)


def normalise(text: str) -> str:
    """Key for lookups: no accents, lower case, straight quotes, single spaces."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().split())


#: Name particles that transliterations keep or drop at will.
_PARTICLES = frozenset({"al", "el", "ul", "bin", "ibn", "de", "da", "van", "von", "der"})
_SPELLINGS = (("sch", "sh"), ("tch", "ch"), ("zh", "j"), ("kh", "h"), ("ks", "x"), ("ph", "f"),
              ("ck", "k"), ("dh", "d"), ("th", "t"), ("q", "k"), ("c", "k"), ("w", "v"), ("h", ""))


def name_skeleton(name: str) -> str:
    """A spelling-tolerant key for personal names of two or more words.

    Transliterations differ mostly in vowels, doubled letters and a few digraphs:
    "Alexander Lukashenko" and "Alyaksandr Lukashenka" share the key "lxndrlksnk";
    "Kassym-Jomart Tokayev" and "Kasymzhomart Tokayev" share theirs. "" for short names.
    """
    text = re.sub(r"[^a-z ]", " ", normalise(name))
    words = [w for w in text.split() if w not in _PARTICLES]
    if len(words) < 2:
        return ""
    joined = "".join(words)
    for old, new in _SPELLINGS:
        joined = joined.replace(old, new)
    joined = re.sub(r"[aeiouy]", "", joined)
    joined = re.sub(r"(.)\1+", r"\1", joined)
    return joined if len(joined) >= 5 else ""


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Role:
    """A dated position: who a person (or a group) is between ``start`` and ``end``."""

    code: str
    sector: str | None = None
    sectors: tuple[str, ...] = ()
    office: str | None = None
    title: str | None = None
    start: date | None = None
    end: date | None = None

    def holds_on(self, when: date) -> bool:
        return (self.start is None or self.start <= when) and (self.end is None or when < self.end)

    @property
    def rank(self) -> int:
        office = self.office or "other"
        return OFFICE_RANK.index(office) if office in OFFICE_RANK else len(OFFICE_RANK)


@dataclass
class Entry:
    """What a name in the registry stands for.

    ``kind`` is state, territory, org, ngo, person, group, institution, title, sector or
    dyad; ``how`` is how a mention of it is resolved (name, demonym, capital, metonym,
    place, org, institution, person, title, sector-word, context).
    """

    name: str
    kind: str
    how: str
    code: str = ""
    sector: str | None = None
    sectors: tuple[str, ...] = ()
    office: str | None = None
    title: str | None = None
    roles: tuple[Role, ...] = ()
    family: str | None = None
    weight: float = 1.0
    source: str = "registry"
    aliases: list[str] = field(default_factory=list)

    @property
    def has_code(self) -> bool:
        return bool(self.code) or bool(self.roles)

    def role_on(self, when: date | None) -> tuple[Role | None, bool]:
        """The role held on ``when`` (None: the latest), and whether it is current.

        Out of office, a person keeps the country of the nearest role but becomes ELI.
        """
        if not self.roles:
            return None, True
        if when is None:
            latest = max(self.roles, key=lambda r: (r.end is None, r.end or date.min,
                                                    r.start or date.min, -r.rank))
            return latest, latest.end is None
        current = [r for r in self.roles if r.holds_on(when)]
        if current:
            # A dated role is more specific than an undated default (PETRARCH's rule).
            return min(current, key=lambda r: (r.rank, r.start is None and r.end is None,
                                               -(r.start or date.min).toordinal())), True
        before = [r for r in self.roles if r.end is not None and r.end <= when]
        if before:
            return max(before, key=lambda r: r.end), False
        return min(self.roles, key=lambda r: r.start or date.max), False


@dataclass(frozen=True)
class ActorMatch:
    """One answer of :meth:`Registry.lookup`, best first."""

    code: str
    name: str
    sector: str | None
    role: str | None
    person: str | None
    kind: str
    score: float
    how: str = "name"
    sectors: tuple[str, ...] = ()
    office: str | None = None
    family: str | None = None
    source: str = "registry"

    def as_dict(self) -> dict:
        return {
            "code": self.code, "name": self.name, "sector": self.sector, "role": self.role,
            "person": self.person, "kind": self.kind, "score": round(self.score, 3),
            "how": self.how, "sectors": list(self.sectors), "office": self.office,
            "source": self.source,
        }
