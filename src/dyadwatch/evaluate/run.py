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
    failures: list[tuple[int, str]] | None = None,
) -> list[list[Event]]:
    """Events for each (text, date): parsed in one batch, coded one doc at a time.

    A sentence that makes the coder raise gets no events and is listed in ``failures``
    as (index, message): one bad sentence must not stop a whole evaluation.
    """
    from dyadwatch import nlp

    pipeline = nlp.load()
    docs: Iterator = pipeline.pipe(text for text, _ in items)
    results: list[list[Event]] = []
    for index, ((_, when), doc) in enumerate(wrap(zip(items, docs, strict=True))):
        try:
            results.append(list(coder.code_doc(doc, when)))
        except Exception as exc:  # noqa: BLE001 - reported, and the evaluation goes on
            results.append([])
            if failures is not None:
                failures.append((index, f"{type(exc).__name__}: {exc}"))
    return results


def _run(
    path: str | Path,
    records: Sequence[Any],
    problems: list[GoldProblem],
    coder: Any,
    items: Sequence[tuple[str, date | None]],
    score: Callable,
    **kwargs: Any,
) -> EvalRun:
    failures: list[tuple[int, str]] = []
    predictions = predict(coder, items, failures=failures, **kwargs)
    for index, message in failures:
        record = records[index]
        problems.append(
            GoldProblem(str(path), record.line, f"coder failed on {record.id}: {message}")
        )
    return EvalRun(score(records, predictions), problems, getattr(coder, "version", None))


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
    items = [(r.text, GSR_DATE) for r in records]
    return _run(path, records, problems, coder, items, score_plover_gsr, **kwargs)


def evaluate_petrarch(path: str | Path, coder: Any, **kwargs: Any) -> EvalRun:
    records, problems = read_petrarch_xml(path)
    items = [(r.text, r.when) for r in records]
    return _run(path, records, problems, coder, items, score_petrarch, **kwargs)


def evaluate_current_style(path: str | Path, coder: Any, **kwargs: Any) -> EvalRun:
    records, problems = read_current_style(path)
    items = [(r.text, r.when) for r in records]
    return _run(path, records, problems, coder, items, score_current_style, **kwargs)
