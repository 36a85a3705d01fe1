"""The event coder: spaCy dependency parse + trigger lexicon -> PLOVER/CAMEO events.

Per sentence:
1. find triggers: verbs (hand lexicon, else PETRARCH patterns), event nouns, light verbs
   governing event nouns ("held talks", "imposed sanctions");
2. relate triggers through complements: a *governor* ("accused X of meddling", "agreed to
   withdraw", "refused to meet") is the event and its complement is content; an *intent*
   verb ("vowed to retaliate", "offered to host") becomes AGREE or THREATEN from what is
   promised; a *transparent* verb ("decided to", "plans to") hands the event to its
   complement; reporting verbs ("said", "told reporters") are never the event - their
   subject becomes ``reported_by``;
3. fill arguments (arguments.py), modality (modality.py) and the date (dates.py);
4. PLOVER's rule for intentions: cooperative events said in the future are AGREE,
   conflictual ones THREATEN, refusals of cooperation REJECT (the stated future event is
   kept as a second, less confident event with modality "future");
5. rank events by confidence (confidence.py); every event names its rule in ``pattern``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import permutations
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from dyadwatch.datelines import dateline_end
from dyadwatch.events import confidence as conf
from dyadwatch.events.arguments import PRONOUNS, Arg, ArgumentFinder, unique_args
from dyadwatch.events.conventions import DEFAULT_CONVENTIONS, Conventions, build_conventions
from dyadwatch.events.dates import event_date
from dyadwatch.events.lexicon import BasePattern, Entry, Lexicon, cameo_entry, load_lexicon
from dyadwatch.events.modality import Modality, conditional_inside, modality_of
from dyadwatch.model import ActorRef, Event, Evidence

CODER_LOGIC_VERSION = "2"
MAX_EVENTS_PER_TRIGGER = 16
MAX_SENTENCE_TOKENS = 150  # longer "sentences" are lists or boilerplate; skip them
_COMPLEMENT_DEPS = {"xcomp", "ccomp"}
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
# Subordinators of background clauses: what happened before or around the reported event.
_BACKGROUND_MARKS = {"after", "before", "since", "as", "when", "while", "because", "following"}


def _ontology():
    from dyadwatch import ontology

    return ontology


@dataclass
class Candidate:
    token: Token  # the verb (or light verb) or the event noun
    entry: Entry
    key: str
    kind: str  # verb | noun | light | base
    noun: Token | None = None  # event noun of a light verb
    suppressed: bool = False
    governed_by: Candidate | None = None
    content: Candidate | None = None
    negate: bool = False
    modality: str | None = None
    intent: bool = False
    obligation: Token | None = None  # the clause an obligation request is about


class Coder:
    """Codes parsed sentences into :class:`dyadwatch.model.Event` objects.

    ``registry``: a ``dyadwatch.actors`` Registry (default: the package registry);
    ``lexicon_files``: extra trigger lexicons (triggers.yaml format);
    ``verbs_files``: PETRARCH verb dictionaries, which replace the package verb lexicon;
    ``conventions``: "plover" (default) or "petrarch" - how conventions that differ between
    the two are coded (the ``conventions`` section of triggers.yaml; see
    :mod:`dyadwatch.events.conventions`).  An unknown name raises ``ValueError``.
    """

    def __init__(self, registry: Any = None, lexicon_files: Sequence[str | Path] = (),
                 verbs_files: Sequence[str | Path] = (),
                 conventions: str = DEFAULT_CONVENTIONS) -> None:
        self._base_lexicon: Lexicon = load_lexicon(lexicon_files, verbs_files)
        self.lexicon: Lexicon = self._base_lexicon
        self.problems: list[str] = list(self._base_lexicon.problems)
        self._registry = registry
        self._resolver: Any = None
        self._nlp: Any = None
        self.conventions: Conventions = Conventions()
        self.version: str = ""
        self.set_conventions(conventions)
        self._cheap_words = self._build_cheap_words()
        self._active_verbs: set[int] = set()
        self._statement_heads: set[int] = set()
        self._sector_cache: dict[str, str | None] = {}

    def set_conventions(self, name: str) -> None:
        """Switch coding conventions ("plover" | "petrarch"); the version changes with them."""
        conventions, problems = build_conventions(name, self._base_lexicon.conventions)
        self.problems.extend(p for p in problems if p not in self.problems)
        self.conventions = conventions
        self._resolver = None  # the resolver follows the conventions (user_agents_only)
        lex = self._base_lexicon
        if conventions.place_target_events:
            lex = replace(lex, place_target_events=(
                lex.place_target_events | set(conventions.place_target_events)))
        if conventions.statement_codes and lex.statements:
            base = dict(lex.base)
            for lemma, patterns in lex.statements.items():
                base[lemma] = [*base.get(lemma, ()), *patterns]
            lex = replace(lex, base=base)
        self.lexicon = lex
        digest = hashlib.sha256((CODER_LOGIC_VERSION + self._base_lexicon.fingerprint
                                 + _source_fingerprint()).encode())
        suffix = "" if conventions.name == DEFAULT_CONVENTIONS else f"-{conventions.name}"
        self.version = f"coder-{CODER_LOGIC_VERSION}-{digest.hexdigest()[:10]}{suffix}"
        if hasattr(self, "_cheap_words"):
            self._cheap_words = self._build_cheap_words()  # the trigger words follow the lexicon

    # -- collaborators ---------------------------------------------------------------------
    @property
    def registry(self) -> Any:
        if self._registry is None:
            from dyadwatch.actors import get_registry

            self._registry = get_registry()
        return self._registry

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            from dyadwatch import nlp

            self._nlp = nlp.load()
        return self._nlp

    def _get_resolver(self) -> Any:
        if self._resolver is None:
            from dyadwatch.actors import Resolver

            self._resolver = Resolver(self.registry,
                                      user_agents_only=self.conventions.user_agents_only)
        return self._resolver

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_nlp"] = None
        state["_resolver"] = None
        return state

    # -- cheap pre-parse filter ----------------------------------------------------------------
    def _build_cheap_words(self) -> set[str]:
        words = set(self.lexicon.trigger_words) | set(self.lexicon.transparent_verbs)
        words |= set(self.lexicon.irregular_forms)
        return words

    def could_hold_event(self, text: str) -> bool:
        """Cheap test (no parser): does the text name an actor and contain a trigger word?"""
        if not text or not text.strip():
            return False
        found = False
        for word in _WORD.findall(text.lower()):
            for form in _forms(word):
                if form in self._cheap_words:
                    found = True
                    break
            if found:
                break
        if not found:
            return False
        low = " ".join(text.lower().split())
        if any(phrase in low for phrase in self.lexicon.context_phrases):
            return True  # "the two sides agreed": resolved from the document's dyad
        registry = self.registry
        if registry is None or not hasattr(registry, "scan"):
            return True
        try:
            return bool(registry.scan(text))
        except Exception:  # noqa: BLE001 - a scan failure must not lose the sentence
            return True

    # -- public API ----------------------------------------------------------------------------
    def code_text(self, text: str, when: date | None = None) -> list[Event]:
        """Parse ``text`` with ``nlp.load()`` and code it (all sentences, indices from 0)."""
        if not text or not text.strip():
            return []
        nlp = self.nlp
        if len(text) > nlp.max_length:
            text = text[: nlp.max_length]
        return self.code_doc(nlp(text), when)

    def resolve_mentions(self, doc: Doc, when: date | None, *,
                         context_codes: Sequence[str] = ()) -> list[Any]:
        """The actor mentions the coder codes ``doc`` from (its resolver, its conventions).

        ``doc`` may be parsed or only tokenized (fewer cues: no parts of speech, no names).
        """
        if isinstance(when, datetime):
            when = when.date()
        return list(self._get_resolver().resolve(
            doc, when, context_codes=tuple(context_codes)))

    def code_doc(self, doc: Doc, when: date | None, *, context_codes: Sequence[str] = (),
                 reported_by: ActorRef | None = None,
                 mentions: Sequence[Any] | None = None) -> list[Event]:
        """Events in a parsed ``doc`` (usually one sentence); offsets index ``doc.text``.

        ``mentions``: the doc's actor mentions when the caller has resolved them already
        (``resolve_mentions``, same date and context codes), so they are not resolved twice.
        """
        if doc is None or len(doc) == 0 or not doc.text.strip():
            return []
        if isinstance(when, datetime):
            when = when.date()
        if mentions is None:
            try:
                mentions = self.resolve_mentions(doc, when, context_codes=context_codes)
            except Exception as exc:  # noqa: BLE001 - one bad document must not stop a batch
                self.problems.append(f"actor resolution failed: {exc}")
                return []
        # "ALGIERS (Reuters) - Ethiopia and Eritrea agreed": where the story was filed is
        # no party to it.
        news_start = dateline_end(doc.text)
        mentions = [m for m in mentions if doc[m.start].idx >= news_start]
        if not mentions:
            return []
        events: list[Event] = []
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        for index, sent in enumerate(sents):
            if len(sent) > MAX_SENTENCE_TOKENS:
                continue
            in_sent = [m for m in mentions if m.start >= sent.start and m.end <= sent.end]
            if not in_sent:
                continue
            events.extend(self._code_sentence(doc, sent, index, in_sent, when,
                                              tuple(context_codes), reported_by))
        events.sort(key=lambda e: -e.confidence)
        return events

    # -- triggers --------------------------------------------------------------------------
    def _verb_entry(self, tok: Token) -> tuple[str, Entry, str] | None:
        lex = self.lexicon
        lemma = tok.lemma_.lower()
        if tok.pos_ == "ADJ":
            # "is opposed to": the participle's verb lemma.
            lemma = next((f for f in _forms(tok.lower_) if f in lex.verbs), lemma)
        # "called on Wednesday", "fired on Monday": a preposition of time chooses no sense.
        words = [c for c in tok.children if c.dep_ == "prt" or (
            c.dep_ == "prep" and not any(g.dep_ == "pobj" and g.ent_type_ in {"DATE", "TIME"}
                                         for g in c.children))]
        # "ordered the diplomats to leave": a key "VERB COMPLEMENT-VERB" ("order leave").
        words += [c for c in tok.children if c.dep_ == "xcomp" and c.pos_ == "VERB"]
        objects = [c for c in tok.children if c.dep_ in {"dobj", "attr"}]
        if lemma in lex.reporting_verbs and lemma not in lex.verbs and not any(
                f"{lemma} {c.lower_}" in lex.verbs or f"{lemma} {c.lemma_.lower()}" in lex.verbs
                for c in words + objects):
            return None  # "wrote" reports; "wrote off", "declared a ceasefire" are triggers
        # "violated the ceasefire agreement": the object's compound counts too.
        objects += [g for o in list(objects) for g in o.children if g.dep_ in {"compound", "amod"}]
        entry: Entry | None = None
        key = ""
        for c in words + objects:
            k = f"{lemma} {c.lower_}"
            if k in lex.verbs and lex.verbs[k].not_places and (
                    any(o.dep_ == "dobj" for o in objects) or _names_place(c)):
                continue
            if k in lex.verbs:
                entry, key = lex.verbs[k], k
                # "pull out of": particle then preposition
                for g in words:
                    k3 = f"{k} {g.lower_}"
                    if g.i != c.i and k3 in lex.verbs:
                        entry, key = lex.verbs[k3], k3
                break
            k = f"{lemma} {c.lemma_.lower()}"
            if k in lex.verbs:
                entry, key = lex.verbs[k], k
                break
        if entry is None:
            # "test-fired": a modifier before the verb ("test fire").
            for c in tok.children:
                k = f"{c.lower_} {lemma}"
                if c.i < tok.i and c.dep_ in {"compound", "npadvmod", "amod", "advmod"} \
                        and k in lex.verbs:
                    entry, key = lex.verbs[k], k
                    break
        if entry is None and lemma in lex.verbs:
            entry, key = lex.verbs[lemma], lemma
        if entry is not None:
            # "ordered troops to attack": with a complement, the complement is the event.
            has_complement = entry.complement in {"governor", "intent"} and any(
                c.dep_ == "xcomp" for c in tok.children)
            # "was handed over to Spanish police": the passive subject is the object; "allowed
            # peacekeepers to deploy": so is the subject of the complement clause.
            objects += [c for c in tok.children if c.dep_ == "nsubjpass"]
            objects += [g for c in tok.children if c.dep_ in {"ccomp", "xcomp"}
                        for g in c.children if g.dep_ == "nsubj"]
            for obj in objects:
                sub = None if has_complement else (
                    entry.objects.get(obj.lemma_.lower())
                    or (entry.objects.get("_person") if _names_person(obj) else None))
                if sub is not None:
                    return key + " +" + obj.lemma_.lower(), sub, "verb"
            if entry.object_required and not objects:
                return None
            return key, entry, "verb"
        patterns = lex.base.get(lemma)
        if not patterns and tok.pos_ == "VERB":
            # PETRARCH dictionaries list some surface forms as verbs ("LEFT"), and the small
            # model mis-lemmatises others ("cordoned" -> "cordone").
            form = next((f for f in (tok.lower_, *_forms(tok.lower_)) if f in lex.base), None)
            if form is not None:
                lemma, patterns = form, lex.base[form]
        if patterns:
            best = _match_base(tok, patterns)
            if best is not None:
                return (lemma + (" " + " ".join(min(w) for w in best.words)
                                 if best.words else "")), best.entry, "base"
        return None

    def _noun_entry(self, tok: Token) -> tuple[str, Entry] | None:
        lex = self.lexicon
        lemma = tok.lemma_.lower()
        modifiers = [c for c in tok.children if c.dep_ in {"compound", "amod", "nmod"}]
        # "direct weekend flights": a modifier of the compound modifies the noun too.
        modifiers += [g for c in modifiers if c.dep_ == "compound"
                      for g in c.children if g.dep_ in {"compound", "amod"}]
        for child in modifiers:
            k = f"{child.lemma_.lower()} {lemma}"
            if k in lex.nouns:
                return k, lex.nouns[k]
        if lemma in lex.nouns:
            return lemma, lex.nouns[lemma]
        low = tok.lower_
        if low in lex.nouns:
            return low, lex.nouns[low]
        return None

    def _find_candidates(self, sent: Span) -> tuple[list[Candidate], dict[int, Entry]]:
        lex = self.lexicon
        nouns: dict[int, tuple[str, Entry]] = {}
        for tok in sent:
            if tok.pos_ in {"NOUN", "PROPN"} or (tok.pos_ == "VERB" and tok.tag_ == "VBG"
                                                and tok.dep_ in {"pobj", "dobj", "nsubj"}):
                found = self._noun_entry(tok)
                if found is not None:
                    nouns[tok.i] = found
        candidates: list[Candidate] = []
        consumed: set[int] = set()
        for tok in sent:
            is_verb = tok.pos_ == "VERB" or (tok.tag_.startswith("VB") and tok.pos_ != "AUX") or (
                tok.pos_ == "ADJ" and tok.dep_ == "acomp")
            if tok.pos_ == "AUX" and tok.dep_ == "ROOT" and tok.lemma_.lower() in lex.on_light_verbs:
                is_verb = True  # "troops were on alert"
            if not is_verb or tok.dep_ in {"prep", "amod", "compound"} or tok.i in consumed:
                continue  # "according to", "the planned loan"; "ordered to leave"
            # The small model mis-lemmatises some forms ("staged" -> "stag").
            lemma = lex.irregular_forms.get(tok.lower_, tok.lemma_.lower())
            verb_found = self._verb_entry(tok)
            # Light verb + event noun: "held talks", "imposed sanctions", "launched 10 days
            # of war games".  Verb entries keyed on this object ("strike a deal") win.
            # Verb entries keyed on a particle or this object ("called off a strike",
            # "struck a deal") beat the light-verb reading.
            keyed = bool(verb_found and verb_found[2] == "verb" and " " in verb_found[0])
            if (lemma in lex.light_verbs or lemma in lex.reporting_verbs
                    or lemma in lex.on_light_verbs) and not keyed:
                # The strongest event noun: "imposed a package of sanctions" is about the
                # sanctions, not the package.
                objs = [o for o in _light_objects(tok, lemma in lex.on_light_verbs)
                        if o.i in nouns and o.i not in consumed]
                if objs:
                    obj = max(objs, key=lambda o: nouns[o.i][1].weight)
                    key, entry = nouns[obj.i]
                    candidates.append(Candidate(tok, entry, f"{lemma}+{key}", "light", noun=obj))
                    consumed.add(obj.i)
                    verb_found = None
            if verb_found is not None:
                key, entry, kind = verb_found
                candidates.append(Candidate(tok, entry, key, kind))
                if kind == "verb" and " " in key:
                    # "halted their attacks", "lodged a protest": the object that chose the
                    # verb's meaning is part of this event, not one of its own.
                    word = key.split()[-1].lstrip("+")
                    consumed.update(c.i for c in tok.children if c.dep_ in {
                        "dobj", "attr", "xcomp"} and c.lemma_.lower() == word)
        # "Russia said Sudan must return the helicopter": a request by the speaker.
        for tok in sent:
            if tok.lemma_.lower() not in lex.reporting_verbs or lex.obligation_entry is None:
                continue
            for clause in tok.children:
                if clause.dep_ == "ccomp" and any(
                        a.dep_ == "aux" and a.lower_ in lex.obligation_aux
                        for a in clause.children):
                    candidates.append(Candidate(tok, lex.obligation_entry,
                                                f"{tok.lemma_.lower()}+{clause.lower_}+must",
                                                "verb", obligation=clause))
                    break
        noun_entries = {i: e for i, (_, e) in nouns.items()}
        for i, (key, entry) in nouns.items():
            if i in consumed:
                continue
            candidates.append(Candidate(sent.doc[i], entry, key, "noun"))
        return candidates, noun_entries

    # -- complements, reporting ------------------------------------------------------------
    def _relate(self, candidates: list[Candidate]) -> None:
        lex = self.lexicon
        by_token = {c.token.i: c for c in candidates if c.kind != "noun"}
        nouns = {c.token.i: c for c in candidates if c.kind == "noun"}
        for cand in candidates:
            if cand.kind == "noun":
                continue
            tok = cand.token
            content = _complement(tok, by_token, nouns)
            lemma = tok.lemma_.lower()
            transparent = lemma in lex.transparent_verbs
            if (transparent or cand.entry.complement in {"governor", "intent"}) and \
                    content is None:
                # "sent personnel to Bosnia to investigate": a purpose clause.
                for child in tok.children:
                    if child.dep_ in {"advcl", "xcomp"} and child.i in by_token and any(
                            g.dep_ == "aux" and g.lower_ == "to" for g in child.children):
                        content = by_token[child.i]
                        break
            kind = cand.entry.complement
            if kind == "transparent" and cand.entry.event == "REQUEST" and (
                    any(c.dep_ in {"dobj", "dative"} for c in tok.children) or any(
                        g.dep_ == "nsubj" for c in tok.children if c.dep_ in {"xcomp", "ccomp"}
                        for g in c.children)):
                # "wants Putin to attack": wanting someone else to act is a request.
                kind, transparent = "governor", False
            if transparent and content is not None and content.kind != "noun" and kind not in {
                    "governor", "intent"}:
                cand.suppressed = True
                content.governed_by = cand
                how = lex.transparent_verbs[lemma]
                if how == "cease" and content.entry.event == "ASSAULT" and \
                        lex.ceasefire_entry is not None:
                    # "stopped firing at noon": the fighting ends, a ceasefire.
                    content.entry = replace(lex.ceasefire_entry, weight=content.entry.weight)
                    content.key += " ceased"
                elif how in {"negate", "cease"}:
                    content.negate = True
                elif how:
                    content.modality = content.modality or how
                continue
            if content is None or kind is None:
                continue
            if kind == "negate" and content.kind != "noun":
                cand.suppressed = True
                content.negate = True
                content.governed_by = cand
                continue
            if kind == "transparent":
                if content.kind != "noun":
                    cand.suppressed = True
                    content.governed_by = cand
                continue
            # governor / intent: this verb is the event, the complement is its content.
            cand.content = content
            content.governed_by = cand
            content.suppressed = True
            # PETRARCH patterns deeper in that content ("rejected an invitation to attend a
            # meeting to debate plans") are part of what is rejected, not events of their own.
            inside = {t.i for t in content.token.subtree}
            for other in candidates:
                if other.kind == "base" and other.token.i in inside:
                    other.suppressed = True
            if kind == "intent":
                cand.intent = True
        # Transparent verbs that are not triggers ("began", "decided") still pass modality.
        for cand in candidates:
            if cand.kind == "noun" or cand.governed_by is not None:
                continue
            if cand.token.dep_ == "xcomp":
                gov = cand.token.head
                how = lex.transparent_verbs.get(gov.lemma_.lower(), "")
                if gov.i not in by_token and gov.lemma_.lower() in lex.transparent_verbs:
                    if how == "negate":
                        cand.negate = True
                    elif how:
                        cand.modality = cand.modality or how

    def _reporter(self, tok: Token) -> Token | None:
        """A reporting verb that frames ``tok``'s clause ("X said ...", "..., X said")."""
        lex = self.lexicon
        cur = tok
        for _ in range(6):
            if cur.dep_ in {"ccomp", "parataxis", "xcomp"} and cur.head.i != cur.i:
                head = cur.head
                if head.lemma_.lower() in lex.reporting_verbs:
                    return head
                if head.lemma_.lower() in lex.verbs:
                    return None  # a governor, not a reporter
            if cur.dep_ in {"conj", "xcomp", "advcl"} and cur.head.i != cur.i:
                cur = cur.head
                continue
            if cur.dep_ == "acomp" and cur.head.i != cur.i:
                # "Moscow is ready to resume talks, a diplomat said": through "is ready".
                cur = cur.head
                continue
            if cur.dep_ == "acl" and cur.head.dep_ in {"dobj", "attr", "nsubj", "pobj"}:
                # "said Putin had no plans to meet": through the noun to its verb.
                cur = cur.head.head if cur.head.dep_ != "pobj" else cur.head.head.head
                continue
            break
        # Inverted reporting: "Russia withdrew ..., the Kremlin said."
        root = cur
        for child in root.children:
            if child.dep_ in {"parataxis", "ccomp", "advcl"} and \
                    child.lemma_.lower() in lex.reporting_verbs and child.i > tok.i and \
                    not any(g.dep_ in {"ccomp", "dobj"} for g in child.children):
                return child
        return None

    # -- one sentence --------------------------------------------------------------------------
    def _code_sentence(self, doc: Doc, sent: Span, index: int, mentions: list[Any],
                       when: date | None, context_codes: tuple[str, ...],
                       reported_by: ActorRef | None) -> list[Event]:
        candidates, noun_entries = self._find_candidates(sent)
        if not candidates:
            return []
        self._relate(candidates)
        self._active_verbs = {c.token.i for c in candidates
                              if c.kind != "noun" and not c.suppressed}
        finder = ArgumentFinder(sent, mentions, self.lexicon, noun_entries, self._sector_of)
        day, precision = event_date(sent.text, when)
        out: list[Event] = []
        covered: set[int] = set()
        self._statement_heads: set[int] = set()
        produced: dict[int, list[Event]] = {}
        # Verbal candidates first, so a noun used as a light verb's object is not re-coded.
        order = sorted(candidates, key=lambda c: (c.kind == "noun", c.token.i))
        for cand in order:
            if cand.suppressed and not (cand.kind == "noun" and cand.entry.weight >= 0.5):
                continue
            cand_day, cand_precision = day, precision
            if day is not None and day != when:
                # The sentence names a date: keep it only if it sits in this trigger's clause.
                cand_day, cand_precision = _clause_date(cand.token, sent, when)
            events = self._events_for(doc, sent, index, cand, finder, cand_day, cand_precision,
                                      context_codes, reported_by)
            if cand.kind == "noun" and cand.token.i in covered:
                continue
            if events:
                covered.add(cand.token.i)
                if cand.noun is not None:
                    covered.add(cand.noun.i)
                produced.setdefault(cand.token.i, []).extend(events)
            out.extend(events)
        if not self.conventions.subordinate_events:
            # PETRARCH codes the main verb phrase: "met X to discuss Y", "jailed X for helping
            # Y" are one event each.
            dropped = {id(e) for i, evs in produced.items()
                       if _nonfinite_under(doc[i], set(produced) - {i}) for e in evs}
            out = [e for e in out if id(e) not in dropped]
        if self._statement_heads:
            # A statement verb transformed with its content codes nothing of its own.
            heads = {doc[i].idx for i in self._statement_heads}
            out = [e for e in out if e.evidence.trigger_start not in heads
                   or "statement<" in (e.pattern or "")]
        return _dedupe(out)

    def _sources(self, cand: Candidate, finder: ArgumentFinder) -> list[Arg]:
        tok = cand.token
        if cand.kind == "noun":
            agent = finder.noun_agent(tok)
            if agent:
                return agent
            between = finder.between(tok)
            if len(between) >= 2:
                return between
            # Event noun as object of a governor / light use without a verb entry:
            # "X's call for ..." handled above; "called for sanctions" is the verb's event.
            return []
        subjects = finder.subjects(tok)
        if not subjects and cand.entry.stative:
            for child in tok.children:
                if child.dep_ == "nsubjpass":
                    subjects = finder.np_actors(child, "subject", places=True)
        if not subjects and cand.noun is not None:
            subjects = finder.noun_agent(cand.noun)
        if not subjects:
            subjects = finder.population_place(tok)
        if not subjects and cand.noun is not None:
            between = finder.between(cand.noun)
            if len(between) >= 2:
                return between
        if len(subjects) == 1:
            subjects = _residents(subjects[0], tok, finder) or subjects
        return subjects

    def _targets(self, cand: Candidate, finder: ArgumentFinder, source_keys: set) -> list[Arg]:
        tok = cand.token
        entry = cand.entry
        if cand.kind == "noun":
            targets = finder.prep_targets(tok, entry, source_keys)
            targets += [a for a in finder.between(tok) if a.key not in source_keys]
            if not targets:
                # "an attack by Hezbollah guerrillas on the town of X": the parser hangs the
                # target on the doer's phrase.
                for by in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"):
                    for doer in (g for g in by.children if g.dep_ == "pobj"):
                        targets += finder.prep_targets(doer, entry, source_keys)
            # "U.S.-Russia talks": other modifier actors are participants.
            return unique_args(targets)
        if cand.kind == "light" and cand.noun is not None:
            # "joined Russian vessels for drills": with the event noun in a phrase of its
            # own, the verb's object is the partner ("held talks": the object is the noun).
            partner_object = cand.noun.dep_ == "pobj" and cand.noun.head.head.i == tok.i
            targets = finder.targets(tok, replace(entry, object_is_target=partner_object),
                                     source_keys,
                                     skip=cand.noun.head if partner_object else None)
            # The event noun, and the object it modifies ("a mediation mission between").
            holders = [cand.noun]
            if cand.noun.dep_ in {"compound", "pobj"} and cand.noun.head.i != tok.i:
                holder = cand.noun.head if cand.noun.dep_ == "compound" else cand.noun.head.head
                if holder.i != tok.i:
                    holders.append(holder)
            for noun in holders:
                targets += finder.prep_targets(noun, entry, source_keys)
                targets += [a for a in finder.between(noun) if a.key not in source_keys]
                # "repeated Beijing's threat": the doer's own country owns the act.
                own_codes = {k[2] for k in source_keys}
                targets += [a for a in finder.noun_agent(noun)
                            if a.key not in source_keys and a.code not in own_codes]
            return unique_args(targets)
        content = cand.content
        skip = None
        if content is not None and content.token.dep_ in {"pobj", "pcomp"} and \
                content.token.head.head.i == tok.i:
            skip = content.token.head  # "blamed Israel FOR the bombing": the content's prep
        targets = finder.targets(tok, entry, source_keys, skip=skip)
        if not targets and entry.complement in {"governor", "intent"}:
            # "demanded that the Sudanese government end curbs": the clause's subject.
            for child in tok.children:
                if child.dep_ == "ccomp":
                    subj = [a for a in finder.subjects(child) if a.key not in source_keys]
                    if subj:
                        return unique_args(subj)
        if not targets and content is not None:
            # "demanded that Hamas renounce ...": the content's doer is the target;
            # "agreed to provide aid for Romania": else the content's targets.
            if content.kind != "noun":
                inner_subj = [a for a in finder.subjects(content.token)
                              if a.key not in source_keys]
                if inner_subj and content.token.dep_ == "ccomp":
                    return inner_subj
                own = {k[2] for k in source_keys}
                # "threatened to use all means to defend Russian territory": the doer's own
                # things inside what it threatens or promises are not its target.
                targets = [t for t in self._targets(content, finder, source_keys)
                           if t.code not in own
                           or t.via.split(":")[-1] in self.lexicon.place_preps]
                if not targets and any(c.dep_ in {"nsubj", "nsubjpass"}
                                       for c in content.token.children):
                    # Only a subject of its own: an inherited one is this event's doer.
                    targets = inner_subj
            else:
                targets = finder.np_targets(content.token, "content", source_keys)
        if not targets and entry.complement in {"governor", "intent"} and content is None:
            # "applied to join NATO": the complement's object, even when it is no trigger.
            for child in tok.children:
                if child.dep_ == "xcomp":
                    targets = finder.targets(child, Entry(event=""), source_keys)
                    if targets:
                        break
        if not targets and cand.governed_by is not None and \
                cand.governed_by.token.lemma_.lower() in self.lexicon.transparent_verbs:
            # "sent personnel to Bosnia to investigate": the transparent verb's targets.
            gov = cand.governed_by
            targets = finder.targets(gov.token, replace(gov.entry, place_targets=True),
                                     source_keys)
        return unique_args(targets)

    def _civilian(self, cand: Candidate, sources: list[Arg], finder: ArgumentFinder) -> bool:
        """Are the doers people rather than an institution?"""
        if any(getattr(s.mention.actor, "sector", None) in self.lexicon.civilian_sectors  # type: ignore[attr-defined]
               for s in sources):
            return True
        tok = cand.token
        for _ in range(4):
            subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if subj is not None:
                return subj.lemma_.lower() in self.lexicon.population_nouns
            if tok.head.i == tok.i:
                return False
            tok = tok.head
        return False

    def _events_for(self, doc: Doc, sent: Span, index: int, cand: Candidate,
                    finder: ArgumentFinder, day: date | None, precision: str,
                    context_codes: tuple[str, ...], reported_by: ActorRef | None) -> list[Event]:
        lex = self.lexicon
        conv = self.conventions
        if cand.kind == "noun" and not conv.noun_events:
            return []
        sources = self._sources(cand, finder)
        unattributed = False
        may_be_unattributed = cand.entry.event in lex.unattributed_events or \
            f"{cand.entry.event}:{(cand.entry.mode or '').upper()}" in lex.unattributed_events
        if not sources and conv.passive_subject_source and cand.kind != "noun" and \
                not may_be_unattributed and \
                not any(c.dep_ == "agent" for c in cand.token.children):
            # PETRARCH: "X was criticized over its dispute with Y" is X-Y.
            for child in cand.token.children:
                if child.dep_ == "nsubjpass":
                    sources = finder.np_actors(child, "subject", places=True)
        if not sources and may_be_unattributed:
            sources = _place_of_event(cand.token, finder)
            unattributed = bool(sources)
        if not sources:
            return []
        source_keys = {a.key for a in sources}
        targets = self._targets(cand, finder, source_keys)
        if cand.kind == "light" and cand.token.lemma_.lower() in lex.receiving_light_verbs:
            # "drew sharp criticism from Al Gore", "received backing from Clinton": the giver
            # does the act, to the subject.
            givers = _givers(cand, finder, source_keys)
            if givers:
                sources, targets = givers, sources
                source_keys = {a.key for a in sources}
        places = [t for t in targets if t.via.split(":")[-1] in lex.place_preps]
        if places and len(places) < len(targets) and \
                cand.entry.event not in lex.place_target_events:
            # "joined Russian vessels for drills near Chabahar": the partner is the target,
            # the place is only where.
            targets = [t for t in targets if t not in places]
        own = {a.code for a in sources}
        if cand.entry.event in self.lexicon.purpose_target_events and all(
                t.code in own for t in targets):
            targets = _purpose_targets(cand.token, finder, own) or targets
        if not targets and cand.entry.event in self.lexicon.domestic_events \
                and not self.lexicon.cameo_mode:
            targets = _domestic_target(cand, sources, self.lexicon, finder)
        if not targets and sources[0].via == "residence":
            # "Ethnic Albanians demonstrated in Serbia": a domestic act where they live.
            targets = [Arg(sources[0].mention, "domestic")]
        if unattributed and not targets:
            # "A journalist was killed in a car bomb explosion in Beirut": local victims.
            targets = _domestic_target(cand, sources, self.lexicon, finder, passive=True)
            if not targets:
                return []
        if not unattributed and all(t.code in own for t in targets):
            # "will retaliate if the United States strikes again", "offered to extend the
            # limits if Washington did the same": the condition names the counterpart.
            targets = _condition_targets(cand, finder, source_keys, lex) or targets
        if not targets and conv.first_actor_target:
            targets = _first_actor_after(cand.token, finder, source_keys)
        elif conv.first_actor_target and len(targets) > 1:
            # PETRARCH codes one target phrase, the first after the verb.
            first = min(targets, key=lambda t: t.mention.start)  # type: ignore[attr-defined]
            targets = [t for t in targets if _phrase(t.via) == _phrase(first.via)]
        if cand.entry.target_required and not targets and not (
                len(sources) >= 2 and _coordinated(sources, doc)):
            return []
        # Modality and negation, measured on the verb that carries the clause.
        anchor = cand.token
        stop = cand.governed_by.token if cand.governed_by is not None else None
        reporter = self._reporter(anchor)
        reported_past = reporter is not None and reporter.tag_ in {"VBD", "VBN"}
        mod: Modality = modality_of(anchor, lex, stop=stop, reported_past=reported_past)
        negated = mod.negated or cand.negate
        if cand.kind == "noun" and _noun_negated(cand.token, lex):
            negated = True
        modality = mod.modality
        if cand.modality and modality == "asserted":
            modality = cand.modality
        if cand.governed_by is not None and cand.governed_by.kind != "noun":
            gov_mod = modality_of(cand.governed_by.token, lex)
            negated = negated or gov_mod.negated
            if modality == "asserted":
                modality = gov_mod.modality
        if modality == "negate":
            modality, negated = "asserted", True
        if cand.entry.states_negation:
            negated = False
        if cand.entry.complement in {"governor", "intent"} and conditional_inside(anchor, lex):
            modality = "conditional"

        entry = cand.entry
        pattern = f"{cand.kind}:{cand.key}"
        if entry.civilian is not None and self._civilian(cand, sources, finder):
            entry = replace(entry.civilian, weight=entry.weight)
            pattern += " civilian"
        elif entry.military is not None and any(
                getattr(s.mention.actor, "sector", None) == "MIL" for s in sources):  # type: ignore[attr-defined]
            entry = replace(entry.military, weight=entry.weight)
            pattern += " military"
        elif entry.police is not None and any(
                "COP" in (getattr(s.mention.actor, "sector", None), s.sector) for s in sources):  # type: ignore[attr-defined]
            entry = replace(entry.police, weight=entry.weight)
            pattern += " police"
        if entry.own_object is not None and targets and all(
                t.code in {s.code for s in sources} for t in targets):
            # "ordered U.S. troops to leave Syria": one's own people leaving a place.
            entry = replace(entry.own_object, weight=entry.weight)
            pattern += " own"
            source_keys = {a.key for a in sources}
            targets = [t for c in cand.token.children if c.dep_ == "xcomp"
                       for o in c.children if o.dep_ == "dobj"
                       for t in finder.np_targets(o, "dobj", source_keys, places=True)]
        joint = cand.noun if cand.noun is not None else cand.token
        if entry.solo is not None and not [t for t in targets if t.via != "after-verb"] and not (
                len(sources) >= 2 and _coordinated(sources, doc)) and not any(
                c.lower_ in self.lexicon.joint_words for c in joint.children):
            entry = replace(entry.solo, weight=entry.weight)
            pattern += " solo"
            # "Russia is conducting exercises in Alaska": a show of force where it is held.
            targets = [t for t in finder.prep_targets(cand.token, entry, source_keys)
                       if t.via.split(":")[-1] in self.lexicon.place_preps]
        event = entry.event
        secondary: tuple[str, str] | None = None  # (event, modality) of the stated event
        wished = conv.future_as_act and (_wished(anchor, conv) or any(
            c.dep_ == "aux" and c.lower_ in conv.intent_aux for c in anchor.children))
        if (cand.intent or (cand.token.lemma_.lower() in conv.act_verbs
                            and cand.content is not None and cand.content.token.dep_ == "xcomp")) \
                and conv.future_as_act and cand.content is not None and \
                cand.content.entry.event and \
                cand.token.lemma_.lower() not in conv.intent_verbs:
            # PETRARCH: "pledged to expel" is the expulsion, stated.
            entry = replace(cand.content.entry, weight=entry.weight)
            event = entry.event
            pattern += f" act<{cand.content.key}>"
            if modality == "asserted":
                modality = "future"
        elif cand.intent:
            content_event = cand.content.entry.event if cand.content else ""
            quad = _quad(content_event)
            if content_event and quad in (3, 4) and content_event not in {"REQUEST", "ACCUSE"}:
                event = "THREATEN"
            elif content_event:
                event = "AGREE" if entry.event != "THREATEN" or quad in (1, 2) else event
            pattern += f" intent<{content_event or '-'}>"
            if modality == "asserted":
                modality = "future"
        elif cand.kind in {"verb", "light", "base"} and (modality in {
                "future", "hypothetical", "conditional"} or wished) and \
                not _in_condition(anchor, lex) and (
                cand.governed_by is None or cand.governed_by.suppressed) \
                and not lex.cameo_mode and (not conv.future_as_act or wished or negated):
            # PETRARCH conventions code the stated act itself, except a wish ("wants to
            # attack" = threaten) and a refusal ("would not provide support" = reject).
            decision = (not conv.future_as_act and reporter is not None
                        and reporter.lemma_.lower() in lex.decision_verbs
                        and any(a.lower_ == "would" for a in anchor.children if a.dep_ == "aux"))
            quad = _quad(event)
            if event == "AGREE" and negated and modality == "future" and not decision:
                # "Hamas will not accept the proposal": a refusal announced.
                event, negated = "REJECT", False
                pattern += " refusal"
            elif not decision and event not in {"AGREE", "THREATEN", "REQUEST", "ACCUSE",
                                                 "REJECT"}:
                secondary = (event, modality)
                if quad in (1, 2) and not negated:
                    event = "AGREE"
                elif quad in (1, 2) and negated:
                    event, negated = "REJECT", False
                elif quad in (3, 4) and not negated:
                    event = "THREATEN"
                else:
                    secondary = None
                if secondary is not None:
                    pattern += f" future<{secondary[0]}>"

        reporter_ref = reported_by
        if reporter is not None:
            said = finder.subjects(reporter)
            # "Japan announced that it would expel": the doer speaking for itself is no
            # third-party report.
            if said and said[0].key not in source_keys:
                reporter_ref = _ref(said[0])
        if not conv.place_over_partners and len(sources) >= 2 and \
                _coordinated(sources, doc) and targets and all(
                t.via.split(":")[-1] in self.lexicon.place_preps for t in targets):
            # "The United States and Russia exchanged prisoners at Abu Dhabi airport": the
            # place is where, the two doers are each other's targets.
            targets = []
        # Pairs: compound subject without target -> reciprocal.
        pairs: list[tuple[Arg, Arg | None]] = []
        if targets:
            for s in sources:
                for t in targets:
                    if s.key != t.key or t.via == "domestic":
                        pairs.append((s, t))
        elif len(sources) >= 2 and _coordinated(sources, doc) and (
                _quad(event) not in (3, 4) or entry.mutual or cand.entry.mutual
                or _says_each_other(sent, lex)):
            # "A and B held talks" are each other's partners, and so are "A and B clashed";
            # but "Russia and China vetoed", "an agreement forced on X by A and B": two doers
            # of one conflictual act, not a conflict between them.
            pairs = [(a, b) for a, b in permutations(sources, 2) if a.code != b.code]
            pattern += " reciprocal"
        if not pairs:
            pairs = [(s, None) for s in sources]
        if not _coordinated(sources, doc):
            # Several actors in one non-coordinated phrase ("Montenegro Municipality
            # Association (AKK) officials"): the first named is the doer.
            first = sources[0].key
            pairs = [p for p in pairs if p[0].key == first]
        pairs = pairs[:MAX_EVENTS_PER_TRIGGER]

        trig_tok = cand.token
        trigger_text = trig_tok.text if cand.noun is None else f"{trig_tok.text} {cand.noun.text}"
        words = [trig_tok] + ([cand.noun] if cand.noun is not None else [])
        evidence = Evidence(sentence=index, start=sent.start_char, end=sent.end_char,
                            trigger=trigger_text, text=sent.text,
                            trigger_start=min(t.idx for t in words),
                            trigger_end=max(t.idx + len(t.text) for t in words))
        features = conf.Features(
            weight=cand.entry.weight, kind=cand.kind, has_target=bool(targets),
            depth=_clause_depth(trig_tok), governed=cand.governed_by is not None,
            in_condition=_in_condition(trig_tok, lex),
            embedded=_embedded(trig_tok, self._active_verbs),
            suppressed=cand.suppressed, pronoun_source=any(
                s.via.endswith(":pron") for s in sources),
            reciprocal=pattern.endswith(" reciprocal") or " reciprocal " in pattern,
            reported=reporter is not None,
            negated=negated, modality=modality)
        score = conf.confidence(features)
        if unattributed:
            score = max(0.05, score - 0.15)
            pattern += " unattributed"
        out: list[Event] = []
        also = [a for a in entry.also if a != event] if not negated else []
        if not conv.implied_events:
            also, secondary = [], None
        statement = self._statement(cand, event, entry.cameo if event == entry.event else None,
                                    pairs, finder, negated)
        if statement is not None:
            entry, event, pairs, pattern_extra = statement
            pattern += pattern_extra
            reporter_ref = None
        for s, t in pairs:
            for extra in also:
                # "signed a pact": SUPPORT (signing) that is also an AGREE (commitment).
                out.append(self._make_event(extra, Entry(event=extra), s, t, evidence, day,
                                            precision, negated, modality, reporter_ref,
                                            f"{pattern} also<{extra}>",
                                            max(0.05, score - 0.2)))
            out.append(self._make_event(event, entry, s, t, evidence, day, precision, negated,
                                        modality, reporter_ref, pattern, score))
            if conv.paired_codes and entry.reverse_cameo and t is not None and \
                    event == entry.event:
                # "Bree's president arrived in Gondor" [032:033]: Gondor hosts the visit.
                rev = cameo_entry(entry.reverse_cameo, entry.where) or Entry(
                    event="", cameo=entry.reverse_cameo, where=entry.where)
                out.append(self._make_event(rev.event, rev, t, s, evidence, day, precision,
                                            negated, modality, reporter_ref,
                                            f"{pattern} paired<{entry.reverse_cameo}>",
                                            score))
            if secondary is not None:
                sec_event, sec_mod = secondary
                out.append(self._make_event(sec_event, entry, s, t, evidence, day, precision,
                                            mod.negated or cand.negate, sec_mod, reporter_ref,
                                            f"{cand.kind}:{cand.key} stated-future",
                                            max(0.05, score - 0.15)))
        return out

    def _sector_of(self, head: Token) -> str | None:
        """The sector a bare noun names ("soldiers" MIL, "lawmakers" LEG), from the registry."""
        word = head.lemma_.lower()
        if word not in self._sector_cache:
            sector = None
            registry = self.registry
            if registry is not None and hasattr(registry, "lookup") and head.pos_ == "NOUN":
                try:
                    matches = registry.lookup(head.lower_) or registry.lookup(word)
                except Exception:  # noqa: BLE001 - a lookup failure only loses the sector
                    matches = []
                best = matches[0] if matches else None
                if best is not None and not best.code and best.sector:
                    sector = best.sector
            self._sector_cache[word] = sector
        return self._sector_cache[word]

    def _statement(self, cand: Candidate, event: str, cameo: str | None,
                   pairs: list[tuple[Arg, Arg | None]], finder: ArgumentFinder, negated: bool
                   ) -> tuple[Entry, str, list[tuple[Arg, Arg | None]], str] | None:
        """PETRARCH-2 statement transformations (conventions ``statement_rules``).

        "The US said they had attacked Iraq" -> US-Iraq statement (015); "The US said ISIL
        had attacked Iraq" -> US accuses ISIL (112).
        """
        if negated or not pairs:
            return None
        for rule in self.conventions.statement_rules:
            if event not in rule.content_events and not (
                    cameo and cameo.startswith(rule.content_roots)):
                continue
            head = _statement_head(cand.token, rule.verbs)
            if head is None:
                continue
            speakers = finder.subjects(head)
            if not speakers:
                continue
            speaker = speakers[0]
            doers = {s.code for s, _ in pairs}
            if speaker.code in doers:
                # "Obama and Putin said they will attack": each speaker's own act.
                code = rule.own_act_cameo
                new_pairs = _unique_pairs([(sp, t) for sp in speakers for s, t in pairs
                                           if s.code == sp.code and t is not None])
            else:
                code = rule.other_act_cameo
                new_pairs = _unique_pairs([(speaker, s) for s, _ in pairs])
            if not code or not new_pairs:
                return None
            # Codes with no PLOVER type (015 "claim responsibility") keep their CAMEO code.
            entry = cameo_entry(code, "triggers.yaml:conventions") or Entry(
                event="", cameo=code, where="triggers.yaml:conventions")
            self._statement_heads.add(head.i)
            return entry, entry.event, new_pairs, f" statement<{head.lemma_.lower()}:{code}>"
        return None

    def _make_event(self, event: str, entry: Entry, s: Arg, t: Arg | None,
                    evidence: Evidence, day: date | None, precision: str, negated: bool,
                    modality: str, reporter: ActorRef | None, pattern: str,
                    score: float) -> Event:
        same = event == entry.event
        mode = entry.mode if same else None
        cameo = entry.cameo if same else None
        contexts = list(entry.contexts)
        goldstein = plover_score = quad = None
        try:
            onto = _ontology()
            if event:
                if cameo is None:
                    cameo = onto.plover_to_cameo(event, mode)
                if mode and mode not in {m.name for m in onto.plover_types()[event].modes}:
                    mode = None
                plover_score = onto.plover_score(event, mode)
                quad = onto.quad_class_of(event)
            if cameo:
                info = onto.cameo(cameo)
                goldstein = info.goldstein
                if not contexts:
                    contexts = list(info.plover_context)
                if quad is None:
                    quad = info.quad_class
        except (KeyError, ValueError, ImportError):
            pass
        return Event(
            source=_ref(s), target=_ref(t) if t is not None else None, event=event,
            evidence=evidence, date=day, date_precision=precision, mode=mode,
            contexts=contexts, cameo=cameo, goldstein=goldstein, plover_score=plover_score,
            quad_class=quad, negated=negated, modality=modality, confidence=round(score, 3),
            reported_by=reporter, pattern=pattern)


