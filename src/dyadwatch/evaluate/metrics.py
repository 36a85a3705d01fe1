"""Scores of coded events against gold records: pure functions, no coder, no I/O.

Each ``score_*`` function takes the gold records and, aligned with them, the list of
:class:`dyadwatch.model.Event` the coder produced for each record's text, and returns a
JSON-ready dict. The choices made (which event is "the" event of a record, how actor
codes are compared) are documented on each function and in ``codes.py``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from dyadwatch.evaluate.codes import (
    as_gold,
    normalise,
    petrarch_country,
    petrarch_full,
    petrarch_key,
)
from dyadwatch.evaluate.gold import CurrentStyleRecord, PetrarchRecord, PloverGsrRecord
from dyadwatch.model import Event


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; 0.0 where a denominator is empty."""
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def top_event(events: Sequence[Event]) -> Event | None:
    """The record's most confident event (the first one on ties), or None."""
    best: Event | None = None
    for event in events:
        if best is None or event.confidence > best.confidence:
            best = event
    return best


def _quad(event_type: str | None) -> int | None:
    from dyadwatch.ontology import quad_class_of

    if not event_type:
        return None
    try:
        return quad_class_of(event_type)
    except KeyError:
        return None


def event_summary(event: Event) -> dict[str, Any]:
    """A predicted event, short, for per-record details."""
    return {
        "event": event.event,
        "mode": event.mode,
        "source": event.source.code if event.source else None,
        "source_sector": event.source.sector if event.source else None,
        "target": event.target.code if event.target else None,
        "target_sector": event.target.sector if event.target else None,
        "cameo": event.cameo,
        "confidence": round(float(event.confidence), 3),
        "negated": event.negated,
        "modality": event.modality,
        "reported_by": event.reported_by.code if event.reported_by else None,
        "trigger": event.evidence.trigger if event.evidence else None,
        "pattern": event.pattern,
    }


def macro_f1(gold: Sequence[str], predicted: Sequence[str | None]) -> tuple[float, dict]:
    """Macro-averaged F1 of single-label predictions (None = no prediction), per label too.

    Labels are those seen in the gold or the predictions; a missing prediction is a
    false negative for the gold label only.
    """
    labels = sorted(set(gold) | {p for p in predicted if p})
    per_label = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision, recall, f1 = prf(tp, fp, fn)
        per_label[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": tp + fn,
        }
    score = sum(v["f1"] for v in per_label.values()) / len(per_label) if per_label else 0.0
    return score, per_label


def score_plover_gsr(
    records: Sequence[PloverGsrRecord], predictions: Sequence[Sequence[Event]]
) -> dict[str, Any]:
    """PLOVER GSR scores.

    * ``event_accuracy``: the most confident event has the gold type (no event = wrong).
    * ``event_macro_f1``: macro F1 over types of that top prediction.
    * ``source_f1``/``target_f1``: micro F1 of actor-code sets. The events compared are
      those of the gold type when the coder found it (so actor scores measure actors,
      not the type), else those of the top event's type. Sectors are not compared.
      Organisations count as IGO where the gold says IGO; for reciprocal records both
      sides are the union of sources and targets, in gold and prediction alike.
    * ``quad_accuracy``: quad class of the top event equals the gold type's.
    """
    if len(records) != len(predictions):
        raise ValueError("one list of predicted events per gold record is needed")
    gold_types: list[str] = []
    top_types: list[str | None] = []
    counts = Counter()
    confusion: dict[str, Counter] = defaultdict(Counter)
    per_record = []
    for record, events in zip(records, predictions, strict=True):
        top = top_event(events)
        top_type = top.event if top else None
        gold_types.append(record.event)
        top_types.append(top_type)
        confusion[record.event][top_type or "(none)"] += 1
        counts["event_correct"] += top_type == record.event
        gold_quad = _quad(record.event)
        counts["quad_correct"] += top is not None and _quad(top_type) == gold_quad

        gold_source = {normalise(a.code) for a in record.source}
        gold_target = {normalise(a.code) for a in record.target}
        vocabulary = gold_source | gold_target
        chosen_type = record.event if any(e.event == record.event for e in events) else top_type
        chosen = [e for e in events if e.event == chosen_type]
        pred_source = {as_gold(e.source.code, vocabulary) for e in chosen if e.source}
        pred_target = {as_gold(e.target.code, vocabulary) for e in chosen if e.target}
        pred_source.discard("")
        pred_target.discard("")
        if record.reciprocal:
            gold_source = gold_target = gold_source | gold_target
            pred_source = pred_target = pred_source | pred_target
        for side, gold_set, pred_set in (
            ("source", gold_source, pred_source),
            ("target", gold_target, pred_target),
        ):
            counts[f"{side}_tp"] += len(gold_set & pred_set)
            counts[f"{side}_fp"] += len(pred_set - gold_set)
            counts[f"{side}_fn"] += len(gold_set - pred_set)
        per_record.append(
            {
                "id": record.id,
                "text": record.text,
                "gold": {
                    "event": record.event,
                    "source": sorted(gold_source),
                    "target": sorted(gold_target),
                    "reciprocal": record.reciprocal,
                },
                "top_event": top_type,
                "event_correct": top_type == record.event,
                "source_correct": gold_source == pred_source,
                "target_correct": gold_target == pred_target,
                "predicted_source": sorted(pred_source),
                "predicted_target": sorted(pred_target),
                "events": [event_summary(e) for e in events],
            }
        )
    n = len(records)
    macro, per_type = macro_f1(gold_types, top_types)
    result: dict[str, Any] = {
        "n": n,
        "event_accuracy": counts["event_correct"] / n if n else 0.0,
        "event_macro_f1": macro,
        "quad_accuracy": counts["quad_correct"] / n if n else 0.0,
        "no_event": sum(1 for t in top_types if t is None),
    }
    for side in ("source", "target"):
        precision, recall, f1 = prf(
            counts[f"{side}_tp"], counts[f"{side}_fp"], counts[f"{side}_fn"]
        )
        result[f"{side}_precision"] = precision
        result[f"{side}_recall"] = recall
        result[f"{side}_f1"] = f1
    result["per_type"] = per_type
    result["confusion"] = {gold: dict(row) for gold, row in sorted(confusion.items())}
    result["per_record"] = per_record
    return result


