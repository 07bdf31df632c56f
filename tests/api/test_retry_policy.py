"""Backoff arithmetic and Retry-After parsing (pure)."""

from __future__ import annotations

import random

from app.api.retry import RetryPolicy, parse_retry_after


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