# -- helpers ---------------------------------------------------------------------------------
def _forms(word: str) -> list[str]:
    forms = [word]
    for suffix, add in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""),
                        ("ed", "e"), ("es", ""), ("s", ""), ("d", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[: -len(suffix)] + add
            forms.append(stem)
            if len(stem) > 3 and stem[-1] == stem[-2]:  # "stopped" -> "stop"
                forms.append(stem[:-1])
    return forms


def _source_fingerprint() -> str:
    """Hash of the coder's own modules and its confidence calibration, so ``Coder.version``
    changes when they do (the lexicon has its own fingerprint)."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in sorted(p.name for p in here.glob("*.py") if p.name != "pipeline.py"):
        digest.update((here / name).read_bytes())
    digest.update((here / "data" / "calibration.json").read_bytes())
    return digest.hexdigest()


def _match_base(tok: Token, patterns: list[BasePattern]) -> BasePattern | None:
    """Longest PETRARCH pattern whose words follow the verb, in order, within its phrase."""
    # Words of the verb's own phrase, not of clauses hanging from it.
    words: list[Token] = []
    stack = [c for c in tok.children if c.i > tok.i]
    # A passive's subject is the verb's object ("evidence was presented by X" = present
    # evidence): its words come first, as they would after an active verb.
    passive_objects = [c for c in tok.children if c.dep_ == "nsubjpass" and c.pos_ != "PRON"]
    for subject in passive_objects:
        words.append(subject)
        stack.extend(c for c in subject.children if c.dep_ not in {"det", "poss"})
    while stack:
        t = stack.pop()
        if t.dep_ in {"advcl", "ccomp", "xcomp", "relcl", "acl", "parataxis", "conj"}:
            continue
        words.append(t)
        stack.extend(t.children)
    first = {t.i for s in passive_objects for t in s.subtree}
    words = sorted(words, key=lambda t: (t.i not in first, t.i))[:25]
    lowers = [(t.lower_, t.lemma_.lower()) for t in words]
    left = [t.lower_ for t in tok.doc[tok.sent.start:tok.i]]
    best: BasePattern | None = None
    for pattern in patterns:
        if pattern.before and not _precedes(pattern.before, left, adjacent=pattern.adjacent):
            continue
        if best is not None and _pattern_size(pattern) <= _pattern_size(best):
            continue
        if not pattern.words:
            best = pattern
            continue
        pos = 0
        ok = True
        for alts in pattern.words:
            while pos < len(lowers) and not (
                    lowers[pos][0] in alts or lowers[pos][1] in alts
                    or any(a.split()[-1] in lowers[pos] for a in alts if " " in a)):
                pos += 1
            if pos >= len(lowers):
                ok = False
                break
            pos += 1
        if ok:
            best = pattern
    return best


def _pattern_size(pattern: BasePattern) -> int:
    """How many words a pattern asks for: the most specific matching pattern wins."""
    return len(pattern.words) + sum(min(len(seq) for seq in alts) for alts in pattern.before)


def _precedes(chunks: tuple[frozenset[tuple[str, ...]], ...], left: list[str], *,
              adjacent: bool = False) -> bool:
    """Do the chunks occur in order (gaps allowed) among the words before the verb?"""
    if adjacent:
        return any(tuple(left[len(left) - len(seq):]) == seq
                   and _precedes(chunks[:-1], left[:len(left) - len(seq)])
                   for seq in chunks[-1] if len(seq) <= len(left))
    pos = 0
    for alts in chunks:
        found = None
        for start in range(pos, len(left)):
            ends = [start + len(seq) for seq in alts if tuple(left[start:start + len(seq)]) == seq]
            if ends:
                found = max(ends)
                break
        if found is None:
            return False
        pos = found
    return True


def _names_place(prep: Token) -> bool:
    """Does this preposition's object name a place ("from the Kharkiv region")?"""
    for g in prep.children:
        if g.dep_ == "pobj":
            return g.ent_type_ in {"GPE", "LOC", "FAC"} or \
                g.lemma_.lower() in {"region", "area", "town", "city", "village", "territory",
                                     "province", "border", "zone", "base", "country"}
    return False


def _light_objects(tok: Token, on: bool = False) -> list[Token]:
    out: list[Token] = []
    for child in tok.children:
        if on and child.dep_ == "prep" and child.lower_ in {"on", "under"}:
            # "put troops on alert", "placed him under arrest/investigation"
            out.extend(p for p in child.children if p.dep_ == "pobj")
        if child.dep_ in {"dobj", "attr", "nsubjpass"}:
            out.append(child)
            for g in child.children:
                if g.dep_ in {"conj", "compound"}:  # "a mediation mission", "talks and ..."
                    out.append(g)
                # "ten days of war games", "a series of air strikes"
                if g.dep_ == "prep" and g.lower_ == "of":
                    out.extend(p for p in g.children if p.dep_ == "pobj")
        elif child.dep_ == "prep" and child.lower_ in {"in", "into", "for"} and tok.lemma_ in {
                "engage", "participate", "join", "take"}:
            # "took part in talks", "joined Russian vessels for naval drills"
            out.extend(p for p in child.children if p.dep_ == "pobj")
    return out


def _complement(tok: Token, by_token: dict[int, Candidate],
                nouns: dict[int, Candidate]) -> Candidate | None:
    """The trigger inside ``tok``'s complement: xcomp/ccomp verb, "of"-gerund, object noun."""
    for child in tok.children:
        if child.dep_ in _COMPLEMENT_DEPS:
            found = _first_trigger(child, by_token)
            if found is not None:
                return found
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "for", "to", "from", "on", "against",
                                                     "about", "over", "in"}:
            for g in child.children:
                if g.dep_ == "pcomp" and g.i in by_token:
                    return by_token[g.i]
                if g.dep_ == "pobj" and g.i in nouns:
                    return nouns[g.i]
                if g.dep_ == "pobj" and g.i in by_token:  # gerund parsed as pobj
                    return by_token[g.i]
        if child.dep_ in {"dobj"} and child.i in nouns:
            return nouns[child.i]
        if child.dep_ == "dobj":
            # "rejected the proposal to resume inspections"
            for g in child.children:
                if g.dep_ in {"acl", "relcl"} and g.i in by_token and g.dep_ == "acl":
                    return by_token[g.i]
    return None


