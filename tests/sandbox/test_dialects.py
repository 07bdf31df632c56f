"""`--dialect`: each variant's effect, over real HTTP (the default is the documented API)."""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from app.sandbox.dialect import VARIANTS, Dialect, DialectError, parse_dialect

from .helpers import CLIENT_ID, DEVICE_GRANT, Api, product_image, sha256

STATES = ("CREATED", "ACTIVE", "IN_QA", "COMPLETED")


def stream_text(api: Api, execution_id: str) -> str:
    with api.http.stream("GET", f"/v1/workflow/execution/{execution_id}/status") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        return stream.read().decode()


def events(text: str) -> list[list[str]]:
    """The stream's blocks that are events (comment-only blocks left out), as their lines."""
    blocks = [block.split("\n") for block in text.split("\n\n") if block]
    return [lines for lines in blocks if not all(line.startswith(":") for line in lines)]


def queued_qa_execution(api: Api) -> str:
    """An execution whose whole life the stream sees: the one worker is busy at first."""
    api.create("Web export", product_image())
    return api.create("Retouch with human QA", product_image(size=(300, 200)))


def test_sse_spaced(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="sse-spaced", workers=1, latency=0.3))
    text = stream_text(api, queued_qa_execution(api))
    assert text == "".join(f"id: {s}\nevent: {s}\ndata: {s}\n\n" for s in STATES)


def test_sse_retry(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="sse-retry", workers=1, latency=0.3))
    text = stream_text(api, queued_qa_execution(api))
    assert text == "".join(f"retry:3000\nid:{s}\nevent:{s}\ndata:{s}\n\n" for s in STATES)


def test_sse_comments_keep_the_stream_alive_while_processing(
    sandbox_factory: Any, api_factory: Any
) -> None:
    api = api_factory(
        sandbox_factory(dialect="sse-comments", latency=0.6, sse_keepalive_seconds=0.1)
    )
    text = stream_text(api, api.create("Web export", product_image()))
    assert text.startswith(": keep-alive\n\n")
    assert [lines[0] for lines in events(text)] == ["id:ACTIVE", "id:COMPLETED"]
    active, completed = text.index("id:ACTIVE"), text.index("id:COMPLETED")
    # Several periods pass while the execution is ACTIVE: comments come meanwhile.
    assert text.count(": keep-alive", active, completed) >= 3


def test_unknown_fields_on_every_object(sandbox_factory: Any, api_factory: Any) -> None:
    sandbox = sandbox_factory(dialect="unknown-fields")
    with httpx.Client(base_url=sandbox.base_url) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": CLIENT_ID}).json()
        token = auth.post(
            "/oauth/token",
            data={"grant_type": DEVICE_GRANT, "device_code": code["device_code"]},
        ).json()
        refreshed = auth.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
        ).json()
        oauth_error = auth.post("/oauth/token", data={"grant_type": "password"}).json()
        unauthorised = auth.get("/v1/workflow").json()
    api: Api = api_factory(sandbox)
    batch = {
        "autoretouch_batch_id": str(uuid.uuid4()),
        "autoretouch_batch_name": "Spring",
        "autoretouch_batch_createdAt": "2026-02-08T09:09:01.960Z",
    }
    execution_id = api.create("Web export", product_image(), labels=batch)
    api.wait(execution_id)
    org_id = api.sandbox.org_id
    answers = [
        code,
        token,
        refreshed,
        oauth_error,
        unauthorised,
        api.http.get("/v1/organization").json(),
        api.http.get(f"/v1/organization/{org_id}").json(),
        api.http.get("/v1/workflow").json(),
        api.http.get("/v2/workflow/execution/").json(),
        api.http.get("/v1/workflow/execution").json(),
        api.http.get(f"/v1/workflow/execution/{execution_id}").json(),
        api.http.get("/v1/batch").json(),
        api.http.get("/v1/workflow/execution/not-there").json(),
        api.http.get("/health").json(),
    ]
    objects = [obj for answer in answers for obj in all_objects(answer)]
    assert len(objects) > 30
    for obj in objects:
        assert obj["apiRevision"] == "2026-03" and "_links" in obj, obj
    execution = answers[10]
    assert execution["labels"] == batch  # a map of the caller's keys is data: left alone
    workflow = answers[7]["entries"][0]
    assert all("apiRevision" not in c["settings"] for c in workflow["workflowComponents"])
    assert all("apiRevision" in c for c in workflow["workflowComponents"])
    assert "apiRevision" in workflow["author"]


