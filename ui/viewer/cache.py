"""A small LRU of decoded images, bounded both by count and by bytes.

Stepping back to the previous job should be instant, but decoded photographs are huge (a 24 MP
image is ~100 MB as RGBA), so the cache holds only a few and forgets the least recently used.
Images on screen are pinned: evicting them would free nothing (the canvas still holds them)
and would only make the next step decode them again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar


class Sized(Protocol):
    @property
    def byte_size(self) -> int: ...


V = TypeVar("V", bound=Sized)


class ImageCache(Generic[V]):
    def __init__(self, max_items: int = 8, max_bytes: int = 1 << 30) -> None:
        if max_items < 1 or max_bytes < 1:
            raise ValueError("cache bounds must be positive")
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, V] = OrderedDict()
        self._pinned: frozenset[str] = frozenset()

    def get(self, key: str) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        self._evict()

    def pin(self, keys: Iterable[str]) -> None:
        """Keep exactly these keys however full the cache gets (replaces earlier pins)."""
        self._pinned = frozenset(keys)
        self._evict()

    def clear(self) -> None:
        self._entries.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def byte_size(self) -> int:
        return sum(value.byte_size for value in self._entries.values())

    def _evict(self) -> None:
        for key in list(self._entries):  # oldest first
            if len(self._entries) <= self.max_items and self.byte_size <= self.max_bytes:
                return
            if key not in self._pinned:
                del self._entries[key]
