"""A stop-gap actor resolver, used only when ``dyadwatch.actors.Resolver`` is not available.

It matches country names, demonyms, capitals and organisation aliases from the actors
package's own data files with a spaCy PhraseMatcher.  No people, no sectors, no dates:
the real resolver (dyadwatch.actors) does that; this keeps the coder usable meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from dyadwatch.model import ActorRef


@dataclass(frozen=True)
class FallbackMention:
    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    actor: ActorRef


def _read(name: str) -> Any:
    try:
        text = resources.files("dyadwatch.actors").joinpath("data").joinpath(name).read_text(
            encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return []
    return yaml.safe_load(text) or []


@lru_cache(maxsize=1)
def _names() -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for country in _read("countries.yaml"):
        code, name = country.get("code"), country.get("name")
        if not code or not name:
            continue
        for alias in [name, *(country.get("aliases") or []), *(country.get("demonyms") or []),
                      *(country.get("capitals") or [])]:
            names.setdefault(str(alias), (code, name))
    for org in _read("organisations.yaml"):
        if isinstance(org, dict) and org.get("id"):
            for alias in [org.get("name"), *(org.get("aliases") or [])]:
                if alias and len(str(alias)) > 2:
                    names.setdefault(str(alias), (org["id"], org.get("name") or org["id"]))
    return names


class FallbackResolver:
    def __init__(self, vocab) -> None:
        self.matcher = PhraseMatcher(vocab)
        from spacy.lang.en import English

        tokenizer = English().tokenizer
        for alias, value in _names().items():
            self.matcher.add(f"{value[0]}|{value[1]}", [tokenizer(alias)])

    def resolve(self, doc: Doc, when: date | None = None, *, context_codes=()) -> list[FallbackMention]:
        spans = []
        for match_id, start, end in self.matcher(doc):
            code, name = doc.vocab.strings[match_id].split("|", 1)
            spans.append((start, end, code, name))
        spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
        out: list[FallbackMention] = []
        last_end = -1
        for start, end, code, name in spans:
            if start < last_end:
                continue
            span = doc[start:end]
            out.append(FallbackMention(start, end, span.start_char, span.end_char, span.text,
                                       ActorRef(code=code, name=name, text=span.text,
                                                start=span.start_char, end=span.end_char,
                                                how="fallback")))
            last_end = end
        return out