def all_objects(value: Any) -> list[dict[str, Any]]:
    """Every JSON object in a value, except the free-form maps and the extras themselves."""
    if isinstance(value, list):
        return [obj for item in value for obj in all_objects(item)]
    if not isinstance(value, dict):
        return []
    inner = [
        obj
        for key, item in value.items()
        if key not in ("labels", "settings", "_links")
        for obj in all_objects(item)
    ]
    return [value, *inner]


def test_raw_result_path(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="raw-result-path"))
    name = "Shot 01 ü 写真.jpg"
    execution = api.wait(api.create("Background to white", product_image(), name))
    content_hash = execution["resultContentHash"]
    assert execution["resultPath"] == f"/image/{content_hash}/{name}"
    encoded = f"/image/{content_hash}/{quote(name)}"
    for path in (execution["resultPath"], encoded, "/v1" + encoded):
        response = api.http.get(path)
        assert response.status_code == 200 and sha256(response.content) == content_hash


def test_documented_result_path_is_percent_encoded(api: Api) -> None:
    execution = api.wait(api.create("Web export", product_image(), "Shot ü.jpg"))
    assert execution["resultPath"].endswith("/" + quote("Shot ü.jpg", safe=""))


def test_labels_plural_on_a_create_with_a_file(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="labels-plural"))
    workflow = api.workflow_id("Web export")
    created = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": workflow, "labels[shoot]": "spring", "label[sku]": "A-17"},
        files={"file": ("a.jpg", product_image(), "image/jpeg")},
    )
    assert created.status_code == 201
    assert api.execution(created.text)["labels"] == {"shoot": "spring"}
    # The by-hash JSON create is unchanged: body labels and documented `label[key]` parameters.
    content_hash = api.upload(product_image(size=(300, 200)))
    by_hash = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": workflow, "label[sku]": "A-18"},
        json={"image": {"name": "b.jpg", "contentHash": content_hash}, "labels": {"x": "y"}},
    )
    assert api.execution(by_hash.text)["labels"] == {"sku": "A-18", "x": "y"}


def test_trailing_slash(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="trailing-slash"))
    assert api.http.get("/health/").status_code == 200
    assert api.http.get("/v1/workflow/").json()["total"] >= 5
    assert api.http.get("/organization/").status_code == 200
    assert api.http.get("/organization/balance/").text == "5000"
    workflow = api.workflow_id("Web export")
    data = product_image()
    assert api.http.post("/v1/upload/", files={"file": ("a.jpg", data)}).text == sha256(data)
    assert api.http.head("/upload/", params={"contentHash": sha256(data)}).status_code == 200
    created = api.http.post(
        "/v1/workflow/execution/create/",
        params={"workflow": workflow},
        json={"image": {"name": "a.jpg", "contentHash": sha256(data)}},
    )
    assert created.status_code == 201
    base = f"/v1/workflow/execution/{created.text}"
    assert api.http.get(f"{base}/result/default/").status_code == 200
    assert api.http.get(f"{base}/").json()["status"] == "COMPLETED"
    with api.http.stream("GET", f"{base}/status/") as stream:
        assert "COMPLETED" in stream.read().decode()
    assert api.http.get("/batch/").json()["total"] == 0
    assert api.http.get("/v2/workflow/execution/").json()["total"] == 1
    assert api.http.get("/v1/no-such-thing/").status_code == 404


def test_without_the_variant_a_trailing_slash_is_only_redirected(api: Api) -> None:
    response = api.http.get("/v1/workflow/")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/v1/workflow")


def test_all_variants_at_once(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(dialect="all", sse_keepalive_seconds=0.05, latency=0.2))
    execution_id = api.create("Web export", product_image(), "Shot 1.jpg")
    text = stream_text(api, execution_id)
    assert re.search(r"retry: 3000\nid: COMPLETED\nevent: COMPLETED\ndata: COMPLETED\n\n$", text)
    assert ": keep-alive" in text
    execution = api.http.get(f"/workflow/execution/{execution_id}/").json()
    assert "apiRevision" in execution and execution["resultPath"].endswith("/Shot 1.jpg")


def test_dialect_specs() -> None:
    assert parse_dialect("") == Dialect()
    assert parse_dialect(" sse-spaced , Trailing-Slash ") == Dialect(
        sse_spaced=True, trailing_slash=True
    )
    everything = parse_dialect("all")
    assert all(getattr(everything, name.replace("-", "_")) for name in VARIANTS)
    with pytest.raises(DialectError, match="sse-spacey"):
        parse_dialect("sse-spacey")


def test_a_bad_dialect_stops_the_sandbox_before_it_starts(sandbox_factory: Any) -> None:
    with pytest.raises(DialectError):
        sandbox_factory(dialect="strict")
