"""Validate the people data file (src/dyadwatch/actors/data/people.yaml) on its own.

The file is the dated who-held-which-office registry the actor resolver uses, so
errors in it silently mis-code events ("the president" in 2019 vs 2025).  These
tests check it with PyYAML alone (no dependency on the loader) and spot-check
real facts so that a bad edit to a well-known entry is caught.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
PEOPLE_FILE = REPO / "src" / "dyadwatch" / "actors" / "data" / "people.yaml"

# `end: null` means "still in office on" this date (see interfaces.md).
AS_OF = dt.date(2026, 11, 22)
EARLIEST = dt.date(1900, 1, 1)

ORG_IDS = set(
    [
        "UN",
        "UNSC",
        "UNGA",
        "UNHCR",
        "UNICEF",
        "UNDP",
        "NATO",
        "EU",
        "EUCOM",
        "EUCO",
        "EP",
        "ECB",
        "OSCE",
        "BRICS",
        "SCO",
        "CSTO",
        "G7",
        "G20",
        "IAEA",
        "ICC",
        "ICJ",
        "IMF",
        "WB",
        "AU",
        "ASEAN",
        "OPEC",
        "ARL",
        "WHO",
        "WTO",
        "OAS",
        "GCC",
        "CIS",
        "EEU",
        "COE",
        "OPCW",
        "WFP",
        "ICRC",
        # further organisation ids of the registry (actors/data/organisations.yaml)
        "OECD",
        "EEAS",
        "UNHRC",
        "EUCON",
        "CJEU",
        "ECHR",
        "G8",
        "ECOWAS",
        "SADC",
        "APEC",
        "OIC",
        "MERCOSUR",
    ]
)
SECTORS = set(
    [
        "GOV",
        "MIL",
        "LEG",
        "JUD",
        "COP",
        "SPY",
        "PTY",
        "POL",
        "OPP",
        "REB",
        "ELI",
        "BUS",
        "MED",
        "JRN",
        "CVL",
        "EDU",
        "LAB",
        "REF",
        "CRM",
        "UAF",
        "IGO",
        "NGO",
    ]
)
OFFICES = set(
    [
        "head-of-state",
        "president",
        "vice-president",
        "prime-minister",
        "chancellor",
        "monarch",
        "supreme-leader",
        "foreign-minister",
        "defence-minister",
        "secretary-of-state",
        "national-security-adviser",
        "spokesperson",
        "envoy",
        "ambassador",
        "un-ambassador",
        "intelligence-chief",
        "security-council-secretary",
        "finance-minister",
        "interior-minister",
        "chief-of-staff",
        "party-leader",
        "speaker",
        "senator",
        "legislator",
        "secretary-general",
        "commission-president",
        "high-representative",
        "director-general",
        "other",
    ]
)
PERSON_KEYS = {"name", "aliases", "roles"}
ROLE_REQUIRED = {"code", "sector", "office", "title", "start", "end"}

# Names that really are used for two people who were in office at the same
# time; the resolver must disambiguate them by context, so they are allowed.
GENUINELY_AMBIGUOUS = {
    "clinton",  # Bill's presidency ended 2001-01-20; Hillary was sworn in as senator 2001-01-03
    "castro",  # Fidel led the Cuban party until 2011 while Raúl was president from 2008
}


def _norm(name: str) -> str:
    """Case- and accent-insensitive key, as a reader would match the names."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\s.\-']+", " ", stripped).strip().casefold()


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


@pytest.fixture(scope="module")
def people() -> list[dict[str, Any]]:
    text = PEOPLE_FILE.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
    except ValueError as exc:
        # PyYAML builds dates while parsing, so 2019-13-01 fails the whole load
        # without a position; point at the offending lines instead.
        bad = [
            f"line {n}: {m.group(0)}"
            for n, line in enumerate(text.splitlines(), start=1)
            for m in re.finditer(r"(?:start|end):\s*(\d{4}-\d{2}-\d{2})", line)
            if not _is_iso_date(m.group(1))
        ]
        pytest.fail(f"{PEOPLE_FILE}: {exc}; {bad or 'no obvious bad date'}")
    assert isinstance(data, list), "people.yaml must be a YAML list of people"
    return data


