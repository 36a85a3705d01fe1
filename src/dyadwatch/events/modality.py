"""Negation and modality of a trigger, read off the dependency parse with cue lists.

negated:      "did not agree", "has no plans to send troops", "never", "without"
future:       "will impose", "plans to expel", "is ready to", reported "would" after a past verb
conditional:  the trigger's clause, or a clause above it, carries an "if"/"unless" clause
hypothetical: "could", "might", "may" (and "would" outside reported speech)

The cue words come from the lexicon (``negators``, ``future_aux``, ``hypothetical_aux``,
``conditional_marks``, ``future_nouns``) so users can extend them.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from dyadwatch.events.lexicon import Lexicon

# Dependencies that keep us inside the same proposition when walking up from a trigger.
_CHAIN = {"xcomp", "acl", "ccomp", "advcl", "conj", "pcomp", "relcl", "acomp"}


@dataclass(frozen=True)
class Modality:
    negated: bool = False
    modality: str = "asserted"  # asserted | future | hypothetical | conditional


def _negated_here(tok: Token, lex: Lexicon) -> bool:
    for child in tok.children:
        if child.dep_ == "neg" or (child.dep_ in {"advmod", "det", "preconj"}
                                   and child.lower_ in lex.negators):
            return True
    return False


def _aux(tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in {"aux", "auxpass"}]


def _has_conditional(tok: Token, lex: Lexicon) -> bool:
    for child in tok.children:
        if child.dep_ == "advcl" and any(
                g.dep_ == "mark" and g.lower_ in lex.conditional_marks for g in child.children):
            return True
        if child.dep_ in {"prep", "advcl"} and child.lower_ in lex.conditional_marks and any(
                g.dep_ in {"ccomp", "pcomp", "advcl"} for g in child.children):
            # "provided that a ceasefire is in place": the parser reads "provided" as a verb.
            return True
    return False


def _in_conditional(tok: Token, lex: Lexicon) -> bool:
    return tok.dep_ == "advcl" and any(
        g.dep_ == "mark" and g.lower_ in lex.conditional_marks for g in tok.children)


def conditional_inside(tok: Token, lex: Lexicon) -> bool:
    """An "if/unless" clause inside the complement of a governor ("warned that X would
    face sanctions if ..."): the whole threat or promise is conditional."""
    for child in tok.children:
        if child.dep_ in {"ccomp", "xcomp"}:
            for t in child.subtree:
                if t.dep_ == "mark" and t.lower_ in lex.conditional_marks and \
                        t.head.dep_ == "advcl":
                    return True
    return False


def modality_of(tok: Token, lex: Lexicon, *, stop: Token | None = None,
                reported_past: bool = False) -> Modality:
    """Modality of the event whose trigger (or light verb) is ``tok``.

    ``stop`` is the governing trigger, if any: cues above it belong to that event.
    ``reported_past`` says the event sits under a past-tense reporting verb, where "would"
    is the future of the past ("announced that it would expel").
    """
    negated = _negated_here(tok, lex)
    future = hypothetical = conditional = False
    for aux in _aux(tok):
        low = aux.lower_
        if low in lex.future_aux or aux.lemma_.lower() in lex.future_aux or (
                low == "would" and reported_past):
            future = True
        elif low in lex.hypothetical_aux:
            hypothetical = True
    if _has_conditional(tok, lex) or _in_conditional(tok, lex):
        conditional = True
    # "going to impose", "is to visit"
    head = tok.head
    if tok.dep_ == "xcomp" and head.lemma_ == "go" and head.tag_ == "VBG":
        future = True
    # Walk up through the proposition: "has no plans to send", "is ready to", "did not
    # plan to", an "if" clause attached higher up.
    cur = tok
    steps = 0
    while cur.dep_ in _CHAIN and cur.head.i != cur.i and steps < 4:
        parent = cur.head
        if stop is not None and parent.i == stop.i:
            break
        steps += 1
        if parent.pos_ in {"NOUN", "PROPN"}:
            noun_negated = _negated_here(parent, lex)
            cur = parent
            if cur.dep_ in {"dobj", "attr", "nsubj", "pobj"}:
                verb = cur.head
                noun_negated = noun_negated or _negated_here(verb, lex)
                cur = verb
            if noun_negated:
                # "has no plans to meet": the meeting is negated, not promised.
                negated = True
            elif parent.lemma_.lower() in lex.future_nouns:
                future = True
            continue
        if parent.pos_ == "ADJ" and parent.lemma_.lower() in lex.intent_adjectives:
            future = True
            if _negated_here(parent, lex) or any(_negated_here(a, lex) for a in [parent.head]):
                negated = True
        if cur.dep_ in {"xcomp"} and _negated_here(parent, lex):
            negated = True
        if _has_conditional(parent, lex) or _in_conditional(parent, lex):
            conditional = True
        for aux in _aux(parent):
            if aux.lower_ in lex.future_aux and cur.dep_ == "xcomp":
                future = True
        if cur.dep_ in {"ccomp", "advcl", "relcl", "conj"}:
            break
        cur = parent
    if conditional:
        return Modality(negated, "conditional")
    if future:
        return Modality(negated, "future")
    if hypothetical:
        return Modality(negated, "hypothetical")
    return Modality(negated, "asserted")
