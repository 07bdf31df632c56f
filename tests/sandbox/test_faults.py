"""Every injected fault kind, and that faults are deterministic for a seed."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from app.sandbox.faults import Faults, FaultSpecError, parse_spec
from app.sandbox.processing import result_file_name

from .helpers import product_image, sha256


@pytest.mark.parametrize(("kind", "status"), [("http500", 500), ("http503", 503)])
def test_http_errors_carry_retry_after(sandbox_factory: Any, kind: str, status: int) -> None:
    sandbox = sandbox_factory(faults=f"{kind}=1", retry_after=2)
    token = sandbox.issue_access_token()
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for method, path in [
            ("GET", "/v1/workflow"),
            ("POST", "/v1/upload"),
            ("GET", "/v2/workflow/execution/"),
            ("POST", "/oauth/token"),
        ]:
            response = client.request(method, path)
            assert response.status_code == status
            assert response.headers["retry-after"] == "2"
            body = response.json()
            assert body["status"] == status and body["path"] == path
        assert client.get("/health").status_code == 200  # start-up checks keep working
    assert sandbox.execution_count() == 0


def test_sse_cut_closes_the_stream_before_the_final_state(
    sandbox_factory: Any, api_factory: Any
) -> None:
    api = api_factory(sandbox_factory(faults="sse_cut=1", latency=0.2))
    execution_id = api.create("Web export", product_image())
    with api.http.stream("GET", f"/v1/workflow/execution/{execution_id}/status") as stream:
        text = stream.read().decode()
    assert "COMPLETED" not in text
    assert api.wait(execution_id)["status"] == "COMPLETED"  # the execution itself is fine


def test_fail_makes_executions_fail_without_charge(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(faults="fail=1"))
    execution_id = api.create("Background to white", product_image())
    execution = api.wait(execution_id)
    assert execution["status"] == "FAILED" and execution["finishedAt"]
    assert execution["chargedCredits"] == 0 and api.sandbox.balance() == 5000
    result = api.http.get(f"/v1/workflow/execution/{execution_id}/result/default")
    assert result.status_code == 404


def test_slow_upload(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(faults="slow_upload=1", slow_upload_seconds=0.4))
    data = product_image()
    started = time.monotonic()
    assert api.upload(data) == sha256(data)
    assert time.monotonic() - started >= 0.4


def test_evil_names(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(faults="evil_names=1"))
    names = set()
    for i in range(8):
        execution = api.wait(
            api.create("Web export", product_image(size=(200 + i, 100)), f"shot{i}.jpg")
        )
        honest = result_file_name(f"shot{i}.jpg", "jpg")
        name = execution["resultFileName"]
        assert name != honest and f"shot{i}" in name
        names.add(name)
        # The path is URL-quoted, so it still fetches the result however nasty the name.
        fetched = api.http.get(execution["resultPath"])
        assert fetched.status_code == 200
        assert sha256(fetched.content) == execution["resultContentHash"]
    assert any(n.startswith("../") for n in names) or any(n.startswith("/") for n in names)
    assert any(len(n) > 255 for n in names) or any(not n.isascii() for n in names)


def test_faults_are_deterministic_per_seed() -> None:
    def decisions(seed: int) -> list[bool]:
        faults = Faults("http500=0.3,fail=0.5", seed)
        return [faults.roll(kind) for kind in ["http500", "fail"] * 20]

    assert decisions(7) == decisions(7)
    assert decisions(7) != decisions(8)
    assert not Faults("", 0).roll("fail")


def test_fault_spec_is_checked() -> None:
    assert parse_spec("http500=0.05, sse_cut=0.3,evil_names") == {
        "http500": 0.05,
        "sse_cut": 0.3,
        "evil_names": 1.0,
    }
    for bad in ("nonsense=1", "fail=2", "fail=often"):
        with pytest.raises(FaultSpecError):
            parse_spec(bad)


def test_result_names_follow_the_export_extension() -> None:
    assert result_file_name("product.JPG", "png") == "product.png"
    assert result_file_name("a.b.tiff", "jpg") == "a.b.jpg"
    assert result_file_name("folder/x.webp", "jpg") == "x.jpg"
    assert result_file_name(".hidden", "png") == ".hidden.png"
    assert result_file_name("noext", "jpg") == "noext.jpg"
