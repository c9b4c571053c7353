"""Per-process caches of rarely-changing rows for hot paths (a kit scan, a bearer token).

Each app server process keeps its own copy for ``settings.LOCAL_CACHE_SECONDS`` (0 turns
the caches off). A service that changes what a cache holds forgets it in its own process;
other processes see the change when their copy expires, so a change reaches every server
within that many seconds. Only data whose short staleness is harmless belongs here: rules the
database enforces (one hand-out per person, stock never negative) are never decided from a
cached copy. Cached objects are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from django.conf import settings

V = TypeVar("V")

_ALL: list[LocalCache] = []


class LocalCache(Generic[V]):
    """A dict with a time-to-live per entry. ``None`` is never kept, so a miss is asked
    again next time (an unknown token, a campaign not created yet)."""

    def __init__(self, name: str, *, max_entries: int = 10_000) -> None:
        self.name = name
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], V | None]) -> V | None:
        ttl = settings.LOCAL_CACHE_SECONDS
        if ttl <= 0:
            return load()
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        if value is not None:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()  # rare, and simpler than an LRU
            self._entries[key] = (now + ttl, value)
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Drop one entry, or every entry when no key is given."""
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)


def clear_local_caches() -> None:
    """Forget everything every local cache of this process holds (tests, the demo loader)."""
    for cache in _ALL:
        cache.forget()
