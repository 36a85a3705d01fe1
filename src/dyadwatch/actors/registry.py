"""The actor registry: names → actors, as of a date, plus fast phrase matching.

Every name form (alias) is indexed by its normalised text for :meth:`Registry.lookup`, and
compiled into spaCy PhraseMatchers (one on lower case, one on exact spelling for
abbreviations such as "US" that are also common words) for :meth:`Registry.scan` and the
:class:`~dyadwatch.actors.resolver.Resolver`. Matchers are built once per spaCy vocab.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from dyadwatch.actors import loaders
from dyadwatch.actors.entries import ActorMatch, Entry, name_skeleton, normalise
from dyadwatch.actors.petrarch import DictionaryProblem

#: Entry kinds whose names are proper nouns: they match only when capitalised in text.
PROPER_KINDS = frozenset({"state", "territory", "region", "org", "ngo", "person", "group",
                          "institution", "water"})
#: Kinds that place an actor (give it a code) without being a person.
PLACE_KINDS = frozenset({"state", "territory", "region", "org", "ngo", "group", "institution"})
#: How-values of entries that name an actor's country or organisation.
_PLACE_HOWS = frozenset({"name", "demonym", "capital", "metonym", "org", "institution"})
_SIMPLE_WORDS = re.compile(r"^[A-Za-z]+( [A-Za-z]+)*$")
#: Capitalised words after a place name that make it a body of water ("Indian Ocean",
#: "Korea Strait", "Jordan River"), and before "of" ("Gulf of Oman", "Sea of Azov").
WATER_AFTER = frozenset({"Sea", "Ocean", "Gulf", "Strait", "Straits", "Channel", "Bay", "Lake",
                         "River", "Lagoon", "Canal", "Sound"})
WATER_BEFORE_OF = frozenset({"Sea", "Gulf", "Strait", "Straits", "Bay", "Lake", "Bight"})
#: CAMEO's generic transnational codes (an IGO, NGO or armed group of no named body).
BUCKET_CODES = frozenset({"IGO", "NGO", "IMG"})
#: What a body of water found by that pattern stands for: a place, no actor.
WATER = Entry(name="body of water", kind="water", how="place", weight=1.0)


def _exact_case(alias: str) -> bool:
    """Abbreviations in capitals ("US", "UK", "WHO") match only as written."""
    letters = [c for c in alias if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 6


@dataclass(frozen=True)
class Alias:
    entry: Entry
    text: str
    exact: bool
    proper: bool

    def case_fits(self, span_text: str) -> bool:
        """Proper names match only where the words capitalised in the alias are capitalised
        in the text: "the Union" is not "the union", "al-Qaeda" is not "al-qaeda"."""
        if not self.proper or self.exact:
            return True
        wanted = _capitals(self.text)
        found = _capitals(span_text)
        if len(wanted) != len(found):
            return found[:1] == (True,)
        return all(f for w, f in zip(wanted, found, strict=True) if w)


def _capitals(text: str) -> tuple[bool, ...]:
    # A capital anywhere counts: "iSrael" is a garbled name, not an ordinary word.
    return tuple(w[:1].isupper() or any(c.isupper() for c in w[1:])
                 for w in re.split(r"[\s\-]+", text) if w)


@dataclass
class PhraseHit:
    """A registry phrase found in a Doc: token span and the entries it may stand for."""

    start: int
    end: int
    key: str
    aliases: list[Alias]
    #: Character offsets when the hit is only part of a token ("U.S." in "U.S.-Russia").
    start_char: int | None = None
    end_char: int | None = None

    @property
    def entries(self) -> list[Entry]:
        return [a.entry for a in self.aliases]


class Registry:
    """Actors by name, with dated roles; see :func:`get_registry`."""

    def __init__(self, entries: Iterable[Entry], *, former_words: Iterable[str] = (),
                 problems: Sequence[DictionaryProblem] = (), base: Registry | None = None) -> None:
        """``base``: a registry these entries extend (users' files over the package's data);
        its indexes are copied and its matchers reused, so only the new names are compiled."""
        own = list(entries)
        self.base = base
        self.entries: list[Entry] = (base.entries if base else []) + own
        self.problems: list[DictionaryProblem] = list(problems)
        self.former_words = frozenset(former_words) | (base.former_words if base else frozenset())
        self._index: dict[str, list[Alias]] = dict(base._index) if base else {}
        self._own_keys: set[str] = set()
        self.code_names: dict[str, str] = dict(base.code_names) if base else {}
        self.code_kinds: dict[str, str] = dict(base.code_kinds) if base else {}
        self.code_family: dict[str, str] = dict(base.code_family) if base else {}
        # Who held which office (for bare titles); people by spelling-tolerant name key and
        # by family name (for names the matchers miss).
        self._holders: dict[tuple[str, str], list[Entry]] = _copy_lists(base._holders if base else {})
        self._skeletons: dict[str, list[Entry]] = _copy_lists(base._skeletons if base else {})
        self._surnames: dict[str, list[Entry]] = _copy_lists(base._surnames if base else {})
        self._index_entries(own)
        self._matchers: dict[int, tuple[PhraseMatcher, PhraseMatcher]] = {}
        self._lock = threading.Lock()
        #: The ``get_registry`` arguments that made this registry, if it did.
        self.made_from: tuple[str, ...] | None = None

    @property
    def fingerprint(self) -> str:
        """A hash of the data this registry was built from (the package's actor files and
        the user's), so stored coding can tell when actors changed. Made on first use."""
        cached = getattr(self, "_fingerprint", None)
        if cached is None:
            digest = hashlib.sha256()
            paths = sorted(loaders.data_path("").iterdir()) + [Path(p) for p in self.made_from or ()]
            for path in paths:
                if path.is_file():
                    digest.update(path.name.encode("utf-8"))
                    digest.update(path.read_bytes())
            if self.made_from is None:
                # Built from entries in code (tests, tools): they are the data.
                digest.update(repr([(e.name, e.code) for e in self.entries]).encode("utf-8"))
            cached = self._fingerprint = digest.hexdigest()
        return cached

    def __reduce__(self):
        # Worker processes rebuild (and cache) the registry from the same files instead of
        # receiving ~10^5 objects and unpicklable matchers through a pipe.
        if self.made_from is not None:
            return (get_registry, (self.made_from,))
        return (_rebuild, (self.entries if self.base is None else self.entries[len(self.base.entries):],
                           tuple(self.former_words), tuple(self.problems), self.base))

    def _index_entries(self, own: list[Entry]) -> None:
        for entry in own:
            if entry.code and entry.how in ("name", "org") and entry.code not in self.code_names:
                self.code_names[entry.code] = entry.name
                self.code_kinds[entry.code] = entry.kind
                if entry.family:
                    self.code_family[entry.code] = entry.family
            for alias in entry.aliases:
                key = normalise(alias)
                if not key:
                    continue
                if key not in self._own_keys:
                    self._own_keys.add(key)
                    # Copy, never extend, a list shared with the base registry.
                    self._index[key] = list(self._index.get(key, ()))
                self._index[key].append(
                    Alias(entry, alias, _exact_case(alias),
                          entry.kind in PROPER_KINDS or entry.how in ("name", "demonym", "capital",
                                                                      "place", "metonym")))
            for role in entry.roles:
                if role.office:
                    self._holders.setdefault((role.code, role.office), []).append(entry)
            if entry.kind == "person":
                for key in {name_skeleton(a) for a in entry.aliases} - {""}:
                    self._skeletons.setdefault(key, []).append(entry)
                if len(entry.name.split()) >= 2:
                    surname = normalise(entry.name.split()[-1])
                    if len(surname) >= 4 and surname.isalpha():
                        self._surnames.setdefault(surname, []).append(entry)
        for key in self._own_keys:
            self._index[key].sort(key=lambda a: -a.entry.weight)

    # ----------------------------------------------------------------- matching
    def matchers(self, vocab: Vocab) -> tuple[PhraseMatcher, PhraseMatcher]:
        """(lower-case matcher, exact-spelling matcher) for docs of ``vocab``; built once."""
        found = self._matchers.get(id(vocab))
        if found is not None:
            return found
        with self._lock:
            if id(vocab) in self._matchers:
                return self._matchers[id(vocab)]
            tokenizer = spacy.blank("en", vocab=vocab).tokenizer
            lower = PhraseMatcher(vocab, attr="LOWER")
            exact = PhraseMatcher(vocab, attr="ORTH")
            lower_forms: dict[str, set[str]] = {}
            exact_forms: dict[str, set[str]] = {}
            for key in self._own_keys:
                for alias in self._index[key]:
                    forms = exact_forms if alias.exact else lower_forms
                    texts = forms.setdefault(key, set())
                    texts.add(alias.text if alias.exact else alias.text.lower())
                    texts.add(loaders.normalise(alias.text) if not alias.exact else alias.text)
            for forms, matcher in ((lower_forms, lower), (exact_forms, exact)):
                for key, texts in forms.items():
                    docs = [Doc(vocab, words=t.split()) if _SIMPLE_WORDS.match(t) else tokenizer(t)
                            for t in texts]
                    matcher.add(key, docs)
            self._matchers[id(vocab)] = (lower, exact)
            return lower, exact

    def hits(self, doc: Doc, *, spelling: bool = True) -> list[PhraseHit]:
        """Registry phrases in ``doc``, longest first where they overlap, in text order.

        ``spelling``: also look for known people under other spellings (slower; off in scan).
        """
        passes = []
        registry: Registry | None = self
        while registry is not None:
            lower, exact = registry.matchers(doc.vocab)
            passes += [(lower, False), (exact, True)]
            registry = registry.base
        strings = doc.vocab.strings
        candidates: list[PhraseHit] = []
        seen: set[tuple[int, int, str, bool]] = set()
        for matcher, exact_pass in passes:
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                if (start, end, key, exact_pass) in seen:
                    continue
                seen.add((start, end, key, exact_pass))
                span_text = doc[start:end].text
                # The parser read a lower-case word as a name ("President obama"): the case
                # was lost in the text, so a person's name counts (not places: "turkey").
                named = len(span_text) >= 4 and all(t.pos_ == "PROPN" for t in doc[start:end])
                aliases = [a for a in self._index.get(key, ())
                           if a.exact == exact_pass and (
                               a.case_fits(span_text) or (named and a.entry.kind == "person"))]
                if aliases:
                    candidates.append(PhraseHit(start, end, key, aliases))
        candidates.sort(key=lambda h: (-(h.end - h.start), -max(a.entry.weight for a in h.aliases),
                                       h.start))
        taken = [False] * len(doc)
        chosen = []
        for hit in candidates:
            if not any(taken[hit.start:hit.end]):
                chosen.append(hit)
                for i in range(hit.start, hit.end):
                    taken[i] = True
        chosen = [self._as_water(doc, hit, taken) for hit in chosen]
        chosen += self._inside_hyphenated_tokens(doc, taken)
        chosen = self._drop_name_fragments(doc, sorted(chosen, key=lambda h: (h.start, h.start_char or 0)),
                                           taken)
        return self._add_spelling_variants(doc, chosen) if spelling else chosen

    @staticmethod
    def _as_water(doc: Doc, hit: PhraseHit, taken: list[bool]) -> PhraseHit:
        """A country or town inside the name of a sea is no actor: "Gulf of Oman", "South
        China Sea", "Indian Ocean". Listed waters (data/waters.yaml) win over the other
        meanings of the same words ("Red Sea" is also a Sudanese state)."""
        water = [a for a in hit.aliases if a.entry.kind == "water"]
        if water:
            return PhraseHit(hit.start, hit.end, hit.key, water, hit.start_char, hit.end_char)
        if not all(a.entry.how in ("name", "demonym", "capital", "place") for a in hit.aliases):
            return hit
        start, end = hit.start, hit.end
        if end < len(doc) and doc[end].text in WATER_AFTER and not taken[end]:
            end += 1
        elif start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].text in WATER_BEFORE_OF:
            start -= 2
        elif start >= 1 and doc[start - 1].text == "Lake":
            start -= 1
        else:
            return hit
        for i in range(start, end):
            taken[i] = True
        return PhraseHit(start, end, "body of water", [Alias(WATER, doc[start:end].text, False, True)])

    def _inside_hyphenated_tokens(self, doc: Doc, taken: list[bool]) -> list[PhraseHit]:
        """Actors inside tokens the tokenizer keeps whole: "U.S.-Russia", "U.S.-made"."""
        hits = []
        for token in doc:
            text = token.text
            if taken[token.i] or "-" not in text[1:-1] or len(text) < 4:
                continue
            offset = token.idx
            for part in text.split("-"):
                aliases = [a for a in self._index.get(normalise(part), ())
                           if a.entry.how in _PLACE_HOWS and (part == a.text if a.exact
                                                              else a.case_fits(part))]
                if aliases and len(part) < len(text):
                    hits.append(PhraseHit(token.i, token.i + 1, normalise(part), aliases,
                                          offset, offset + len(part)))
                offset += len(part) + 1
        return hits

    def person_by_spelling(self, name: str) -> Entry | None:
        """A person whose name is spelt differently ("Aleksandr Lukashenko"), if unambiguous."""
        found = self._skeletons.get(name_skeleton(name), [])
        if not found:
            return None
        codes = {r.code for e in found for r in e.roles}
        if len({e.name for e in found}) > 1 and len(codes) > 1:
            return None
        return max(found, key=lambda e: e.weight)

    def _add_spelling_variants(self, doc: Doc, hits: list[PhraseHit]) -> list[PhraseHit]:
        """People the matchers missed: PERSON entities (or, without NER, capitalised runs)."""
        if not self._skeletons:
            return hits
        covered = [False] * len(doc)
        for hit in hits:
            for i in range(hit.start, hit.end):
                covered[i] = True
        if doc.has_annotation("ENT_IOB"):
            spans = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
        else:
            spans, i = [], 0
            while i < len(doc):
                j = i
                while j < len(doc) and not covered[j] and (
                        (doc[j].is_alpha and doc[j].text[:1].isupper())
                        or (doc[j].text == "-" and j > i and not doc[j - 1].whitespace_)):
                    j += 1
                if j - i >= 2:
                    spans.append((i, j))
                    spans.append((i + 1, j))  # "Yesterday Kassym Tokayev"
                i = max(j, i + 1)
        added = []
        taken: set[int] = set()
        for start, end in spans:
            if end - start < 2 or any(covered[start:end]) or taken & set(range(start, end)):
                continue
            entry = self.person_by_spelling(doc[start:end].text)
            if entry is not None:
                added.append(PhraseHit(start, end, "~" + entry.name,
                                       [Alias(entry, doc[start:end].text, False, True)]))
                taken.update(range(start, end))
        return sorted(hits + added, key=lambda h: h.start) if added else hits

    @staticmethod
    def _drop_name_fragments(doc: Doc, hits: list[PhraseHit], taken: list[bool]) -> list[PhraseHit]:
        """Drop towns and people that are only part of a longer unknown name.

        "Mohammed Hussein Roble" is not "Mohammed Hussein"; "Al-Sabah" is not the Malaysian
        state of Sabah. A hit followed by a capitalised word the registry does not know, or
        glued to a preceding word by a hyphen, is such a fragment. Towns preceded by an
        unknown capitalised word ("Feliciano Valencia") are fragments too.
        """
        def unknown_capital(i: int) -> bool:
            if i < 0 or i >= len(doc) or taken[i]:
                return False
            token = doc[i]
            return token.is_alpha and token.text[:1].isupper() and not token.is_sent_start

        kept = []
        for hit in hits:
            kinds = {a.entry.how for a in hit.aliases}
            fragile = kinds <= {"place", "person"}
            if fragile and not any(a.exact for a in hit.aliases):
                hyphen_before = hit.start > 1 and doc[hit.start - 1].text == "-" and \
                    doc[hit.start - 2].is_alpha and not doc[hit.start - 1].whitespace_
                if unknown_capital(hit.end) or hyphen_before or (
                        kinds == {"place"} and unknown_capital(hit.start - 1)):
                    continue
            kept.append(hit)
        return kept

    def scan(self, text: str) -> set[str]:
        """The actor codes named in ``text`` (tokenizer + phrase matchers only; no parser)."""
        doc = _tokenizer()(text)
        codes: set[str] = set()
        for hit in self.hits(doc, spelling=False):
            for entry in hit.entries:
                if entry.how == "place":
                    continue  # a town is where something happens, not who acts
                if entry.code:
                    codes.add(entry.code)
                for role in entry.roles:
                    if role.code:
                        codes.add(role.code)
        return codes

    # ------------------------------------------------------------------ lookups
    def lookup(self, name: str, when: date | None = None) -> list[ActorMatch]:
        """Best matches for a name or a short phrase ("Russia's foreign minister"), best first."""
        from dyadwatch.actors.resolver import compose_phrase

        key = normalise(name)
        found: list[ActorMatch] = []
        for candidate in (key, _strip_article(key)):
            aliases = self._index.get(candidate)
            if aliases:
                if all(a.entry.kind == "none" for a in aliases):
                    return []
                if any(a.entry.kind == "water" for a in aliases):
                    # "Red Sea" is the sea before it is the Sudanese state of that name.
                    aliases = [a for a in aliases if a.entry.kind == "water"]
                matches = [self.match_for(a.entry, when, score=a.entry.weight) for a in aliases
                           if a.entry.kind != "none"]
                found = _dedupe(sorted(matches, key=lambda m: -m.score))
                break
        if not found and key:
            doc = _tokenizer()(name.strip())
            found = compose_phrase(self, doc, when) or self._by_surname(doc, when)
        if found and found[0].how == "place" and found[0].sector is None and found[0].code:
            # A town named as an actor ("Mariupol was shelled") stands for its people.
            found[0] = replace(found[0], sector="CVL", sectors=("CVL",))
        return found

    def _by_surname(self, doc: Doc, when: date | None) -> list[ActorMatch]:
        """"Museveni": the one person of that surname; "Gotabaya Rajapaksa": an unknown
        member of a family whose known members all belong to one country (country only)."""
        words = [t for t in doc if t.is_alpha]
        if not words or len(words) > 4 or not all(t.text[:1].isupper() for t in words):
            return []
        # A generic bucket (Phoenix's "Human Rights Internet Harvard" [NGO]) is no family's.
        people = [e for e in self._surnames.get(normalise(words[-1].text), [])
                  if any(r.code and r.code not in BUCKET_CODES for r in e.roles)]
        codes = {r.code for e in people for r in e.roles if r.code}
        if len(codes) != 1:
            return []
        code = codes.pop()
        if len(words) == 1:
            best = max(people, key=lambda e: (e.weight, -min(r.rank for r in e.roles)))
            return [self.match_for(best, when, score=0.5 * best.weight, how="surname")]
        return [ActorMatch(code=code, name=self.code_names.get(code, code), sector=None, role=None,
                           person=None, kind="person", score=0.3, how="surname",
                           family=self.code_family.get(code))]

    def match_for(self, entry: Entry, when: date | None, *, score: float = 1.0,
                  how: str | None = None) -> ActorMatch:
        """The actor an entry stands for on ``when`` (people: their role on that date)."""
        if entry.roles:
            role, current = entry.role_on(when)
            assert role is not None
            sector = role.sector if current else "ELI"
            sectors = role.sectors if current else ("ELI", *role.sectors)
            title = role.title or (role.office.replace("-", " ").title() if role.office else None)
            if not current and title:
                title = f"former {title}"
            person = entry.name if entry.kind == "person" else None
            return ActorMatch(code=role.code, name=self.code_names.get(role.code, role.code),
                              sector=sector, role=title, person=person, kind=entry.kind,
                              score=score, how=how or entry.how, sectors=sectors,
                              office=role.office if current else None,
                              family=self.code_family.get(role.code), source=entry.source)
        return ActorMatch(code=entry.code, name=self.code_names.get(entry.code, entry.name),
                          sector=entry.sector, role=entry.title, person=None, kind=entry.kind,
                          score=score, how=how or entry.how, sectors=entry.sectors,
                          office=entry.office, family=self.code_family.get(entry.code) or entry.family,
                          source=entry.source)

    def office_holder(self, code: str, office: str, when: date | None) -> Entry | None:
        """Who held ``office`` for ``code`` on ``when`` (None if not known)."""
        for entry in sorted(self._holders.get((code, office), ()), key=lambda e: -e.weight):
            for role in entry.roles:
                if role.code == code and role.office == office and (
                        (when is None and role.end is None) or (when is not None and role.holds_on(when))):
                    return entry
        return None

    def codes(self) -> set[str]:
        """Every state, territory and organisation code the registry knows."""
        return set(self.code_names)

    def list(self, country: str | None = None) -> list[Entry]:
        """Entries, optionally only those of one code (a country or an organisation)."""
        if not country:
            return list(self.entries)
        code = country.upper()
        if code not in self.code_names:
            found = self.lookup(country)
            code = found[0].code if found else code
        return [e for e in self.entries if e.code == code or any(r.code == code for r in e.roles)]


