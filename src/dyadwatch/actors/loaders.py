"""Turning data files into registry entries: the package's files and users' own files.

The package ships YAML/TSV files in ``dyadwatch/actors/data/``; users may add files in the
same formats (a YAML list of people, of organisations or of institutions) or PETRARCH
``.actors``/``.agents`` dictionaries. Problems are collected, never raised, so one bad
line does not stop a run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dyadwatch.actors.entries import Entry, Role, name_skeleton, normalise
from dyadwatch.actors.petrarch import (
    DictionaryProblem,
    PetrarchCode,
    looks_like_agents,
    read_actors,
    read_agents,
    readable_name,
)

try:  # libyaml is much faster on the big files; fall back to the pure-Python loader
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

#: Weights: users' files win over the package's hand-written data, which wins over the
#: derived Phoenix data (stale after January 2014) and the derived agent nouns.
USER_WEIGHT = 1.2
HAND_WEIGHT = 1.0
PHOENIX_WEIGHT = 0.6
AGENT_WEIGHT = 0.5


#: Phoenix was generated on 2014-01-30; its open-ended roles are trusted for one usual
#: four-year term after that (people.yaml, which wins for anyone it lists, is current).
PHOENIX_HORIZON = date(2018, 1, 30)


def data_path(name: str) -> Path:
    return Path(str(resources.files("dyadwatch.actors") / "data" / name))


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if len(text) == 7:  # yyyy-mm
        text += "-01"
    if len(text) == 4:
        text += "-01-01"
    return date.fromisoformat(text)


def _sectors(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else str(value).replace("/", ",").split(",")
    return tuple("PTY" if s.strip().upper() == "POL" else s.strip().upper() for s in items if s.strip())


def _load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


def countries(path: Path) -> list[Entry]:
    entries = []
    for record in _load_yaml(path) or []:
        code, name = record["code"], record["name"]
        kind = record.get("kind", "state")
        entries.append(Entry(name=name, kind=kind, how="name", code=code,
                             aliases=[name, *record.get("aliases", [])]))
        if record.get("demonyms"):
            entries.append(Entry(name=name, kind=kind, how="demonym", code=code,
                                 aliases=list(record["demonyms"])))
        if record.get("capitals"):
            # A capital acting ("Moscow said") stands for the government.
            entries.append(Entry(name=name, kind=kind, how="capital", code=code, sector="GOV",
                                 sectors=("GOV",), aliases=list(record["capitals"])))
        for region in record.get("breakaway") or []:
            # Partly recognised breakaway states: the parent state's code, sector PRE.
            entries.append(Entry(name=region["name"], kind="territory", how="name", code=code,
                                 sector="PRE", sectors=("PRE",),
                                 aliases=[region["name"], *region.get("aliases", [])]))
        if record.get("places"):
            entries.append(Entry(name=name, kind=kind, how="place", code=code, weight=PHOENIX_WEIGHT,
                                 source="phoenix", aliases=list(record["places"])))
    return entries


def organisations(path: Path, weight: float = HAND_WEIGHT, source: str = "registry") -> list[Entry]:
    entries = []
    for record in _load_yaml(path) or []:
        sectors = _sectors(record.get("sector"))
        entries.append(Entry(name=record["name"], kind=record.get("kind", "org"), how="org",
                             code=record["id"], sector=sectors[0] if sectors else None,
                             sectors=sectors, family=record.get("family"), weight=weight,
                             source=source, aliases=[record["name"], *record.get("aliases", [])]))
    return entries


def institutions(path: Path, weight: float = HAND_WEIGHT, source: str = "registry") -> list[Entry]:
    entries = []
    for record in _load_yaml(path) or []:
        sectors = _sectors(record.get("sector"))
        names = list(record.get("names") or [])
        roles = tuple(
            Role(code=r.get("code", record.get("code", "")), sector=_sectors(r.get("sector"))[0]
                 if r.get("sector") else None, sectors=_sectors(r.get("sector")),
                 start=_as_date(r.get("start")), end=_as_date(r.get("end")))
            for r in record.get("roles") or []
        )
        entries.append(Entry(name=names[0], kind=record.get("kind", "institution"),
                             how=record.get("how", "institution"), code=record.get("code", ""),
                             sector=sectors[0] if sectors else None, sectors=sectors, roles=roles,
                             weight=weight, source=source, aliases=names))
    return entries


def people(path: Path, problems: list[DictionaryProblem], weight: float = HAND_WEIGHT,
           source: str = "registry") -> list[Entry]:
    entries = []
    for index, record in enumerate(_load_yaml(path) or [], start=1):
        try:
            roles = tuple(
                Role(code=r["code"], sector=_sectors(r.get("sector"))[0] if r.get("sector") else None,
                     sectors=_sectors(r.get("sector")), office=r.get("office"), title=r.get("title"),
                     start=_as_date(r.get("start")), end=_as_date(r.get("end")))
                for r in record.get("roles") or []
            )
            if not roles:
                raise ValueError("no roles")
            entries.append(Entry(name=record["name"], kind="person", how="person", roles=roles,
                                 weight=weight, source=source,
                                 aliases=[record["name"], *(record.get("aliases") or [])]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(DictionaryProblem(str(path), index, f"person record {index}: {exc}"))
    return entries


def sector_words(path: Path) -> tuple[list[Entry], set[str]]:
    """Titles, sector words and dyad phrases; returns them and the 'former' modifiers."""
    data = _load_yaml(path)
    entries = []
    for record in data.get("titles", []):
        sectors = _sectors(record["sectors"])
        entries.append(Entry(name=record["phrases"][0], kind="title", how="title",
                             sector=sectors[0], sectors=sectors, office=record.get("office"),
                             weight=0.95, aliases=list(record["phrases"])))
    for sector_key, words in (data.get("sector_words") or {}).items():
        sectors = _sectors(sector_key)
        if words and sectors:
            entries.append(Entry(name=words[0], kind="sector", how="sector-word", sector=sectors[0],
                                 sectors=sectors, weight=0.9, aliases=list(words)))
    for record in data.get("dyad_phrases", []):
        entries.append(Entry(name=record["phrases"][0], kind="dyad", how="context",
                             sector=record.get("sector"), aliases=list(record["phrases"])))
    if data.get("not_actors"):
        entries.append(Entry(name=data["not_actors"][0], kind="none", how="none", weight=1.0,
                             aliases=list(data["not_actors"])))
    return entries, {normalise(w) for w in data.get("former", [])}


def waters(path: Path) -> list[Entry]:
    """Bodies of water: places with no actor (see ``data/waters.yaml``)."""
    names = [str(n) for n in _load_yaml(path) or [] if n]
    return [Entry(name=names[0], kind="water", how="place", weight=1.0, aliases=names)] if names else []


def phoenix_actors(path: Path, skip_keys: set[str], skip_people: set[str] = frozenset()
                   ) -> list[Entry]:
    """The derived Phoenix actors; names already known from hand-written data are skipped,
    and so are people whose name is a spelling variant of a hand-written person's
    (``skip_people``: their :func:`name_skeleton` keys), so people.yaml's dates win."""
    entries = []
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            if normalise(row["name"]) in skip_keys:
                continue
            if row["kind"] == "person" and name_skeleton(row["name"]) in skip_people:
                continue
            roles = []
            for part in row["roles"].split(";"):
                code, sectors_s, start, end = (part.split(":") + ["", "", ""])[:4]
                sectors = _sectors(sectors_s)
                began, ended = _as_date(start), _as_date(end)
                if row["kind"] == "person" and began and not ended:
                    # Phoenix cannot vouch for a post held "since" a date beyond its own
                    # date plus a usual term; after that the person reads as ELI.
                    ended = PHOENIX_HORIZON
                roles.append(Role(code=code, sector=sectors[0] if sectors else None, sectors=sectors,
                                  start=began, end=ended))
            aliases = [row["name"]] + [a for a in row["aliases"].split("|")
                                       if a and normalise(a) not in skip_keys]
            entries.append(_entry_from_roles(row["name"], row["kind"], roles, aliases,
                                             PHOENIX_WEIGHT, "phoenix"))
    return entries


