"""Event coding: from a parsed English sentence to PLOVER/CAMEO events with evidence.

``Coder`` is the entry point (see :mod:`dyadwatch.events.coder`); its knowledge lives in
the data files of ``events/data/`` (triggers, light verbs, cue lists, PETRARCH verbs).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from dyadwatch.events.coder import Coder

__all__ = ["Coder"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that `import dyadwatch.events.pipeline` does not load spaCy-heavy code.
    if name == "Coder":
        from dyadwatch.events.coder import Coder

        return Coder
    raise AttributeError(name)
