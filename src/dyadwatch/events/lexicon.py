"""The coder's knowledge, read from data files: triggers, light verbs, cue lists, PETRARCH verbs.

Three sources, later ones overriding earlier ones for the same key:
1. ``data/petrarch_verbs.tsv``: the broad base lexicon derived from PETRARCH-2's CAMEO
   verb dictionary (``scripts/build_petrarch_lexicon.py``); CAMEO codes become PLOVER
   events through :mod:`dyadwatch.ontology` when loaded.
2. ``data/triggers.yaml``: the hand-written lexicon for current reporting, with argument
   and complement behaviour (see the comments at the top of that file).
3. User files: ``lexicon_files`` in the triggers.yaml format, ``verbs_files`` in PETRARCH
   format (``--verbs PETR.Validate.verbs.txt``).

A bad entry never stops loading: it is recorded in ``Lexicon.problems`` as
``"file:line: what is wrong"`` and skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dyadwatch.events.petrarch_verbs import VerbPattern, read_verb_dictionary

COMPLEMENT_KINDS = {"governor", "intent", "transparent", "negate"}
MODALITIES = {"future", "hypothetical", "conditional"}

# CAMEO 02x appeals are REQUEST in dyadwatch (PLOVER folds appeals into requests).
_APPEAL_PREFIX = "02"


@dataclass(frozen=True)
class Entry:
    """What a trigger means and how its arguments are found."""

    event: str
    mode: str | None = None
    cameo: str | None = None
    contexts: tuple[str, ...] = ()
    complement: str | None = None
    modality: str | None = None
    objects: dict[str, Entry] = field(default_factory=dict, hash=False, compare=False)
    target_preps: tuple[str, ...] = ()
    place_targets: bool = False
    object_is_target: bool = True
    object_required: bool = False
    target_required: bool = False
    stative: bool = False  # "X is opposed to": the passive subject is the doer
    also: tuple[str, ...] = ()  # further event types the act implies (less confident)
    # a conflict both doers wage on each other ("clashed", "exchanged fire"); other
    # conflictual acts by coordinated doers ("Russia and China vetoed") are not between them
    mutual: bool = False
    not_places: bool = False  # a "VERB PREP" key that does not apply to places ("withdraw from")
    solo: Entry | None = field(default=None, hash=False, compare=False)  # one actor, no target
    # used when the doers are people, not a government ("protesters protested" = PROTEST)
    civilian: Entry | None = field(default=None, hash=False, compare=False)
    military: Entry | None = field(default=None, hash=False, compare=False)
    police: Entry | None = field(default=None, hash=False, compare=False)
    # used when the object is the doer's own side ("ordered its own troops to leave Syria"
    # is a withdrawal from the place, not an expulsion)
    own_object: Entry | None = field(default=None, hash=False, compare=False)
    # PETRARCH paired code "[032:033]": the target's code for the act, target -> source.
    reverse_cameo: str | None = None
    weight: float = 0.6
    where: str = ""
    # A PETRARCH pattern that spells out the negation before the verb ("&NEGATVAUXVRB * ...")
    # codes the negated act itself: its code already says "not", so the event is not negated.
    states_negation: bool = False


_NEGATION_WORDS = frozenset({"not", "n't", "never", "no", "cannot"})


@dataclass(frozen=True)
class BasePattern:
    """A PETRARCH pattern usable over the parse."""

    words: tuple[frozenset[str], ...]
    entry: Entry
    # Words before the verb, in order (gaps allowed); each item: alternative token sequences.
    before: tuple[frozenset[tuple[str, ...]], ...] = ()
    adjacent: bool = False  # the last `before` item must end right before the verb


@dataclass
class Lexicon:
    verbs: dict[str, Entry] = field(default_factory=dict)
    nouns: dict[str, Entry] = field(default_factory=dict)
    base: dict[str, list[BasePattern]] = field(default_factory=dict)
    # PETRARCH's CAMEO 01x statement patterns ("express sorrow" 018): no PLOVER type, so
    # only PETRARCH conventions add them to `base` (data/petrarch_statements.tsv).
    statements: dict[str, list[BasePattern]] = field(default_factory=dict)
    reporting_verbs: set[str] = field(default_factory=set)
    light_verbs: set[str] = field(default_factory=set)
    intent_adjectives: set[str] = field(default_factory=set)
    future_nouns: set[str] = field(default_factory=set)
    negators: set[str] = field(default_factory=set)
    future_aux: set[str] = field(default_factory=set)
    hypothetical_aux: set[str] = field(default_factory=set)
    conditional_marks: set[str] = field(default_factory=set)
    target_preps: tuple[str, ...] = ()
    place_preps: tuple[str, ...] = ()
    place_target_events: set[str] = field(default_factory=set)
    transparent_verbs: dict[str, str | None] = field(default_factory=dict)
    decision_verbs: set[str] = field(default_factory=set)
    obligation_aux: set[str] = field(default_factory=set)
    statement_nouns: set[str] = field(default_factory=set)
    population_nouns: set[str] = field(default_factory=set)
    on_light_verbs: set[str] = field(default_factory=set)
    domestic_events: set[str] = field(default_factory=set)
    location_participles: set[str] = field(default_factory=set)
    origin_participles: set[str] = field(default_factory=set)
    speaker_nouns: set[str] = field(default_factory=set)
    receiving_light_verbs: set[str] = field(default_factory=set)
    purpose_target_events: set[str] = field(default_factory=set)
    unattributed_events: set[str] = field(default_factory=set)
    context_phrases: set[str] = field(default_factory=set)
    reciprocal_phrases: set[str] = field(default_factory=set)
    joint_words: set[str] = field(default_factory=set)
    civilian_sectors: set[str] = field(default_factory=set)
    irregular_forms: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    fingerprint: str = ""
    # True when a user's PETRARCH verb dictionary speaks: code CAMEO as written, without
    # PLOVER's rule that stated future actions are AGREE/THREATEN.
    cameo_mode: bool = False
    # Coding conventions by name (the `conventions` section; see events/conventions.py).
    conventions: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def obligation_entry(self) -> Entry | None:
        if not self.obligation_aux:
            return None
        return Entry(event="REQUEST", cameo="100", complement="governor", weight=0.75,
                     where="triggers.yaml:obligation_aux")

    @property
    def ceasefire_entry(self) -> Entry | None:
        """The noun "ceasefire"'s entry: what "stopped firing" codes as."""
        return self.nouns.get("ceasefire")

    @property
    def trigger_words(self) -> set[str]:
        """Lower-case first words of every trigger, for the cheap pre-parse filter."""
        words = {key.split()[0] for key in self.verbs}
        words |= {key.split()[-1] for key in self.nouns}
        words |= set(self.light_verbs) | set(self.base)
        return words


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping (for error messages)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _ontology():
    try:
        from dyadwatch import ontology
    except ImportError:  # pragma: no cover - the ontology ships with the package
        return None
    return ontology