def _span(role: dict[str, Any]) -> tuple[dt.date, dt.date]:
    return role["start"], role["end"] or AS_OF


def _overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    # Handovers happen on a day: one term ending on the day the next begins is
    # not an overlap.
    return a[0] < b[1] and b[0] < a[1]


def _by_name(people: list[dict[str, Any]], name: str) -> dict[str, Any]:
    found = [p for p in people if p["name"] == name]
    assert len(found) == 1, f"expected exactly one entry named {name!r}, found {len(found)}"
    return found[0]


def _roles(person: dict[str, Any], office: str, code: str | None = None) -> list[tuple]:
    return sorted(
        (r["start"], r["end"])
        for r in person["roles"]
        if r["office"] == office and (code is None or r["code"] == code)
    )


# ---------------------------------------------------------------- schema


def test_every_entry_has_the_schema(people: list[dict[str, Any]]) -> None:
    problems: list[str] = []
    for i, person in enumerate(people):
        where = f"entry {i} ({person.get('name', '?')})"
        if not isinstance(person, dict):
            problems.append(f"{where}: not a mapping")
            continue
        if person.keys() != PERSON_KEYS:
            problems.append(f"{where}: keys {sorted(person)} != {sorted(PERSON_KEYS)}")
            continue
        if not isinstance(person["name"], str) or not person["name"].strip():
            problems.append(f"{where}: empty name")
        aliases = person["aliases"]
        if not isinstance(aliases, list) or not all(
            isinstance(a, str) and a.strip() for a in aliases
        ):
            problems.append(f"{where}: aliases must be a list of non-empty strings")
        if not isinstance(person["roles"], list) or not person["roles"]:
            problems.append(f"{where}: needs at least one role")
            continue
        for role in person["roles"]:
            if not isinstance(role, dict):
                problems.append(f"{where}: role {role!r} is not a mapping")
                continue
            if role.keys() != ROLE_REQUIRED:
                problems.append(f"{where}: role keys {sorted(role)} != {sorted(ROLE_REQUIRED)}")
                continue
            code = role["code"]
            if not (isinstance(code, str) and (re.fullmatch(r"[A-Z]{3}", code) or code in ORG_IDS)):
                problems.append(
                    f"{where}: code {code!r} is neither ISO-3 nor a known organisation id"
                )
            if role["sector"] not in SECTORS:
                problems.append(f"{where}: sector {role['sector']!r} not in the vocabulary")
            if role["office"] not in OFFICES:
                problems.append(f"{where}: office {role['office']!r} not in the vocabulary")
            if not isinstance(role["title"], str) or not role["title"].strip():
                problems.append(f"{where}: empty title")
            start, end = role["start"], role["end"]
            # PyYAML turns unquoted ISO dates into date objects; anything else
            # (a typo such as 2019-13-01 or a quoted string) stays a string.
            if not isinstance(start, dt.date):
                problems.append(f"{where}: start {start!r} is not an ISO date")
                continue
            if end is not None and not isinstance(end, dt.date):
                problems.append(f"{where}: end {end!r} is not an ISO date or null")
                continue
            if not EARLIEST <= start <= AS_OF:
                problems.append(f"{where}: start {start} out of range")
            if end is not None and not start <= end <= AS_OF:
                problems.append(f"{where}: end {end} before start {start} or after {AS_OF}")
    assert not problems, "\n".join(problems)


def test_dates_are_written_as_iso_in_the_file() -> None:
    # Catch dates that YAML would read as something else (e.g. 2019-5-20).
    text = PEOPLE_FILE.read_text(encoding="utf-8")
    bad = re.findall(r"(?:start|end):\s*(?!null\b)(?!\d{4}-\d{2}-\d{2}\b)([^,}\s]+)", text)
    assert not bad, f"non-ISO dates: {bad[:10]}"


def test_no_overlapping_duplicate_roles(people: list[dict[str, Any]]) -> None:
    problems = []
    for person in people:
        by_office = defaultdict(list)
        for role in person["roles"]:
            by_office[(role["code"], role["office"], role["title"])].append(_span(role))
        for key, spans in by_office.items():
            spans.sort()
            for a, b in pairwise(spans):
                if _overlap(a, b):
                    problems.append(f"{person['name']}: {key} held twice at once {a} / {b}")
    assert not problems, "\n".join(problems)


