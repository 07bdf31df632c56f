"""A small server that speaks the API the way a real server may well speak it, not as the
sandbox does: unknown fields on every object, SSE with spaces, comments and `retry:`, raw
names in resultPath, Base64 hashes, odd charsets, trailing-slash redirects. It records what
the client sent, so tests can check the client's side too. Served by uvicorn on the test's
own event loop, on an ephemeral loopback port.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

EXTRA = {"apiRevision": "2099-01", "_links": {"self": {"href": "about:blank"}}, "tags": ["x"]}
RESULT_BYTES = b"\x89PNG result bytes"
RESULT_HASH = hashlib.sha256(RESULT_BYTES).digest()
# Stored under these exact names; resultPath carries the first raw, the second encoded.
RAW_NAME = "x%20y.png"  # really named so: a literal "%20"
ENCODED_NAME = "a b ü.png"


def b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


@dataclass
class Seen:
    """What the client sent."""

    create_query: list[tuple[str, str]] = field(default_factory=list)
    form_fields: dict[str, str] = field(default_factory=dict)
    uploaded_size: int = -1
    paths: list[str] = field(default_factory=list)


def _execution(execution_id: str, name: str, result_path: str) -> dict[str, Any]:
    return {
        "id": execution_id,
        "status": "COMPLETED",
        "workflow": "wf-1",
        "inputFileName": "in.jpg",
        "inputContentHash": b64(hashlib.sha256(b"in").digest()),
        "resultContentHash": b64(RESULT_HASH),
        "resultFileName": name,
        "resultPath": result_path,
        "labels": {"k": "v"},
        "chargedCredits": 7,
        "futureBlock": {"nested": [1, 2, {"deeper": True}]},
        **EXTRA,
    }


def build_variant_app(seen: Seen) -> Starlette:
    executions = {
        "raw": _execution("raw", RAW_NAME, f"/image/{RESULT_HASH.hex()}/{RAW_NAME}"),
        "encoded": _execution(
            "encoded", ENCODED_NAME, f"/image/{RESULT_HASH.hex()}/{quote(ENCODED_NAME)}"
        ),
    }

    async def organizations_without_slash(request: Request) -> Response:
        # Answered only at the slashed path: the other is redirected there.
        return RedirectResponse(f"{request.url.path}/?{request.url.query}", status_code=307)

    async def organizations(request: Request) -> Response:
        member = {"id": "u1", "givenName": "Ada", "roles": ["admin"], "mfa": True, **EXTRA}
        org = {"id": "o1", "name": "Studio", "members": [member], "plan": "pro", **EXTRA}
        return JSONResponse({"entries": [org], "total": 1, "nextCursor": None, **EXTRA})

    async def balance(request: Request) -> Response:
        return Response("4200".encode("utf-16"), media_type="text/plain; charset=utf-16")

    async def workflows(request: Request) -> Response:
        workflow = {
            "id": "wf-1",
            "name": "Cut-out",
            "version": "v1",
            "author": {"id": "a", "firstName": "Grace", "avatar": "x.png", **EXTRA},
            "workflowComponents": [{"type": "cutout", "settings": {"a": 1}, **EXTRA}],
            "executionPrice": 10,
            "currency": "EUR",
            **EXTRA,
        }
        return JSONResponse({"entries": [workflow], "total": 1, **EXTRA})

    async def missing_workflow(request: Request) -> Response:
        body = {
            "status": 404,
            "error": "Not Found",
            "message": "Workflow not found",
            "path": request.url.path,
            "traceId": "t-1",
            "details": [{"x": 1}],
            **EXTRA,
        }
        return JSONResponse(body, status_code=404)

    async def upload(request: Request) -> Response:
        form = await request.form()
        data = b""
        for key, value in form.multi_items():
            if isinstance(value, str):
                seen.form_fields[key] = value
            else:
                data = await value.read()
        seen.uploaded_size = len(data)
        # A Base64 hash, in a charset that is not UTF-8 (the text is ASCII either way).
        digest = b64(hashlib.sha256(data).digest())
        return Response(digest.encode("latin-1"), 201, media_type="text/plain; charset=latin-1")

    async def create(request: Request) -> Response:
        seen.create_query = list(request.query_params.multi_items())
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, str):
                seen.form_fields[key] = value
            else:
                seen.uploaded_size = len(await value.read())
        return PlainTextResponse('"raw"', status_code=201)  # quoted, as some servers do

    async def execution(request: Request) -> Response:
        return JSONResponse(executions[request.path_params["eid"]])

    async def execution_list(request: Request) -> Response:
        return JSONResponse({"entries": list(executions.values()), "total": 2, **EXTRA})

    async def status(request: Request) -> Response:
        body = (
            ": stream opened\r\n"
            "retry: 1500\r\n\r\n"
            "event: CREATED\r\ndata: CREATED\r\n\r\n"
            ": keep-alive\r\n\r\n"
            "event:  ACTIVE  \r\n\r\n"  # no data, extra spaces
            "event: ping\r\ndata: \r\n\r\n"  # a named heartbeat is not a status
            "data: COMPLETED\r\n"  # no event name, no id, and no closing blank line
        )
        return Response(body, media_type="text/event-stream")

    async def image(request: Request) -> Response:
        seen.paths.append(request.url.path)
        name = request.path_params["name"]
        if request.path_params["content_hash"] == RESULT_HASH.hex() and name in (
            RAW_NAME,
            ENCODED_NAME,
        ):
            return Response(RESULT_BYTES, media_type="image/png")
        return JSONResponse({"status": 404, "error": "Not Found", **EXTRA}, status_code=404)

    async def batches(request: Request) -> Response:
        batch = {
            "id": "b1",
            "name": "ORDER 1",
            "executions": 2,
            "price": 20,
            "author": "google-oauth2|1",
            "colour": "red",
            **EXTRA,
        }
        return JSONResponse({"entries": [batch], "total": 1, **EXTRA})

    async def token(request: Request) -> Response:
        return JSONResponse(
            {
                "access_token": "at-1",
                "expires_in": 3600,
                "scope": "offline_access",
                "token_type": "Bearer",
                "id_token": "x.y.z",
                "refresh_token_expires_in": 99,
                **EXTRA,
            }
        )

    return Starlette(
        routes=[
            Route("/v1/organization", organizations_without_slash),
            Route("/v1/organization/", organizations),
            Route("/v1/organization/balance", balance),
            Route("/v1/workflow", workflows),
            Route("/v1/workflow/{workflow_id}", missing_workflow),
            Route("/v1/upload", upload, methods=["POST"]),
            Route("/v1/workflow/execution/create", create, methods=["POST"]),
            Route("/v2/workflow/execution/", execution_list),
            Route("/v1/workflow/execution/{eid}", execution),
            Route("/v1/workflow/execution/{eid}/status", status),
            Route("/image/{content_hash}/{name:path}", image),
            Route("/v1/batch", batches),
            Route("/oauth/token", token, methods=["POST"]),
        ],
        # Exact paths only: the redirect above is this server's own, not Starlette's.
    )


@contextlib.asynccontextmanager
async def asgi_server(app: Any) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on this event loop; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(
        uvicorn.Config(app, lifespan="off", log_config=None, log_level="warning", access_log=False)
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(10):
            while not server.started:
                if task.done():
                    task.result()  # raises why it stopped
                await asyncio.sleep(0.005)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()