def _first_trigger(tok: Token, by_token: dict[int, Candidate]) -> Candidate | None:
    if tok.i in by_token:
        return by_token[tok.i]
    # Through non-trigger transparent/auxiliary layers: "agreed to begin talks".
    for child in tok.children:
        if child.dep_ in _COMPLEMENT_DEPS | {"conj"} and child.i in by_token:
            return by_token[child.i]
    for child in tok.children:
        if child.dep_ in _COMPLEMENT_DEPS:
            found = _first_trigger(child, by_token)
            if found is not None:
                return found
    return None


def _noun_negated(tok: Token, lex: Lexicon) -> bool:
    return any(c.dep_ in {"det", "neg"} and c.lower_ in lex.negators for c in tok.children)


@dataclass(frozen=True)
class _Inferred:
    """A mention-like object for an actor the coder infers rather than reads."""

    start: int
    end: int
    text: str
    actor: ActorRef


def _residents(subject: Arg, verb: Token, finder: ArgumentFinder) -> list[Arg]:
    """A people named by demonym where they live ("the Albanians of southern Serbia",
    "ethnic Albanians demonstrated in Serbia") act for the country they live in."""
    actor = subject.mention.actor  # type: ignore[attr-defined]
    if actor.how != "demonym" or actor.sector:
        return []
    doc = verb.doc
    head = doc[subject.mention.end - 1]  # type: ignore[attr-defined]
    places: list[Arg] = []
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in {"of", "in", "from"}:
            for g in child.children:
                if g.dep_ == "pobj":
                    places += finder.np_actors(g, "residence")
    if not places and any(c.lower_ == "ethnic" for c in head.children):
        places = _place_of_event(verb, finder)
    places = [Arg(p.mention, "residence") for p in places if p.code != subject.code]
    return places[:1]


