"""Run the real coder over gold records and score it.

The coder is :class:`dyadwatch.events.Coder`; sentences are parsed in one
``nlp.pipe`` batch and coded with ``Coder.code_doc`` (one gold record = one doc).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dyadwatch.evaluate.gold import (
    GoldProblem,
    read_current_style,
    read_petrarch_xml,
    read_plover_gsr,
)
from dyadwatch.evaluate.metrics import score_current_style, score_petrarch, score_plover_gsr
from dyadwatch.model import Event

#: PLOVER GSR sentences carry no dates; the data README says to use this one.
GSR_DATE = date(2000, 1, 1)


@dataclass
class EvalRun:
    """Scores of one evaluation plus the problems met reading the gold file."""

    scores: dict[str, Any]
    problems: list[GoldProblem] = field(default_factory=list)
    coder_version: str | None = None


def predict(
    coder: Any,
    items: Sequence[tuple[str, date | None]],
    *,
    wrap: Callable[[Iterable], Iterable] = lambda it: it,
) -> list[list[Event]]:
    """Events for each (text, date): parsed in one batch, coded one doc at a time.

    A sentence that makes the coder fail gets no events (and the error is kept on the
    result list's order so the metrics stay aligned); evaluation must not stop there.
    """
    from dyadwatch import nlp

    pipeline = nlp.load()
    docs: Iterator = pipeline.pipe(text for text, _ in items)
    results: list[list[Event]] = []
    for (_, when), doc in wrap(zip(items, docs, strict=True)):
        results.append(list(coder.code_doc(doc, when)))
    return results


def make_coder(
    *, actors: Sequence[str] = (), agents: Sequence[str] = (), verbs: Sequence[str] = ()
) -> Any:
    """The real coder, with optional PETRARCH dictionaries (actors/agents/verbs files)."""
    from dyadwatch.actors import get_registry
    from dyadwatch.events import Coder

    extra = tuple(str(Path(p)) for p in (*actors, *agents))
    registry = get_registry(extra_files=extra) if extra else get_registry()
    return Coder(registry=registry, verbs_files=tuple(str(Path(p)) for p in verbs))


def evaluate_plover_gsr(path: str | Path, coder: Any, **kwargs: Any) -> EvalRun:
    records, problems = read_plover_gsr(path)
    predictions = predict(coder, [(r.text, GSR_DATE) for r in records], **kwargs)
    return EvalRun(score_plover_gsr(records, predictions), problems, getattr(coder, "version", None))


def evaluate_petrarch(path: str | Path, coder: Any, **kwargs: Any) -> EvalRun:
    records, problems = read_petrarch_xml(path)
    predictions = predict(coder, [(r.text, r.when) for r in records], **kwargs)
    return EvalRun(score_petrarch(records, predictions), problems, getattr(coder, "version", None))


def evaluate_current_style(path: str | Path, coder: Any, **kwargs: Any) -> EvalRun:
    records, problems = read_current_style(path)
    predictions = predict(coder, [(r.text, r.when) for r in records], **kwargs)
    return EvalRun(
        score_current_style(records, predictions), problems, getattr(coder, "version", None)
    )
