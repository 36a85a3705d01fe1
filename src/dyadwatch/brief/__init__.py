"""Briefings: a cited assessment, developments by theme, a timeline and what to watch.

Extractive: the briefing arranges the sources' own sentences (trimmed at clause
boundaries at most) around a few template phrases with figures; every quote is checked
verbatim against the stored document before anything is output.

>>> brief = build_brief(store, "USA", "RUS", since=date(2021, 1, 1))   # doctest: +SKIP
>>> print(render(brief, "md"))                                         # doctest: +SKIP
"""

from dyadwatch.brief.build import BriefError, BriefOptions, build_brief, parse_dyad
from dyadwatch.brief.faithful import FaithfulnessError, check, verify
from dyadwatch.brief.render import FORMATS, render

__all__ = [
    "FORMATS",
    "BriefError",
    "BriefOptions",
    "FaithfulnessError",
    "build_brief",
    "check",
    "parse_dyad",
    "render",
    "verify",
]
