"""The vendor's documented examples and the shapes every client relies on, over real HTTP."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from .helpers import Api, product_image, sha256

EXECUTION_FIELDS = [
    "id",
    "workflow",
    "workflowVersion",
    "workflowName",
    "organizationId",
    "status",
    "userId",
    "createdAt",
    "startedAt",
    "finishedAt",
    "inputFileName",
    "inputContentHash",
    "resultContentHash",
    "resultContentType",
    "resultFileName",
    "resultPath",
    "labels",
    "chargedCredits",
]
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
SPRING_TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$")


def assert_spring_error(response: httpx.Response, status: int, path: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert list(body) == ["timestamp", "status", "error", "message", "path"]
    assert SPRING_TS.match(body["timestamp"])
    assert body["status"] == status
    assert body["path"] == path
    assert body["message"]
    return body


def test_health_needs_no_token(sandbox: Any) -> None:
    response = httpx.get(f"{sandbox.base_url}/health")
    assert response.status_code == 200


def test_every_api_call_without_a_valid_token_is_401_json(sandbox: Any) -> None:
    with httpx.Client(base_url=sandbox.base_url) as anonymous:
        for method, path in [
            ("GET", "/v1/workflow"),
            ("GET", "/workflow"),
            ("GET", "/v1/organization"),
            ("GET", "/organization/balance"),
            ("POST", "/v1/upload"),
            ("POST", "/v1/workflow/execution/create"),
            ("GET", "/v2/workflow/execution/"),
            ("GET", "/v1/workflow/execution/x"),
            ("GET", "/v1/batch"),
            ("GET", f"/image/{'0' * 64}/a.png"),
        ]:
            body = assert_spring_error(anonymous.request(method, path), 401, path)
            assert body["error"] == "Unauthorized"
        forged = anonymous.get("/v1/workflow", headers={"Authorization": "Bearer a.b.c"})
        assert_spring_error(forged, 401, "/v1/workflow")


def test_vendor_example_upload_create_status_result(api: Api) -> None:
    """The executions page, step by step: 201 plain text, SSE format, blocking download."""
    data = product_image()
    upload = api.http.post("/v1/upload", files={"file": ("product.jpg", data, "image/jpeg")})
    assert upload.status_code == 201
    assert upload.headers["content-type"].startswith("text/plain")
    assert upload.text == sha256(data)

    create = api.http.post(
        "/v1/workflow/execution/create",
        params={
            "workflow": api.workflow_id("Background to white"),
            "organization": api.sandbox.org_id,
        },
        json={
            "image": {
                "name": "product.jpg",
                "contentHash": upload.text,
                "contentType": "image/jpeg",
            },
            "webhooks": ["https://your-server.com/webhook"],
        },
    )
    assert create.status_code == 201
    assert create.headers["content-type"].startswith("text/plain")
    execution_id = create.text
    assert str(uuid.UUID(execution_id)) == execution_id

    with api.http.stream(
        "GET",
        f"/v1/workflow/execution/{execution_id}/status",
        params={"organization": api.sandbox.org_id},
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        text = stream.read().decode()
    assert text.endswith("id:COMPLETED\nevent:COMPLETED\ndata:COMPLETED\n\n")
    for block in text.strip().split("\n\n"):
        status = block.split("\n")[0].removeprefix("id:")
        assert block == f"id:{status}\nevent:{status}\ndata:{status}"

    result = api.http.get(f"/v1/workflow/execution/{execution_id}/result/default")
    assert result.status_code == 200
    assert result.headers["content-type"] == "image/jpeg"

    execution = api.execution(execution_id)
    assert list(execution) == EXECUTION_FIELDS
    assert execution["status"] == "COMPLETED"
    assert execution["resultContentHash"] == sha256(result.content)
    assert execution["resultPath"] == (
        f"/image/{execution['resultContentHash']}/{execution['resultFileName']}"
    )
    for key in ("createdAt", "startedAt", "finishedAt"):
        assert ISO_MS_Z.match(execution[key]), execution[key]
    for path in (execution["resultPath"], "/v1" + execution["resultPath"]):
        assert api.http.get(path).content == result.content


def test_blocking_download_waits_for_a_slow_execution(
    sandbox_factory: Any, api_factory: Any
) -> None:
    api = api_factory(sandbox_factory(latency=0.4))
    execution_id = api.create("Web export", product_image())
    assert api.execution(execution_id)["status"] in ("CREATED", "ACTIVE")
    assert api.execution(execution_id)["resultPath"] is None
    data = api.result(execution_id)  # blocks until done
    assert api.execution(execution_id)["resultContentHash"] == sha256(data)


def test_latency_is_each_executions_time_on_a_slot(sandbox_factory: Any, api_factory: Any) -> None:
    # `--latency` is how long an execution occupies its worker, the rendering included: with
    # two workers, four executions take two rounds, and none finishes sooner than the latency.
    api = api_factory(sandbox_factory(latency=0.3, workers=2))
    ids = [api.create("Web export", product_image(size=(200 + i, 120))) for i in range(4)]
    done = [api.wait(i) for i in ids]

    def at(text: str) -> float:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    spans = [(at(e["startedAt"]), at(e["finishedAt"])) for e in done]
    assert all(end - start >= 0.3 - 0.002 for start, end in spans)  # ms-rounded timestamps
    for start, _ in spans:  # never more than two at work at once
        assert sum(1 for s, e in spans if s <= start < e) <= 2


def test_fields_are_null_until_known(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(latency=5, workers=1))
    first = api.create("Web export", product_image())
    queued = api.create("Web export", product_image(size=(300, 200)))
    execution = api.execution(queued)
    assert list(execution) == EXECUTION_FIELDS
    assert execution["status"] == "CREATED"
    for key in (
        "startedAt",
        "finishedAt",
        "resultContentHash",
        "resultContentType",
        "resultFileName",
        "resultPath",
    ):
        assert execution[key] is None
    assert api.wait(first, lambda s: s == "ACTIVE")["startedAt"] is not None


def test_final_only_stream_sends_just_the_final_state(
    sandbox_factory: Any, api_factory: Any
) -> None:
    api = api_factory(sandbox_factory(sse_mode="final-only", latency=0.3))
    execution_id = api.create("Web export", product_image())
    with api.http.stream("GET", f"/workflow/execution/{execution_id}/status") as stream:
        text = stream.read().decode()
    assert text == "id:COMPLETED\nevent:COMPLETED\ndata:COMPLETED\n\n"


def test_all_mode_stream_sends_every_change(sandbox_factory: Any, api_factory: Any) -> None:
    # One worker, busy with another execution for the latency: ours is still CREATED when the
    # stream opens, so the stream shows its whole life.
    api = api_factory(sandbox_factory(latency=0.5, workers=1, qa_seconds=0.2))
    api.create("Web export", product_image())
    execution_id = api.create("Retouch with human QA", product_image())
    with api.http.stream("GET", f"/v1/workflow/execution/{execution_id}/status") as stream:
        text = stream.read().decode()
    assert text == "".join(
        f"id:{s}\nevent:{s}\ndata:{s}\n\n" for s in ("CREATED", "ACTIVE", "IN_QA", "COMPLETED")
    )


def test_create_with_multipart_file_and_label_params(api: Api) -> None:
    data = product_image()
    response = api.http.post(
        "/workflow/execution/create",
        params={
            "workflow": api.workflow_id("Transparent cut-out"),
            "label[shoot]": "spring",
            "label[sku]": "A-17",
        },
        files={"file": ("Shot 01.JPG", data, "image/jpeg")},
    )
    assert response.status_code == 201
    execution = api.wait(response.text)
    assert execution["labels"] == {"shoot": "spring", "sku": "A-17"}
    assert execution["inputContentHash"] == sha256(data)
    assert execution["inputFileName"] == "Shot 01.JPG"
    assert execution["resultFileName"] == "Shot 01.png"
    assert execution["resultPath"].endswith("/Shot%2001.png")
    assert api.http.get(execution["resultPath"]).status_code == 200
    # The upload was recorded, so a later HEAD finds it.
    assert api.http.head("/upload", params={"contentHash": sha256(data)}).status_code == 200


def test_head_upload_dedupe(api: Api) -> None:
    data = product_image()
    assert api.http.head("/v1/upload", params={"contentHash": sha256(data)}).status_code == 404
    api.upload(data)
    found = api.http.head(
        "/v1/upload", params={"contentHash": sha256(data), "organization": api.sandbox.org_id}
    )
    assert found.status_code == 200
    assert found.content == b""
    # Uploading the same bytes again gives the same hash and creates nothing.
    assert api.upload(data) == sha256(data)
    assert api.sandbox.execution_count() == 0


def test_404_bodies(api: Api) -> None:
    body = assert_spring_error(
        api.http.get("/v1/workflow/execution/invalid-id"), 404, "/v1/workflow/execution/invalid-id"
    )
    assert body["error"] == "Not Found"
    assert body["message"] == "Workflow execution not found"  # the vendor's example, verbatim
    unknown = f"/v1/workflow/{uuid.uuid4()}"
    assert (
        assert_spring_error(api.http.get(unknown), 404, unknown)["message"] == "Workflow not found"
    )
    missing = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": str(uuid.uuid4())},
        json={"image": {"name": "a.jpg", "contentHash": "0" * 64, "contentType": "image/jpeg"}},
    )
    assert missing.json()["message"] == "Workflow not found"
    no_image = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": api.workflow_id("Web export")},
        json={"image": {"name": "a.jpg", "contentHash": "0" * 64, "contentType": "image/jpeg"}},
    )
    assert no_image.status_code == 404
    assert_spring_error(api.http.get("/v1/no-such-thing"), 404, "/v1/no-such-thing")
    wrong_method = assert_spring_error(api.http.delete("/v1/workflow"), 405, "/v1/workflow")
    assert wrong_method["error"] == "Method Not Allowed"
    assert_spring_error(api.http.get(f"/image/{'a' * 64}/x.png"), 404, f"/image/{'a' * 64}/x.png")
    assert api.http.post(f"/v1/workflow/execution/{uuid.uuid4()}/retry").status_code == 404


def test_400_for_malformed_requests(api: Api) -> None:
    create = "/v1/workflow/execution/create"
    workflow = api.workflow_id("Web export")
    assert_spring_error(api.http.post(create, json={"image": {}}), 400, create)  # no workflow
    broken = api.http.post(
        create,
        params={"workflow": workflow},
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert_spring_error(broken, 400, create)
    assert_spring_error(api.http.get("/v1/workflow", params={"limit": "many"}), 400, "/v1/workflow")
    assert api.http.head("/v1/upload").status_code == 400
    assert api.http.post("/v1/upload", data={"nofile": "1"}).status_code == 400


def test_organizations_balance_and_org_fallback(api: Api) -> None:
    orgs = api.http.get("/v1/organization").json()
    assert orgs["total"] == 1
    org = orgs["entries"][0]
    assert org["id"] == api.sandbox.org_id and org["name"] == "Sandbox Studio"
    assert len(org["members"]) == 2
    assert set(org["members"][0]) == {"id", "givenName", "familyName", "email", "picture", "roles"}
    uuid.UUID(org["version"])
    for path in (f"/v1/organization/{org['id']}", f"/organization/{org['id']}/"):
        assert api.http.get(path).json() == org
    balance = api.http.get("/organization/balance", params={"organization": org["id"]})
    assert balance.headers["content-type"].startswith("text/plain")
    assert int(balance.text) == api.sandbox.balance() == 5000
    # Without ?organization= the token's selected organization is used.
    assert api.http.get("/v1/organization/balance").text == "5000"
    other = str(uuid.uuid4())
    assert_spring_error(
        api.http.get("/v1/workflow", params={"organization": other}), 403, "/v1/workflow"
    )


def test_workflows_have_prices_components_versions(api: Api) -> None:
    page = api.http.get("/workflow", params={"limit": 2, "offset": 1}).json()
    assert page["total"] >= 5 and len(page["entries"]) == 2
    for workflow in api.workflows().values():
        assert set(workflow) == {
            "id",
            "version",
            "name",
            "date",
            "author",
            "workflowComponents",
            "executionPrice",
        }
        assert workflow["executionPrice"] > 0
        assert workflow["workflowComponents"]
        uuid.UUID(workflow["version"])
        assert api.http.get(f"/v1/workflow/{workflow['id']}").json() == workflow


def test_v2_list_filters_and_paging(api: Api) -> None:
    batch = {
        "autoretouch_batch_id": str(uuid.uuid4()),
        "autoretouch_batch_name": "Spring",
        "autoretouch_batch_createdAt": "2026-02-08T09:09:01.960Z",
    }
    in_batch = [
        api.create("Web export", product_image(size=(200 + i, 150)), f"b{i}.jpg", labels=batch)
        for i in range(3)
    ]
    loose = api.create("Auto levels and white balance", product_image(), "loose.jpg")
    for execution_id in [*in_batch, loose]:
        api.wait(execution_id)

    def ids(**params: Any) -> list[str]:
        page = api.http.get("/v2/workflow/execution/", params=params).json()
        return [e["id"] for e in page["entries"]]

    assert ids() == [loose, *reversed(in_batch)]  # newest first
    assert ids(batchName="Spring") == list(reversed(in_batch))
    assert ids(noBatch="true") == [loose]
    assert ids(inputFileName="b1.jpg") == [in_batch[1]]
    assert ids(workflowId=api.workflow_id("Auto levels and white balance")) == [loose]
    assert ids(status="COMPLETED", limit=2, offset=1) == [in_batch[2], in_batch[1]]
    assert ids(status="FAILED") == []
    page = api.http.get("/v2/workflow/execution", params={"limit": 1}).json()
    assert page["total"] == 4 and len(page["entries"]) == 1
    v1 = api.http.get(
        "/v1/workflow/execution", params={"workflow": api.workflow_id("Web export")}
    ).json()
    assert v1["total"] == 3

    batches = api.http.get("/v1/batch").json()
    assert batches["total"] == 1
    entry = batches["entries"][0]
    assert entry["id"] == batch["autoretouch_batch_id"]
    assert entry["name"] == "Spring" and entry["executions"] == 3
    assert entry["price"] == 3 * api.workflows()["Web export"]["executionPrice"]
    assert entry["workflowName"] == "Web export"
    assert api.http.get("/batch", params={"batchId": str(uuid.uuid4())}).json()["total"] == 0


def test_feedback(api: Api) -> None:
    execution_id = api.create("Web export", product_image())
    api.wait(execution_id)
    path = f"/v1/workflow/execution/{execution_id}/feedback"
    good = api.http.post(path, json={"thumbsUp": False, "expectedImages": ["a" * 64]})
    assert 200 <= good.status_code < 300
    assert api.http.post(path, json={"thumbsUp": "maybe"}).status_code == 400


def test_webhooks_receive_the_final_execution(api: Api) -> None:
    received: list[dict[str, Any]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        hook = f"http://127.0.0.1:{server.server_address[1]}/hook"
        content_hash = api.upload(product_image())
        execution_id = api.http.post(
            "/v1/workflow/execution/create",
            params={"workflow": api.workflow_id("Web export")},
            json={
                "image": {
                    "name": "p.jpg",
                    "contentHash": content_hash,
                    "contentType": "image/jpeg",
                },
                "webhooks": [hook, "https://example.invalid/not-called"],
            },
        ).text
        deadline = time.monotonic() + 10
        while not received:
            assert time.monotonic() < deadline, "webhook never arrived"
            time.sleep(0.02)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert received[0]["id"] == execution_id
    assert received[0]["status"] == "COMPLETED" and list(received[0]) == EXECUTION_FIELDS
