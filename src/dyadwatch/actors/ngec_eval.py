"""Scoring the registry on NGEC's actor-resolution test cases (a JSONL reduction of its tests).

Each line holds the Python calls and asserts of one NGEC test, e.g.
``ag.agent_to_code('Vladimir Putin', query_date='2009-01-01')`` with
``code['country'] == 'RUS'`` and ``code['code_1'] == 'GOV'``. The calls are read with
:mod:`ast` (never executed); arguments may refer to the test's ``locals`` or
``parametrize`` values. Cases that only check Wikipedia titles, or that test other NGEC
machinery (co-actor finding), are skipped and counted.

NGEC codes organisations as ``IGO``, United Nations bodies as ``UNO`` and the European
Union as ``EUR``; our organisation ids are mapped onto those for the comparison.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dyadwatch.actors.entries import ActorMatch
from dyadwatch.actors.registry import Registry

_RESOLVING_CALLS = {"agent_to_code", "search_nat", "short_text_to_agent", "trf_agent_match"}
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%Y")


@dataclass
class Case:
    test: str
    actor: str
    context: str = ""
    when: date | None = None
    country: list[tuple[str, str]] = field(default_factory=list)  # (op, value)
    sector: list[tuple[str, str]] = field(default_factory=list)
    expect_none: bool = False


class _Unreadable(Exception):
    pass


def _value(node: ast.AST, env: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        raise _Unreadable(f"unknown name {node.id}")
    if isinstance(node, ast.Subscript):
        return _value(node.value, env)[_value(node.slice, env)]
    raise _Unreadable(ast.dump(node))


def parse_date(text: str | None) -> date | None:
    """NGEC dates: ISO, '10 May 2015', 'October 1, 2021'; 'today' and '' mean the latest."""
    if not text or text.strip().lower() in ("today", "now"):
        return None
    cleaned = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(cleaned.title() if "%B" in fmt or "%b" in fmt else cleaned,
                                     fmt).date()
        except ValueError:
            continue
    raise _Unreadable(f"date {text!r}")


def _envs(record: dict) -> Iterator[dict[str, Any]]:
    env = dict(record.get("locals") or {})
    param = record.get("parametrize")
    if param:
        for value in param["values"]:
            yield {**env, param["name"]: value}
    elif any(isinstance(v, list) for v in env.values()) and not any(
            k == "d" for k in env):
        # "for cop in cop_list" style tests: one case per listed value.
        name, values = next((k, v) for k, v in env.items() if isinstance(v, list))
        singular = name.removesuffix("_list")
        for value in values:
            yield {**env, singular: value}
    else:
        yield env


def read_cases(path: str | Path) -> tuple[list[Case], Counter, list[int]]:
    """Cases with country/sector checks, counts of skipped records by reason, and the
    numbers of lines that could not be read."""
    cases: list[Case] = []
    skipped: Counter = Counter()
    bad_lines: list[int] = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                envs = list(_envs(record))
            except (json.JSONDecodeError, AttributeError, KeyError, TypeError, StopIteration):
                # One bad line is counted and skipped; the rest of the file is scored.
                skipped["unreadable"] += 1
                bad_lines.append(lineno)
                continue
            for env in envs:
                try:
                    case = _case(record, env)
                except _Unreadable:
                    skipped["unreadable"] += 1
                    continue
                if isinstance(case, str):
                    skipped[case] += 1
                else:
                    cases.append(case)
    return cases, skipped, bad_lines


def _case(record: dict, env: dict[str, Any]) -> Case | str:
    call = None
    for text in record.get("calls") or []:
        node = ast.parse(text, mode="eval").body
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in _RESOLVING_CALLS:
            call = node
    if call is None:
        calls = " ".join(record.get("calls") or [])
        return "wikipedia" if "query_wiki" in calls else "other"
    args = [_value(a, env) for a in call.args]
    kwargs = {k.arg: _value(k.value, env) for k in call.keywords if k.arg}
    case = Case(test=record["test"], actor=str(args[0]).strip())
    context = args[1] if len(args) > 1 else kwargs.get("known_country", kwargs.get("context", ""))
    case.context = context or ""
    raw_date = args[2] if len(args) > 2 else kwargs.get("query_date")
    case.when = parse_date(raw_date)
    for text in record.get("asserts") or []:
        node = ast.parse(text, mode="eval").body
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            left, op, right = node.left, node.ops[0], node.comparators[0]
            if isinstance(op, ast.Is | ast.Eq) and isinstance(right, ast.Constant) and right.value is None:
                case.expect_none = True
                continue
            if not isinstance(op, ast.Eq | ast.NotEq):
                continue
            symbol = "==" if isinstance(op, ast.Eq) else "!="
            target = None
            if isinstance(left, ast.Name) and left.id == "cc":
                target = case.country
            elif isinstance(left, ast.Subscript) and isinstance(left.slice, ast.Constant):
                target = {"country": case.country, "code_1": case.sector}.get(left.slice.value)
            if target is not None:
                target.append((symbol, str(_value(right, env))))
    if not (case.country or case.sector or case.expect_none):
        return "wikipedia"
    return case


def ngec_country(match: ActorMatch | None, registry: Registry) -> str:
    """Our answer in NGEC's codes: states as ISO-3, UN bodies UNO, EU bodies EUR, else IGO."""
    if match is None or not match.code:
        return ""
    family = match.family or registry.code_family.get(match.code)
    if match.code == "UN" or family == "UN":
        return "UNO"
    if match.code == "EU" or family == "EU":
        return "EUR"
    if match.kind in ("org",):
        return "IGO"
    if match.kind == "ngo":
        return ""
    return match.code


