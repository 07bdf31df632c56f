"""`--dialect`: variants of the API that a real server may well speak, for testing tolerance.

The default is the documented behaviour. Each variant is something the vendor's pages leave
open or the vendor's own clients suggest; a client that is liberal in what it accepts works
with all of them:

- `sse-spaced`: status events written `id: X`, `event: X`, `data: X` (the SSE standard allows
  one space after the colon).
- `sse-comments`: `: keep-alive` comment lines before, between and (while an execution is
  still processing) every `sse_keepalive_seconds` in the status stream.
- `sse-retry`: a `retry: 3000` field in every status event.
- `unknown-fields`: extra fields the client has never heard of on every JSON object the server
  returns (pages, organizations, members, workflows, executions, batches, errors, token
  answers, nested objects); free-form maps (`labels`, `settings`) are left as they are.
- `raw-result-path`: `resultPath` carries the file name as it is, not percent-encoded.
- `labels-plural`: a create with a file reads its labels from `labels[key]` only, as the
  vendor's Java client sends them (the by-hash JSON create is unchanged).
- `trailing-slash`: every path is answered with a trailing slash as without one.

`all` turns every variant on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

VARIANTS = (
    "sse-spaced",
    "sse-comments",
    "sse-retry",
    "unknown-fields",
    "raw-result-path",
    "labels-plural",
    "trailing-slash",
)
SSE_RETRY_MS = 3000
# Values that are maps of the caller's own keys: an extra key there would be data, not an
# unknown field.
_FREE_FORM = frozenset({"labels", "settings", "urls"})
_UNKNOWN_FIELDS: dict[str, Any] = {
    "apiRevision": "2026-03",
    "_links": {"self": {"href": "about:blank", "templated": False}},
    "tags": ["sandbox"],
    "deprecatedField": None,
}


class DialectError(ValueError):
    pass


@dataclass(frozen=True)
class Dialect:
    sse_spaced: bool = False
    sse_comments: bool = False
    sse_retry: bool = False
    unknown_fields: bool = False
    raw_result_path: bool = False
    labels_plural: bool = False
    trailing_slash: bool = False

    @property
    def rewrites_responses(self) -> bool:
        return self.unknown_fields or self.trailing_slash


def parse_dialect(spec: str) -> Dialect:
    """`sse-spaced,unknown-fields` or `all` -> a Dialect; "" is the documented API."""
    names = {part.strip().lower() for part in spec.split(",") if part.strip()}
    if "all" in names:
        names = (names - {"all"}) | set(VARIANTS)
    unknown = sorted(names - set(VARIANTS))
    if unknown:
        raise DialectError(
            f"unknown dialect {', '.join(unknown)}; known: {', '.join(VARIANTS)}, all"
        )
    return Dialect(**{name.replace("-", "_"): True for name in names})


def with_unknown_fields(value: Any) -> Any:
    """A copy of a JSON value with the extra fields added to every object in it."""
    if isinstance(value, list):
        return [with_unknown_fields(item) for item in value]
    if not isinstance(value, dict):
        return value
    decorated = {
        key: item if key in _FREE_FORM else with_unknown_fields(item) for key, item in value.items()
    }
    for key, extra in _UNKNOWN_FIELDS.items():
        decorated.setdefault(key, extra)
    return decorated


class DialectMiddleware:
    """The variants that concern every route: trailing slashes and unknown JSON fields."""

    def __init__(self, app: ASGIApp, dialect: Dialect) -> None:
        self.app = app
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.dialect.trailing_slash:
            scope = _without_trailing_slash(scope)
        if self.dialect.unknown_fields:
            send = _JsonDecorator(send).send
        await self.app(scope, receive, send)


def _without_trailing_slash(scope: Scope) -> Scope:
    path = str(scope["path"])
    if len(path) <= 1 or not path.endswith("/"):
        return scope
    raw = scope.get("raw_path")
    stripped: dict[str, Any] = {**scope, "path": path[:-1]}
    if isinstance(raw, bytes) and raw.endswith(b"/"):
        stripped["raw_path"] = raw[:-1]
    return stripped


class _JsonDecorator:
    """Holds a JSON response back until its body is complete, then adds the unknown fields."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._start: Message | None = None
        self._body: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            content_type = dict(message.get("headers", [])).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                self._start = message
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._flush()
            return
        await self._send(message)

    async def _flush(self) -> None:
        assert self._start is not None
        body = b"".join(self._body)
        try:
            body = json.dumps(
                with_unknown_fields(json.loads(body)), ensure_ascii=False, separators=(",", ":")
            ).encode()
        except ValueError:
            log.warning("a JSON response did not parse; sent as it was")
        headers = [(k, v) for k, v in self._start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": body})
