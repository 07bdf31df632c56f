"""Health, organizations, the credit balance and workflows."""

from __future__ import annotations

import logging

from app.api.calls import EndpointGroup, json_of, plain_text_of, segment
from app.api.errors import ApiError, ProtocolViolationError
from app.api.models import Organization, Workflow
from app.api.retry import NO_RETRY

logger = logging.getLogger(__name__)


class AccountCalls(EndpointGroup):
    async def health(self) -> bool:
        try:
            # A probe answers "up right now?": one try, no backoff.
            response = await self._caller.send(
                "GET", "/health", auth=False, idempotent=True, retry=NO_RETRY
            )
        except ApiError:
            return False
        return response.status_code == 200

    async def list_organizations(self) -> list[Organization]:
        return await self._caller.all_pages(
            "/v1/organization", {}, Organization.from_json, self.page_size
        )

    async def get_organization(self, org_id: str) -> Organization:
        response = await self._caller.send(
            "GET", f"/v1/organization/{segment(org_id)}", idempotent=True
        )
        return Organization.from_json(json_of(response))

    async def get_balance(self, org_id: str | None) -> int:
        """Credits (euro cents, excluding VAT), sent as a plain-text integer."""
        response = await self._caller.send(
            "GET", "/v1/organization/balance", {"organization": org_id}, idempotent=True
        )
        text = plain_text_of(response)
        try:
            return int(float(text)) if "." in text else int(text)
        except ValueError:
            raise ProtocolViolationError(200, f"balance is not a number: {text[:40]!r}") from None

    async def list_workflows(self, org_id: str | None) -> list[Workflow]:
        return await self._caller.all_pages(
            "/v1/workflow", {"organization": org_id}, Workflow.from_json, self.page_size
        )

    async def get_workflow(self, workflow_id: str, org_id: str | None) -> Workflow:
        response = await self._caller.send(
            "GET",
            f"/v1/workflow/{segment(workflow_id)}",
            {"organization": org_id},
            idempotent=True,
        )
        return Workflow.from_json(json_of(response))
