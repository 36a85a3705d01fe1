"""Relations analytics: dyad series, indices, trends, change points and themes.

Public API (see ``/work/notes/interfaces.md``): :func:`dyad_series`,
:func:`themes_summary` (alias ``themes_of``), :func:`known_codes`, :func:`suggest_codes`,
:func:`assign_themes` for the coding pipeline, and ``relations.plot.svg_chart``.
"""

from dyadwatch.relations.codes import RelationsError, UnknownActorError, known_codes, suggest_codes
from dyadwatch.relations.series import dyad_series
from dyadwatch.relations.summary import themes_of, themes_summary
from dyadwatch.relations.themes import assign_themes, theme_ids

__all__ = [
    "RelationsError",
    "UnknownActorError",
    "assign_themes",
    "dyad_series",
    "known_codes",
    "suggest_codes",
    "theme_ids",
    "themes_of",
    "themes_summary",
]
