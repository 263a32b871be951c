"""A result cache of ``package_search`` answers, keyed on the index generation.

Every committed write to the search tables takes a new value of
``casa_search_generation`` (migration 0006, kept by triggers whoever
writes). An answer is stored under the generation read before the query ran
and served only to a request that reads the same generation: the first
search after a commit misses, so an answer is never older than the reader's
own view of the index. A transaction that has written to the search tables
itself (its uncommitted rows are visible to it alone) neither reads nor
fills the cache.

It is per process (each gunicorn worker has its own) and bounded in
entries; a new generation empties it. ``ckanext.casa.search.cache_size = 0``
turns it off.
"""

from __future__ import annotations

import copy
import json
import threading
from collections import OrderedDict
from typing import Any

import ckan.plugins.toolkit as tk


class ResultCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self.generation: int | None = None
        self.entries: OrderedDict[str, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(*parts: Any) -> str:
        return json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)

    def get(self, generation: int, key: str) -> Any | None:
        with self.lock:
            if generation != self.generation or key not in self.entries:
                self.misses += 1
                return None
            self.entries.move_to_end(key)
            self.hits += 1
            value = self.entries[key]
        # CKAN's query code edits the documents it is given.
        return copy.deepcopy(value)

    def put(self, generation: int, key: str, value: Any) -> None:
        if self.size <= 0:
            return
        value = copy.deepcopy(value)
        with self.lock:
            if self.generation is None or generation > self.generation:
                self.entries.clear()
                self.generation = generation
            elif generation < self.generation:
                return  # computed before a newer write was seen: not kept
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.generation = None


DEFAULT_SIZE = 256
_CACHE = ResultCache(DEFAULT_SIZE)


def current() -> ResultCache:
    """The process's cache, made again when the configured size changes."""
    global _CACHE
    size = tk.config.get("ckanext.casa.search.cache_size")
    size = DEFAULT_SIZE if size in (None, "") else int(size)
    if size != _CACHE.size:
        _CACHE = ResultCache(size)
    return _CACHE
