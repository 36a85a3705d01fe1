"""Finding the actors in a parsed sentence, as of a date.

Registry phrases found by the PhraseMatchers are grouped into noun phrases: a place
(country, capital, organisation, institution), a person, and a title or sector word may
combine ("Russia's foreign minister", "Ukrainian President Volodymyr Zelensky", "Russian
lawmakers") when only possessives, "of", determiners and modifiers stand between them.
Each group becomes one :class:`Mention` whose actor says how it was resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Doc

from dyadwatch.actors.entries import ActorMatch, Entry
from dyadwatch.actors.registry import PLACE_KINDS, PhraseHit, Registry
from dyadwatch.model import ActorRef

#: Words that may sit between the parts of one actor phrase.
_JOINERS = frozenset({"'s", "’s", "'", "’", "of", "the", "-", "s"})
#: Words that never sit inside one actor phrase (without a parse we cannot ask the tagger).
_BREAKERS = frozenset({
    "and", "or", "but", "nor", "with", "in", "at", "on", "to", "by", "from", "against", "said",
    "says", "say", "told", "for", "as", "than", "that", "who", "which", "whom", "whose", "is",
    "was", "were", "are", "be", "been", "has", "have", "had", "will", "would", "could",
    "should", "may", "might", "must", "can", "did", "do", "does", "not", "no", "after",
    "before", "during", "while", "when", "where", "about", "into", "over", "under", "between",
    "among", "amid", "across", "through", "toward", "towards", "near", "without", "within"
})
#: Prepositions after which a place is where something happens, not who acts.
_LOCATIVE = frozenset({"in", "at", "near", "inside", "outside", "throughout", "within", "across",
                       "around", "beyond"})
#: Offices a bare title ("the president") may be resolved to from the story's context.
CONTEXT_OFFICES = frozenset({
    "head-of-state", "president", "vice-president", "prime-minister", "chancellor", "monarch",
    "supreme-leader", "foreign-minister", "secretary-of-state", "defence-minister",
    "national-security-adviser", "spokesperson", "finance-minister", "interior-minister",
    "intelligence-chief", "security-council-secretary", "speaker",
})
#: Offices with one holder at a time: "Russia's foreign minister" names a person.
SINGLE_HOLDER_OFFICES = CONTEXT_OFFICES | {"secretary-general", "commission-president",
                                           "high-representative", "director-general",
                                           "un-ambassador", "chief-of-staff"}
#: Agent codes that say nothing about who acts (PETRARCH's "unknown", "junk", "none").
_NO_SECTOR = frozenset({"UNK", "JNK", "NON"})
_POSSESSIVE_OK_POS = frozenset({"ADJ", "NOUN", "PROPN", "DET", "PART", "PUNCT", "NUM"})


@dataclass
class Mention:
    """An actor found in a Doc: token span ``start:end``, characters, text and the actor."""

    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    actor: ActorRef


@dataclass
class _Group:
    start: int
    end: int
    place: Entry | None = None
    person: Entry | None = None
    sector: Entry | None = None
    dyad: Entry | None = None
    blocked: Entry | None = None  # a name that is no actor ("State of the Union")
    person_text: str | None = None
    hits: list[PhraseHit] = field(default_factory=list)

    def chars(self, doc: Doc) -> tuple[int, int]:
        """Character span; sub-token hits ("U.S." in "U.S.-Russia") keep their own offsets."""
        span = doc[self.start:self.end]
        first, last = self.hits[0], self.hits[-1]
        start = first.start_char if first.start_char is not None and first.start == self.start \
            else span.start_char
        end = last.end_char if last.end_char is not None and last.end == self.end else span.end_char
        return start, end


def _category(entry: Entry) -> str:
    if entry.kind == "dyad":
        return "dyad"
    if entry.kind in ("none", "water"):
        return "blocked"
    if entry.kind == "person":
        return "person"
    if entry.kind in ("title", "sector"):
        return "sector"
    if entry.kind in PLACE_KINDS or entry.code or entry.roles:
        return "place"
    return "sector"


def _gap_joins(doc: Doc, start: int, end: int) -> bool:
    if end - start > 3:
        return False
    for token in doc[start:end]:
        parsed = token.pos != 0  # tokenizer-only docs (lookups) have no tags
        lower = token.lower_
        if lower in _JOINERS:
            continue
        if lower in _BREAKERS or not (token.is_alpha or "-" in token.text):
            return False
        if parsed and token.pos_ not in _POSSESSIVE_OK_POS:
            return False
    return True


def _free_entry(group: _Group, hit: PhraseHit) -> Entry | None:
    """The entry of ``hit`` that completes ``group``, or None when it starts a new actor."""
    for entry in hit.entries:
        slot = _category(entry)
        if slot in ("dyad", "blocked") or group.blocked is not None:
            return None
        taken = getattr(group, slot)
        if taken is None:
            return entry
        if slot == "sector" and group.person is None:
            # English noun phrases end in their head: "opposition lawmaker" is LEG, "group of
            # thieves" CRM; a later sector noun replaces the earlier modifier.
            return entry
        if slot == "place" and group.person is None and _refines(taken, entry):
            return entry
    return None


def _refines(place: Entry, entry: Entry) -> bool:
    """"Russia's Baltic Fleet": a named body of the same country replaces the country."""
    if entry.how not in ("institution", "metonym", "org"):
        return False
    if place.how not in ("name", "demonym", "capital", "place"):
        return False
    codes = {entry.code, *(r.code for r in entry.roles)}
    return place.code in codes


def build_groups(doc: Doc, hits: Sequence[PhraseHit]) -> list[_Group]:
    groups: list[_Group] = []
    for hit in hits:
        current = groups[-1] if groups else None
        entry = None
        if current is not None and current.dyad is None and _gap_joins(doc, current.end, hit.start):
            entry = _free_entry(current, hit)
        if entry is None:
            current = _Group(hit.start, hit.end)
            groups.append(current)
            entry = hit.entries[0]
        slot = _category(entry)
        if not (slot == "sector" and _keeps_modifier(current.sector, entry)):
            setattr(current, slot, entry)
        current.end = hit.end
        current.hits.append(hit)
    return groups


def _keeps_modifier(modifier: Entry | None, head: Entry) -> bool:
    """Head nouns that say less than their modifier: "opposition leader" is OPP,
    "Congressional group" LEG, "paramilitary group" PRM."""
    if modifier is None or modifier.sector in _NO_SECTOR:
        return False
    return head.sector in _NO_SECTOR or (head.kind == "title" and head.office == "other"
                                         and modifier.kind == "sector")


def _is_former(registry: Registry, doc: Doc, group: _Group) -> bool:
    i = group.start - 1
    while i >= 0 and (doc[i].is_space or doc[i].lower_ in ("a", "an", "the", "his", "her", "their",
                                                           "its")):
        i -= 1
    if i >= 0 and doc[i].lower_.rstrip("-") in registry.former_words | {"ex"}:
        return True
    # "former" inside a name ("the Former Yugoslav Republic of Macedonia") is no "former".
    in_names = {t for h in group.hits if any(_category(e) == "place" for e in h.entries)
                for t in range(h.start, h.end)}
    return any(t.lower_ in registry.former_words for t in doc[group.start:group.end]
               if t.i not in in_names)


def compose(registry: Registry, group: _Group, when: date | None, *, former: bool = False,
            context_codes: Sequence[str] = ()) -> ActorMatch | None:
    """The actor a group of phrases stands for (None when it names no code)."""
    if group.blocked is not None:
        return None
    title = group.sector if group.sector is not None and group.sector.kind == "title" else None
    if group.person is not None:
        match = registry.match_for(group.person, when, score=group.person.weight)
        if title is not None and match.sector == "ELI" and not former:
            # "President X" in the text outranks a dictionary that thinks X left office.
            match = _replace(match, sector=title.sector, sectors=title.sectors,
                             role=_title_text(title), office=title.office)
        match = _affiliation_in_text(registry, group, match, title, when, former=former)
    elif group.place is not None:
        base = registry.match_for(group.place, when, score=group.place.weight)
        match = base
        institution_sector = group.place.sector and group.place.how in ("institution", "metonym", "org")
        specific_title = title is not None and title.office not in (None, "other", "counterpart")
        if institution_sector and title is not None and _title_first(group, title):
            # "the president of the Riigikogu" belongs to the body: LEG.
            specific_title = False
        if group.sector is not None and not (institution_sector and not specific_title):
            holder = None
            if title is not None and title.office in SINGLE_HOLDER_OFFICES:
                holder = registry.office_holder(base.code, title.office, when)
            how = "title" if title is not None else "sector-word"
            match = ActorMatch(code=base.code, name=base.name, sector=group.sector.sector,
                               role=_title_text(title), person=holder.name if holder else None,
                               kind=base.kind, score=base.score, how=how,
                               sectors=group.sector.sectors, office=title.office if title else None,
                               family=base.family, source=base.source)
    elif (title is not None and context_codes and title.office in CONTEXT_OFFICES
          and not group.person_text):
        # "The president" is the story's own president; "the foreign minister" belongs to
        # the first actor of the story known to have one (not the U.S., which has a
        # secretary of state).
        holders = [(c, registry.office_holder(c, title.office, when)) for c in context_codes]
        code, holder = next(((c, h) for c, h in holders if h is not None), (context_codes[0], None))
        match = ActorMatch(code=code, name=registry.code_names.get(code, code), sector=title.sector,
                           role=_title_text(title), person=holder.name if holder else None,
                           kind=registry.code_kinds.get(code, "state"), score=0.5, how="context",
                           sectors=title.sectors, office=title.office,
                           family=registry.code_family.get(code))
    else:
        return None
    if group.person is None and group.person_text:
        match = _replace(match, person=group.person_text)
    if former and match.sector != "ELI":
        match = _replace(match, sector="ELI", sectors=("ELI", *match.sectors))
    return match


def _affiliation_in_text(registry: Registry, group: _Group, match: ActorMatch, title: Entry | None,
                         when: date | None, *, former: bool) -> ActorMatch:
    """"Dutch Foreign Minister Hans van den Broek", "U.N. mediator Diego Cordovez": a country or
    organisation written before the title and the name says whom the person acts for, even
    when the dictionary knows the person from another post (a later EU commissioner, his
    home country)."""
    place, sector = group.place, group.sector
    if place is None or sector is None or former:
        return match
    if place.how not in ("name", "demonym", "capital", "org", "metonym"):
        return match
    place_at = next((h.start for h in group.hits if place in h.entries), None)
    person_at = next((h.start for h in group.hits if group.person in h.entries), None)
    if place_at is None or person_at is None or place_at > person_at:
        return match
    stated = registry.match_for(place, when)
    if not stated.code or stated.code == match.code:
        return match
    sector_entry = title or sector
    return _replace(match, code=stated.code, name=stated.name, kind=stated.kind,
                    family=stated.family, sector=sector_entry.sector, sectors=sector_entry.sectors,
                    role=_title_text(title), office=title.office if title else None, how="title")


def _title_first(group: _Group, title: Entry) -> bool:
    title_at = next((h.start for h in group.hits if title in h.entries), None)
    place_at = next((h.start for h in group.hits if group.place in h.entries), None)
    return title_at is not None and place_at is not None and title_at < place_at


#: Nouns that name a kind of place: "near the town of Samarra" is still only where.
_PLACE_NOUNS = frozenset({"town", "city", "village", "province", "region", "district", "area",
                          "port", "county", "border", "outskirts", "suburb", "suburbs"})


#: Prepositions that make a *named kind of place* a location ("on the Thai border", "from
#: the Bosnian town of Gorazde") but not a bare country ("sanctions on Russia").
_PLACE_NOUN_LOCATIVE = _LOCATIVE | {"on", "along", "from", "to", "into", "toward", "towards"}


def _is_location(doc: Doc, group: _Group) -> bool:
    """A bare place after "in"/"at"... is where something happens, not an actor."""
    if group.person is not None or group.place is None:
        return False
    place_noun = any(t.lower_ in _PLACE_NOUNS for t in doc[group.start:group.end]) or (
        group.end < len(doc) and doc[group.end].lower_ in _PLACE_NOUNS)
    if group.sector is not None and not (group.sector.kind == "sector" and place_noun):
        return False
    if group.place.how not in ("name", "capital", "place") and not (
            group.place.how == "demonym" and place_noun):
        return False
    # Walk back over articles and adjectives: "in the besieged Bosnian town of ...".
    i = group.start - 1
    while i >= 0 and (doc[i].is_space or doc[i].lower_ in ("the", "a", "an")
                      or ((doc[i].pos_ in ("ADJ", "NUM") or doc[i].tag_ == "VBN")
                          and group.start - i <= 3)):
        i -= 1
    if i < 0:
        return False
    if doc[i].lower_ == "of" and i > 0 and doc[i - 1].lower_ == "out":
        return True  # "out of Kabul", "out of the town of ..."
    return doc[i].lower_ in (_PLACE_NOUN_LOCATIVE if place_noun else _LOCATIVE)


#: Words that may stand between a people and the state it lives in: "in southern Serbia".
_HOME_GAP = frozenset({"the", "northern", "southern", "eastern", "western", "central", "north",
                       "south", "east", "west", "northeastern", "northwestern", "southeastern",
                       "southwestern", "northwest", "northeast", "southwest", "southeast"})


def _homes(doc: Doc, groups: Sequence[_Group]) -> dict[int, int]:
    """A people named by a demonym, and the state it lives in: "Ethnic Albanian guerrillas in
    Macedonia", "ethnic Serbs in Croatia", "the Albanians of southern Serbia" are that state's
    actors (the PLOVER GSR codes them so), and the state is only where they live.

    "in" counts only after "ethnic", which marks a minority: without it "Albanian rebels in
    Macedonia" stay Albanian (as the gold codes them). "of" counts for a bare people
    ("Albanians of Serbia") or after "ethnic". Returns {people group: place group}.
    """
    homes: dict[int, int] = {}
    for index, (group, place) in enumerate(zip(groups, groups[1:], strict=False)):
        if group.place is None or group.place.how != "demonym" or group.person is not None:
            continue
        if (place.place is None or place.person is not None or place.sector is not None
                or place.place.how not in ("name", "place", "capital")):
            continue
        between = [t.lower_ for t in doc[group.end:place.start]]
        if not between or between[0] not in ("in", "of") or not set(between[1:]) <= _HOME_GAP:
            continue
        ethnic = group.start > 0 and doc[group.start - 1].lower_ == "ethnic"
        if ethnic or (between[0] == "of" and group.sector is None):
            homes[index] = index + 1
    return homes


#: Nouns after a demonym that make it name a language or a culture, not a people acting:
#: "the use of the Russian language", "Russian-language media".
_NOT_A_PEOPLE = frozenset({"language", "languages", "dialect", "alphabet", "literature",
                           "cuisine", "speakers", "speaking", "studies"})


def _names_a_language(doc: Doc, group: _Group) -> bool:
    if group.place is None or group.place.how != "demonym" or group.sector is not None \
            or group.person is not None:
        return False
    j = group.end
    if j < len(doc) and doc[j].text == "-":
        j += 1
    return j < len(doc) and doc[j].lower_ in _NOT_A_PEOPLE


#: "Kremlin-backed separatists": the place modifies another actor. ("U.S.-led coalition",
#: "Vietnamese-led forces" are that country's own operation, coded as it, so "led" is absent.)
_BACKING_WORDS = frozenset({"backed", "supported", "allied", "aligned", "installed",
                            "appointed", "controlled", "sponsored", "funded", "armed", "based",
                            "brokered", "owned", "run", "held", "occupied"})


def _is_modifier(doc: Doc, group: _Group) -> bool:
    """A place that only qualifies someone else: "Iran-backed", "pro-Russian", "anti-U.S."."""
    if group.person is None and group.start > 0:
        # "pro-Russian separatists" are not Russian: no country for them.
        before = doc[group.start - 1]
        two_before = doc[group.start - 2] if group.start > 1 else None
        if before.text == "-" and two_before is not None and two_before.lower_ in ("pro", "anti"):
            return True
        if before.lower_.rstrip("-") in ("pro", "anti") and before.text.endswith("-"):
            return True
    if group.person is not None or group.sector is not None:
        return False
    last = group.hits[-1]
    if last.end_char is not None:  # inside a token: "U.S.-made"
        rest = doc[last.start].text[last.end_char - doc[last.start].idx:]
        return rest.lstrip("-").lower() in _BACKING_WORDS
    if group.end + 1 < len(doc) and doc[group.end].text == "-":
        return doc[group.end + 1].lower_ in _BACKING_WORDS
    return False


def _modifies_a_thing(doc: Doc, group: _Group) -> bool:
    """"the Beijing 2022 Olympics": a capital or town naming a thing, not acting."""
    if group.person is not None or group.sector is not None or group.place is None:
        return False
    last = doc[group.end - 1]
    if group.place.how not in ("capital", "place") or last.dep == 0:
        return False
    return last.dep_ in ("compound", "nmod") and not (group.start <= last.head.i < group.end)


def _title_text(title: Entry | None) -> str | None:
    if title is None or title.office in (None, "other", "counterpart"):
        return title.name.title() if title is not None and title.office == "other" else None
    return title.office.replace("-", " ").title()


def _replace(match: ActorMatch, **changes) -> ActorMatch:
    return replace(match, **changes)


def compose_phrase(registry: Registry, doc: Doc, when: date | None) -> list[ActorMatch]:
    """Lookup of a short phrase: the first actor group, completed by a later place.

    "Several of the largest trade unions in Denmark" → DNK LAB; "Russia's ambassador to
    Poland" → RUS GOV first, then POL.
    """
    groups = [g for g in build_groups(doc, registry.hits(doc)) if g.dyad is None]
    if not groups:
        return []
    head = groups[0]
    if head.place is None and head.person is None:
        later = next((g for g in groups[1:] if g.place is not None), None)
        if later is not None:
            head.place = later.place
            groups.remove(later)
    results = []
    for index, group in enumerate(groups):
        match = compose(registry, group, when, former=_is_former(registry, doc, group))
        if match is not None and _is_location(doc, group):
            match = _replace(match, sector=None, sectors=(), how="place")
        if match is None and group is head and group.sector is not None:
            # A sector with no country ("riot police"): the sector alone is the answer.
            match = ActorMatch(code="", name="", sector=group.sector.sector, role=_title_text(
                group.sector if group.sector.kind == "title" else None), person=None,
                kind="sector", score=group.sector.weight, how=group.sector.how,
                sectors=group.sector.sectors, office=group.sector.office)
            if _is_former(registry, doc, group):
                match = _replace(match, sector="ELI", sectors=("ELI", *match.sectors))
        if match is not None:
            results.append(_replace(match, score=match.score * (1.0 if index == 0 else 0.5)))
    return results


def _written_as_abbreviation(group: _Group) -> bool:
    """"US and British activists": an abbreviation used like an adjective."""
    return len(group.hits) == 1 and any(a.exact for a in group.hits[0].aliases)


def _merge_titled_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """"Bree President Romendacil": a sector title right before (or around) a name of the same
    actor that carries no sector is one mention, the named actor in that sector."""
    merged: list[Mention] = []
    for mention in mentions:
        previous = merged[-1] if merged else None
        if (previous is not None and previous.actor.sector is not None
                and previous.actor.how in ("sector-word", "title")
                and mention.actor.code == previous.actor.code and mention.actor.sector is None
                and mention.actor.how not in ("place", "context")
                and previous.start < mention.start <= previous.end):
            end, end_char = max(previous.end, mention.end), max(previous.end_char, mention.end_char)
            text = doc.text[previous.start_char:end_char]
            actor = replace(previous.actor, text=text, end=end_char,
                            person=previous.actor.person or mention.actor.person)
            merged[-1] = Mention(previous.start, end, previous.start_char, end_char, text, actor)
            continue
        merged.append(mention)
    return merged


class Resolver:
    """Finds actor mentions in spaCy Docs with a :class:`Registry`."""

    def __init__(self, registry: Registry | None = None, *, user_agents_only: bool = False) -> None:
        """``user_agents_only``: PETRARCH's reading, where a user's agents dictionary is the
        only source of sectors (package-only sector words then add none)."""
        if registry is None:
            from dyadwatch.actors.registry import get_registry

            registry = get_registry()
        self.registry = registry
        own = registry.entries[len(registry.base.entries):] if registry.base else []
        self._user_sector_words = frozenset(
            " ".join(a.lower().split()) for e in own
            if e.kind == "sector" and e.source.startswith("user:") for a in e.aliases
        ) if user_agents_only else frozenset()

    def _names_user_sector(self, doc: Doc, group: _Group) -> bool:
        """Does the group hold a sector word of the user's agents file ("Deputy Prime Minister")?"""
        words = [t.lower_ for t in doc[group.start:group.end]]
        return any(" ".join(words[i:j]) in self._user_sector_words
                   for i in range(len(words)) for j in range(i + 1, min(len(words), i + 4) + 1))

    def resolve(self, doc: Doc, when: date | None = None, *,
                context_codes: Sequence[str] = ()) -> list[Mention]:
        """Actor mentions in ``doc`` in text order, resolved as of ``when``.

        ``context_codes`` are the actors of the surrounding story: the first stands in for
        bare titles ("the president"), the first two for "both sides"/"the two countries".
        """
        groups = build_groups(doc, self.registry.hits(doc))
        self._attach_person_names(doc, groups)
        self._share_sectors(doc, groups)
        homes = _homes(doc, groups)
        mentions: list[Mention] = []
        for index, group in enumerate(groups):
            start_char, end_char = group.chars(doc)
            text = doc.text[start_char:end_char]
            if group.dyad is not None:
                for code in list(dict.fromkeys(context_codes))[:2]:
                    actor = ActorRef(code=code, name=self.registry.code_names.get(code, code),
                                     sector=group.dyad.sector, text=text, start=start_char,
                                     end=end_char, how="context")
                    mentions.append(Mention(group.start, group.end, start_char, end_char, text, actor))
                continue
            if _is_modifier(doc, group) or _names_a_language(doc, group):
                continue
            match = compose(self.registry, group, when, former=_is_former(self.registry, doc, group),
                            context_codes=context_codes)
            if match is None and mentions:
                match = self._counterpart(group, mentions[-1].actor.code, context_codes)
            if match is None or not match.code:
                continue
            if index in homes:
                home = self.registry.match_for(groups[homes[index]].place, when)
                if home.code:
                    match = _replace(match, code=home.code, name=home.name, family=home.family)
            how = match.how
            if (_is_location(doc, group) or _modifies_a_thing(doc, group)
                    or index in homes.values()):
                how = "place"
            sector = None if how == "place" or match.sector in _NO_SECTOR else match.sector
            if (sector is not None and self._user_sector_words and group.sector is not None
                    and not group.sector.source.startswith("user:")
                    and match.sector == group.sector.sector
                    and not self._names_user_sector(doc, group)):
                # PETRARCH codes sectors from its agents dictionary alone: with a user's
                # agents file, a word only the package knows ("mayor") names no sector.
                sector = None
            actor = ActorRef(code=match.code, name=match.name, sector=sector, role=match.role,
                             person=match.person, text=text, start=start_char, end=end_char, how=how)
            mentions.append(Mention(group.start, group.end, start_char, end_char, text, actor))
        return _merge_titled_names(doc, mentions)

    def _counterpart(self, group: _Group, previous: str,
                     context_codes: Sequence[str]) -> ActorMatch | None:
        """"Blinken met his counterpart": the other side of the story's dyad."""
        title = group.sector
        if (title is None or title.office != "counterpart" or group.place is not None
                or group.person is not None):
            return None
        pair = list(dict.fromkeys(context_codes))[:2]
        if len(pair) < 2 or previous not in pair:
            return None
        code = pair[1] if previous == pair[0] else pair[0]
        return ActorMatch(code=code, name=self.registry.code_names.get(code, code),
                          sector=title.sector, role=None, person=None,
                          kind=self.registry.code_kinds.get(code, "state"), score=0.5,
                          how="context", sectors=title.sectors,
                          family=self.registry.code_family.get(code))

    @staticmethod
    def _attach_person_names(doc: Doc, groups: list[_Group]) -> None:
        """"President Ibrahim Solih": a title followed by a PERSON entity the registry lacks."""
        people = [ent for ent in doc.ents if ent.label_ == "PERSON"]
        ents = {ent.start: ent for ent in people}
        for index, group in enumerate(groups):
            if group.person is None and group.sector is not None and group.sector.kind == "title":
                ent = ents.get(group.end)
                if ent is not None:
                    group.person_text = ent.text
                    group.end = ent.end
            elif group.person is not None and group.start == group.hits[0].start:
                # "Sergei Lavrov" where the registry knows "Lavrov": quote the whole name.
                ent = next((e for e in people if e.start < group.start < e.end <= group.end), None)
                previous_end = groups[index - 1].end if index else 0
                if ent is not None and ent.start >= previous_end:
                    group.start = ent.start
                    group.hits[0] = PhraseHit(ent.start, group.hits[0].end, group.hits[0].key,
                                              group.hits[0].aliases)

    @staticmethod
    def _share_sectors(doc: Doc, groups: list[_Group]) -> None:
        """"Russian and Belarusian soldiers": the first demonym shares the sector noun."""
        # Right to left, so "American, British and French leaders" all get "leaders".
        for first, second in reversed(list(zip(groups, groups[1:], strict=False))):
            between = doc[first.end:second.start]
            if (first.sector is None and first.person is None and first.place is not None
                    and second.sector is not None and second.place is not None
                    and second.person is None
                    and 0 < len(between) <= 2 and all(t.lower_ in ("and", "or", ",") for t in between)
                    and second.place.how == "demonym"
                    and (first.place.how == "demonym" or _written_as_abbreviation(first))):
                first.sector = second.sector

