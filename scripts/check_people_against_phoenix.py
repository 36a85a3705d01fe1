"""Cross-check the dated roles in people.yaml against the Phoenix/CountryInfo dictionary.

Development aid, not used at run time.  Phoenix.Countries.actors.txt (../shared/data/
dictionaries/petrarch/, MIT licence) lists leaders with date-ranged CAMEO codes up to
early 2014.  For every person found in both files this prints the Phoenix government
spells (xxxGOV...) that start or end inside our spells for that country but more than
--tolerance days away from any start or end date of ours, so that a person can review them by hand.  Phoenix is itself coarse
(many ranges start on 1 January 2003 simply because that is when coverage began), so
a line in the report is a prompt to look, not proof of an error.

    .venv/bin/python scripts/check_people_against_phoenix.py [--tolerance 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
PEOPLE = REPO / "src" / "dyadwatch" / "actors" / "data" / "people.yaml"
PHOENIX = (
    REPO.parent / "shared" / "data" / "dictionaries" / "petrarch" / "Phoenix.Countries.actors.txt"
)
CUTOFF = dt.date(2014, 1, 30)  # date the Phoenix file was generated
CODE_RE = re.compile(r"\[([A-Z]{3})([A-Z]*)\s*([<>]?)(\d{6,8})?(?:-(\d{6,8}))?\]")


def _key(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^A-Z]+", "_", plain.upper()).strip("_")


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    if len(text) == 8:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    year = int(text[:2])
    year += 1900 if year > 30 else 2000
    return dt.date(year, int(text[2:4]), int(text[4:]))


def read_phoenix(path: Path) -> dict[str, list[tuple[str, dt.date | None, dt.date | None]]]:
    """Person key -> [(country+sector, start, end)] for entries with dated codes."""
    people: dict[str, list[tuple[str, dt.date | None, dt.date | None]]] = {}
    names: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if line[0] not in " \t+[":
            names = [line.strip()]
            continue
        if line.startswith("+"):
            names.append(line[1:].strip())
            continue
        match = CODE_RE.search(line)
        if not match or not match.group(4):
            continue
        country, sector, direction, first, second = match.groups()
        try:
            start, end = _date(first), _date(second)
        except ValueError:  # the file has a few impossible dates such as 310931
            continue
        if direction == "<":
            start, end = None, start
        elif direction == ">":
            end = None
        spell = (country + sector, start, end)
        for name in names:
            people.setdefault(_key(name), []).append(spell)
    return people


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tolerance", type=int, default=40, help="days of slack")
    args = parser.parse_args()
    if not PHOENIX.exists():
        print(f"{PHOENIX}: not found (the shared data folder must sit beside the checkout)")
        return 1
    phoenix = read_phoenix(PHOENIX)
    ours = yaml.safe_load(PEOPLE.read_text(encoding="utf-8"))
    slack = dt.timedelta(days=args.tolerance)
    matched = flagged = 0
    for person in ours:
        spells = next(
            (phoenix[k] for n in [person["name"], *person["aliases"]] if (k := _key(n)) in phoenix),
            None,
        )
        if not spells:
            continue
        matched += 1
        our_dates = [d for r in person["roles"] for d in (r["start"], r["end"]) if d]
        for code, start, end in spells:
            # Plain GOV spells only: GOVBUS, GOVDEV, ... are other portfolios that
            # people.yaml does not try to cover.
            if code[3:] != "GOV":
                continue
            ours_here = [r for r in person["roles"] if r["code"] == code[:3]]
            if not ours_here:
                continue
            first = min(r["start"] for r in ours_here)
            last = max(r["end"] or CUTOFF for r in ours_here)
            for label, day in (("start", start), ("end", end)):
                # Phoenix has no information after its cut-off, and coverage-start
                # dates (1 January 2003 and the like) carry no meaning.
                if day is None or day >= CUTOFF or (day.month, day.day) == (1, 1):
                    continue
                # A boundary outside our spells is a portfolio we do not list.
                if not first - slack <= day <= last + slack:
                    continue
                if not any(abs(day - ours_day) <= slack for ours_day in our_dates):
                    flagged += 1
                    print(f"{person['name']}: Phoenix {code} {label} {day} has no match in ours")
    print(f"# {matched} people matched in Phoenix, {flagged} dates to review", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