def _petrarch_triples(
    record: PetrarchRecord, events: Sequence[Event]
) -> tuple[set[tuple[str, str, str]], set[tuple[str, str, str]], set, set]:
    from dyadwatch.ontology import plover_to_cameo

    gold_root = {
        (petrarch_country(t.source), petrarch_country(t.target), t.code[:2])
        for t in record.expected
    }
    gold_exact = {(normalise(t.source), normalise(t.target), t.code) for t in record.expected}
    keys = {k for triple in gold_root for k in triple[:2]}
    pred_root: set[tuple[str, str, str]] = set()
    pred_exact: set[tuple[str, str, str]] = set()
    for event in events:
        # PETRARCH codes dyads only and drops negated events; do the same here.
        if event.target is None or event.negated:
            continue
        code = event.cameo
        if not code:
            try:
                code = plover_to_cameo(event.event, event.mode, contexts=event.contexts)
            except KeyError:
                continue
        pred_root.add(
            (petrarch_key(event.source.code, keys), petrarch_key(event.target.code, keys), code[:2])
        )
        pred_exact.add(
            (
                petrarch_full(event.source.code, event.source.sector),
                petrarch_full(event.target.code, event.target.sector),
                code,
            )
        )
    return gold_root, pred_root, gold_exact, pred_exact


def score_petrarch(
    records: Sequence[PetrarchRecord], predictions: Sequence[Sequence[Event]]
) -> dict[str, Any]:
    """PETRARCH validation scores.

    * ``precision``/``recall``/``f1``: micro scores of (source, target, CAMEO root) triples,
      actors compared by country part (see ``codes.py``); records expecting no event count,
      every triple coded there being a false positive.
    * ``f1_exact``: the same with full actor codes (code + sector) and full CAMEO codes.
    * ``records_passed``: records whose exact triples equal the expected ones (for no-event
      records: nothing coded); ``records_passed_root`` the same on root triples.
    """
    if len(records) != len(predictions):
        raise ValueError("one list of predicted events per gold record is needed")
    counts = Counter()
    per_record = []
    for record, events in zip(records, predictions, strict=True):
        gold_root, pred_root, gold_exact, pred_exact = _petrarch_triples(record, events)
        for name, gold, pred in (("root", gold_root, pred_root), ("exact", gold_exact, pred_exact)):
            counts[f"{name}_tp"] += len(gold & pred)
            counts[f"{name}_fp"] += len(pred - gold)
            counts[f"{name}_fn"] += len(gold - pred)
        passed = gold_exact == pred_exact
        counts["passed"] += passed
        counts["passed_root"] += gold_root == pred_root
        counts["no_event_records"] += record.expects_no_event
        per_record.append(
            {
                "id": record.id,
                "text": record.text,
                "expected": sorted("-".join(t) for t in gold_exact),
                "predicted": sorted("-".join(t) for t in pred_exact),
                "expected_root": sorted("-".join(t) for t in gold_root),
                "predicted_root": sorted("-".join(t) for t in pred_root),
                "passed": passed,
                "events": [event_summary(e) for e in events],
            }
        )
    precision, recall, f1 = prf(counts["root_tp"], counts["root_fp"], counts["root_fn"])
    precision_exact, recall_exact, f1_exact = prf(
        counts["exact_tp"], counts["exact_fp"], counts["exact_fn"]
    )
    return {
        "records": len(records),
        "records_passed": counts["passed"],
        "records_passed_root": counts["passed_root"],
        "expected_triples": sum(
            len({(t.source, t.target, t.code) for t in r.expected}) for r in records
        ),
        "no_event_records": counts["no_event_records"],
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "precision_exact": precision_exact,
        "recall_exact": recall_exact,
        "f1_exact": f1_exact,
        "per_record": per_record,
    }


