"""`--rate-limit N/s`: the API host answers 429 or 503 with Retry-After once a client is too fast.

The vendor documents no rate limit, but every hosted API has one somewhere, and a client that
does not back off when told to turns a short overload into an outage. The limit is a token
bucket holding one second's worth of requests (at least one): a burst of N goes through at
once, then one request every 1/N seconds. A refused request costs no token.

What counts: every request to the API host, a status stream once when it is opened (its
events are one response). What does not: `/health` (start-up checks and monitors must see
the truth), the sign-in host (`/oauth/...`, `/activate`: a different host in production, with
limits of its own) and `/admin`.

Refusals are 429 Too Many Requests (what a rate limiter says), 503 Service Unavailable (what
an overloaded gateway says) or a seeded mix of both; all carry Retry-After in whole seconds,
the time until the next request would be let through, and a Spring-style error body.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.sandbox.config import RateLimitStatus
from app.sandbox.errors import spring_body

log = logging.getLogger(__name__)

EXEMPT_PREFIXES = ("/health", "/v1/health", "/oauth/", "/activate", "/admin")
_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|min|minute))?\s*$")


class RateSpecError(ValueError):
    pass


def parse_rate(text: str) -> float:
    """`20/s`, `20`, `0.5/s` or `600/min` -> requests per second."""
    match = _RATE.match(text)
    if not match:
        raise RateSpecError(f"{text!r} is not a rate: write it as N/s (e.g. 20/s) or N/min")
    value = float(match.group(1))
    if value <= 0:
        raise RateSpecError("the rate must be more than 0")
    return value / 60 if (match.group(2) or "s").startswith("m") else value


class RateLimiter:
    """A token bucket on the event loop's clock (one loop: no lock needed)."""

    def __init__(self, per_second: float, status: RateLimitStatus, seed: int) -> None:
        self.per_second = per_second
        self.status = status
        self._capacity = max(1.0, per_second)
        self._tokens = self._capacity
        self._stamp: float | None = None
        self._mix = random.Random(f"{seed}:rate-limit")

    def admit(self, now: float) -> float:
        """0 when the request may go on, else the seconds until it would be admitted."""
        if self._stamp is not None:
            self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self.per_second)
        self._stamp = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return 0.0
        return (1.0 - self._tokens) / self.per_second

    def refusal_status(self) -> int:
        if self.status == "mixed":
            return 429 if self._mix.random() < 0.5 else 503
        return int(self.status)


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        wait = self.limiter.admit(asyncio.get_running_loop().time())
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        status = self.limiter.refusal_status()
        rate = f"{self.limiter.per_second:g} requests per second"
        message = (
            f"Too many requests: the limit is {rate}"
            if status == 429
            else f"Service temporarily unavailable: more than {rate}, retry later"
        )
        response = JSONResponse(
            spring_body(status, message, path),
            status_code=status,
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
        await response(scope, receive, send)
