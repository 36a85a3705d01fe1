"""The store: the only room that talks to the database.

``Store`` opens it; each module holds the queries of one concern
(``documents``: documents, sentences and skipped inputs; others follow the same pattern).
"""

from dyadwatch.store.db import Store, StoreError, resolve_url

__all__ = ["Store", "StoreError", "resolve_url"]
