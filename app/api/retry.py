"""When and how long to wait before trying a request again.

Only idempotent calls are retried on answers (GET, HEAD, content-addressed uploads, the retry
endpoint): repeating them cannot charge twice. Anything else is retried only when the
connection failed before the request could have reached the server.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # total tries, the first included
    base_delay: float = 0.5  # seconds; doubles each attempt
    max_delay: float = 20.0  # cap of the exponential part
    max_retry_after: float = 60.0  # a server asking for longer is trusted only this far
    # A refused connection mostly means "server not running": say so soon instead of backing
    # off for many seconds; blips on an established path (5xx, resets) get all `attempts`.
    connect_attempts: int = 3
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (0-based).

        Full jitter (a uniform pick up to the exponential bound) spreads out many clients that
        failed together; a Retry-After from the server is honoured as a minimum, capped.
        """
        bound = min(self.max_delay, self.base_delay * (2**attempt))
        wait = self.rng.uniform(0, bound)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def attempts_for_transport_error(self, connect_failed: bool) -> int:
        return min(self.attempts, self.connect_attempts) if connect_failed else self.attempts

    def should_retry_status(self, status: int) -> bool:
        return status in RETRYABLE_STATUSES


NO_RETRY = RetryPolicy(attempts=1)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After is either delta-seconds or an HTTP date; anything unreadable is ignored."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)
