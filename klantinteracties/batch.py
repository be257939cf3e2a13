"""Rows related to a page of results, loaded with one query per relation and kept for the request.

A resource's ``prefetch`` primes what its representation needs for all rows of a page (and of
the pages it expands); the representation then reads ``related(name, key)``, which answers
from the batch, or loads that one key when nothing was primed (so no read depends on priming
to be correct, only to be fast).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import g

Loader = Callable[[list[Any]], Iterable[tuple[Any, Any]]]

_LOADERS: dict[str, tuple[Loader, bool]] = {}


def loader(name: str, many: bool = True) -> Callable[[Loader], Loader]:
    """Register a loader: it gets the keys and yields ``(key, value)`` pairs.

    ``many`` relations collect a list per key (in the loader's order); the others keep one value
    per key, or None.
    """

    def register(function: Loader) -> Loader:
        _LOADERS[name] = (function, many)
        return function

    return register


def _cache() -> dict[str, dict[Any, Any]]:
    # One lookup through ``g`` (a context-local proxy): representations call this per row.
    try:
        return g.ki_batch  # type: ignore[no-any-return]
    except AttributeError:
        g.ki_batch = {}
        return g.ki_batch  # type: ignore[no-any-return]


def prime(name: str, keys: Iterable[Any]) -> None:
    """Load ``name`` for every key not loaded yet in this request, in one query."""
    cache = _cache().setdefault(name, {})
    missing = list(dict.fromkeys(k for k in keys if k is not None and k not in cache))
    if not missing:
        return
    load, many = _LOADERS[name]
    for key in missing:
        cache[key] = [] if many else None
    for key, value in load(missing):
        if many:
            cache[key].append(value)
        else:
            cache[key] = value


def known(name: str, rows: Iterable[Any]) -> None:
    """Rows loaded already (a page's own rows) are ``name`` of their ``id``: no query for them."""
    cache = _cache().setdefault(name, {})
    for row in rows:
        cache.setdefault(row.id, row)


def none_yet(name: str, keys: Iterable[Any]) -> None:
    """Rows created in this request have nothing ``name`` yet: no query for them."""
    cache = _cache().setdefault(name, {})
    many = _LOADERS[name][1]
    for key in keys:
        cache[key] = [] if many else None


def remember(name: str, key: Any, value: Any) -> None:
    """``name`` of a row created in this request, known without a query."""
    _cache().setdefault(name, {})[key] = value


def is_known(name: str, key: Any) -> bool:
    """Whether ``name`` of ``key`` is in this request's batch already (loaded or told)."""
    return key in _cache().get(name, ())


def related(name: str, key: Any) -> Any:
    """``name`` of one key: from the request's batch, or loaded now if it was not primed."""
    if key is None:
        return [] if _LOADERS[name][1] else None
    cache = _cache().get(name)
    if cache is None or key not in cache:
        prime(name, [key])
        cache = _cache()[name]
    return cache[key]


def forget() -> None:
    """Drop what was loaded: a write changed it."""
    g.pop("ki_batch", None)