def test_roles_are_listed_in_date_order(people: list[dict[str, Any]]) -> None:
    # Keeps the file reviewable: a person's career reads top to bottom.
    unsorted = [
        p["name"]
        for p in people
        if [r["start"] for r in p["roles"]] != sorted(r["start"] for r in p["roles"])
    ]
    assert not unsorted, f"roles not in start-date order: {unsorted}"


def test_names_are_unique(people: list[dict[str, Any]]) -> None:
    seen: dict[str, str] = {}
    dupes = []
    for person in people:
        key = _norm(person["name"])
        if key in seen:
            dupes.append(person["name"])
        seen[key] = person["name"]
    assert not dupes, f"duplicate canonical names: {dupes}"


def test_no_alias_names_two_people_in_office_at_once(people: list[dict[str, Any]]) -> None:
    holders: dict[str, list[tuple[str, list[tuple[dt.date, dt.date]]]]] = defaultdict(list)
    for person in people:
        spans = [_span(r) for r in person["roles"]]
        for label in {_norm(n) for n in [person["name"], *person["aliases"]]}:
            holders[label].append((person["name"], spans))
    clashes = []
    for label, owners in holders.items():
        if len(owners) < 2 or label in GENUINELY_AMBIGUOUS:
            continue
        for i, (name_a, spans_a) in enumerate(owners):
            for name_b, spans_b in owners[i + 1 :]:
                if any(_overlap(a, b) for a in spans_a for b in spans_b):
                    clashes.append(f"{label!r}: {name_a} / {name_b}")
    assert not clashes, "\n".join(clashes)


