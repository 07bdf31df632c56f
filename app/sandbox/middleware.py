"""The layers every request passes through before a handler, built from the configuration.

Outermost first: the studio's line carries everything, a refusal included; the dialect
rewrites every answer, errors included; the rate limit refuses before any work is done; an
injected fault comes last, as a failure of the server behind the gateway. A layer that is not
configured is not in the stack at all, so the default sandbox pays nothing for them.
"""

from __future__ import annotations

import logging

from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.sandbox.config import SandboxConfig
from app.sandbox.dialect import Dialect, DialectMiddleware
from app.sandbox.errors import spring_body
from app.sandbox.faults import Faults
from app.sandbox.link import LinkMiddleware, SharedLink
from app.sandbox.ratelimit import RateLimiter, RateLimitMiddleware

log = logging.getLogger(__name__)

# Paths a fault never hits: start-up checks, the human approval page, the admin route.
_FAULT_EXEMPT = ("/health", "/activate", "/admin")


def build_middleware(config: SandboxConfig, faults: Faults, dialect: Dialect) -> list[Middleware]:
    stack: list[Middleware] = []
    if config.uplink_mbit > 0 or config.downlink_mbit > 0:
        log.info(
            "link: up %s, down %s Mbit/s", config.uplink_mbit or "∞", config.downlink_mbit or "∞"
        )
        stack.append(
            Middleware(
                LinkMiddleware,
                uplink=SharedLink(config.uplink_mbit) if config.uplink_mbit > 0 else None,
                downlink=SharedLink(config.downlink_mbit) if config.downlink_mbit > 0 else None,
            )
        )
    if dialect.rewrites_responses:
        stack.append(Middleware(DialectMiddleware, dialect=dialect))
    if config.rate_limit > 0:
        limiter = RateLimiter(config.rate_limit, config.rate_limit_status, config.seed)
        stack.append(Middleware(RateLimitMiddleware, limiter=limiter))
    stack.append(Middleware(FaultMiddleware, faults=faults, retry_after=config.retry_after))
    return stack


class FaultMiddleware:
    """Answers 503 or 500 (with Retry-After) before the request reaches any handler."""

    def __init__(self, app: ASGIApp, faults: Faults, retry_after: int) -> None:
        self.app = app
        self.faults = faults
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not str(scope["path"]).startswith(_FAULT_EXEMPT):
            for kind, status, message in (
                ("http503", 503, "Service temporarily unavailable, retry later"),
                ("http500", 500, "Internal server error (injected fault)"),
            ):
                if self.faults.roll(kind):
                    response = JSONResponse(
                        spring_body(status, message, scope["path"]),
                        status_code=status,
                        headers={"Retry-After": str(self.retry_after)},
                    )
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
