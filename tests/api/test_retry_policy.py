"""Backoff arithmetic and Retry-After parsing (pure)."""

from __future__ import annotations

import random

from app.api.retry import Failure, RetryPolicy, parse_retry_after


def test_backoff_grows_exponentially_with_full_jitter_and_a_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0, rng=random.Random(1))
    for attempt in range(8):
        bound = min(4.0, 0.5 * 2**attempt)
        samples = [policy.delay(attempt) for _ in range(200)]
        assert all(0.0 <= s <= bound for s in samples)
        # Jitter really spreads: not all equal, and it reaches into the top half of the range.
        assert len(set(samples)) > 100
        assert max(samples) > bound / 2


def test_retry_after_is_a_floor_but_capped() -> None:
    policy = RetryPolicy(base_delay=0.01, max_delay=0.02, max_retry_after=5.0)
    assert policy.delay(0, retry_after=2.0) == 2.0
    assert policy.delay(0, retry_after=3600.0) == 5.0


def test_retryable_statuses() -> None:
    policy = RetryPolicy()
    assert all(policy.should_retry_status(s) for s in (429, 500, 502, 503, 504))
    assert not any(policy.should_retry_status(s) for s in (400, 401, 403, 404, 422, 501))


def test_parse_retry_after() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-4") == 0.0
    now = 1_700_000_000.0  # 2023-11-14 22:13:20 GMT
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:30 GMT", now=now) == 10.0
    assert parse_retry_after("Tue, 14 Nov 2023 22:13:00 GMT", now=now) == 0.0


def test_what_may_be_repeated_depends_on_what_a_repeat_could_do() -> None:
    policy = RetryPolicy(attempts=5, connect_attempts=3)
    # An idempotent call: every transient failure is retried, a refused connection briefly.
    assert policy.tries(Failure.ANSWERED, idempotent=True) == 5
    assert policy.tries(Failure.BROKEN, idempotent=True) == 5
    assert policy.tries(Failure.NOT_SENT, idempotent=True) == 3
    # A create: only a request that certainly never left is sent again.
    assert policy.tries(Failure.ANSWERED, idempotent=False) == 1
    assert policy.tries(Failure.BROKEN, idempotent=False) == 1
    assert policy.tries(Failure.NOT_SENT, idempotent=False) == 3


def test_wait_before_retry_counts_tries_and_gives_up() -> None:
    policy = RetryPolicy(attempts=3, base_delay=0.1, max_delay=1.0, rng=random.Random(3))
    waits = [policy.wait_before_retry(n, Failure.ANSWERED, idempotent=True) for n in (1, 2, 3)]
    assert waits[2] is None  # three tries made: no fourth
    assert waits[0] is not None and 0 <= waits[0] <= 0.1
    assert waits[1] is not None and 0 <= waits[1] <= 0.2
    assert policy.wait_before_retry(1, Failure.ANSWERED, idempotent=False) is None
    assert policy.wait_before_retry(1, Failure.ANSWERED, idempotent=True, retry_after=0.7) == 0.7


def test_stream_reconnects_back_off_with_jitter_never_below_half() -> None:
    policy = RetryPolicy(stream_base_delay=0.5, stream_max_delay=5.0, rng=random.Random(5))
    for failures in range(1, 8):
        bound = min(5.0, 0.5 * 2 ** (failures - 1))
        samples = [policy.stream_delay(failures) for _ in range(100)]
        assert all(bound / 2 <= s <= bound for s in samples)
        assert len(set(samples)) > 50
