"""Parsing server JSON: unknown fields ignored, missing optional ones tolerated."""

from __future__ import annotations

from app.api.models import (
    Batch,
    Execution,
    ExecutionStatus,
    Organization,
    Page,
    Workflow,
    is_final_status,
)

VENDOR_EXECUTION = {
    "id": "97830693-ec56-4773-8706-95ddf3444a40",
    "workflow": "a0f0b604-85c0-45fd-85cf-4428bb3941ba",
    "workflowVersion": "cd1be60e-6574-44aa-b1cf-f49f9028d56d",
    "organizationId": "69f7d0ac-bd88-494d-a38a-f825da7e0c88",
    "status": "COMPLETED",
    "userId": "google-oauth2|123456789",
    "createdAt": "2020-08-04T16:21:56.305Z",
    "startedAt": "2020-08-04T14:21:56.504Z",
    "finishedAt": "2020-08-04T14:21:56.933Z",
    "inputFileName": "product.jpg",
    "inputContentHash": "14a47ef8f2a302cf10ebf10e9ac2e368a32ba4c35805aff2f25710e719c38774",
    "resultContentHash": "09ad3a37cdd83475c88f99b65ee64167933c93573d7df0326cca72ab4d155a70",
    "resultFileName": "product.png",
    "resultPath": "/image/09ad3a37cdd83475c88f99b65ee64167933c93573d7df0326cca72ab4d155a70"
    "/product.png",
    "labels": {"autoretouch_batch_name": "Spring Collection"},
    "chargedCredits": 10,
}


def test_execution_from_the_vendor_example() -> None:
    execution = Execution.from_json(VENDOR_EXECUTION)
    assert execution.status == ExecutionStatus.COMPLETED
    assert execution.is_final
    assert execution.result_file_name == "product.png"
    assert execution.labels == {"autoretouch_batch_name": "Spring Collection"}
    assert execution.charged_credits == 10
    assert execution.user_id == "google-oauth2|123456789"


def test_execution_ignores_unknown_and_tolerates_missing_fields() -> None:
    execution = Execution.from_json(
        {"id": "e1", "status": "active", "someNewField": {"x": 1}, "labels": None}
    )
    assert execution.status == "ACTIVE"
    assert not execution.is_final
    assert execution.result_path is None
    assert execution.started_at is None
    assert execution.labels == {}
    assert execution.charged_credits == 0


def test_unknown_status_survives_as_text() -> None:
    execution = Execution.from_json({"id": "e", "status": "ARCHIVED"})
    assert execution.status == "ARCHIVED"
    assert not is_final_status(execution.status)
    assert is_final_status("payment_required")


def test_workflow_and_organization() -> None:
    workflow = Workflow.from_json(
        {
            "id": "w",
            "version": "v",
            "name": "Cut out",
            "date": "2026-01-01T00:00:00Z",
            "author": {"id": "a", "firstName": "Ada", "lastName": "L", "email": "a@x"},
            "workflowComponents": [{"type": "crop", "label": "Crop", "settings": {"m": 1}}, 7],
            "executionPrice": 10,
            "unknown": True,
        }
    )
    assert workflow.execution_price == 10
    assert workflow.author.display_name == "Ada L"
    assert [c.type for c in workflow.components] == ["crop", ""]
    bare = Workflow.from_json({"id": "w2"})
    assert bare.execution_price == 0 and bare.components == () and bare.author.display_name == ""

    org = Organization.from_json(
        {"id": "o", "name": "Studio", "members": [{"id": "m", "roles": ["admin"], "extra": 1}]}
    )
    assert org.members[0].roles == ("admin",)
    assert Organization.from_json({"id": "o2"}).members == ()


def test_page_and_batch() -> None:
    page = Page.from_json(
        {"entries": [{"id": "b", "name": "ORDER 1", "executions": 3, "price": 30}], "total": 9},
        Batch.from_json,
    )
    assert page.total == 9
    assert page.entries[0].executions == 3
    # A page without "total" counts what it has; garbage gives an empty page.
    assert Page.from_json({"entries": [{"id": "x"}]}, Batch.from_json).total == 1
    assert Page.from_json(None, Batch.from_json).entries == []
    assert Batch.from_json({"id": "b", "author": "someone"}).author.display_name == "someone"