#: Modalities read as the same answer: reported speech is asserted, conditional is hypothetical.
_MODALITY_CLASS = {
    "asserted": "asserted",
    "reported": "asserted",
    "future": "future",
    "conditional": "conditional",
    "hypothetical": "conditional",
}


def _modality(value: str | None) -> str:
    return _MODALITY_CLASS.get((value or "asserted").lower(), (value or "").lower())


def match_event(record: CurrentStyleRecord, events: Sequence[Event]) -> Event | None:
    """The predicted event assessed for a current-style record.

    The most confident event of an allowed type, else the most confident event: a
    sentence may hold other true events ("expelled diplomats in response to sanctions")
    that should not hide the expected one.
    """
    allowed = [e for e in events if e.event in record.events]
    return top_event(allowed) or top_event(events)


def score_current_style(
    records: Sequence[CurrentStyleRecord], predictions: Sequence[Sequence[Event]]
) -> dict[str, Any]:
    """Current-style scores: each record's matched event (see :func:`match_event`) is checked
    for type (in the allowed list), source and target (in the allowed code lists; for
    ``either_direction`` records either way round; an empty gold target wants no target),
    ``negated``, ``modality`` (reported = asserted, hypothetical = conditional), ``mode``
    (where the gold gives one) and ``reported_by``. ``all_correct`` needs all but mode.
    """
    if len(records) != len(predictions):
        raise ValueError("one list of predicted events per gold record is needed")
    checks = ("event", "source", "target", "dyad", "negated", "modality", "reported_by", "all")
    counts = Counter()
    mode_n = 0
    per_record = []
    for record, events in zip(records, predictions, strict=True):
        event = match_event(record, events)
        result = dict.fromkeys(checks, False)
        mode_ok = False
        if event is not None:
            sources = {normalise(c) for c in record.source}
            targets = {normalise(c) for c in record.target}
            vocabulary = sources | targets
            source = as_gold(event.source.code if event.source else None, vocabulary)
            target = as_gold(event.target.code if event.target else None, vocabulary)
            if record.either_direction:
                either = sources | targets
                source_ok = source in either
                target_ok = (target in either and target != source) if targets else not target
            else:
                source_ok = source in sources
                target_ok = target in targets if targets else not target
            reported = event.reported_by.code if event.reported_by else None
            result.update(
                event=event.event in record.events,
                source=source_ok,
                target=target_ok,
                dyad=source_ok and target_ok,
                negated=event.negated == record.negated,
                modality=_modality(event.modality) == _modality(record.modality),
                reported_by=normalise(reported) == normalise(record.reported_by),
            )
            result["all"] = all(result[c] for c in checks if c != "all")
            mode_ok = bool(record.mode) and (event.mode or "").lower() == record.mode.lower()
        for check in checks:
            counts[check] += result[check]
        if record.mode:
            mode_n += 1
            counts["mode"] += mode_ok
        per_record.append(
            {
                "id": record.id,
                "text": record.text,
                "gold": {
                    "event": record.events,
                    "source": record.source,
                    "target": record.target,
                    "either_direction": record.either_direction,
                    "negated": record.negated,
                    "modality": record.modality,
                    "mode": record.mode,
                    "reported_by": record.reported_by,
                },
                "matched": event_summary(event) if event else None,
                "correct": result,
                "events": [event_summary(e) for e in events],
            }
        )
    n = len(records)
    scores: dict[str, Any] = {"n": n}
    for check in checks:
        name = "all_correct" if check == "all" else f"{check}_accuracy"
        scores[name] = counts[check] / n if n else 0.0
    scores["mode_accuracy"] = counts["mode"] / mode_n if mode_n else None
    scores["mode_n"] = mode_n
    scores["no_event"] = sum(1 for events in predictions if not events)
    scores["per_record"] = per_record
    return scores
