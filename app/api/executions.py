"""Executions: creating them (by content hash, or with the image in the same request), reading
and listing them, asking for a retry, feedback, and the batches they form.

A create is never repeated after it may have reached the server: a lost answer could mean a
created (and charged) execution, so the engine reconciles by listing instead. The retry policy
repeats it only when its connection could not even be made.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from app.api.calls import PAGE_SIZE, EndpointGroup, Params, RequestBody, json_of, plain_text_of
from app.api.calls import segment as seg
from app.api.content_types import guess_content_type
from app.api.models import Batch, Execution, Page
from app.api.multipart import MultipartBytes, Progress
from app.api.streams import MultipartFile

logger = logging.getLogger(__name__)

CREATE_PATH = "/v1/workflow/execution/create"


def label_params(labels: Mapping[str, str] | None) -> dict[str, str]:
    """Labels of a multipart create, in both spellings seen: `label[key]` (the executions
    page) and `labels[key]` (the vendor's Java client). A server reads the one it knows."""
    params: dict[str, str] = {}
    for key, value in (labels or {}).items():
        params[f"label[{key}]"] = value
        params[f"labels[{key}]"] = value
    return params


class ExecutionCalls(EndpointGroup):
    async def create_execution(
        self,
        workflow_id: str,
        org_id: str | None,
        *,
        name: str,
        content_hash: str,
        content_type: str,
        version: str | None = None,
        labels: Mapping[str, str] | None = None,
        settings: Mapping[str, Any] | None = None,
        webhooks: Iterable[str] = (),
    ) -> str:
        """Create an execution for an uploaded image; returns its id."""
        body: dict[str, Any] = {
            "image": {"name": name, "contentHash": content_hash, "contentType": content_type}
        }
        if labels:
            body["labels"] = dict(labels)
        if settings:
            body["settings"] = dict(settings)
        if webhooks:
            body["webhooks"] = list(webhooks)
        params = {"workflow": workflow_id, "version": version, "organization": org_id}
        response = await self._caller.send("POST", CREATE_PATH, params, idempotent=False, json=body)
        return plain_text_of(response)

    async def create_execution_with_file(
        self,
        workflow_id: str,
        org_id: str | None,
        path: Path,
        *,
        version: str | None = None,
        labels: Mapping[str, str] | None = None,
        content_type: str | None = None,
        on_progress: Progress | None = None,
        expected_sha256: str = "",
    ) -> str:
        """The one-request form: the file is uploaded with the create (multipart).

        With `expected_sha256`, a file whose bytes differ is not sent whole (FileChangedError):
        nothing is created for it.
        """
        path = Path(path)
        body = MultipartFile(
            path,
            self._files,
            content_type=content_type or guess_content_type(path),
            on_progress=on_progress,
            expected_sha256=expected_sha256,
        )
        return await self._create_multipart(workflow_id, org_id, version, labels, body)

    async def create_execution_with_bytes(
        self,
        workflow_id: str,
        org_id: str | None,
        data: bytes | bytearray | memoryview,
        name: str,
        *,
        content_type: str,
        version: str | None = None,
        labels: Mapping[str, str] | None = None,
        on_progress: Progress | None = None,
    ) -> str:
        """The one-request form for bytes that exist only in memory, named `name`."""
        body = MultipartBytes(data, name, content_type=content_type, on_progress=on_progress)
        return await self._create_multipart(workflow_id, org_id, version, labels, body)

    async def _create_multipart(
        self,
        workflow_id: str,
        org_id: str | None,
        version: str | None,
        labels: Mapping[str, str] | None,
        body: RequestBody,
    ) -> str:
        params: dict[str, str | None] = {
            "workflow": workflow_id,
            "version": version,
            "organization": org_id,
            **label_params(labels),
        }
        response = await self._caller.send("POST", CREATE_PATH, params, idempotent=False, body=body)
        return plain_text_of(response)

    async def list_executions(
        self,
        org_id: str | None,
        *,
        workflow_id: str | None = None,
        batch_name: str | None = None,
        status: str | None = None,
        input_file_name: str | None = None,
        no_batch: bool | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
    ) -> Page[Execution]:
        """The v2 list with its filters (one page)."""
        params: Params = {
            "organization": org_id,
            "workflowId": workflow_id,
            "batchName": batch_name,
            "status": status,
            "inputFileName": input_file_name,
            "noBatch": no_batch,
            "limit": limit,
            "offset": offset,
        }
        response = await self._caller.send(
            "GET", "/v2/workflow/execution/", params, idempotent=True
        )
        return Page.from_json(json_of(response), Execution.from_json)

    async def list_executions_v1(
        self,
        org_id: str | None,
        *,
        workflow_id: str | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
    ) -> Page[Execution]:
        params: Params = {
            "workflow": workflow_id,
            "organization": org_id,
            "limit": limit,
            "offset": offset,
        }
        response = await self._caller.send("GET", "/v1/workflow/execution", params, idempotent=True)
        return Page.from_json(json_of(response), Execution.from_json)

    async def get_execution(self, execution_id: str, org_id: str | None) -> Execution:
        response = await self._caller.send(
            "GET",
            f"/v1/workflow/execution/{seg(execution_id)}",
            {"organization": org_id},
            idempotent=True,
        )
        return Execution.from_json(json_of(response))

    async def retry_execution(self, execution_id: str, org_id: str | None) -> None:
        """Ask the server to process a FAILED or PAYMENT_REQUIRED execution again.

        Retried on transient errors: a second retry of the same execution starts nothing new.
        """
        await self._caller.send(
            "POST",
            f"/v1/workflow/execution/{seg(execution_id)}/retry",
            {"organization": org_id},
            idempotent=True,
        )

    async def send_feedback(
        self,
        execution_id: str,
        org_id: str | None,
        *,
        thumbs_up: bool,
        expected_images: Iterable[str] = (),
    ) -> None:
        await self._caller.send(
            "POST",
            f"/v1/workflow/execution/{seg(execution_id)}/feedback",
            {"organization": org_id},
            idempotent=True,  # the same verdict twice is still the same verdict
            json={"thumbsUp": thumbs_up, "expectedImages": list(expected_images)},
        )

    async def list_batches(
        self,
        org_id: str | None,
        *,
        batch_id: str | None = None,
        limit: int = PAGE_SIZE,
        offset: int = 0,
    ) -> Page[Batch]:
        params: Params = {
            "organization": org_id,
            "batchId": batch_id,
            "limit": limit,
            "offset": offset,
        }
        response = await self._caller.send("GET", "/v1/batch", params, idempotent=True)
        return Page.from_json(json_of(response), Batch.from_json)
