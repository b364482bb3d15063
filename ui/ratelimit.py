"""Per-client rate limiting of the public chat and API: a token bucket per client, kept in the data store.

Each client holds `burst` tokens and gains `per_minute` of them a minute; a request spends one. The buckets live in
the data store, so replicas on one store (PostgreSQL, or SQLite on a shared data volume) limit a client together
rather than each on its own. A client's address is stored only as a hash, and only while its bucket is below full:
buckets idle long enough to be full again are deleted (a new bucket is full, so nothing changes for the client).
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from typing import Any

from fastapi import Depends, HTTPException, Request, status

from assistant.config import UISettings
from assistant.datastore import DataStore

from .strings import both

# How often a process deletes the buckets that are full again, in seconds.
FORGET_EVERY_S = 60.0


class RateLimiter:
    """Token buckets by client key, one kind of request (scope) each. per_minute 0 disables the limit."""

    def __init__(self, store: DataStore, scope: str, per_minute: float, burst: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._scope = scope
        self._rate = per_minute / 60  # tokens a second
        self._burst = burst
        self._clock = clock  # wall time: replicas compare their readings through the store
        self._forgotten_at = clock()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, ui: UISettings, store: DataStore, scope: str) -> RateLimiter:
        return cls(store, scope, ui.rate_limit_per_minute, ui.rate_limit_burst)

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def take(self, key: str) -> int:
        """Spend one of the key's tokens: 0 when the request may go ahead, else the whole seconds until it may."""
        if not self.enabled:
            return 0
        now = self._clock()
        self._forget_full(now)
        bucket = hashlib.sha256(f"{self._scope}\n{key}".encode()).hexdigest()
        wait = self._store.take_token(bucket, self._rate, self._burst, now)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    def _forget_full(self, now: float) -> None:
        with self._lock:
            if now - self._forgotten_at < FORGET_EVERY_S:
                return
            self._forgotten_at = now
        self._store.forget_buckets(now - self._burst / self._rate)


def client_address(request) -> str:
    """The address a request came from (a Starlette or Gradio request). Behind a proxy listed in
    UISettings.trusted_proxies the server has already put the client's address from X-Forwarded-For there."""
    client = getattr(request, "client", None)
    return client.host if client and client.host else "unknown"


def limited(limiter: RateLimiter) -> Any:
    """A FastAPI dependency that answers 429, with Retry-After and a Korean/English detail, to a client over the
    limit."""

    def check(request: Request) -> None:
        wait = limiter.take(client_address(request))
        if wait:
            raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, both("too_many_requests", seconds=wait),
                                {"Retry-After": str(wait)})

    return Depends(check)
