"""The JSON objects the API returns, exactly as the vendor shapes them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from app.sandbox.statuses import COMPLETED
from app.sandbox.store import Row
from app.sandbox.workflows import Workflow


def execution_json(row: Row, *, raw_result_path: bool = False) -> dict[str, Any]:
    """Every field always present; result fields stay null until the execution completes.

    `resultPath` percent-encodes the file name, unless `raw_result_path` (a dialect) asks for
    it as it is.
    """
    done = row["status"] == COMPLETED
    result_hash = row["result_content_hash"] if done else None
    result_name = row["result_file_name"] if done else None
    shown_name = str(result_name) if raw_result_path else quote(str(result_name), safe="")
    return {
        "id": row["id"],
        "workflow": row["workflow_id"],
        "workflowVersion": row["workflow_version"],
        "workflowName": row["workflow_name"],
        "organizationId": row["org_id"],
        "status": row["status"],
        "userId": row["user_id"],
        "createdAt": row["created_at"],
        "startedAt": row["started_at"],
        "finishedAt": row["finished_at"],
        "inputFileName": row["input_file_name"],
        "inputContentHash": row["input_content_hash"],
        "resultContentHash": result_hash,
        "resultContentType": row["result_content_type"] if done else None,
        "resultFileName": result_name,
        "resultPath": f"/image/{result_hash}/{shown_name}" if done else None,
        "labels": json.loads(row["labels"]),
        "chargedCredits": row["charged_credits"],
    }


def workflow_json(workflow: Workflow) -> dict[str, Any]:
    return {
        "id": workflow.id,
        "version": workflow.current.id,
        "name": workflow.name,
        "date": workflow.date,
        "author": workflow.author,
        "workflowComponents": workflow.components,
        "executionPrice": workflow.price,
    }


def batch_json(row: Row) -> dict[str, Any]:
    return {
        "id": row["batch_id"],
        "name": row["batch_name"],
        "author": row["author"],
        "createdAt": row["created_at"],
        "executions": row["executions"],
        "price": row["price"] or 0,
        "workflowId": row["workflow_id"],
        "workflowName": row["workflow_name"],
    }