def _place_of_event(tok: Token, finder: ArgumentFinder) -> list[Arg]:
    """Where an unattributed attack happened ("killed in a car bombing in central Baghdad"):
    the CAMEO convention codes the place's country as the source.  Where it came from
    ("a mortar bomb was fired at it from the Gaza Strip") comes first."""
    for t in tok.children:
        if t.dep_ == "prep" and t.lower_ == "from":
            for g in t.children:
                if g.dep_ == "pobj":
                    found = finder.np_actors(g, "place-of-event", places=True)
                    if found:
                        return found[:1]
    for t in tok.subtree:
        if t.dep_ == "prep" and t.lower_ in finder.lex.place_preps:
            for g in t.children:
                if g.dep_ == "pobj" and g.lower_ not in PRONOUNS:
                    found = finder.np_actors(g, "place-of-event", places=True)
                    if found:
                        return found[:1]
    return []


def _purpose_targets(tok: Token, finder: ArgumentFinder, own: set[str]) -> list[Arg]:
    """Actors named in a purpose clause or an "in defiance of" phrase of the trigger."""
    out: list[Arg] = []
    for child in tok.children:
        if child.dep_ in {"advcl", "xcomp"} or (child.dep_ == "prep" and child.lower_ in {
                "in", "against", "over"}):
            for t in child.subtree:
                for m in finder.by_token.get(t.i, ()):
                    arg = Arg(m, "purpose")
                    if arg.code not in own and all(a.key != arg.key for a in out):
                        out.append(arg)
    return out


