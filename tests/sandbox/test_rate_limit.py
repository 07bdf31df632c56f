"""`--rate-limit`: requests over the rate are refused with 429 or 503 and Retry-After."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from app.sandbox.ratelimit import RateLimiter, RateSpecError, parse_rate

from .helpers import Api, product_image
from .test_contract import assert_spring_error


def client_for(sandbox: Any) -> httpx.Client:
    token = sandbox.issue_access_token()
    return httpx.Client(base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"})


def test_a_burst_over_the_rate_is_refused_with_429_and_retry_after(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(rate_limit=5)
    with client_for(sandbox) as client:
        statuses = [client.get("/v1/workflow") for _ in range(12)]
        admitted = [r for r in statuses if r.status_code == 200]
        refused = [r for r in statuses if r.status_code != 200]
        # One second's worth goes through at once (a little more if the burst took a while).
        assert 5 <= len(admitted) <= 7 and statuses[0].status_code == 200
        for response in refused:
            body = assert_spring_error(response, 429, "/v1/workflow")
            assert (
                body["error"] == "Too Many Requests" and "5 requests per second" in body["message"]
            )
            assert int(response.headers["retry-after"]) >= 1
        # Health, sign-in and the approval page are never limited.
        assert all(client.get("/health").status_code == 200 for _ in range(10))
        assert all(client.post("/oauth/token").status_code != 429 for _ in range(10))


def test_after_retry_after_requests_are_admitted_again(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(rate_limit=20)
    with client_for(sandbox) as client:
        while (refused := client.get("/v1/organization/balance")).status_code == 200:
            pass
        assert refused.status_code == 429
        wait = int(refused.headers["retry-after"])
        deadline = time.monotonic() + wait + 2
        while client.get("/v1/organization/balance").status_code != 200:
            assert time.monotonic() < deadline, "still refused after Retry-After"


def test_mixed_refusals_are_429_and_503(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(rate_limit=2, rate_limit_status="mixed", seed=5)
    with client_for(sandbox) as client:
        refused = [client.get("/v2/workflow/execution/") for _ in range(30)]
    statuses = {r.status_code for r in refused if r.status_code != 200}
    assert statuses == {429, 503}
    for response in refused:
        if response.status_code == 503:
            assert_spring_error(response, 503, "/v2/workflow/execution/")
            assert int(response.headers["retry-after"]) >= 1


def test_503_only(sandbox_factory: Any) -> None:
    sandbox = sandbox_factory(rate_limit=1, rate_limit_status="503")
    with client_for(sandbox) as client:
        responses = [client.get("/v1/workflow") for _ in range(4)]
    assert {r.status_code for r in responses[1:]} == {503}


def test_opening_a_status_stream_counts_as_a_request(
    sandbox_factory: Any, api_factory: Any
) -> None:
    api: Api = api_factory(sandbox_factory(rate_limit=3))  # signing in is not limited
    execution_id = api.create("Web export", product_image())  # workflows, upload, create
    while api.http.get("/v1/organization/balance").status_code != 429:
        pass  # whatever came back in the meantime is spent
    refused = api.http.get(f"/v1/workflow/execution/{execution_id}/status")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


def test_rate_specs() -> None:
    assert parse_rate("20/s") == 20
    assert parse_rate("20") == 20
    assert parse_rate(" 0.5 / s ") == 0.5
    assert parse_rate("600/min") == 10
    for bad in ("fast", "0/s", "-3/s", "20/h", ""):
        with pytest.raises(RateSpecError):
            parse_rate(bad)


def test_the_bucket_refills_at_the_rate() -> None:
    limiter = RateLimiter(2, "429", seed=0)
    assert [limiter.admit(0.0) for _ in range(3)] == [0.0, 0.0, 0.5]
    assert limiter.admit(0.25) == pytest.approx(0.25)  # half a token back
    assert limiter.admit(0.5) == 0.0
