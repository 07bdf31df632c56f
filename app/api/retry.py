"""The app's one retry policy: whether to try again, and how long to wait first.

Every retry decision of the client, the sign-in calls and the engine's status watcher comes
from here, so a request is tried a known number of times and never by two loops at once.

- What may be repeated depends on what a repeat could do. An idempotent call (GET, HEAD, an
  upload stored by content hash, the retry endpoint) can be sent again after any transient
  failure. Anything else (creating an execution: a second one would be charged) is sent again
  only when it certainly never left this computer (no connection was made); after an answer or
  a broken connection the engine reconciles instead of repeating it.
- A refused connection mostly means "server not running": a few quick tries, then say so.
- Waits grow exponentially with full jitter (many clients that failed together do not come
  back together); a server's Retry-After is honoured as a minimum, up to a cap.
- A status stream that ended early is reopened, and a stalled execution re-read, at growing
  intervals (with jitter, never faster than half the interval).
"""

from __future__ import annotations

import email.utils
import enum
import logging
import random
import time
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


class Failure(enum.Enum):
    """How a try failed, as far as a repeat is concerned."""

    NOT_SENT = "not sent"  # no connection (refused, connect timeout, pool full): never left
    BROKEN = "broken"  # the connection failed after the request may have reached the server
    ANSWERED = "answered"  # the server answered with a retryable status (429, 5xx)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries of an idempotent request, the first included
    connect_attempts: int = 3  # tries of any request whose connection could not be made
    base_delay: float = 0.5  # seconds; doubles with each try
    max_delay: float = 20.0  # cap of the exponential part
    max_retry_after: float = 60.0  # a server asking for longer is trusted only this far
    # Reopening a status stream that ended early, and re-reading an execution while polling.
    stream_base_delay: float = 1.0
    stream_max_delay: float = 5.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def tries(self, failure: Failure, *, idempotent: bool) -> int:
        """How many tries in all a request gets when its tries fail this way."""
        if failure is Failure.NOT_SENT:
            return min(self.attempts, self.connect_attempts)
        return self.attempts if idempotent else 1

    def wait_before_retry(
        self,
        tries_made: int,
        failure: Failure,
        *,
        idempotent: bool,
        retry_after: float | None = None,
    ) -> float | None:
        """Seconds to wait before the next try, or None when the request should give up."""
        if tries_made >= self.tries(failure, idempotent=idempotent):
            return None
        return self.delay(tries_made - 1, retry_after)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed try number `attempt` (0-based).

        Full jitter (a uniform pick up to the exponential bound); a Retry-After from the
        server is a minimum, capped.
        """
        bound = min(self.max_delay, self.base_delay * (2 ** max(0, attempt)))
        wait = self.rng.uniform(0, bound)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def should_retry_status(self, status: int) -> bool:
        return status in RETRYABLE_STATUSES

    def stream_delay(self, failures: int) -> float:
        """Seconds before reopening a status stream after `failures` (>= 1) early ends in a
        row, or before the next re-read of an execution while polling (`failures` = rounds)."""
        bound = min(self.stream_max_delay, self.stream_base_delay * (2 ** max(0, failures - 1)))
        return self.rng.uniform(bound / 2, bound)


NO_RETRY = RetryPolicy(attempts=1, connect_attempts=1)


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