def _domestic_target(cand: Candidate, sources: list[Arg], lex: Lexicon,
                     finder: ArgumentFinder | None = None, passive: bool = False) -> list[Arg]:
    """An unnamed patient of a domestic-type act ("lifted a state of emergency", "allowed
    opposition leaders to rally", "arrested protesters") belongs to the doer's country: the
    convention of the CAMEO/PLOVER gold data.  Only for states, only when a patient exists."""
    if len(sources) != 1 or len(sources[0].code) != 3 or not sources[0].code.isalpha():
        return []
    holders = [cand.token] + ([cand.noun] if cand.noun is not None else [])
    if cand.content is not None:
        holders.append(cand.content.token)
    deps = {"dobj", "dative", "nsubjpass"} if passive else {"dobj", "dative"}
    for holder in holders:
        # "allowed opposition leader X to bring out a rally": the clause's subject.
        patients = list(holder.children) + [
            g for c in holder.children if c.dep_ in {"ccomp", "xcomp"} for g in c.children
            if g.dep_ == "nsubj"]
        for child in patients:
            if (child.dep_ in deps or child.dep_ == "nsubj" and child.head.i != holder.i) \
                    and child.pos_ in {"NOUN", "PROPN"} \
                    and (cand.noun is None or child.i != cand.noun.i):
                if finder is not None:
                    named = finder.np_actors(child, "patient", exclude={a.key for a in sources})
                    if named:  # the patient is named after all ("allowed that Mordor ...")
                        return named
                actor = replace(sources[0].mention.actor, sector=None, person=None,  # type: ignore[attr-defined]
                                role=None, text=child.text, how="domestic")
                return [Arg(_Inferred(child.i, child.i + 1, child.text, actor), "domestic")]
    return []