def resolve_case(registry: Registry, case: Case) -> ActorMatch | None:
    matches = registry.lookup(case.actor, case.when)
    best = matches[0] if matches else None
    if case.context and (best is None or not best.code):
        known = registry.lookup(case.context, case.when)
        code = next((m.code for m in known if m.code), "")
        if code:
            if best is None:
                best = known[0]
            else:
                from dataclasses import replace

                best = replace(best, code=code, name=registry.code_names.get(code, code))
    return best


def _passes(checks: list[tuple[str, str]], value: str) -> bool:
    equal = [v for op, v in checks if op == "=="]
    unequal = [v for op, v in checks if op == "!="]
    return (not equal or value in equal) and value not in unequal


def evaluate(path: str | Path, registry: Registry) -> dict[str, Any]:
    """Country and sector accuracy over the readable cases of an NGEC test file."""
    cases, skipped, bad_lines = read_cases(path)
    country_total = country_right = sector_total = sector_right = 0
    failures = []
    for case in cases:
        match = resolve_case(registry, case)
        country = ngec_country(match, registry)
        sector = (match.sector or "") if match else ""
        ok_country = ok_sector = True
        if case.country or case.expect_none:
            country_total += 1
            checks = case.country or [("==", "")]
            ok_country = _passes(checks, country) and not (case.expect_none and match is not None
                                                            and bool(match.code))
            country_right += ok_country
        if case.sector or case.expect_none:
            sector_total += 1
            checks = case.sector or [("==", "")]
            ok_sector = _passes(checks, sector)
            sector_right += ok_sector
        if not (ok_country and ok_sector):
            failures.append({"test": case.test, "actor": case.actor,
                             "date": case.when.isoformat() if case.when else None,
                             "expected_country": case.country or ("none" if case.expect_none else None),
                             "expected_sector": case.sector or None,
                             "got": {"code": match.code if match else None, "country": country,
                                     "sector": sector, "how": match.how if match else None}})
    return {
        "cases": len(cases),
        "country_cases": country_total,
        "country_accuracy": round(country_right / country_total, 4) if country_total else None,
        "sector_cases": sector_total,
        "sector_accuracy": round(sector_right / sector_total, 4) if sector_total else None,
        "skipped": dict(skipped) | {"total": sum(skipped.values())},
        "unreadable_lines": bad_lines,
        "failures": failures,
    }
