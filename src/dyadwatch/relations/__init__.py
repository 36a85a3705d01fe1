"""Relations analytics: dyad series, indices, trends, change points and themes.

Public API (see ``/work/notes/interfaces.md``): :func:`dyad_series`,
:func:`themes_summary` (alias ``themes_of``), :func:`known_codes`, :func:`suggest_codes`,
and :func:`assign_themes` for the coding pipeline.
"""

from dyadwatch.relations.themes import assign_themes, theme_ids

__all__ = ["assign_themes", "theme_ids"]