def _embedded(tok: Token, active: set[int]) -> bool:
    """A trigger inside another trigger's noun phrase ("defended the right of Russian
    troops to fire on militants"): content of that event, less likely the main one."""
    if tok.dep_ not in {"acl", "relcl", "pobj", "dobj", "nsubj", "pcomp"}:
        return False
    cur = tok.head
    for _ in range(8):
        if cur.i in active and cur.i != tok.i:
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _condition_targets(cand: Candidate, finder: ArgumentFinder,
                       source_keys: set, lex: Lexicon) -> list[Arg]:
    """Actors doing the act of an "if/unless" clause on the event's clause or its governor's."""
    own = {key[2] for key in source_keys}
    heads = [cand.token] + ([cand.governed_by.token] if cand.governed_by is not None else [])
    # ... or on the clauses the event's verb governs ("offered to keep X if Y did the same").
    heads += [t for t in cand.token.subtree
              if t.dep_ in {"xcomp", "ccomp", "acl"} and t.i != cand.token.i]
    for head in heads:
        for clause in head.children:
            if clause.dep_ != "advcl" or not any(
                    m.dep_ == "mark" and m.lower_ in lex.conditional_marks
                    for m in clause.children):
                continue
            found = [a for a in finder.subjects(clause) if a.code not in own]
            if found:
                return [Arg(a.mention, "condition") for a in found]
    return []


