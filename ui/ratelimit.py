"""Per-client rate limiting of the public chat and API: a token bucket per client key, in memory.

Each key holds `burst` tokens and gains `per_minute` of them a minute; a request spends one. The buckets are kept
in least-recently-used order and the oldest are forgotten beyond `max_clients`, so a flood of addresses cannot grow
memory without end (a forgotten client starts again with a full bucket, which is what an idle one would have).
Every replica limits on its own: the limit is per process, not shared through the data store.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, HTTPException, Request, status

from assistant.config import UISettings

from .strings import both


@dataclass
class _Bucket:
    tokens: float
    at: float  # when tokens was last brought up to date, on the limiter's clock


class RateLimiter:
    """Token buckets by client key. per_minute 0 disables the limit. Safe to share between threads."""

    def __init__(self, per_minute: float, burst: int, max_clients: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60  # tokens a second
        self._burst = burst
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, ui: UISettings) -> RateLimiter:
        return cls(ui.rate_limit_per_minute, ui.rate_limit_burst, ui.rate_limit_clients)

    @property
    def enabled(self) -> bool:
        return self._rate > 0

    def take(self, key: str) -> int:
        """Spend one of the key's tokens: 0 when the request may go ahead, else the whole seconds until it may."""
        if not self.enabled:
            return 0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(self._burst, now)
            bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
            self._buckets[key] = bucket  # now the most recently used
            if len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return 0
            return max(1, math.ceil((1 - bucket.tokens) / self._rate))

    def __len__(self) -> int:
        """How many clients are remembered."""
        return len(self._buckets)


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
