"""Actor codes for a dyad: groups (``EU-members``), known codes, and suggestions for typos."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from dyadwatch.store import Store
from dyadwatch.store.series import code_in_store, store_codes


class RelationsError(ValueError):
    """A request the relations analytics cannot answer as asked (one clear message)."""


class UnknownActorError(RelationsError):
    def __init__(self, code: str, suggestions: list[str]) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown actor code {code!r}{hint}")


@dataclass(frozen=True)
class Side:
    """One side of a dyad: the name asked for and the codes it stands for."""

    name: str
    codes: frozenset[str]
    label: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.name, "label": self.label, "members": sorted(self.codes)}


@lru_cache(maxsize=1)
def groups() -> dict[str, dict]:
    """Named groups from ``relations/data/groups.yaml``: name -> {label, codes}."""
    text = resources.files("dyadwatch.relations").joinpath("data", "groups.yaml").read_text("utf-8")
    raw = yaml.safe_load(text) or {}
    return {
        str(name): {"label": entry.get("label"), "codes": [str(c).upper() for c in entry.get("codes", [])]}
        for name, entry in raw.items()
    }


def registry_codes() -> set[str] | None:
    """Codes of the actor registry, or None when the registry is not available."""
    try:
        from dyadwatch.actors import get_registry
    except ImportError:
        return None
    try:
        registry = get_registry()
    except Exception:  # a broken registry must not stop the analytics; fall back on the store
        return None
    for attribute in ("codes", "known_codes", "all_codes"):
        value = getattr(registry, attribute, None)
        if callable(value):
            value = value()
        if value:
            return {str(c).upper() for c in value}
    return None


def registry_names() -> dict[str, str]:
    """Registry names of codes (name -> code), when the registry offers them."""
    try:
        from dyadwatch.actors import get_registry

        names = getattr(get_registry(), "code_names", None)
    except Exception:  # no registry, or a broken one: suggestions fall back on codes alone
        return {}
    if not isinstance(names, dict):
        return {}
    return {str(name): str(code) for code, name in names.items() if name}


def known_codes(store: Store | None = None) -> list[str]:
    """Every code a dyad side may name: registry codes, codes seen in the store, group names."""
    known: set[str] = set(registry_codes() or ())
    if store is not None:
        with store.connect() as conn:
            known |= {c.upper() for c in store_codes(conn)}
    known |= set(groups())
    return sorted(known)


def suggest_codes(code: str, known: Iterable[str] | None = None, n: int = 5) -> list[str]:
    """The known codes closest to ``code`` (difflib, case-insensitive), best first."""
    pool = sorted(set(known if known is not None else known_codes()))
    by_upper: dict[str, str] = {}
    for candidate in pool:
        by_upper.setdefault(candidate.upper(), candidate)
    target = code.upper()
    close = difflib.get_close_matches(target, list(by_upper), n=n, cutoff=0.5)
    # Prefix matches ("RU" -> RUS) that difflib scores low on very short inputs.
    prefixed = [c for c in by_upper if c.startswith(target) and c not in close]
    return [by_upper[c] for c in (close + sorted(prefixed))[:n]]


def resolve_side(name: str, store: Store) -> Side:
    """Turn a dyad side as typed (``rus``, ``EU-members``) into its codes, or explain why not."""
    name = name.strip()
    by_lower = {g.lower(): g for g in groups()}
    if name.lower() in by_lower:
        group_name = by_lower[name.lower()]
        group = groups()[group_name]
        return Side(group_name, frozenset(group["codes"]), group["label"])
    code = name.upper()
    with store.connect() as conn:
        # The store first: an index seek, while the registry takes seconds to load.
        if code_in_store(conn, code):
            return Side(code, frozenset({code}))
    registry = registry_codes()
    if registry is not None and code in registry:
        return Side(code, frozenset({code}))
    with store.connect() as conn:
        in_store = {c.upper() for c in store_codes(conn)}  # only on the error path: a full scan
    if registry is None and not in_store:
        # Nothing to check against (no registry, empty store): an empty series says enough.
        return Side(code, frozenset({code}))
    known = (registry or set()) | in_store | set(groups())
    suggestions = suggest_codes(name, known)
    by_name = registry_names()
    if by_name:
        # "Germany" is a name, not a code: offer the codes whose registry name is close.
        lowered = {n.lower(): c for n, c in by_name.items()}
        named = [lowered[n] for n in difflib.get_close_matches(name.lower(), list(lowered), n=3, cutoff=0.75)]
        suggestions = list(dict.fromkeys(named + suggestions))[:5]
    raise UnknownActorError(name, suggestions)