def cameo_entry(code: str, where: str, weight: float = 0.45) -> Entry | None:
    """A lexicon entry for a CAMEO code (PLOVER event via the ontology), or None if dropped."""
    onto = _ontology()
    if onto is None:
        return None
    if code.startswith(_APPEAL_PREFIX) and code.isdigit():
        return Entry(event="REQUEST", cameo=code, weight=weight, where=where,
                     complement="governor")
    try:
        event, mode, ctx = onto.cameo_to_plover(code)
    except (KeyError, ValueError):
        # PETRARCH test codes (outside CAMEO) keep their code, with no PLOVER event.
        return Entry(event="", cameo=code, weight=weight, where=where)
    if not event:
        return None
    return Entry(event=event, mode=mode or None, cameo=code, contexts=tuple(ctx or ()),
                 weight=weight, where=where)


#: Lexicon sections that are lists of words, each filling the Lexicon field of its name.
WORD_SECTIONS = ("reporting_verbs",
                 "light_verbs",
                 "intent_adjectives",
                 "future_nouns",
                 "negators",
                 "future_aux",
                 "hypothetical_aux",
                 "conditional_marks",
                 "decision_verbs",
                 "obligation_aux",
                 "statement_nouns",
                 "population_nouns",
                 "on_light_verbs",
                 "domestic_events",
                 "location_participles",
                 "origin_participles",
                 "speaker_nouns",
                 "receiving_light_verbs",
                 "purpose_target_events",
                 "unattributed_events",
                 "context_phrases",
                 "reciprocal_phrases",
                 "joint_words",
                 "civilian_sectors")