def test_aliases_do_not_repeat_the_name(people: list[dict[str, Any]]) -> None:
    # Exact (case-insensitive) repeats only: "J.D. Vance" and "J. D. Vance"
    # tokenize differently, so both spellings are useful to a phrase matcher.
    problems = []
    for person in people:
        keys = [a.casefold() for a in person["aliases"]]
        if person["name"].casefold() in keys:
            problems.append(f"{person['name']}: alias repeats the name")
        if len(keys) != len(set(keys)):
            problems.append(f"{person['name']}: duplicate aliases {person['aliases']}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- coverage

G20_AND_FOCUS = list(
    [
        "ARG",
        "AUS",
        "BRA",
        "CAN",
        "CHN",
        "FRA",
        "DEU",
        "IND",
        "IDN",
        "ITA",
        "JPN",
        "KOR",
        "MEX",
        "RUS",
        "SAU",
        "ZAF",
        "TUR",
        "GBR",
        "USA",
        "UKR",
        "IRN",
        "PRK",
        "ISR",
        "BLR",
    ]
)
CORPUS_STATES = list(
    [
        "POL",
        "LTU",
        "LVA",
        "EST",
        "FIN",
        "SWE",
        "NOR",
        "MDA",
        "GEO",
        "KAZ",
        "SYR",
        "VEN",
        "CUB",
        "QAT",
        "ARE",
        "EGY",
        "PAK",
        "HUN",
        "ROU",
        "NLD",
        "ESP",
        "DNK",
    ]
)
LEADER_OFFICES = {
    "head-of-state",
    "president",
    "prime-minister",
    "chancellor",
    "monarch",
    "supreme-leader",
}


def _holders(people: list[dict[str, Any]], code: str, offices: set[str], on: dt.date) -> list[str]:
    return [
        p["name"]
        for p in people
        for r in p["roles"]
        if r["code"] == code and r["office"] in offices and r["start"] <= on <= (r["end"] or AS_OF)
    ]


@pytest.mark.parametrize("code", G20_AND_FOCUS + CORPUS_STATES)
def test_every_covered_state_has_a_leader_on_sample_dates(
    people: list[dict[str, Any]], code: str
) -> None:
    missing = [
        day
        for day in (
            dt.date(2000, 6, 1),
            dt.date(2014, 3, 1),
            dt.date(2022, 3, 1),
            dt.date(2026, 6, 1),
        )
        if not _holders(people, code, LEADER_OFFICES, day)
    ]
    assert not missing, f"{code}: no head of state/government on {missing}"


@pytest.mark.parametrize("code", G20_AND_FOCUS + CORPUS_STATES)
def test_every_covered_state_has_current_foreign_minister(
    people: list[dict[str, Any]], code: str
) -> None:
    offices = {"foreign-minister", "secretary-of-state"}
    assert _holders(people, code, offices, dt.date(2025, 6, 1)), (
        f"{code}: no foreign minister in June 2025"
    )


# North Korea's defence ministers are too thinly reported to date reliably.
DEFENCE_COVERED = [c for c in G20_AND_FOCUS if c != "PRK"]


@pytest.mark.parametrize("code", DEFENCE_COVERED)
def test_g20_and_focus_states_have_a_defence_minister(
    people: list[dict[str, Any]], code: str
) -> None:
    offices = {"defence-minister"}
    for day in (dt.date(2022, 3, 1), dt.date(2025, 6, 1)):
        assert _holders(people, code, offices, day), f"{code}: no defence minister on {day}"


def test_breadth(people: list[dict[str, Any]]) -> None:
    assert len(people) >= 300
    assert sum(len(p["roles"]) for p in people) >= 450


def test_international_organisation_leaders_cover_the_period(people: list[dict[str, Any]]) -> None:
    for code, office in [
        ("UN", "secretary-general"),
        ("NATO", "secretary-general"),
        ("IAEA", "director-general"),
        ("IMF", "director-general"),
        ("OSCE", "secretary-general"),
        ("EUCOM", "commission-president"),
    ]:
        for day in (
            dt.date(1998, 1, 1),
            dt.date(2010, 1, 1),
            dt.date(2020, 1, 1),
            dt.date(2026, 1, 1),
        ):
            got = _holders(people, code, {office}, day)
            assert len(got) == 1, f"{code} {office} on {day}: {got}"


def test_us_presidents_are_continuous_and_single(people: list[dict[str, Any]]) -> None:
    spans = sorted(
        _span(r)
        for p in people
        for r in p["roles"]
        if r["code"] == "USA" and r["office"] == "president"
    )
    assert spans[0][0] <= dt.date(1990, 1, 1)
    for a, b in pairwise(spans):
        assert a[1] == b[0], f"gap or overlap between US presidencies {a} and {b}"
    assert spans[-1][1] == AS_OF


# ---------------------------------------------------------------- real facts


def test_trump(people: list[dict[str, Any]]) -> None:
    trump = _by_name(people, "Donald Trump")
    assert _roles(trump, "president", "USA") == [
        (dt.date(2017, 1, 20), dt.date(2021, 1, 20)),
        (dt.date(2025, 1, 20), None),
    ]
    assert "Trump" in trump["aliases"]


def test_biden(people: list[dict[str, Any]]) -> None:
    biden = _by_name(people, "Joe Biden")
    assert _roles(biden, "vice-president", "USA") == [(dt.date(2009, 1, 20), dt.date(2017, 1, 20))]
    assert _roles(biden, "president", "USA") == [(dt.date(2021, 1, 20), dt.date(2025, 1, 20))]
    assert _roles(biden, "senator", "USA"), "Biden was a senator before 2009"


def test_rubio(people: list[dict[str, Any]]) -> None:
    rubio = _by_name(people, "Marco Rubio")
    senate = _roles(rubio, "senator", "USA")
    state = _roles(rubio, "secretary-of-state", "USA")
    assert senate and state
    assert state[0] == (dt.date(2025, 1, 21), None)
    assert senate[-1][1] <= state[0][0]
    # Rubio is also acting national security adviser from May 2025.
    assert _roles(rubio, "national-security-adviser", "USA")


def test_lavrov(people: list[dict[str, Any]]) -> None:
    lavrov = _by_name(people, "Sergey Lavrov")
    assert _roles(lavrov, "foreign-minister", "RUS") == [(dt.date(2004, 3, 9), None)]
    assert {"Lavrov", "Sergei Lavrov"} <= set(lavrov["aliases"])


def test_medvedev(people: list[dict[str, Any]]) -> None:
    medvedev = _by_name(people, "Dmitry Medvedev")
    assert _roles(medvedev, "president", "RUS") == [(dt.date(2008, 5, 7), dt.date(2012, 5, 7))]
    assert _roles(medvedev, "prime-minister", "RUS") == [
        (dt.date(2012, 5, 8), dt.date(2020, 1, 16))
    ]


def test_putin_changes_of_office(people: list[dict[str, Any]]) -> None:
    putin = _by_name(people, "Vladimir Putin")
    pres = _roles(putin, "president", "RUS")
    pm = _roles(putin, "prime-minister", "RUS")
    # Acting president from Yeltsin's resignation, then two elected spells.
    assert [s for s, _ in pres] == [dt.date(1999, 12, 31), dt.date(2000, 5, 7), dt.date(2012, 5, 7)]
    assert pres[-1][1] is None
    assert (dt.date(2008, 5, 7), dt.date(2012, 5, 7)) not in pres
    assert [s for s, _ in pm] == [dt.date(1999, 8, 16), dt.date(2008, 5, 8)]


def test_zelensky(people: list[dict[str, Any]]) -> None:
    zelensky = _by_name(people, "Volodymyr Zelensky")
    assert _roles(zelensky, "president", "UKR") == [(dt.date(2019, 5, 20), None)]
    assert {"Zelensky", "Zelenskyy", "Volodymyr Zelenskyy"} <= set(zelensky["aliases"])


def test_people_who_change_roles_keep_them(people: list[dict[str, Any]]) -> None:
    shoigu = _by_name(people, "Sergei Shoigu")
    assert _roles(shoigu, "defence-minister", "RUS") == [
        (dt.date(2012, 11, 6), dt.date(2024, 5, 12))
    ]
    assert _roles(shoigu, "security-council-secretary", "RUS")[0][0] == dt.date(2024, 5, 12)
    kuleba = _by_name(people, "Dmytro Kuleba")
    assert _roles(kuleba, "foreign-minister", "UKR") == [(dt.date(2020, 3, 4), dt.date(2024, 9, 5))]
    sybiha = _by_name(people, "Andrii Sybiha")
    assert _roles(sybiha, "foreign-minister", "UKR") == [(dt.date(2024, 9, 5), None)]
    hegseth = _by_name(people, "Pete Hegseth")
    assert _roles(hegseth, "defence-minister", "USA")[0][0] == dt.date(2025, 1, 25)


def test_who_held_office_on_a_date(people: list[dict[str, Any]]) -> None:
    cases = [
        ("RUS", {"president"}, dt.date(2010, 1, 1), ["Dmitry Medvedev"]),
        ("UKR", {"president"}, dt.date(2016, 1, 1), ["Petro Poroshenko"]),
        ("GBR", {"prime-minister"}, dt.date(2023, 1, 1), ["Rishi Sunak"]),
        ("DEU", {"chancellor"}, dt.date(2019, 1, 1), ["Angela Merkel"]),
        ("CHN", {"president"}, dt.date(2015, 1, 1), ["Xi Jinping"]),
        ("IRN", {"supreme-leader"}, dt.date(1995, 1, 1), ["Ali Khamenei"]),
        ("USA", {"secretary-of-state"}, dt.date(2015, 1, 1), ["John Kerry"]),
        ("NATO", {"secretary-general"}, dt.date(2024, 12, 1), ["Mark Rutte"]),
        ("UN", {"secretary-general"}, dt.date(2012, 1, 1), ["Ban Ki-moon"]),
    ]
    for code, offices, day, expected in cases:
        assert sorted(_holders(people, code, offices, day)) == expected, (code, day)


def test_aliases_include_transliteration_variants(people: list[dict[str, Any]]) -> None:
    erdogan = _by_name(people, "Recep Tayyip Erdoğan")
    assert {"Erdogan", "Erdoğan", "Recep Tayyip Erdogan"} <= set(erdogan["aliases"])
    assert "Xi" in _by_name(people, "Xi Jinping")["aliases"]
