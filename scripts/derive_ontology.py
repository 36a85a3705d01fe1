#!/usr/bin/env python3
"""Derive dyadwatch's ontology tables from the PLOVER/CAMEO source files.

Inputs (``../shared/data/ontology/`` beside the checkout, or ``--source DIR``):
  plover_ontology_2024.json            PLOVER 2024 types, modes, contexts, scores
  cameo_codes_goldstein_quad_plover.tsv CAMEO codes, Goldstein values, quad classes
  CAMEO2PLOVER-2021.txt                the CAMEO -> PLOVER draft mapping

Outputs (``src/dyadwatch/ontology/data/``), shipped in the package:
  plover.json          16 event types with quad class, modes, scores; contexts
  cameo.tsv            every CAMEO code with Goldstein, quad class and its PLOVER reading
  plover_to_cameo.tsv  the nearest CAMEO code for each PLOVER event and event:mode

The corrections applied to the sources (each one is printed when the script runs):
  * ACCUSE's base score is printed +3 in the manual's table; its modes are all negative
    and it is a verbal-conflict type, so it is -3.
  * CAMEO 163 (embargo, boycott, sanctions) is SANCTION/discontinue (economic), as the
    2024 manual says of international sanctions, not the 2021 draft's COERCE/restrict.
  * CAMEO 02x (APPEAL), which the 2021 draft leaves out, is REQUEST (PLOVER 2024: "all
    requests, demands, and orders"), with the mode of its DEMAND twin (0231 -> 1031).
  * modes and contexts the 2021 draft uses but PLOVER 2024 does not have are mapped to
    the nearest 2024 value (table below) or dropped, so every mode is a 2024 mode.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "ontology"
DEFAULT_OUT = REPO / "src" / "dyadwatch" / "ontology" / "data"

QUADS = {
    "VERBAL COOPERATION": 1,
    "MATERIAL COOPERATION": 2,
    "VERBAL CONFLICT": 3,
    "MATERIAL CONFLICT": 4,
}

# 2021-draft mode -> 2024 mode, per event ("" drops the mode).
MODE_FIXES: dict[tuple[str, str], str] = {
    ("RETREAT", "return"): "release",  # return of property sits with release of captives
    ("RETREAT", "ease"): "",
    ("THREATEN", "ban"): "restrict",
    ("THREATEN", "political"): "restrict",
    ("COERCE", "ban"): "restrict",
    ("ASSAULT", "assassinate"): "targeted",
    ("ASSAULT", "massacre"): "",
    ("ASSAULT", "cleansing"): "",
    ("ASSAULT", "pro_autocracy"): "crowd-control",  # 175 violent repression; context slip
    ("ASSAULT", "seize"): "destroy",  # 1712 destroy property
}
# Specific codes whose 2024 mode is clearer than the draft's.
CODE_MODE_FIXES: dict[str, str] = {
    "195": "aerial",  # employ aerial weapons
    "087": "",  # de-escalation is broader than disarming
    "0872": "withdraw",
}
CONTEXT_FIXES = {
    "democracy": "pro_democracy",
    "humanitarian": "human_security",  # 2024 has no 'humanitarian'; aid for basic needs
}
# CAMEO codes whose PLOVER reading the 2024 manual changes.
CODE_OVERRIDES: dict[str, tuple[str, str, list[str], str]] = {
    "163": (
        "SANCTION",
        "discontinue",
        ["economic"],
        "2021 draft: COERCE/restrict; PLOVER 2024 codes international sanctions as SANCTION/discontinue",
    ),
    "08": ("CONCEDE", "", [], "root 08 splits: 080-083 CONCEDE, 084-087 RETREAT"),
}

# The nearest CAMEO code for an event (mode "") or event:mode. Codes reached only through
# contexts (e.g. AID + military -> 072) are found at run time from cameo.tsv.
PLOVER_TO_CAMEO: dict[tuple[str, str], str] = {
    ("AGREE", ""): "030",
    ("CONSULT", ""): "040",
    ("CONSULT", "phone"): "041",
    ("CONSULT", "visit"): "042",
    ("CONSULT", "third-party"): "044",
    ("CONSULT", "multilateral"): "040",
    ("SUPPORT", ""): "050",
    ("CONCEDE", ""): "080",
    ("COOPERATE", ""): "060",
    ("AID", ""): "070",
    ("RETREAT", ""): "084",
    ("RETREAT", "withdraw"): "0872",
    ("RETREAT", "release"): "0841",
    ("RETREAT", "disarm"): "0873",
    ("RETREAT", "ceasefire"): "0871",
    ("RETREAT", "access"): "086",
    ("RETREAT", "resign"): "084",  # no CAMEO code for resignations
    ("REQUEST", ""): "100",
    ("REQUEST", "assist"): "103",
    ("REQUEST", "change"): "104",
    ("REQUEST", "yield"): "1056",
    ("REQUEST", "meet"): "108",
    ("ACCUSE", ""): "112",
    ("ACCUSE", "disapprove"): "111",
    ("ACCUSE", "investigate"): "090",
    ("ACCUSE", "allege"): "112",
    ("REJECT", ""): "120",
    ("REJECT", "assist"): "121",
    ("REJECT", "change"): "123",
    ("REJECT", "yield"): "124",
    ("REJECT", "meet"): "125",
    ("THREATEN", ""): "130",
    ("THREATEN", "restrict"): "1312",
    ("THREATEN", "arrest"): "131",
    ("THREATEN", "relations"): "1313",
    ("THREATEN", "expel"): "136",
    ("THREATEN", "territory"): "1382",
    ("THREATEN", "violence"): "138",
    ("PROTEST", ""): "140",
    ("PROTEST", "demo"): "141",
    ("PROTEST", "riot"): "145",
    ("PROTEST", "strike"): "143",
    ("PROTEST", "hunger"): "142",
    ("PROTEST", "boycott"): "143",
    ("PROTEST", "obstruct"): "144",
    ("PROTEST", "vandalize"): "145",
    ("SANCTION", ""): "160",
    ("SANCTION", "convict"): "160",
    ("SANCTION", "expel"): "166",
    ("SANCTION", "withdraw"): "161",
    ("SANCTION", "discontinue"): "163",
    ("MOBILIZE", ""): "150",
    ("MOBILIZE", "troops"): "154",
    ("MOBILIZE", "weapons"): "154",
    ("MOBILIZE", "police"): "153",
    ("MOBILIZE", "militia"): "150",
    ("COERCE", ""): "170",
    ("COERCE", "seize"): "171",
    ("COERCE", "restrict"): "172",
    ("COERCE", "censor"): "1721",
    ("COERCE", "curfew"): "1723",
    ("COERCE", "martial-law"): "1724",
    ("COERCE", "arrest"): "173",
    ("COERCE", "deport"): "174",
    ("COERCE", "withhold"): "170",
    ("COERCE", "misinformation"): "170",
    ("COERCE", "cyber"): "170",
    ("ASSAULT", ""): "190",
    ("ASSAULT", "abduct"): "181",
    ("ASSAULT", "beat"): "182",
    ("ASSAULT", "torture"): "1822",
    ("ASSAULT", "sexual"): "1821",
    ("ASSAULT", "targeted"): "186",
    ("ASSAULT", "destroy"): "1712",
    ("ASSAULT", "primitive"): "182",
    ("ASSAULT", "firearms"): "193",
    ("ASSAULT", "explosives"): "183",
    ("ASSAULT", "suicide-attack"): "1831",
    ("ASSAULT", "aerial"): "195",
    ("ASSAULT", "drone"): "195",
    ("ASSAULT", "heavy-weapons"): "194",
    ("ASSAULT", "crowd-control"): "175",
    ("ASSAULT", "unconventional"): "204",
}


def read_cameo2plover(path: Path) -> dict[str, tuple[str, str, list[str]]]:
    """Parse lines like ``0311: AGREE,  ,   economic # comment``."""
    mapping: dict[str, tuple[str, str, list[str]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        body = line.split("#", 1)[0].strip()
        if not body:
            continue
        match = re.fullmatch(r"(\d{2,4}):\s*(.*)", body)
        if not match:
            print(f"{path}:{number}: unreadable line skipped: {line!r}", file=sys.stderr)
            continue
        parts = [part.strip() for part in match.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        contexts = [c.strip() for c in re.split(r"[;,]", ",".join(parts[2:])) if c.strip()]
        mapping[match.group(1)] = (parts[0], parts[1], contexts)
    return mapping


def derive_plover(source: dict) -> dict:
    scores: dict[str, float] = source["plover_scores"]
    events = []
    for raw in source["events"]:
        name = raw["event"]
        base = float(scores[name])
        if name == "ACCUSE" and base > 0:
            print(f"fix: ACCUSE base score {base} -> {-base} (manual typo)")
            base = -base
        modes = []
        for mode in raw["modes"]:
            key = f"{name}: {mode['mode'].capitalize()}"
            mode_score = scores.get(key)
            if mode_score is None:
                # Keys capitalise only the first letter ("Heavy-weapons", "Martial-law").
                key = next((k for k in scores if k.lower() == key.lower()), key)
                mode_score = scores.get(key, base)
            modes.append(
                {"mode": mode["mode"], "definition": mode["definition"], "score": float(mode_score)}
            )
        events.append(
            {
                "name": name,
                "quad_class": QUADS[raw["quad"]],
                "requires_target": raw["requires_recipient"].strip().lower() == "yes",
                "definition": raw["definition"],
                "score": base,
                "modes": modes,
            }
        )
    return {
        "source": source["source"],
        "notes": [
            "ACCUSE base score read as -3 (the manual table prints +3).",
            source.get("quad_note", ""),
        ],
        "events": events,
        "contexts": source["contexts"],
        "auxiliary_modes": source["auxiliary_modes"],
    }


# CAMEO 025-028 have no DEMAND twin with the same meaning (105-108 differ).
APPEAL_OWN: dict[str, tuple[str, list[str]]] = {
    "025": ("yield", []),
    "026": ("meet", ["diplomatic"]),
    "027": ("meet", ["diplomatic"]),
    "028": ("meet", ["diplomatic"]),
}


def appeal_reading(
    code: str, mapping: dict[str, tuple[str, str, list[str]]]
) -> tuple[str, str, list[str], str]:
    """CAMEO 02x APPEAL as PLOVER REQUEST ("all requests, demands, and orders").

    The 2021 draft leaves APPEAL unmapped; PLOVER 2024 REQUEST covers requests, and its
    modes follow the DEMAND twin of each code (0211 -> 1011 assist/economic, ...).
    """
    note = "APPEAL: unmapped in the 2021 draft; PLOVER 2024 REQUEST covers all requests"
    if code in APPEAL_OWN:
        mode, ctx = APPEAL_OWN[code]
        return "REQUEST", mode, list(ctx), note
    twin = mapping.get("10" + code[2:], ("REQUEST", "", []))
    return "REQUEST", twin[1], list(twin[2]), note


def derive_cameo(
    tsv_path: Path, mapping: dict[str, tuple[str, str, list[str]]], plover: dict
) -> list[dict]:
    modes_of = {e["name"]: {m["mode"] for m in e["modes"]} for e in plover["events"]}
    contexts = {c["context"] for c in plover["contexts"]}
    rows = []
    with tsv_path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle, delimiter="\t"):
            code = raw["cameo_code"]
            table_event = raw["plover_event"].strip()
            event, mode, ctx = mapping.get(code, (table_event, raw["plover_mode"], []))
            if code not in mapping:
                ctx = [c.strip() for c in raw["plover_context"].split(";") if c.strip()]
            note = ""
            if event.lower() == "dropped" or not event:
                event, mode, ctx = "", "", []
                note = "no PLOVER event (PLOVER drops CAMEO 01 public statements)"
            if code.startswith("02"):
                event, mode, ctx, note = appeal_reading(code, mapping)
            if code in CODE_OVERRIDES:
                event, mode, ctx, note = CODE_OVERRIDES[code]
                print(f"fix: CAMEO {code} -> {event}/{mode or '-'} ({note})")
            if code in CODE_MODE_FIXES:
                mode = CODE_MODE_FIXES[code]
            elif event and mode and mode not in modes_of[event]:
                fixed = MODE_FIXES.get((event, mode))
                if fixed is None:
                    print(
                        f"warning: CAMEO {code}: {event} mode {mode!r} not in PLOVER 2024; dropped"
                    )
                    fixed = ""
                mode = fixed
            ctx = [CONTEXT_FIXES.get(c, c) for c in ctx]
            for c in ctx:
                if c not in contexts:
                    print(f"warning: CAMEO {code}: context {c!r} not in PLOVER 2024")
            rows.append(
                {
                    "code": code,
                    "level": raw["level"],
                    "root": raw["root_code"],
                    "root_name": raw["root_name"],
                    "description": raw["description"],
                    "goldstein": raw["goldstein"],
                    "quad_class": raw["quad_class"],
                    "plover_event": event,
                    "plover_mode": mode,
                    "plover_contexts": ";".join(ctx),
                    "note": note,
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    plover = derive_plover(
        json.loads((args.source / "plover_ontology_2024.json").read_text(encoding="utf-8"))
    )
    mapping = read_cameo2plover(args.source / "CAMEO2PLOVER-2021.txt")
    cameo_rows = derive_cameo(
        args.source / "cameo_codes_goldstein_quad_plover.tsv", mapping, plover
    )
    known = {row["code"]: row for row in cameo_rows}
    modes_of = {e["name"]: {m["mode"] for m in e["modes"]} for e in plover["events"]}
    for (event, mode), code in PLOVER_TO_CAMEO.items():
        assert code in known, f"nearest code {code} for {event}/{mode} is not a CAMEO code"
        assert not mode or mode in modes_of[event], f"{event}/{mode} is not a PLOVER 2024 mode"
    for event, modes in modes_of.items():
        for mode in {""} | modes:
            assert (event, mode) in PLOVER_TO_CAMEO, f"no nearest CAMEO code for {event}/{mode}"

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "plover.json").write_text(
        json.dumps(plover, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    with (args.out / "cameo.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(cameo_rows[0]), delimiter="\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(cameo_rows)
    with (args.out / "plover_to_cameo.tsv").open("w", encoding="utf-8", newline="") as handle:
        handle.write("event\tmode\tcameo\n")
        for (event, mode), code in PLOVER_TO_CAMEO.items():
            handle.write(f"{event}\t{mode}\t{code}\n")
    print(
        f"wrote {len(plover['events'])} event types, {len(cameo_rows)} CAMEO codes, "
        f"{len(PLOVER_TO_CAMEO)} nearest codes to {args.out}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