def _givers(cand: Candidate, finder: ArgumentFinder, subject_keys: set) -> list[Arg]:
    """Actors of a "from/by" phrase on a receiving light verb or its event noun."""
    holders = [cand.token] + ([cand.noun] if cand.noun is not None else [])
    for holder in holders:
        for child in holder.children:
            if child.dep_ in {"prep", "agent"} and child.lower_ in {"from", "by"}:
                for g in child.children:
                    if g.dep_ == "pobj":
                        found = finder.np_actors(g, "giver", exclude=subject_keys)
                        if found:
                            return found
    return []


def _names_person(tok: Token) -> bool:
    """A noun phrase that names a person ("former President Slobodan Milosevic")."""
    return tok.ent_type_ == "PERSON" or any(
        t.ent_type_ == "PERSON" for t in tok.children if t.dep_ in {"compound", "appos"})


def _says_each_other(sent: Span, lex: Lexicon) -> bool:
    """"accused each other", "one another" (``reciprocal_phrases``): the doers act on one
    another."""
    text = " " + " ".join(t.lower_ for t in sent) + " "
    return any(f" {phrase} " in text for phrase in lex.reciprocal_phrases)


def _in_condition(tok: Token, lex: Lexicon) -> bool:
    """Inside an "if/unless" clause: the condition, not the event reported."""
    cur = tok
    for _ in range(10):
        if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in lex.conditional_marks
                                       for c in cur.children):
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _clause_depth(tok: Token) -> int:
    depth = 0
    cur = tok
    for _ in range(20):
        if cur.head.i == cur.i:
            break
        if cur.dep_ in {"advcl", "relcl", "acl", "csubj"}:
            depth += 1
            # "vowed to retaliate after Washington imposed sanctions": background.
            if cur.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _BACKGROUND_MARKS
                                           for c in cur.children):
                depth += 1
        cur = cur.head
    return depth


