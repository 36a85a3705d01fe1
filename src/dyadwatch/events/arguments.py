"""Who did it and to whom: sources and targets of a trigger over the dependency parse.

Actors come from the actor resolver's mentions; this module decides which mentions fill
which role:
- the subject (``nsubj``), the ``by``-agent of a passive, or - for verbs without their own
  subject - the subject of the clause they hang from (xcomp, conj, advcl), the head noun of
  a relative/participial clause, or the object of an object-control verb ("urged Congress
  to approve" -> Congress approves);
- the direct object / dative, the passive subject, and the objects of target prepositions
  ("sanctions on", "talks with", "pressure on"); "in/at PLACE" only for events that happen
  to places (attacks, arrests), never for meetings ("met in Tokyo");
- inside a noun phrase: the head and its modifiers first ("Russian forces", "Tokyo's"),
  then "of/from" phrases; never relative clauses;
- a noun phrase that is itself an event names its doer as the target ("criticised Tokyo's
  expulsion of ..." -> target Tokyo);
- pronouns ("it", "its", "they") resolve to the subject of a governing clause, else to the
  nearest preceding actor that is not the event's own source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from dyadwatch.events.lexicon import Entry, Lexicon

PRONOUNS = {"it", "its", "they", "their", "them", "he", "his", "she", "her", "we", "our",
            "itself", "themselves"}
_CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp", "parataxis", "punct", "cc",
                "mark", "csubj", "prep_skip"}
_SUBJECT_DEPS = {"nsubj", "csubj", "expl"}
# Verbs whose object performs their complement ("urged X to", "asked X to", "forced X to").
_OBJECT_CONTROL_DEPS = {"dobj", "dative"}
_OBJECT_PRONOUNS = frozenset({"him", "her", "them", "it"})


@dataclass(frozen=True)
class Arg:
    """An actor mention in a role."""

    mention: object  # dyadwatch.actors Mention (or the fallback's): .start .end .actor
    via: str  # how it was found: subject, agent, object, prep:on, poss, ...
    # Sector named by the phrase's head when the actor sits in its "of/from/in" phrase
    # ("soldiers from Gondor" = Gondor, MIL); used only when the mention has no sector.
    sector: str | None = None

    @property
    def code(self) -> str:
        return self.mention.actor.code  # type: ignore[attr-defined]

    @property
    def key(self) -> tuple[int, int, str]:
        # The code is part of the key: "the two sides" is one span naming two actors.
        return (self.mention.start, self.mention.end, self.code)  # type: ignore[attr-defined]


class ArgumentFinder:
    def __init__(self, sent: Span, mentions: Sequence[object], lex: Lexicon,
                 noun_entries: dict[int, Entry],
                 sector_of: Callable[[Token], str | None] | None = None) -> None:
        self.sent = sent
        self.lex = lex
        self.sector_of = sector_of
        self.by_token: dict[int, list[object]] = {}
        for m in mentions:
            for i in range(m.start, m.end):  # type: ignore[attr-defined]
                self.by_token.setdefault(i, []).append(m)
        self.mentions = sorted(mentions, key=lambda m: m.start)  # type: ignore[attr-defined]
        self.noun_entries = noun_entries

    # -- noun phrases ---------------------------------------------------------------------
    def np_actors(self, head: Token, via: str, exclude: set[tuple[int, int, str]] | None = None,
                  *, places: bool = False) -> list[Arg]:
        """Actors a noun phrase names.

        Tiers, first non-empty wins: the head, its modifiers and coordinated heads
        ("Russian forces", "India and France"); then "of/from" phrases ("the networks of
        U.S. agencies"); then, with ``places``, "in/near PLACE" ("demonstrators in Baghdad"
        are Iraqi).  An apposition counts only when the head names no actor.
        """
        if head.lower_ in PRONOUNS and head.i not in self.by_token:
            return [Arg(m, via + ":pron") for m in self.resolve_pronoun(head, exclude or set())]
        tiers: tuple[list[Arg], list[Arg], list[Arg], list[Arg]] = ([], [], [], [])
        seen: set[int] = set()

        def walk(tok: Token, tier: int, depth: int, tag: str) -> None:
            if depth > 6:
                return
            for m in self.by_token.get(tok.i, ()):
                if id(m) not in seen:
                    seen.add(id(m))
                    tiers[tier].append(Arg(m, via + tag))
            for child in tok.children:
                dep = child.dep_
                if dep == "acl" and child.lemma_.lower() in self.lex.location_participles \
                        and depth < 3:
                    # "a terror group based in Trinidad", "workers affiliated with X"
                    for p in child.children:
                        if p.dep_ == "prep":
                            for g in p.children:
                                if g.dep_ == "pobj":
                                    walk(g, max(tier, 1), depth + 1, tag)
                    continue
                if dep == "acl" and child.lemma_.lower() in self.lex.origin_participles \
                        and tok.lemma_.lower() in self.lex.statement_nouns and depth < 3:
                    # "a report released in Kigali", "a study published by the ministry":
                    # the place or the publisher speaks through the document.
                    for p in child.children:
                        if p.dep_ in {"prep", "agent"} and p.lower_ in {"in", "by", "from"}:
                            for g in p.children:
                                if g.dep_ == "pobj":
                                    walk(g, max(tier, 1), depth + 1, tag)
                    continue
                if dep in _CLAUSE_DEPS:
                    continue
                if dep == "prep":
                    word = child.lower_
                    if (word in {"of", "from"} or (
                            word == "for" and tok.lemma_.lower() in self.lex.speaker_nouns)) \
                            and depth < 3:
                        nxt = 1  # "the networks of U.S. agencies", "a spokesman for Iran"
                    elif places and word in {"in", "near", "inside"} and depth < 3:
                        nxt = 2
                    else:
                        continue
                    for g in child.children:
                        if g.dep_ == "pobj":
                            walk(g, max(tier, nxt), depth + 1, tag)
                    continue
                if dep in {"poss"} and child.lower_ in PRONOUNS and child.i not in self.by_token:
                    continue
                if dep == "appos":
                    # "The US, Russia, and Switzerland met": a list the parser read as an
                    # apposition is a coordination.
                    listed = any(g.dep_ in {"conj", "cc"} for g in child.children)
                    walk(child, tier if listed else 3, depth + 1, ":conj" if listed else tag)
                    continue
                walk(child, tier, depth + 1, ":conj" if dep == "conj" else tag)

        walk(head, 0, 0, "")
        for arg in list(tiers[0]):
            # "the foreign ministers of Argentina, Brazil and Uruguay": one mention holds the
            # first country; the others are coordinated with it from outside the mention.
            m = arg.mention
            inside = range(m.start, m.end)  # type: ignore[attr-defined]
            todo = [c for t in head.doc[m.start:m.end]  # type: ignore[attr-defined]
                    for c in t.children if c.dep_ == "conj" and c.i not in inside]
            held = {id(a.mention) for a in tiers[0]}
            while todo:
                conj = todo.pop()
                todo.extend(c for c in conj.children if c.dep_ == "conj")
                for other in self.by_token.get(conj.i, ()):
                    if id(other) not in held:
                        held.add(id(other))
                        tiers[0].append(Arg(other, via + ":conj"))
        if tiers[0] and tiers[3] and all(
                getattr(a.mention.actor, "person", None) for a in tiers[0]) and not any(
                getattr(a.mention.actor, "person", None) for a in tiers[3]):
            # "Kenzo Oshima, the United Nations coordinator": the apposition names the
            # office the person acts for; a person's own nationality is only a guess.
            tiers = ([], [], [], tiers[3])
        if tiers[0] and any(getattr(a.mention.actor, "person", None) for a in tiers[0]) and any(
                not getattr(a.mention.actor, "person", None) and a.mention.actor.code
                for a in tiers[0]) and not any(":conj" in a.via for a in tiers[0]):
            # "U.N. mediator Diego Cordovez": the title's organisation, not the person's
            # nationality.
            tiers = ([a for a in tiers[0] if not getattr(a.mention.actor, "person", None)],
                     *tiers[1:])
        out = next((t for t in tiers if t), [])
        if exclude:
            out = [a for a in out if a.key not in exclude]
        if out and not tiers[0] and self.sector_of is not None and head.i not in self.by_token:
            sector = self.sector_of(head)
            if sector:
                out = [Arg(a.mention, a.via, sector) for a in out]
        return out

    def resolve_pronoun(self, pron: Token, exclude: set[tuple[int, int, str]],
                        exclude_codes: Iterable[str] = ()) -> list[object]:
        banned = set(exclude_codes)
        # A governing clause's subject: "Japan announced that it would expel".
        cur = pron.head
        steps = 0
        while cur is not None and steps < 6:
            for child in cur.children:
                if child.dep_ in _SUBJECT_DEPS and child.i != pron.i and pron not in child.subtree:
                    if child.lower_ in PRONOUNS and child.i not in self.by_token:
                        # Another pronoun ("we, we will continue") is no antecedent; the
                        # clause above it may name one.
                        continue
                    named = self.np_actors(child, "subj")
                    found = [a.mention for a in named
                             if a.key not in exclude and a.code not in banned]
                    if found and child.i < pron.i:
                        return found
                    if named and child.i < pron.i and pron.lower_ not in _OBJECT_PRONOUNS:
                        # The pronoun refers back to the clause's own doer ("their summit");
                        # an object pronoun cannot ("she asked him"): look further back.
                        return []
            if cur.head.i == cur.i:
                break
            cur = cur.head
            steps += 1
        # Else the nearest preceding actor that is not this event's own source.
        for m in reversed(self.mentions):
            if m.end <= pron.i and (m.start, m.end, m.actor.code) not in exclude \
                    and m.actor.code not in banned:  # type: ignore[attr-defined]
                return [m]
        return []

    def population_place(self, verb: Token) -> list[Arg]:
        """'Thousands of people blocked streets in Hong Kong': people are named by place."""
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is None:
            return []
        heads = {subj.lemma_.lower()} | {c.lemma_.lower() for c in subj.subtree}
        if not heads & self.lex.population_nouns:
            return []
        for tok in verb.subtree:
            # "marched through Belgrade", "rallied across Harare"
            if tok.dep_ == "prep" and tok.lower_ in self.lex.place_preps:
                for g in tok.children:
                    if g.dep_ == "pobj":
                        found = self.np_actors(g, "place")
                        if found:
                            return found[:1]
        return []

    def noun_agent(self, noun: Token) -> list[Arg]:
        """The doer of a nominal event: "Beijing's criticism", "U.S. sanctions", "... by X"."""
        out: list[Arg] = []
        for child in noun.children:
            if child.dep_ == "poss":
                out += self.np_actors(child, "poss")
            elif child.dep_ in {"compound", "amod", "nmod", "npadvmod"} and child.i < noun.i:
                found = self.by_token.get(child.i)
                if found:
                    out.extend(Arg(m, "modifier") for m in found)
                else:
                    # "Israeli troop pullback": the actor modifies a modifier.
                    for g in child.children:
                        if g.dep_ in {"compound", "amod", "nmod"} and g.i in self.by_token:
                            out.extend(Arg(m, "modifier") for m in self.by_token[g.i])
            elif child.dep_ == "prep" and child.lower_ == "by":
                for g in child.children:
                    if g.dep_ == "pobj":
                        out += self.np_actors(g, "by")
        return unique_args(out)

    def between(self, tok: Token) -> list[Arg]:
        """Participants of "talks between A and B"."""
        out: list[Arg] = []
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ in {"between", "among"}:
                for g in child.children:
                    if g.dep_ == "pobj":
                        out += self.np_actors(g, "between")
        return unique_args(out)

    def np_targets(self, head: Token, via: str, source_keys: set[tuple[int, int, str]],
                   places: bool = False) -> list[Arg]:
        """Targets named by an object noun phrase; an event noun gives its doer."""
        own = {k[2] for k in source_keys}
        found = self._np_targets(head, via, source_keys, places)
        # The doer's own things ("suspended Russia's participation in the treaty with the
        # United States") are not its target when something else is named.
        if found and all(a.code in own for a in found):
            for child in head.children:
                if child.dep_ == "prep" and child.lower_ in set(self.lex.target_preps) | {"in", "of"}:
                    for g in child.children:
                        if g.dep_ == "pobj":
                            other = [a for a in self.np_targets(g, via, source_keys, places)
                                     if a.code not in own]
                            if other:
                                return other
        return found

    def _np_targets(self, head: Token, via: str, source_keys: set[tuple[int, int, str]],
                    places: bool = False) -> list[Arg]:
        if head.lower_ in _OBJECT_PRONOUNS and head.i not in self.by_token:
            # "she had asked him": an object pronoun is not its own clause's doer, so the
            # doer's actor is no antecedent (a reflexive would be).
            banned = {k[2] for k in source_keys}
            return [Arg(m, via + ":pron")
                    for m in self.resolve_pronoun(head, source_keys, banned)]
        entry = self.noun_entries.get(head.i)
        if entry is not None:
            agent = [a for a in self.noun_agent(head) if a.key not in source_keys]
            if agent:
                return [Arg(a.mention, via + ":doer") for a in agent]
            inner = self.prep_targets(head, entry, source_keys)
            if inner:
                return inner
        found = self.np_actors(head, via, exclude=source_keys)
        if found:
            return found
        # "flights to Russia", "aid for Ukraine", "an admission by Moscow", "a resumption of
        # ties with Osgiliath": the object's own prepositional target, through of-chains.
        preps = set(self.lex.target_preps) | {"by"}
        layer = [head]
        for _ in range(3):
            nxt = []
            for noun in layer:
                for child in noun.children:
                    if child.dep_ != "prep":
                        continue
                    for g in child.children:
                        if g.dep_ != "pobj":
                            continue
                        if child.lower_ in preps or (places and child.lower_ in {"at"}):
                            hit = self.np_actors(g, via + ":" + child.lower_,
                                                 exclude=source_keys)
                            found += hit
                            if not hit:
                                # "parties to the conflict in Iraq"
                                found += self.np_actors(g, via + ":" + child.lower_,
                                                        exclude=source_keys, places=True)
                        elif child.lower_ == "of":
                            nxt.append(g)
            if found:
                return found
            layer = nxt
        if places:
            # "retook a village in Western Cambodia": events that happen to places.
            found = self.np_actors(head, via, exclude=source_keys, places=True)
            if found:
                return found
            # "aid to refugees fleeing the war in Liberia", "parties to the conflict in
            # Iraq": the people acted on are named by where they are.
            for t in head.subtree:
                if t.dep_ == "prep" and t.lower_ in {"in", "inside"} and t.i > head.i:
                    for g in t.children:
                        if g.dep_ == "pobj":
                            found += self.np_actors(g, via + ":in", exclude=source_keys)
                    if found:
                        return found[:1]
        # "its diplomats": a possessive pronoun names someone other than the doer.
        for child in head.children:
            if child.dep_ == "poss" and child.lower_ in PRONOUNS:
                banned = {k[2] for k in source_keys}
                return [Arg(m, via + ":pron")
                        for m in self.resolve_pronoun(child, source_keys, banned)]
        return []

    # -- clauses -------------------------------------------------------------------------
    def subjects(self, verb: Token, depth: int = 0) -> list[Arg]:
        """The doers of a verb (see module docstring)."""
        if depth > 5:
            return []
        passive = False
        for child in verb.children:
            if child.dep_ == "agent":
                for g in child.children:
                    if g.dep_ == "pobj":
                        return self.np_actors(g, "agent", places=True)
            if child.dep_ == "nsubjpass":
                passive = True
        subject_children = [c for c in verb.children if c.dep_ in {"nsubj", "csubj"}]
        for child in subject_children:
            # Two subjects from a mis-parse ("Old foes Gondor and Osgiliath have renewed"):
            # the one that names actors.
            found = self.np_actors(child, "subject", places=True)
            if found:
                return found
        if subject_children:
            return []
        if passive:
            return []
        head = verb.head
        if head.i == verb.i:
            return []
        if verb.dep_ == "xcomp" or (verb.dep_ == "pcomp" and head.dep_ == "prep"):
            governor = head if verb.dep_ == "xcomp" else head.head
            objects = [c for c in governor.children if c.dep_ in _OBJECT_CONTROL_DEPS]
            if objects and governor.lemma_.lower() not in {"promise", "pledge", "offer", "vow"}:
                found = self.np_actors(objects[0], "controller")
                if found:
                    return found
            passive_subject = [c for c in governor.children if c.dep_ == "nsubjpass"]
            if verb.dep_ == "xcomp" and passive_subject:
                # Raising/control by a passive: "Obama is scheduled to attend", "Iran was
                # asked to allow": the passive subject does the complement's act.
                found = self.np_actors(passive_subject[0], "subject", places=True)
                if found:
                    return found
            return self.subjects(governor, depth + 1)
        if verb.dep_ == "conj" and verb.tag_ == "VB" and head.tag_ in {"VBD", "VBN", "VBZ"}:
            # A bare infinitive cannot share a finite verb's subject ("has jailed a student
            # for helping militants join a group"): the parser joined it to the wrong verb.
            return []
        if verb.dep_ in {"conj", "advcl", "ccomp"} and head.pos_ in {"VERB", "AUX", "ADJ"}:
            if verb.dep_ == "ccomp":
                return []
            return self.subjects(head, depth + 1)
        if verb.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to"
                                      for c in verb.children):
            # "Washington's proposal to resume", "has no plans to send": the noun's owner,
            # else the subject of the verb the noun belongs to.
            owner = self.noun_agent(head)
            if owner:
                return owner
            if head.dep_ in {"dobj", "attr", "pobj"}:
                gov = head.head.head if head.dep_ == "pobj" else head.head
                return self.subjects(gov, depth + 1)
            return []
        if verb.dep_ == "acl" and verb.tag_ != "VBN" and \
                head.lemma_.lower() in self.lex.statement_nouns:
            # "issued a declaration demanding ...": whoever issued it.
            owner = self.noun_agent(head) or self.np_actors(head, "relhead")
            if owner:
                return owner
            if head.dep_ in {"dobj", "attr"}:
                return self.subjects(head.head, depth + 1)
            return []
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return []  # "soldiers killed in Ukraine": the noun is the patient, not the doer
        if verb.dep_ in {"relcl", "acl"} and head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return self.np_actors(head, "relhead")
        if verb.dep_ == "acomp" or head.pos_ == "AUX":
            return self.subjects(head, depth + 1)
        return []

    def prep_targets(self, tok: Token, entry: Entry, source_keys: set[tuple[int, int, str]],
                     skip: Token | None = None) -> list[Arg]:
        preps = set(self.lex.target_preps) | set(entry.target_preps)
        # Attacks and arrests happen to places; visits go to them.
        place = entry.place_targets or entry.event in self.lex.place_target_events or \
            entry.mode == "visit"
        out: list[Arg] = []
        for child in tok.children:
            if child.dep_ != "prep" or (skip is not None and child.i == skip.i):
                continue
            word = child.lower_
            if word in {"out", "away"} and not any(g.dep_ == "pobj" for g in child.children):
                # "pulled out of Lebanon", parsed as a preposition holding another.
                for inner in (g for g in child.children if g.dep_ == "prep" and g.lower_ in {"of", "from"}):
                    for g in (x for x in inner.children if x.dep_ == "pobj"):
                        out += self.np_targets(g, "prep:from", source_keys, places=True)
                continue
            if word in preps or (place and word in self.lex.place_preps) or (
                    tok.pos_ in {"NOUN", "PROPN"} and word == "of"):
                objects = [g for g in child.children if g.dep_ == "pobj" or (
                    g.dep_ == "pcomp" and g.pos_ in {"NOUN", "PROPN"})]
                for g in objects:
                    hit = self.np_targets(g, "prep:" + word, source_keys, places=place)
                    if not hit and word in preps:
                        # "demanded parties to the conflict in Iraq to ...": people are
                        # named by where they are.
                        hit = self.np_actors(g, "prep:" + word, exclude=source_keys,
                                             places=True)
                    out += hit
                if not objects and word in preps:
                    # A parse that left the preposition without its object ("granted asylum
                    # to five Panamanian officers holed up ..."): the next actor close by.
                    doc = child.doc
                    for i in range(child.i + 1, min(child.i + 6, len(doc))):
                        if doc[i].pos_ in {"VERB", "AUX", "PUNCT"}:
                            break
                        found = [Arg(m, "prep:" + word) for m in self.by_token.get(i, ())]
                        found = [a for a in found if a.key not in source_keys]
                        if found:
                            out += found
                            break
        return out

    def targets(self, tok: Token, entry: Entry, source_keys: set[tuple[int, int, str]],
                skip: Token | None = None) -> list[Arg]:
        """Targets of a verb trigger: object, passive subject, prepositional targets."""
        out: list[Arg] = []
        place = entry.place_targets or entry.event in self.lex.place_target_events or \
            entry.mode == "visit"
        for child in tok.children:
            if skip is not None and child.i == skip.i:
                continue
            if child.dep_ in {"dobj", "dative", "nsubjpass", "csubjpass", "oprd"} and \
                    entry.object_is_target:
                out += self.np_targets(child, child.dep_, source_keys, places=place)
            elif child.dep_ == "prep" and child.lower_ == "as" and entry.object_is_target and \
                    not any(c.dep_ == "dobj" for c in tok.children):
                # "denounced as a crime Serbia's crackdown": the shifted object hangs from
                # the "as" phrase as an apposition.
                for pobj in (g for g in child.children if g.dep_ == "pobj"):
                    for shifted in (a for a in pobj.children if a.dep_ == "appos"):
                        out += self.np_targets(shifted, "dobj", source_keys, places=place)
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and entry.object_is_target:
            # "Russian diplomats expelled by Poland": the modified noun is the object.
            out += self.np_targets(tok.head, "patient", source_keys, places=place)
        out += self.prep_targets(tok, entry, source_keys, skip=skip)
        # "crossed into", "pulled out of": the particle's own preposition sits on the verb.
        return unique_args(out)


def unique_args(args: Iterable[Arg]) -> list[Arg]:
    """The arguments, each mention once, in order."""
    seen: set[tuple[int, int, str]] = set()
    out = []
    for a in args:
        if a.key in seen:
            continue
        seen.add(a.key)
        out.append(a)
    return out
