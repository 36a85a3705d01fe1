"""Derive the registry's data files from the shared dictionaries (run by hand, not at run time).

Inputs (beside the checkout, in ../shared/data/dictionaries/):
  ngec/countries.csv                 names and demonyms of 205 states (MIT, NGEC)
  ngec/PLOVER_agents.txt             nouns → PLOVER sector codes (MIT, OEDA/NGEC)
  petrarch/Phoenix.*.actors.txt      Phoenix actors: country aliases and places, leaders
                                     with dated roles to January 2014, organisations,
                                     armed groups (MIT, Open Event Data Alliance)
  petrarch/Phoenix.agents.txt        more nouns → CAMEO sector codes (MIT)
plus the hand-written ``scripts/countries_overlay.yaml`` (short forms, capitals).

Outputs (shipped in the package, src/dyadwatch/actors/data/):
  countries.yaml      one record per state/territory: code, name, aliases, demonyms,
                      capitals, places
  phoenix_actors.tsv  the other Phoenix actors: name, aliases, dated roles, kind
  agents.tsv          sector nouns (singular and plural) → sector codes

Usage: .venv/bin/python scripts/derive_countries.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import yaml

from dyadwatch.actors.petrarch import (
    IGO_CODES,
    SECTOR_CODES,
    PetrarchCode,
    read_actors,
    read_agents,
    readable_name,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "dictionaries"
OUT = REPO / "src" / "dyadwatch" / "actors" / "data"

#: Phoenix country codes that are not ISO 3166-1 alpha-3 today → the state that carries on.
OLD_CODES = {"TMP": "TLS", "KSV": "XKX", "ROM": "ROU", "ZAR": "COD", "SUN": "RUS", "USR": "RUS",
             "YUG": "SRB", "SCG": "SRB", "FRY": "SRB", "CSK": "CZE", "DDR": "DEU", "SRP": "BIH",
             "BUR": "MMR", "UAR": "EGY"}
ORG_IDS = set(IGO_CODES.values())
#: CAMEO's transnational non-state codes, kept as actor codes (the gold files use them).
NON_STATE = {"IMG": "IMG", "NGO": "NGO", "NGM": "NGO"}
#: Phoenix's regional and religious chunks of organisation codes ("IGOAFROAU": an African
#: IGO, the OAU; "NGOWAFMOS"): they say where, not which body.
PHOENIX_REGIONS = {"AFR", "ASA", "BLK", "CAF", "CAS", "CAU", "CRB", "EAF", "EEU", "EUR", "LAM",
                   "MEA", "MDT", "NAF", "NAM", "SAF", "SAM", "SAS", "SEA", "SCN", "WAF", "WST",
                   "ARB", "PGS", "MOS", "CHR", "JEW", "HIN", "BUD", "NMR"}
#: Phoenix's own organisation chunks → registry ids (beyond petrarch.IGO_CODES); a chunk not
#: listed is used as the id itself ("CPA", "IGC").
PHOENIX_ORG_IDS = {
    "EEC": "EU", "NAT": "NATO", "ASN": "ASEAN", "AFU": "AU", "WAS": "ECOWAS", "SAD": "SADC",
    "GOE": "G8", "GOS": "G7", "GSS": "G77", "SAA": "SAARC", "ITP": "INTERPOL", "EBR": "EBRD",
    "ADB": "ADB", "AFB": "AFDB", "EFT": "EFTA", "APE": "OAPEC", "CSS": "CENSAD", "CEM": "CEMAC",
    "CES": "COMESA", "IAD": "IGAD", "IDB": "ISDB", "SOT": "SEATO", "SCE": "OSCE", "ECA": "ECCAS",
    "WAM": "UEMOA", "WAD": "BOAD", "BCA": "BEAC", "NEP": "NEPAD", "DVE": "D8", "AEU": "CAEU",
    "ABD": "BADEA", "IAC": "IACO",
}
#: Phoenix place names that are ordinary English words far more often than towns.
NOT_PLACES = {"Male", "Phoenix", "Buffalo", "Jersey", "Reading", "Mobile", "Nice", "Bath",
              "Split", "Independence", "Liberty", "Hope", "Union", "Concord", "Soviet"}
#: Codes in countries.csv that are organisations or breakaway regions, not states.
NOT_STATES = {"EUR", "UNO"}
#: Words that make a name a body of water, never a place standing for a state.
WATER_WORDS = re.compile(r"\b(sea|ocean|gulf|strait|straits|channel|bay|lake|river|canal|lagoon)\b", re.I)
#: Phoenix sectors a place block may carry and still be the state itself ("IRQOCC":
#: Iraq under occupation, 2003-06).
PLACE_SECTORS = {"OCC"}


def _clean(name: str) -> str:
    return " ".join(name.replace("_", " ").split())


def _plural(word: str) -> str:
    last = word.split()[-1] if word.split() else word
    head = word[: len(word) - len(last)]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return head + last + "es"
    if last.endswith("y") and len(last) > 1 and last[-2] not in "aeiou":
        return head + last[:-1] + "ies"
    if last.endswith("man"):
        return head + last[:-3] + "men"
    return head + last + "s"


def derive_countries() -> list[dict]:
    overlay = yaml.safe_load((REPO / "scripts" / "countries_overlay.yaml").read_text())
    records: dict[str, dict] = {}
    breakaway: list[dict] = []
    with open(SHARED / "ngec" / "countries.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["CCA3"]
            if len(code) == 6 and code.endswith("PRE"):
                breakaway.append({"code": code[:3], "name": row["Name"],
                                  "aliases": [d.strip() for d in row["Nationality"].split(",") if d.strip()]})
                continue
            if len(code) != 3 or code in NOT_STATES:
                continue
            demonyms = [d.strip() for d in row["Nationality"].split(",") if d.strip()]
            names = [d for d in demonyms if d[0].isupper() and (" of " in d or "Republic" in d)]
            records[code] = {"code": code, "name": row["Name"].split(" [")[0], "kind": "state",
                             "aliases": names,
                             "demonyms": [d for d in demonyms if d not in names],
                             "capitals": [], "places": []}
    extra_places = {key[:3]: value for key, value in overlay.items() if key.endswith("_places")}
    overlay = {key: value for key, value in overlay.items() if not key.endswith("_places")}
    for code, extra in overlay.items():
        record = records.setdefault(code, {"code": code, "name": extra.get("name", code),
                                           "kind": extra.get("kind", "territory"), "aliases": [],
                                           "demonyms": [], "capitals": [], "places": []})
        for key in ("aliases", "demonyms", "capitals"):
            for value in extra.get(key) or []:
                if value not in record[key]:
                    record[key].append(value)
        for region in extra.get("breakaway") or []:
            breakaway.append({"code": code, **region})
    for code, places in extra_places.items():
        records[code]["places"].extend(places)
    actors, problems = read_actors(SHARED / "petrarch" / "Phoenix.Countries.actors.txt")
    for problem in problems:
        print(f"skipped {problem}", file=sys.stderr)
    waters = {str(w).lower() for w in yaml.safe_load((OUT / "waters.yaml").read_text()) or []}
    for actor in actors:
        code = _place_block(actor, set(records))
        if code is None:
            continue
        record = records[code]
        known = {v.lower() for k in ("aliases", "demonyms", "capitals", "places") for v in record[k]}
        known.add(record["name"].lower())
        for phrase in [actor.name, *actor.synonyms]:
            readable = readable_name(_clean(phrase))
            if readable.lower() in waters or WATER_WORDS.search(readable):
                continue  # "Red Sea", "Gulf of Oman": where ships sail, not the state
            bare = readable.lower().removeprefix("the ")
            if bare in known or f"the {bare}" in known:
                continue  # "The US", "The Uk": the state's own name, not a place in it
            if readable.lower() not in known and len(readable) > 2 and readable not in NOT_PLACES:
                record["places"].append(readable)
                known.add(readable.lower())
    # The overlay's hand-written entries replace the CSV's of the same name (whose
    # "nationality" column gives bare city names such as "Donetsk").
    by_name = {r["name"]: r for r in breakaway}
    breakaway = list(by_name.values())
    for region in breakaway:
        # Partly recognised states (Abkhazia, Transnistria, ...) keep the code of the state
        # they broke from, with the sector PRE.
        records[region["code"]].setdefault("breakaway", []).append(
            {"name": region["name"], "aliases": region["aliases"]})
    return sorted(records.values(), key=lambda r: r["code"])


def _place_block(actor, states: set[str]) -> str | None:
    """The state a Phoenix.Countries block names, when the block is that state or a place
    in it: one undated code ("MOSUL_ [IRQ]"), or one state under dated sovereignty
    ("SAMARRA" in the IRAQ_ block: [IRQ <20030320] [IRQOCC ...] [IRQ >20060520]).
    People (CountryInfo blocks, dated offices) and sectors (GOV, MIL, ...) are not places."""
    codes = actor.codes
    if not codes or "CountryInfo" in (actor.comment or "") or "rulers" in (actor.comment or ""):
        return None
    if len(codes) == 1 and not (codes[0].sector or codes[0].start or codes[0].end):
        code = OLD_CODES.get(codes[0].code, codes[0].code)
        return code if code in states else None
    # Only places of a state that exists today and still holds them: blocks of former
    # states (Czechoslovakia, the GDR, Serbia and Montenegro) stay actors in their own right.
    found = {c.code for c in codes}
    if len(found) != 1 or any(set(c.sectors) - PLACE_SECTORS for c in codes):
        return None
    code = found.pop()
    if not any(c.end is None for c in codes):
        return None
    return code if code in states else None


def derive_phoenix_actors(country_codes: set[str], country_names: dict[str, str]) -> list[list[str]]:
    rows = []
    for name in ("Countries", "International", "MilNonState"):
        actors, problems = read_actors(SHARED / "petrarch" / f"Phoenix.{name}.actors.txt",
                                       country_codes | set(OLD_CODES))
        for problem in problems:
            print(f"skipped {problem}", file=sys.stderr)
        for actor in actors:
            codes = [c for c in actor.codes if c.code or c.sector]
            if not codes:
                continue
            undated = len(codes) == 1 and not (codes[0].sector or codes[0].start or codes[0].end)
            if name == "Countries" and (undated or _place_block(actor, country_codes) is not None):
                continue  # country and place blocks went to countries.yaml
            dated = any(c.start or c.end for c in codes)
            person = dated or "CountryInfo" in (actor.comment or "") or "rulers" in (actor.comment or "")
            roles = []
            for c in codes:
                named, sectors = _organisation_code(c, country_codes)
                code = named or NON_STATE.get(OLD_CODES.get(c.code, c.code), OLD_CODES.get(c.code, c.code))
                if not named and code not in country_codes and code not in ORG_IDS \
                        and code not in NON_STATE.values():
                    # Phoenix's regional and non-state codes (IMG, MEA, SAS, KKL, ...) name
                    # no state: keep the sector, drop the code.
                    code = ""
                roles.append(":".join([code, "/".join(sectors), c.start.isoformat() if c.start else "",
                                       c.end.isoformat() if c.end else ""]))
            aliases = [readable_name(_clean(s)) for s in actor.synonyms]
            if not person and not any(r.split(":")[0] for r in roles):
                # A non-state group coded only by region ("Army for the Liberation of
                # Rwanda" [KKLREB]): the country its name carries, if any.
                found = _country_in(" ".join([actor.name, *actor.synonyms]), country_names)
                if found:
                    roles = [found + r for r in roles]
            if not any(r.split(":")[0] for r in roles):
                # An international body or NGO Phoenix names no id for ("Greenpeace" [NGOENV],
                # "Antarctic Treaty" [IGO]): the generic bucket, so it still acts as itself.
                bucket = _bucket(codes)
                if bucket:
                    roles = [(bucket + r) if not r.split(":")[0] else r for r in roles]
            rows.append([readable_name(_clean(actor.name)), "|".join(a for a in aliases if a),
                         ";".join(roles), "person" if person else "group", name])
    return rows


def _organisation_code(c: PetrarchCode, country_codes: set[str]) -> tuple[str, tuple[str, ...]]:
    """The registry id of a Phoenix organisation or company code, and its sectors.

    "IGOAFROAU" → OAU (the region chunk AFR says where, not which body); "IGOWSTNAT" → NATO;
    "IGOUNO..." stays the UN; "MNCUSA" (a company) → USA, sector BUS. ("", sectors) when the
    code names no body or state (the caller's rules apply).
    """
    raw = c.raw.split()[0].upper().lstrip("~") if c.raw.split() else ""
    chunks = [raw[i:i + 3] for i in range(0, len(raw), 3)]
    if not chunks:
        return "", c.sectors
    head, rest = chunks[0], chunks[1:]
    if head == "IGO" and rest:
        if rest[0] in IGO_CODES and rest[0] not in PHOENIX_REGIONS:
            return IGO_CODES[rest[0]], c.sectors
        for chunk in rest:
            if chunk in PHOENIX_REGIONS or chunk in SECTOR_CODES or chunk in country_codes:
                continue
            return PHOENIX_ORG_IDS.get(chunk, IGO_CODES.get(chunk, chunk)), c.sectors
        return "", c.sectors
    if head == "MNC":
        country = next((OLD_CODES.get(ch, ch) for ch in rest if OLD_CODES.get(ch, ch) in country_codes), "")
        if country:
            return country, ("BUS", *(s for s in c.sectors if s != "BUS"))
    return "", c.sectors


def _bucket(codes: list[PetrarchCode]) -> str:
    """IGO or NGO when every code of an entry is one of those transnational buckets."""
    heads = {c.raw.split()[0].upper().lstrip("~")[:3] for c in codes if c.raw.split()}
    return heads.pop() if len(heads) == 1 and heads <= {"IGO", "NGO"} else ""


def _country_in(text: str, country_names: dict[str, str]) -> str | None:
    words = f" {_clean(text).lower()} "
    found = {code for name, code in country_names.items() if f" {name} " in words}
    return found.pop() if len(found) == 1 else None


def derive_agents() -> list[list[str]]:
    rows: dict[str, list[str]] = {}
    for path in (SHARED / "ngec" / "PLOVER_agents.txt", SHARED / "petrarch" / "Phoenix.agents.txt"):
        agents, problems = read_agents(path)
        for problem in problems:
            print(f"skipped {problem}", file=sys.stderr)
        for agent in agents:
            phrase = agent.phrase.lower()
            for form in {phrase, _plural(phrase)}:
                rows.setdefault(form, [form, ",".join(agent.sectors), path.name])
    return sorted(rows.values())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    countries = derive_countries()
    header = ("# Derived by scripts/derive_countries.py from ngec/countries.csv (NGEC, MIT),\n"
              "# Phoenix.Countries.actors.txt (Open Event Data Alliance, MIT) and\n"
              "# scripts/countries_overlay.yaml. Do not edit by hand: edit the overlay and re-run.\n")
    with open(OUT / "countries.yaml", "w", encoding="utf-8") as handle:
        handle.write(header)
        yaml.safe_dump(countries, handle, allow_unicode=True, sort_keys=False, width=120)
    codes = {c["code"] for c in countries}
    with open(OUT / "phoenix_actors.tsv", "w", encoding="utf-8", newline="") as handle:
        handle.write("# Derived by scripts/derive_countries.py from Phoenix.*.actors.txt "
                     "(Open Event Data Alliance, MIT). Roles: CODE:SECTORS:START:END.\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["name", "aliases", "roles", "kind", "file"])
        names = {n.lower(): c["code"] for c in countries
                 for n in [c["name"], *c["aliases"], *c["demonyms"]] if len(n) > 3}
        writer.writerows(derive_phoenix_actors(codes, names))
    with open(OUT / "agents.tsv", "w", encoding="utf-8", newline="") as handle:
        handle.write("# Derived by scripts/derive_countries.py from ngec/PLOVER_agents.txt and "
                     "Phoenix.agents.txt (MIT).\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["phrase", "sectors", "file"])
        writer.writerows(derive_agents())
    print(f"wrote {len(countries)} countries to {OUT}")


if __name__ == "__main__":
    main()