def _entry_from_roles(name: str, kind: str, roles: list[Role], aliases: list[str], weight: float,
                      source: str) -> Entry:
    dated = any(r.start or r.end for r in roles)
    if kind == "person" or dated:
        return Entry(name=name, kind=kind, how="person" if kind == "person" else "institution",
                     roles=tuple(roles), weight=weight, source=source, aliases=aliases)
    first = next((r for r in roles if r.code), roles[0])
    sector = next((r.sector for r in roles if r.sector), None)
    sectors = next((r.sectors for r in roles if r.sectors), ())
    return Entry(name=name, kind="group", how="institution", code=first.code, sector=sector,
                 sectors=sectors, weight=weight, source=source, aliases=aliases)


def agents(path: Path) -> list[Entry]:
    entries = []
    with open(path, encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        for row in rows:
            sectors = _sectors(row["sectors"])
            if sectors:
                entries.append(Entry(name=row["phrase"], kind="sector", how="sector-word",
                                     sector=sectors[0], sectors=sectors, weight=AGENT_WEIGHT,
                                     source="agents", aliases=[row["phrase"]]))
    return entries


def _role_from_petrarch(code: PetrarchCode) -> Role:
    return Role(code=code.code, sector=code.sector, sectors=code.sectors, start=code.start, end=code.end)


def user_file(path: str | Path, problems: list[DictionaryProblem]) -> list[Entry]:
    """A user's file: PETRARCH `.actors`/`.agents`, or YAML in the registry's own formats."""
    path = Path(path)
    if not path.is_file():
        problems.append(DictionaryProblem(str(path), 0, "no such file"))
        return []
    source = f"user:{path.name}"
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _user_yaml(path, problems, source)
    if looks_like_agents(path):
        found, file_problems = read_agents(path)
        problems.extend(file_problems)
        return [Entry(name=a.phrase.lower(), kind="sector", how="sector-word", sector=a.sectors[0],
                      sectors=a.sectors, weight=USER_WEIGHT, source=source,
                      aliases=[a.phrase.lower()])
                for a in found if a.sectors]
    found_actors, file_problems = read_actors(path)
    problems.extend(file_problems)
    entries = []
    for actor in found_actors:
        roles = [_role_from_petrarch(c) for c in actor.codes]
        if not roles:
            problems.append(DictionaryProblem(str(path), actor.line, f"no code for {actor.name!r}"))
            continue
        kind = "person" if any(r.start or r.end for r in roles) else "group"
        names = [readable_name(n) for n in (actor.name, *actor.synonyms)]
        entries.append(_entry_from_roles(names[0], kind, roles, names, USER_WEIGHT, source))
    return entries


def _user_yaml(path: Path, problems: list[DictionaryProblem], source: str) -> list[Entry]:
    try:
        data = _load_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(DictionaryProblem(str(path), (mark.line + 1) if mark else 0,
                                          f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return []
    if not isinstance(data, list):
        problems.append(DictionaryProblem(str(path), 1, "expected a list of records"))
        return []
    entries: list[Entry] = []
    for index, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            problems.append(DictionaryProblem(str(path), index, f"record {index} is not a mapping"))
            continue
        try:
            entries.extend(_user_record(record, problems, path, index, source))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(DictionaryProblem(str(path), index, f"record {index}: {exc}"))
    return entries


def _user_record(record: dict, problems: list[DictionaryProblem], path: Path, index: int,
                 source: str) -> Iterable[Entry]:
    if "roles" in record and "name" in record and "names" not in record:
        roles = tuple(
            Role(code=r["code"], sector=_sectors(r.get("sector"))[0] if r.get("sector") else None,
                 sectors=_sectors(r.get("sector")), office=r.get("office"), title=r.get("title"),
                 start=_as_date(r.get("start")), end=_as_date(r.get("end")))
            for r in record["roles"]
        )
        yield Entry(name=record["name"], kind="person", how="person", roles=roles,
                    weight=USER_WEIGHT, source=source,
                    aliases=[record["name"], *(record.get("aliases") or [])])
    elif "id" in record:
        sectors = _sectors(record.get("sector"))
        yield Entry(name=record["name"], kind=record.get("kind", "org"), how="org", code=record["id"],
                    sector=sectors[0] if sectors else None, sectors=sectors, family=record.get("family"),
                    weight=USER_WEIGHT, source=source,
                    aliases=[record["name"], *(record.get("aliases") or [])])
    elif "code" in record and ("names" in record or "name" in record):
        sectors = _sectors(record.get("sector"))
        names = list(record.get("names") or [record["name"]]) + list(record.get("aliases") or [])
        yield Entry(name=names[0], kind=record.get("kind", "institution"),
                    how=record.get("how", "institution"), code=record["code"],
                    sector=sectors[0] if sectors else None, sectors=sectors,
                    weight=USER_WEIGHT, source=source, aliases=names)
    else:
        raise ValueError("needs name+roles (person), id+name (organisation) or code+names")
