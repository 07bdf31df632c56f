"""The sandbox's HTTP surface: the autoretouch API, its auth host, and a small admin route.

Every API path answers with and without the `/v1` prefix; the v2 execution list lives under
`/v2`. Handlers parse and check the request, then hand the work to the store and the execution
service. Bodies follow the vendor exactly: plain text for hashes, ids and the balance; pages as
`{"entries": [...], "total": N}`; Spring-style JSON errors.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import escape
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import BaseRoute, Route

from app.sandbox.auth import DEVICE_GRANT, Authority, InvalidToken, OAuthError, Principal
from app.sandbox.config import SandboxConfig
from app.sandbox.dialect import Dialect
from app.sandbox.errors import ApiError, handle_api_error, handle_http_exception
from app.sandbox.faults import Faults
from app.sandbox.images import ImageFacts, ImageRejected, inspect_image
from app.sandbox.intake import IntakeCosts
from app.sandbox.middleware import build_middleware
from app.sandbox.processing import ExecutionService, labels_from_query
from app.sandbox.shapes import batch_json, execution_json, workflow_json
from app.sandbox.sse import SseStyle, status_events
from app.sandbox.statuses import COMPLETED, FAILED, PAYMENT_REQUIRED
from app.sandbox.store import ExecutionFilter, Row, Store, is_content_hash
from app.sandbox.workflows import CATALOG, find_workflow

log = logging.getLogger(__name__)

TEXT = "text/plain;charset=UTF-8"
MAX_PAGE = 1000


@dataclass
class Services:
    config: SandboxConfig
    store: Store
    authority: Authority
    executions: ExecutionService
    faults: Faults
    dialect: Dialect = field(default_factory=Dialect)


Handler = Callable[[Request], Awaitable[Response]]


def build_app(services: Services) -> Starlette:
    api = _Api(services)
    routes: list[BaseRoute] = [
        Route("/health", api.health, methods=["GET"]),
        Route("/v1/health", api.health, methods=["GET"]),
        Route("/", api.index, methods=["GET"]),
        Route("/oauth/device/code", api.device_code, methods=["POST"]),
        Route("/oauth/token", api.token, methods=["POST"]),
        Route("/oauth/revoke", api.revoke, methods=["POST"]),
        Route("/activate", api.activate, methods=["GET", "POST"]),
        Route("/admin/credits", api.admin_credits, methods=["POST"]),
        Route("/v2/workflow/execution/", api.list_executions_v2, methods=["GET"]),
        Route("/v2/workflow/execution", api.list_executions_v2, methods=["GET"]),
    ]
    for v in ("", "/v1"):
        routes += [
            Route(f"{v}/organization", api.list_organizations, methods=["GET"]),
            Route(f"{v}/organization/balance", api.balance, methods=["GET"]),
            Route(f"{v}/organization/{{org_id}}", api.get_organization, methods=["GET"]),
            Route(f"{v}/organization/{{org_id}}/", api.get_organization, methods=["GET"]),
            Route(f"{v}/upload", api.upload, methods=["POST", "HEAD"]),
            Route(f"{v}/workflow/execution/create", api.create_execution, methods=["POST"]),
            Route(f"{v}/workflow/execution", api.list_executions_v1, methods=["GET"]),
            Route(f"{v}/workflow/execution/", api.list_executions_v1, methods=["GET"]),
            Route(f"{v}/workflow/execution/{{eid}}", api.get_execution, methods=["GET"]),
            Route(f"{v}/workflow/execution/{{eid}}/status", api.status, methods=["GET"]),
            Route(f"{v}/workflow/execution/{{eid}}/result/default", api.result, methods=["GET"]),
            Route(f"{v}/workflow/execution/{{eid}}/retry", api.retry, methods=["POST"]),
            Route(f"{v}/workflow/execution/{{eid}}/feedback", api.feedback, methods=["POST"]),
            Route(f"{v}/workflow", api.list_workflows, methods=["GET"]),
            Route(f"{v}/workflow/{{workflow_id}}", api.get_workflow, methods=["GET"]),
            Route(f"{v}/batch", api.list_batches, methods=["GET"]),
            Route(f"{v}/image/{{content_hash}}/{{name:path}}", api.image, methods=["GET"]),
        ]
    return Starlette(
        routes=routes,
        middleware=build_middleware(services.config, services.faults, services.dialect),
        exception_handlers={ApiError: handle_api_error, HTTPException: handle_http_exception},
    )


def page(entries: list[dict[str, Any]], total: int) -> JSONResponse:
    return JSONResponse({"entries": entries, "total": total})


# -- request helpers ---------------------------------------------------------------------------


def _int_param(request: Request, name: str, default: int, high: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ApiError(400, f"Parameter '{name}' must be an integer, got {raw!r}") from exc
    if value < 0 or (high is not None and value > high):
        raise ApiError(400, f"Parameter '{name}' is out of range: {value}")
    return value


def _paging(request: Request) -> tuple[int, int]:
    return _int_param(request, "limit", 50, MAX_PAGE), _int_param(request, "offset", 0)


def _bool_param(request: Request, name: str) -> bool:
    raw = (request.query_params.get(name) or "").lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ApiError(400, f"Parameter '{name}' must be true or false, got {raw!r}")


class _Api:
    def __init__(self, services: Services) -> None:
        self.s = services
        self.store = services.store
        self.intake = IntakeCosts(services.config)
        self.raw_result_path = services.dialect.raw_result_path
        self.sse_style = SseStyle.of(services.dialect, services.config.sse_keepalive_seconds)

    # -- auth and scoping ------------------------------------------------------------------------

    def principal(self, request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "Full authentication is required to access this resource")
        try:
            return self.s.authority.verify(token.strip())
        except InvalidToken as exc:
            raise ApiError(401, f"Invalid access token: {exc}") from exc

    def org(self, request: Request) -> tuple[Principal, str]:
        """The caller and the organization it acts for (query param, else the token's claim)."""
        who = self.principal(request)
        org_id = request.query_params.get("organization") or who.org_id
        if self._member_org(who, org_id) is None:
            raise ApiError(403, f"Not a member of organization {org_id}")
        return who, org_id

    def _member_orgs(self, who: Principal) -> list[Row]:
        return [
            org
            for org in self.store.organizations()
            if any(member["id"] == who.user_id for member in org["members"])
        ]

    def _member_org(self, who: Principal, org_id: str) -> Row | None:
        return next((org for org in self._member_orgs(who) if org["id"] == org_id), None)

    def execution(self, request: Request) -> Row:
        _, org_id = self.org(request)
        row = self.store.execution(request.path_params["eid"])
        if row is None or row["org_id"] != org_id:
            raise ApiError(404, "Workflow execution not found")
        return row

    # -- plain endpoints -------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "UP"})

    async def index(self, request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return HTMLResponse(
            "<!doctype html><title>Retouch Desk sandbox</title>"
            "<h1>Retouch Desk sandbox</h1>"
            f"<p>An autoretouch-compatible API at <code>{escape(base)}</code>.</p>"
            f'<p><a href="{escape(base)}/activate">Approve a device sign-in</a></p>'
        )

    async def list_organizations(self, request: Request) -> Response:
        limit, offset = _paging(request)
        orgs = self._member_orgs(self.principal(request))
        return page(orgs[offset : offset + limit], len(orgs))

    async def get_organization(self, request: Request) -> Response:
        org = self._member_org(self.principal(request), request.path_params["org_id"])
        if org is None:
            raise ApiError(404, "Organization not found")
        return JSONResponse(org)

    async def balance(self, request: Request) -> Response:
        _, org_id = self.org(request)
        return PlainTextResponse(str(self.store.balance(org_id)), media_type=TEXT)

    async def list_workflows(self, request: Request) -> Response:
        self.org(request)
        limit, offset = _paging(request)
        return page([workflow_json(w) for w in CATALOG[offset : offset + limit]], len(CATALOG))

    async def get_workflow(self, request: Request) -> Response:
        self.org(request)
        workflow = find_workflow(request.path_params["workflow_id"])
        if workflow is None:
            raise ApiError(404, "Workflow not found")
        return JSONResponse(workflow_json(workflow))

    # -- uploads ---------------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        _, org_id = self.org(request)
        if request.method == "HEAD":
            content_hash = str(request.query_params.get("contentHash") or "").lower()
            if not content_hash:
                raise ApiError(400, "Parameter 'contentHash' is required")
            found = self.store.upload(org_id, content_hash) is not None
            return Response(status_code=200 if found else 404)
        form = await request.form(max_files=1)
        try:
            data, _ = await self._form_file(form)
            declared = form.get("filesize")
            if (
                isinstance(declared, str)
                and declared.strip()
                and declared.strip() != str(len(data))
            ):
                raise ApiError(
                    400, f"filesize {declared} does not match the {len(data)} bytes sent"
                )
        finally:
            await form.close()
        content_hash, _ = await self.intake.upload(
            len(data), lambda: self._accept_image(org_id, data)
        )
        return PlainTextResponse(content_hash, status_code=201, media_type=TEXT)

    async def _form_file(self, form: Any) -> tuple[bytes, str]:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise ApiError(400, "Multipart field 'file' is required")
        return await file.read(), file.filename or "image"

    async def _accept_image(self, org_id: str, data: bytes) -> tuple[str, ImageFacts]:
        """Validates (off the event loop), stores the bytes, records the upload."""

        def check_and_store() -> tuple[str, ImageFacts]:
            facts = inspect_image(data)
            content_hash = hashlib.sha256(data).hexdigest()
            self.store.put_blob(content_hash, data)
            return content_hash, facts

        try:
            content_hash, facts = await run_in_threadpool(check_and_store)
        except ImageRejected as exc:
            raise ApiError(422, str(exc)) from exc
        self.store.record_upload(
            org_id, content_hash, facts.content_type, len(data), facts.width, facts.height
        )
        # Any request that carries an image (an upload, a multipart create) can be slow.
        if self.s.faults.roll("slow_upload"):
            await asyncio.sleep(self.s.config.slow_upload_seconds)
        return content_hash, facts

    # -- executions ------------------------------------------------------------------------------

    async def create_execution(self, request: Request) -> Response:
        who, org_id = self.org(request)
        workflow_id = request.query_params.get("workflow")
        if not workflow_id:
            raise ApiError(400, "Parameter 'workflow' is required")
        workflow = find_workflow(workflow_id)
        if workflow is None:
            raise ApiError(404, "Workflow not found")
        version = workflow.version(request.query_params.get("version"))
        if version is None:
            raise ApiError(404, "Workflow version not found")
        labels = labels_from_query(request.query_params.multi_items())
        settings: dict[str, Any] = {}
        webhooks: list[str] = []
        if request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form(max_files=1)
            try:
                data, name = await self._form_file(form)
                if self.s.dialect.labels_plural:
                    fields = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
                    items = request.query_params.multi_items() + fields
                    labels = labels_from_query(items, spelling="labels")
            finally:
                await form.close()
            content_hash, facts = await self.intake.create_with_file(
                len(data), lambda: self._accept_image(org_id, data)
            )
            content_type = facts.content_type
        else:
            body = await self._json_body(request)
            image = body.get("image")
            if not isinstance(image, dict):
                raise ApiError(400, "Field 'image' is required: {name, contentHash, contentType}")
            raw_name, raw_hash = image.get("name"), image.get("contentHash")
            if not isinstance(raw_name, str) or not raw_name or not isinstance(raw_hash, str):
                raise ApiError(400, "Fields 'image.name' and 'image.contentHash' are required")
            name, content_hash = raw_name, raw_hash.lower()
            upload = (
                self.store.upload(org_id, content_hash) if is_content_hash(content_hash) else None
            )
            if upload is None:
                raise ApiError(404, f"Image not found: upload {content_hash} first")
            content_type = image.get("contentType") or upload["content_type"]
            labels.update(_string_map(body.get("labels"), "labels"))
            settings = _object(body.get("settings"), "settings")
            webhooks = _string_list(body.get("webhooks"), "webhooks")
        execution_id = self.s.executions.create(
            org_id=org_id,
            user_id=who.user_id,
            workflow=workflow,
            version=version,
            input_name=name,
            content_hash=content_hash,
            content_type=str(content_type),
            labels=labels,
            settings=settings,
            webhooks=webhooks,
        )
        return PlainTextResponse(execution_id, status_code=201, media_type=TEXT)

    async def _json_body(self, request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError as exc:
            raise ApiError(400, f"Malformed JSON body: {exc}") from exc
        if not isinstance(body, dict):
            raise ApiError(400, "JSON body must be an object")
        return body

    def _execution_json(self, row: Row) -> dict[str, Any]:
        return execution_json(row, raw_result_path=self.raw_result_path)

    async def get_execution(self, request: Request) -> Response:
        return JSONResponse(self._execution_json(self.execution(request)))

    async def list_executions_v2(self, request: Request) -> Response:
        _, org_id = self.org(request)
        limit, offset = _paging(request)
        q = request.query_params
        filters = ExecutionFilter(
            workflow_id=q.get("workflowId") or None,
            batch_name=q.get("batchName") or None,
            status=q.get("status") or None,
            input_file_name=q.get("inputFileName") or None,
            no_batch=_bool_param(request, "noBatch"),
        )
        rows, total = self.store.list_executions(org_id, filters, limit, offset)
        return page([self._execution_json(r) for r in rows], total)

    async def list_executions_v1(self, request: Request) -> Response:
        _, org_id = self.org(request)
        limit, offset = _paging(request)
        filters = ExecutionFilter(workflow_id=request.query_params.get("workflow") or None)
        rows, total = self.store.list_executions(org_id, filters, limit, offset)
        return page([self._execution_json(r) for r in rows], total)

    async def status(self, request: Request) -> Response:
        row = self.execution(request)
        events = status_events(
            self.s.executions,
            self.store,
            row["id"],
            final_only=self.s.config.sse_mode == "final-only",
            cut=self.s.faults.roll("sse_cut"),
            style=self.sse_style,
        )
        return StreamingResponse(
            events,
            media_type="text/event-stream;charset=UTF-8",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    async def result(self, request: Request) -> Response:
        row = await self.s.executions.wait_final(self.execution(request)["id"])
        if row is None:
            raise ApiError(503, "Server is shutting down", {"Retry-After": "1"})
        if row["status"] != COMPLETED:
            raise ApiError(404, f"Execution has no result: it ended {row['status']}")
        return self._blob(row)

    def _blob(self, row: Row) -> Response:
        return FileResponse(
            self.store.blob_path(row["result_content_hash"]), media_type=row["result_content_type"]
        )

    async def image(self, request: Request) -> Response:
        _, org_id = self.org(request)
        row = self.store.completed_result(org_id, request.path_params["content_hash"].lower())
        if row is None:
            raise ApiError(404, "Image not found")
        if row["org_id"] != org_id:
            raise ApiError(403, "Not authorized to access this image")
        return self._blob(row)

    async def retry(self, request: Request) -> Response:
        row = self.execution(request)
        if row["status"] == COMPLETED:
            raise ApiError(404, "Workflow execution already completed")
        if row["status"] not in (FAILED, PAYMENT_REQUIRED):
            raise ApiError(409, f"Workflow execution is still {row['status']}")
        self.s.executions.retry(row)
        return Response(status_code=200)

    async def feedback(self, request: Request) -> Response:
        row = self.execution(request)
        body = await self._json_body(request)
        if not isinstance(body.get("thumbsUp"), bool):
            raise ApiError(400, "Field 'thumbsUp' must be true or false")
        expected = _string_list(body.get("expectedImages"), "expectedImages")
        self.store.update_execution(
            row["id"],
            feedback=json.dumps({"thumbsUp": body["thumbsUp"], "expectedImages": expected}),
        )
        return Response(status_code=204)

    async def list_batches(self, request: Request) -> Response:
        _, org_id = self.org(request)
        limit, offset = _paging(request)
        batch_id = request.query_params.get("batchId") or None
        rows, total = self.store.list_batches(org_id, batch_id, limit, offset)
        return page([batch_json(r) for r in rows], total)

    # -- auth host -------------------------------------------------------------------------------

    async def _form_or_json(self, request: Request) -> dict[str, str]:
        if request.headers.get("content-type", "").startswith("application/json"):
            body = await self._json_body(request)
            return {k: str(v) for k, v in body.items()}
        form = await request.form()
        return {k: v for k, v in form.items() if isinstance(v, str)}

    def _issuer(self, request: Request) -> str:
        return str(request.base_url)

    async def device_code(self, request: Request) -> Response:
        # client_id, scope and audience are accepted as sent: there is one client and one API.
        base = str(request.base_url).rstrip("/")
        return JSONResponse(self.s.authority.start_device_flow(base))

    async def token(self, request: Request) -> Response:
        fields = await self._form_or_json(request)
        grant = fields.get("grant_type", "")
        try:
            if grant == DEVICE_GRANT:
                answer = self.s.authority.poll_device_code(
                    fields.get("device_code", ""), self._issuer(request)
                )
            elif grant == "refresh_token":
                answer = self.s.authority.refresh(
                    fields.get("refresh_token", ""), self._issuer(request)
                )
            else:
                raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type {grant!r}")
        except OAuthError as exc:
            return JSONResponse(
                {"error": exc.code, "error_description": exc.description}, status_code=exc.status
            )
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    async def revoke(self, request: Request) -> Response:
        fields = await self._form_or_json(request)
        self.s.authority.revoke(fields.get("token", ""))
        return Response(status_code=200)

    async def activate(self, request: Request) -> Response:
        if request.method == "GET":
            code = request.query_params.get("user_code", "")
            return HTMLResponse(_activate_page(code, ""))
        form = await request.form()
        code = str(form.get("user_code") or "")
        action = str(form.get("action") or "")
        if action not in ("approve", "deny"):
            return HTMLResponse(_activate_page(code, "Choose Approve or Deny."), status_code=400)
        approve = action == "approve"
        if not self.s.authority.decide(code, approve):
            return HTMLResponse(
                _activate_page(code, "That code is unknown, already used or expired."),
                status_code=404,
            )
        verdict = "approved: return to Retouch Desk" if approve else "denied"
        return HTMLResponse(_activate_page("", f"Device {escape(code)} {verdict}."))

    async def admin_credits(self, request: Request) -> Response:
        amount = _int_param(request, "amount", 0)
        org_id = request.query_params.get("organization") or self.store.org_id
        return PlainTextResponse(str(self.store.add_credits(org_id, amount)), media_type=TEXT)


def _activate_page(code: str, message: str) -> str:
    note = f"<p><strong>{message}</strong></p>" if message else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Device activation</title>"
        "<style>body{font-family:sans-serif;max-width:28em;margin:4em auto}"
        "input{font-size:1.4em;letter-spacing:.1em}button{font-size:1.1em;margin:.5em}</style>"
        "</head><body><h1>Sign in to the sandbox</h1>"
        f"{note}<form method='post' action='/activate'>"
        "<p>Confirm the code shown by the application:</p>"
        f"<p><input name='user_code' value='{escape(code)}' autofocus></p>"
        "<p><button name='action' value='approve'>Approve</button>"
        "<button name='action' value='deny'>Deny</button></p>"
        "</form><p>Signs in as Anna Berger, Sandbox Studio.</p></body></html>"
    )


def _string_map(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ApiError(400, f"Field '{name}' must be an object of strings")
    return {str(k): v for k, v in value.items()}


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, f"Field '{name}' must be an object")
    return value


def _string_list(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(400, f"Field '{name}' must be a list of strings")
    return list(value)