# Clause edges a date may not cross: another verb's adverbial or relative clause dates that
# verb ("ready to observe the limits after it expires on 5 February").
_FOREIGN_CLAUSES = {"advcl", "relcl", "acl", "csubj", "csubjpass"}
# Edges that keep one event's clause: reporting frames and coordinated verbs.
_SHARED_CLAUSES = {"ccomp", "parataxis", "conj", "xcomp"}


def _clause_head(tok: Token) -> Token:
    """The verb heading ``tok``'s finite or adverbial clause (xcomp stays in its governor's)."""
    cur = tok
    for _ in range(30):
        # The edge label marks a clause even when the tagger misses the verb ("the waiver
        # lapses" as a noun); coordination only counts between verbs.
        if cur.head.i == cur.i or cur.dep_ in _FOREIGN_CLAUSES | {"ccomp", "parataxis"} or (
                cur.dep_ == "conj" and cur.pos_ in {"VERB", "AUX"}):
            return cur
        cur = cur.head
    return cur


def _own_clauses(trigger: Token) -> set[int]:
    """Clause heads whose dates date ``trigger``: its own clause, then up through reporting
    and coordination edges to the governing verb, never out of another verb's subordinate."""
    heads: set[int] = set()
    head = _clause_head(trigger)
    for _ in range(10):
        heads.add(head.i)
        if head.head.i == head.i or head.dep_ not in _SHARED_CLAUSES:
            break
        head = _clause_head(head.head)
    return heads


def _clause_date(trigger: Token, sent: Span, when: date | None) -> tuple[date | None, str]:
    own = _own_clauses(trigger)
    base = sent.start_char

    def allowed(start: int, end: int) -> bool:
        toks = [t for t in sent if t.idx < base + end and t.idx + len(t) > base + start]
        if not toks:
            return True
        # The phrase's own root: the token whose head lies outside it.
        ids = {t.i for t in toks}
        root = next((t for t in toks if t.head.i not in ids or t.head.i == t.i), toks[0])
        head = _clause_head(root)
        for _ in range(10):
            # "expelled diplomats and closed the consulate on Monday": a coordinated verb's
            # date is the whole coordination's.
            if head.i in own or head.dep_ != "conj":
                break
            head = _clause_head(head.head)
        return head.i in own

    return event_date(sent.text, when, allowed)


def _quad(event: str) -> int | None:
    if not event:
        return None
    try:
        return _ontology().quad_class_of(event)
    except (KeyError, ValueError):
        return None


def _ref(arg: Arg | None) -> ActorRef | None:
    if arg is None:
        return None
    actor = arg.mention.actor  # type: ignore[attr-defined]
    if arg.sector and not actor.sector:
        actor = replace(actor, sector=arg.sector)
    if actor.how is None or actor.text is None:
        actor = replace(actor, how=actor.how or arg.via, text=actor.text or arg.mention.text)  # type: ignore[attr-defined]
    return actor


def _coordinated(sources: list[Arg], doc: Doc | None = None) -> bool:
    """Several doers that really act together: "India and France", "the two sides"."""
    if len(sources) < 2:
        return True
    spans = {(a.key[0], a.key[1]) for a in sources}
    if len(spans) < len(sources) or any(":conj" in a.via for a in sources):
        return True
    if doc is not None:
        lo = min(a.key[0] for a in sources)
        hi = max(a.key[1] for a in sources)
        # A conjunction joining nouns ("India and France"), not adjectives ("awful and evil").
        named = {i for a in sources for i in range(a.key[0], a.key[1])}
        return any((t.dep_ == "cc" or t.lower_ in {"and", "&"}) and (
            t.head.pos_ in {"NOUN", "PROPN", "PRON"} or t.head.i in named)
            for t in doc[lo:hi])
    return False


def _nonfinite_under(tok: Token, coded: set[int]) -> bool:
    """Is ``tok`` a subjectless non-finite verb ("to discuss", "helping") under a coded one?"""
    if tok.tag_ not in {"VB", "VBG", "VBN"} or any(
            c.dep_ in {"nsubj", "nsubjpass", "aux", "auxpass"} and c.lower_ != "to"
            for c in tok.children):
        return False
    cur = tok
    for _ in range(4):
        if cur.dep_ not in {"xcomp", "advcl", "acl", "pcomp", "pobj", "prep", "dobj"} or \
                cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.i in coded:
            return True
    return False


def _phrase(via: str) -> str:
    """The phrase an argument was found in, without how it was reached inside it."""
    return ":".join(p for p in via.split(":") if p not in {"conj", "pron", "doer"})


def _wished(verb: Token, conv: Conventions) -> bool:
    """Is the verb's act only wished for ("wants to attack"), under an intent verb?"""
    cur = verb
    for _ in range(3):
        if cur.dep_ != "xcomp" or cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.lemma_.lower() in conv.intent_verbs:
            return True
    return False


def _statement_head(tok: Token, verbs: frozenset[str]) -> Token | None:
    """The statement verb whose clausal complement holds ``tok`` ("said that X attacked")."""
    cur = tok
    for _ in range(4):
        if cur.head.i == cur.i:
            return None
        if cur.dep_ in {"ccomp", "parataxis"}:
            # "X said Y attacked Z" only; in "Y attacked Z, X said" X merely reports.
            head = cur.head
            return head if head.lemma_.lower() in verbs and head.i < cur.i else None
        if cur.dep_ not in {"conj", "xcomp", "aux"}:
            return None
        cur = cur.head
    return None


def _first_actor_after(tok: Token, finder: ArgumentFinder,
                       source_keys: set[tuple[int, int, str]]) -> list[Arg]:
    """The first actor named after ``tok`` inside its phrase (PETRARCH's verb-phrase target)."""
    for t in sorted(tok.subtree, key=lambda t: t.i):
        if t.i <= tok.i:
            continue
        found = [Arg(m, "after-verb") for m in finder.by_token.get(t.i, ())]
        found = [a for a in found if a.key not in source_keys]
        if found:
            return found[:1]
    return []


def _unique_pairs(pairs: list[tuple[Arg, Arg | None]]) -> list[tuple[Arg, Arg | None]]:
    seen: set[tuple] = set()
    out = []
    for s, t in pairs:
        key = (s.key, t.key if t is not None else None)
        if key not in seen and (t is None or s.code != t.code):
            seen.add(key)
            out.append((s, t))
    return out


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per (source, target, type, modality, negated): keep the most confident."""
    best: dict[tuple, Event] = {}
    for e in events:
        key = (e.source.code, e.target.code if e.target else None, e.event, e.modality,
               e.negated)
        if key not in best or e.confidence > best[key].confidence:
            best[key] = e
    return sorted(best.values(), key=lambda e: -e.confidence)


__all__ = ["Coder", "PRONOUNS"]