#: Of those, the sections that list codes (event types, sectors), kept upper case.
CODE_SECTIONS = frozenset({"civilian_sectors", "domestic_events", "purpose_target_events",
                           "unattributed_events"})


class LexiconBuilder:
    def __init__(self) -> None:
        self.lex = Lexicon()
        self._hash = hashlib.sha256()
        self._user_verbs = False

    # -- hand-written YAML -------------------------------------------------------------
    def _entry(self, key: str, spec: Any, where: str, kinds: set[str]) -> Entry | None:
        if not isinstance(spec, dict):
            self.lex.problems.append(f"{where}: entry {key!r} must be a mapping")
            return None
        onto = _ontology()
        event = str(spec.get("event", "")).upper()
        if onto is not None and event not in onto.plover_types():
            self.lex.problems.append(f"{where}: entry {key!r}: unknown PLOVER event {event!r}")
            return None
        complement = spec.get("complement")
        if complement is not None and complement not in COMPLEMENT_KINDS:
            self.lex.problems.append(f"{where}: entry {key!r}: complement must be one of "
                                     f"{sorted(COMPLEMENT_KINDS)}")
            return None
        modality = spec.get("modality")
        if modality is not None and modality not in MODALITIES:
            self.lex.problems.append(f"{where}: entry {key!r}: unknown modality {modality!r}")
            return None
        cameo = spec.get("cameo")
        if cameo is not None:
            cameo = str(cameo)
            if onto is not None:
                try:
                    onto.cameo(cameo)
                except KeyError:
                    self.lex.problems.append(f"{where}: entry {key!r}: unknown CAMEO code {cameo!r}")
                    cameo = None
        try:
            weight = float(spec.get("weight", 0.6))
        except (TypeError, ValueError):
            self.lex.problems.append(f"{where}: entry {key!r}: weight must be a number")
            return None
        objects: dict[str, Entry] = {}
        for obj, obj_spec in (spec.get("objects") or {}).items():
            if obj == "__line__":
                continue
            sub = self._entry(f"{key} {obj}", obj_spec, where, kinds)
            if sub is not None:
                objects[str(obj).lower()] = replace(sub, weight=max(sub.weight, weight))
        solo = civilian = military = own_object = None
        if spec.get("own_object") is not None:
            own_object = self._entry(f"{key} (own object)", spec["own_object"], where, kinds)
        if spec.get("military") is not None:
            military = self._entry(f"{key} (military)", spec["military"], where, kinds)
        police = None
        if spec.get("police") is not None:
            police = self._entry(f"{key} (police)", spec["police"], where, kinds)
        if spec.get("solo") is not None:
            solo = self._entry(f"{key} (solo)", spec["solo"], where, kinds)
        if spec.get("civilian") is not None:
            civilian = self._entry(f"{key} (civilian)", spec["civilian"], where, kinds)
        contexts = spec.get("contexts") or ()
        if isinstance(contexts, str):
            contexts = (contexts,)
        return Entry(
            event=event,
            mode=spec.get("mode"),
            cameo=cameo,
            contexts=tuple(contexts),
            complement=complement,
            modality=modality,
            objects=objects,
            target_preps=tuple(spec.get("target_preps") or ()),
            place_targets=bool(spec.get("place_targets", False)),
            object_is_target=bool(spec.get("object_is_target", True)),
            object_required=bool(spec.get("object_required", False)),
            target_required=bool(spec.get("target_required", False)),
            stative=bool(spec.get("stative", False)),
            not_places=bool(spec.get("not_places", False)),
            mutual=bool(spec.get("mutual", False)),
            also=tuple(str(a).upper() for a in spec.get("also") or ()),
            reverse_cameo=str(spec["paired"]) if spec.get("paired") else None,
            solo=solo,
            civilian=civilian,
            military=military,
            police=police,
            own_object=own_object,
            weight=weight,
            where=where,
        )

    def add_yaml(self, text: str, name: str) -> None:
        self._hash.update(text.encode("utf-8"))
        try:
            data = yaml.load(text, Loader=_LineLoader) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            self.lex.problems.append(f"{name}{line}: not valid YAML ({getattr(exc, 'problem', exc)})")
            return
        if not isinstance(data, dict):
            self.lex.problems.append(f"{name}:1: a lexicon file must be a mapping of sections")
            return
        lex = self.lex
        defaults = data.get("defaults") or {}
        if defaults:
            lex.target_preps = tuple(str(p) for p in defaults.get("target_preps") or lex.target_preps
                                     if not isinstance(p, bool))
            lex.place_preps = tuple(defaults.get("place_preps") or lex.place_preps)
            lex.place_target_events |= set(defaults.get("place_target_events") or ())
        for section in WORD_SECTIONS:
            target = getattr(lex, section)
            values = data.get(section)
            if values is None:
                continue
            if not isinstance(values, list):
                lex.problems.append(f"{name}: section {section!r} must be a list of words")
                continue
            for v in values:
                if isinstance(v, bool):  # YAML 1.1 reads bare on/off/no/yes as booleans
                    lex.problems.append(f"{name}: section {section!r}: quote the word read as "
                                        f"{v!r} (e.g. \"on\", \"no\")")
                    continue
                target.add(str(v).upper() if section in CODE_SECTIONS else str(v).lower())
        for section, mapping in (("transparent_verbs", lex.transparent_verbs),
                                 ("irregular_forms", lex.irregular_forms)):
            values = data.get(section)
            if values is None:
                continue
            if not isinstance(values, dict):
                lex.problems.append(f"{name}: section {section!r} must be a mapping")
                continue
            for key, value in values.items():
                if key == "__line__":
                    continue
                if section == "transparent_verbs" and value not in MODALITIES | {
                        None, "negate", "cease"}:
                    lex.problems.append(f"{name}: transparent verb {key!r}: unknown modality {value!r}")
                    continue
                mapping[str(key).lower()] = value if value is None else str(value).lower()
        conventions = data.get("conventions")
        if conventions is not None:
            if not isinstance(conventions, dict):
                lex.problems.append(f"{name}: section 'conventions' must be a mapping of names")
            else:
                for conv_name, spec in conventions.items():
                    if conv_name == "__line__":
                        continue
                    if not isinstance(spec, dict):
                        lex.problems.append(f"{name}: conventions {conv_name!r} must be a mapping")
                        continue
                    lex.conventions.setdefault(str(conv_name).lower(), {}).update(spec)
        for section, table in (("verbs", lex.verbs), ("nouns", lex.nouns)):
            entries = data.get(section) or {}
            if not isinstance(entries, dict):
                lex.problems.append(f"{name}: section {section!r} must be a mapping")
                continue
            section_line = entries.get("__line__", 1)
            for key, spec in entries.items():
                if key == "__line__":
                    continue
                line = spec.get("__line__", section_line) if isinstance(spec, dict) else section_line
                entry = self._entry(str(key), spec, f"{name}:{line}", set())
                if entry is not None:
                    table[" ".join(str(key).lower().split())] = entry
        unknown = set(data) - {"defaults", "verbs", "nouns", "transparent_verbs", "irregular_forms",
                               "conventions", "__line__", *WORD_SECTIONS}
        for section in sorted(unknown):
            lex.problems.append(f"{name}: unknown section {section!r}")

    def add_yaml_file(self, path: str | Path) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.lex.problems.append(f"{path}: cannot read lexicon ({exc})")
            return
        self.add_yaml(text, str(path))

    # -- PETRARCH-derived ---------------------------------------------------------------
    def add_base_tsv(self, text: str, name: str, *, statements: bool = False) -> None:
        """Base patterns; ``statements``: CAMEO 01x codes kept as CAMEO-only entries."""
        self._hash.update(text.encode("utf-8"))
        target = self.lex.statements if statements else self.lex.base
        synsets: dict[str, frozenset[str]] = {}
        cache: dict[str, Entry | None] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if line.startswith("&"):
                if len(parts) == 2:
                    synsets[parts[0]] = frozenset(w.replace("_", " ") for w in parts[1].split("|"))
                continue
            if len(parts) != 3:
                self.lex.problems.append(f"{name}:{number}: expected lemma, words, CAMEO code")
                continue
            lemma, words, code = parts
            if code not in cache:
                cache[code] = (Entry(event="", cameo=code, weight=0.45, where=f"{name}:{number}")
                               if statements and code.isdigit()
                               else cameo_entry(code, f"{name}:{number}"))
            entry = cache[code]
            if entry is None or not (entry.event or statements):
                continue
            positions = tuple(
                synsets.get(w) or frozenset(a.replace("_", " ") for a in w.split("|"))
                for w in words.split())
            target.setdefault(lemma, []).append(BasePattern(positions, entry))

    def add_verbs_file(self, path: str | Path) -> None:
        """A user PETRARCH verb dictionary: its patterns take precedence over the base."""
        path = Path(path)
        dictionary = read_verb_dictionary(path)
        self.lex.problems.extend(dictionary.problems)
        try:
            self._hash.update(path.read_bytes())
        except OSError:
            return
        user: dict[str, list[BasePattern]] = {}
        for lemma, patterns in dictionary.patterns.items():
            for pattern in patterns:
                entry = cameo_entry(pattern.cameo, pattern.where, weight=0.6)
                if entry is None:
                    continue
                if pattern.reverse:
                    entry = replace(entry, reverse_cameo=pattern.reverse)
                if any(_NEGATION_WORDS & set(seq) for alts in pattern.before for seq in alts):
                    entry = replace(entry, states_negation=True)
                user.setdefault(lemma, []).append(BasePattern(pattern.words, entry, pattern.before,
                                                             pattern.adjacent))
        if not self._user_verbs:
            # A user verb dictionary replaces the package's verb and noun triggers, so that
            # its codes (e.g. PETRARCH's test codes) are what the coder produces; reporting
            # verbs, light verbs and modality cues still apply.
            self.lex.base, self.lex.verbs, self.lex.nouns = {}, {}, {}
            self.lex.statements = {}
            self.lex.cameo_mode = True
            self._user_verbs = True
        for lemma, patterns in user.items():
            self.lex.base.setdefault(lemma, []).extend(patterns)

    def build(self) -> Lexicon:
        self.lex.fingerprint = self._hash.hexdigest()[:12]
        return self.lex


def _package_text(name: str) -> str:
    return resources.files("dyadwatch.events").joinpath("data").joinpath(name).read_text(encoding="utf-8")


def load_lexicon(lexicon_files: Sequence[str | Path] = (),
                 verbs_files: Iterable[str | Path] = ()) -> Lexicon:
    """The package lexicons plus the user's files (later files override earlier keys)."""
    builder = LexiconBuilder()
    builder.add_base_tsv(_package_text("petrarch_verbs.tsv"), "petrarch_verbs.tsv")
    builder.add_base_tsv(_package_text("petrarch_statements.tsv"), "petrarch_statements.tsv",
                         statements=True)
    builder.add_yaml(_package_text("triggers.yaml"), "triggers.yaml")
    for path in lexicon_files:
        builder.add_yaml_file(path)
    for path in verbs_files:
        builder.add_verbs_file(path)
    return builder.build()


__all__ = ["BasePattern", "Entry", "Lexicon", "VerbPattern", "cameo_entry", "load_lexicon"]
