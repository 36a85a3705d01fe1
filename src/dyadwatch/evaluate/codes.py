"""How the evaluators compare actor codes across coding schemes.

dyadwatch codes states with ISO-3 and organisations with registry ids (UN, NATO, EU);
the gold files use ISO-3 (with a few legacy CAMEO country codes), generic buckets for
non-state actors (``IGO``, ``NGO``, ``IMG`` armed groups, ``ISM``), and PETRARCH's
concatenated codes (``USAGOV``, ``IGOUNO``, ``---CVL``). The rules, used by all metrics:

* legacy country codes are read as ISO-3 (``JAP`` -> ``JPN``, ``ITL`` -> ``ITA``);
* where the gold record uses a bucket (``IGO``...), a predicted code that is not a state
  counts as that bucket (``UN`` -> ``IGO``), unless the gold names it exactly;
* PETRARCH triples compare the country part (first three letters: ``USAGOV`` -> ``USA``),
  or ``IGO`` for any ``IGO...`` code; ``f1_exact`` compares the full code, the prediction
  being its code followed by its sector (``USA`` + ``GOV`` -> ``USAGOV``; transnational
  sectors go first as PETRARCH writes them: ``ARN`` + ``NGO`` -> ``NGOARN``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

#: Non-state buckets of the gold files; a predicted organisation or group matches them.
BUCKETS = ("IGO", "NGO", "IMG", "ISM")

#: Legacy CAMEO/hand-typed country codes found in gold files, read as ISO-3.
LEGACY_CODES = {"JAP": "JPN", "ITL": "ITA", "GER": "DEU", "UK": "GBR", "ROM": "ROU"}


@cache
def state_codes() -> frozenset[str]:
    """ISO-3 codes of states and territories (shipped in ``evaluate/data/states.txt``)."""
    text = resources.files("dyadwatch.evaluate").joinpath("data", "states.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def normalise(code: str | None) -> str:
    """Upper-case, trimmed, legacy country codes read as ISO-3; '' for no code."""
    text = (code or "").strip().upper()
    return LEGACY_CODES.get(text, text)


def is_state(code: str) -> bool:
    return normalise(code) in state_codes()


def as_gold(predicted: str | None, gold_codes: Iterable[str]) -> str:
    """A predicted actor code in the vocabulary of one gold record.

    ``gold_codes`` are the record's (normalised) actor codes: an organisation predicted
    where the gold uses a bucket becomes the bucket (``UN`` -> ``IGO``).
    """
    code = normalise(predicted)
    gold = set(gold_codes)
    if not code or code in gold or is_state(code):
        return code
    for bucket in BUCKETS:
        if bucket in gold:
            return bucket
    return code


def petrarch_country(code: str) -> str:
    """The country part of a PETRARCH code (``USAGOV`` -> ``USA``; ``IGOUNO`` -> ``IGO``)."""
    text = normalise(code)
    return text[:3]


#: PETRARCH writes these transnational agent codes before the country: ``NGOARN``, ``IGOAFR``.
PREFIX_SECTORS = ("IGO", "NGO", "NGM", "IMG", "MNC")


def petrarch_full(code: str | None, sector: str | None) -> str:
    """A dyadwatch actor as a PETRARCH code: code then sector (``USA`` + ``GOV`` -> ``USAGOV``),
    or sector then code for transnational sectors (``ARN`` + ``NGO`` -> ``NGOARN``)."""
    text = normalise(code)
    agent = (sector or "").strip().upper()
    if not agent or agent in text:
        return text
    if agent in PREFIX_SECTORS:
        return agent + text
    return text + agent


def petrarch_key(predicted: str | None, gold_keys: Iterable[str]) -> str:
    """A predicted actor code as the country part compared by the PETRARCH triple F1."""
    code = normalise(predicted)
    keys = set(gold_keys)
    if code.startswith("IGO"):
        return "IGO"
    if code[:3] in keys or is_state(code[:3]):
        return code[:3]
    return as_gold(code, keys)
