"""Actors: who is who, as of when.

- :func:`get_registry` loads the package's data files (states, capitals and metonyms,
  organisations, people with dated roles, sector words) plus users' files;
- :meth:`Registry.lookup` answers "who is this name on this date";
- :meth:`Registry.scan` finds actor codes in raw text cheaply (no parser);
- :class:`Resolver` finds actor :class:`Mention` s in a parsed spaCy Doc.
"""

from dyadwatch.actors.entries import ActorMatch, Entry, Role
from dyadwatch.actors.petrarch import DictionaryProblem
from dyadwatch.actors.registry import Registry, get_registry
from dyadwatch.actors.resolver import Mention, Resolver

__all__ = [
    "ActorMatch",
    "DictionaryProblem",
    "Entry",
    "Mention",
    "Registry",
    "Resolver",
    "Role",
    "get_registry",
]
