"""Credits: charged on success, PAYMENT_REQUIRED without charge when short, retry rules."""

from __future__ import annotations

from typing import Any

import httpx

from app.sandbox.faults import Faults

from .helpers import product_image


def test_success_charges_the_price(api: Any) -> None:
    price = api.workflows()["Background to white"]["executionPrice"]
    execution = api.wait(api.create("Background to white", product_image()))
    assert execution["status"] == "COMPLETED"
    assert execution["chargedCredits"] == price
    assert api.sandbox.balance() == 5000 - price
    assert api.http.get("/v1/organization/balance").text == str(5000 - price)


def test_payment_required_then_top_up_then_retry(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(credits=15))
    first = api.wait(api.create("Background to white", product_image()))
    assert first["status"] == "COMPLETED" and api.sandbox.balance() == 5

    short_id = api.create("Background to white", product_image(size=(300, 300)))
    short = api.wait(short_id)
    assert short["status"] == "PAYMENT_REQUIRED"
    assert short["chargedCredits"] == 0 and short["resultPath"] is None
    assert api.sandbox.balance() == 5  # nothing taken
    assert api.http.get(f"/v1/workflow/execution/{short_id}/result/default").status_code == 404

    # Retrying while still short changes nothing.
    assert api.http.post(f"/v1/workflow/execution/{short_id}/retry").status_code == 200
    assert api.wait(short_id)["status"] == "PAYMENT_REQUIRED"

    assert api.sandbox.add_credits(20) == 25
    retry = api.http.post(f"/workflow/execution/{short_id}/retry")
    assert retry.status_code == 200
    done = api.wait(short_id)
    assert done["status"] == "COMPLETED" and done["chargedCredits"] == 10
    assert api.sandbox.balance() == 15
    assert api.sandbox.execution_count() == 2  # a retry is the same execution, not a new one

    # A completed execution cannot be retried.
    again = api.http.post(f"/v1/workflow/execution/{short_id}/retry")
    assert again.status_code == 404 and "completed" in again.json()["message"]


def test_failed_retry_is_free(sandbox_factory: Any, api_factory: Any) -> None:
    # A seed whose first `fail` decision fails and whose second succeeds.
    seed = next(s for s in range(100) if _rolls(s, 2) == [True, False])
    api = api_factory(sandbox_factory(faults="fail=0.5", seed=seed))
    execution_id = api.create("Background to white", product_image())
    failed = api.wait(execution_id)
    assert failed["status"] == "FAILED" and failed["chargedCredits"] == 0
    assert api.http.post(f"/v1/workflow/execution/{execution_id}/retry").status_code == 200
    done = api.wait(execution_id)
    assert done["status"] == "COMPLETED" and done["chargedCredits"] == 0
    assert api.sandbox.balance() == 5000


def test_retry_of_a_running_execution_is_refused(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(latency=5, workers=1))
    execution_id = api.create("Web export", product_image())
    response = api.http.post(f"/v1/workflow/execution/{execution_id}/retry")
    assert response.status_code == 409


def _rolls(seed: int, n: int) -> list[bool]:
    faults = Faults("fail=0.5", seed)
    return [faults.roll("fail") for _ in range(n)]


def test_concurrent_executions_never_overdraw(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(credits=20, workers=4))
    price = api.workflows()["Web export"]["executionPrice"]  # 3: room for 6 of the 10
    ids = [api.create("Web export", product_image(size=(160 + i, 120))) for i in range(10)]
    statuses = [api.wait(i)["status"] for i in ids]
    completed = statuses.count("COMPLETED")
    assert completed == 20 // price
    assert statuses.count("PAYMENT_REQUIRED") == 10 - completed
    assert api.sandbox.balance() == 20 - completed * price


def test_admin_route_tops_up(sandbox: Any) -> None:
    response = httpx.post(f"{sandbox.base_url}/admin/credits", params={"amount": 70})
    assert response.status_code == 200 and response.text == "5070"
    assert sandbox.balance() == 5070
