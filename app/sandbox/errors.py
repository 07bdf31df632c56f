"""Spring-style error bodies, exactly as the vendor's API sends them.

`{"timestamp": "...+00:00", "status": 404, "error": "Not Found", "message": "...", "path": "..."}`
Handlers raise `ApiError`; the app turns it (and Starlette's own 404/405) into that JSON.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from app.sandbox.clock import spring_timestamp


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def spring_body(status: int, message: str, path: str) -> dict[str, Any]:
    return {
        "timestamp": spring_timestamp(),
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message,
        "path": path,
    }


def error_response(
    status: int, message: str, path: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(spring_body(status, message, path), status_code=status, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc.status, exc.message, request.url.path, exc.headers)


async def handle_http_exception(request: Request, exc: Exception) -> JSONResponse:
    status = int(getattr(exc, "status_code", 500))
    detail = getattr(exc, "detail", None) or HTTPStatus(status).phrase
    return error_response(status, str(detail), request.url.path)