def _rebuild(entries: list[Entry], former: tuple[str, ...], problems: tuple[DictionaryProblem, ...],
             base: Registry | None) -> Registry:
    return Registry(entries, former_words=former, problems=problems, base=base)


def _copy_lists(mapping: dict) -> dict:
    return {key: list(value) for key, value in mapping.items()}


def _strip_article(key: str) -> str:
    for article in ("the ", "a ", "an "):
        if key.startswith(article):
            return key[len(article):]
    return key


def _dedupe(matches: list[ActorMatch]) -> list[ActorMatch]:
    seen, result = set(), []
    for m in matches:
        ident = (m.code, m.sector, m.person, m.role)
        if ident not in seen:
            seen.add(ident)
            result.append(m)
    return result


@lru_cache(maxsize=1)
def _tokenizer():
    return spacy.blank("en").tokenizer


def _package_entries(problems: list[DictionaryProblem]) -> tuple[list[Entry], set[str]]:
    entries = loaders.countries(loaders.data_path("countries.yaml"))
    entries += loaders.organisations(loaders.data_path("organisations.yaml"))
    entries += loaders.institutions(loaders.data_path("institutions.yaml"))
    people_path = loaders.data_path("people.yaml")
    if people_path.is_file():
        entries += loaders.people(people_path, problems)
    titles, former = loaders.sector_words(loaders.data_path("sectors.yaml"))
    entries += titles
    entries += loaders.waters(loaders.data_path("waters.yaml"))
    known = {normalise(a) for e in entries for a in e.aliases}
    people = {name_skeleton(a) for e in entries if e.kind == "person" for a in e.aliases} - {""}
    entries += loaders.phoenix_actors(loaders.data_path("phoenix_actors.tsv"), known, people)
    entries += loaders.agents(loaders.data_path("agents.tsv"))
    return entries, former


def get_registry(extra_files: tuple[str, ...] = ()) -> Registry:
    """The registry of the package's data files plus users' files (cached per file set).

    Users' files are YAML in the registry's own formats or PETRARCH `.actors`/`.agents`
    dictionaries; their problems (file:line) are in ``Registry.problems``.
    """
    return _cached_registry(tuple(str(f) for f in extra_files))


@lru_cache(maxsize=8)
def _cached_registry(extra_files: tuple[str, ...]) -> Registry:
    problems: list[DictionaryProblem] = []
    if extra_files:
        base = _cached_registry(())
        entries: list[Entry] = []
        for path in extra_files:
            entries += loaders.user_file(path, problems)
        registry = Registry(entries, problems=[*base.problems, *problems], base=base)
        registry.made_from = extra_files
        return registry
    entries, former = _package_entries(problems)
    registry = Registry(entries, former_words=former, problems=problems)
    registry.made_from = ()
    # The registry holds ~10^5 long-lived objects; without this every full garbage
    # collection walks them all, which made scanning text several times slower.
    gc.freeze()
    return registry
