"""A per-process cache bounded by the bytes it holds, not by its number of entries.

Django's LocMemCache counts entries (MAX_ENTRIES), but what a worker can afford is bytes, and
entries differ: a row of a long paragraph with proposals and comments renders to ten times the
HTML of a short one. This one keeps the same LRU order and counts each entry as its pickled
value, its key and a fixed share for the bookkeeping around them; past OPTIONS["MAX_BYTES"] it
drops the least recently used entries. settings.py gives each cache its share of the worker's
budget (WORKBENCH_PROCESS_CACHE_MB).
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Per entry, besides the pickled value and the key's characters: the key's str header, its
# slots in the OrderedDict and the expiry dict, the expiry float and the size kept here
# (10,000 row-sized entries under tracemalloc on Python 3.13: about 240 bytes each).
ENTRY_OVERHEAD = 250

# Shared, like LocMemCache's own dicts, by every instance of a LOCATION in the process
# (Django makes one instance per thread).
_sizes = {}
_totals = {}


class BoundedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        options = dict(params.get("OPTIONS") or {})
        self.max_bytes = int(options.pop("MAX_BYTES"))
        # Entries are never culled by number: the bytes decide.
        options["MAX_ENTRIES"] = 2**62
        super().__init__(name, {**params, "OPTIONS": options})
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])

    @property
    def total_bytes(self):
        return self._total[0]

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        self._forget(key)
        size = len(value) + len(key) + ENTRY_OVERHEAD
        if size > self.max_bytes:
            return  # bigger than the whole cache: not kept
        while self._cache and self._total[0] + size > self.max_bytes:
            oldest = next(reversed(self._cache))  # get() and _set() move keys to the front
            self._delete(oldest)
        super()._set(key, value, timeout)
        self._sizes[key] = size
        self._total[0] += size

    def _forget(self, key):
        size = self._sizes.pop(key, None)
        if size is not None:
            self._total[0] -= size

    def _delete(self, key):
        deleted = super()._delete(key)
        if deleted:
            self._forget(key)
        return deleted

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        self.set(key, value, version=version)  # counted again at its new size
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
            self._total[0] = 0
