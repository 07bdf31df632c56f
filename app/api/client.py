"""AutoretouchClient: every endpoint of the API as an async method.

One shared `httpx.AsyncClient` carries all requests. Each call gets a fresh access token from
the TokenManager, is re-sent once after a 401 (with a refreshed token), and is retried with
backoff on connection failures and 429/5xx only when repeating it cannot do harm. Uploads and
downloads stream from and to disk: a 40 MB TIFF never sits in memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, unquote

import httpx
from httpx_sse import SSEError, aconnect_sse

from app.api.auth import TokenManager
from app.api.errors import (
    ApiError,
    ConnectionFailedError,
    NotFoundError,
    ProtocolViolationError,
    error_from_response,
    transport_failure,
)
from app.api.http import DEFAULT_TIMEOUT, make_http_client
from app.api.models import (
    Batch,
    DownloadInfo,
    Execution,
    Organization,
    Page,
    Workflow,
    is_final_status,
)
from app.api.retry import NO_RETRY, RetryPolicy, parse_retry_after
from app.api.servers import ServerProfile
from app.api.streams import (
    RECEIVE_CHUNK,
    FileWorkers,
    MultipartFile,
    Progress,
    TruncatedBodyError,
    save_body,
)
from app.api.uploads import guess_content_type

logger = logging.getLogger(__name__)

T = TypeVar("T")
Params = Mapping[str, str | int | bool | None]

PAGE_SIZE = 50
# How long an open status stream may stay silent before it is given up (the engine then
# re-reads the execution and reconnects). IN_QA can take long, so this is generous.
DEFAULT_STREAM_IDLE_LIMIT = 300.0
# After a final status, how long to wait for the server to end the stream (so that its
# connection can be reused) before closing it instead: a server that keeps streams open after
# the final event delays the final status by at most this much.
STREAM_END_WAIT = 0.05
# The streams' own pool: the engine's watcher bounds how many are open (settings allow 256).
STREAM_CONNECTIONS = 256
# Transport errors after which the request certainly never reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class AutoretouchClient:
    def __init__(
        self,
        profile: ServerProfile,
        tokens: TokenManager | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        stream_idle_limit: float = DEFAULT_STREAM_IDLE_LIMIT,
        stream_http: httpx.AsyncClient | None = None,
    ) -> None:
        self.profile = profile
        self.tokens = tokens
        self._files = FileWorkers()  # upload reads and download writes, off the event loop
        self._owns_http = http is None
        self._http = http if http is not None else make_http_client(profile)
        # Status streams get a pool of their own (made on first use, unless given). Dozens of
        # long-lived streams in the shared pool made every upload, create and download pay for
        # them: httpcore walks (and probes the socket of) every pooled connection on each
        # request. Apart, the short requests walk a handful of connections.
        self._owns_stream_http = stream_http is None
        self._stream_http = stream_http
        self._retry = retry or RetryPolicy()
        self.page_size = PAGE_SIZE  # for the list-everything calls (organizations, workflows)
        self._stream_timeout = httpx.Timeout(
            connect=DEFAULT_TIMEOUT.connect,
            read=stream_idle_limit,
            write=DEFAULT_TIMEOUT.write,
            pool=DEFAULT_TIMEOUT.pool,
        )

    async def aclose(self) -> None:
        await self.aclose_streams()
        if self._owns_http:
            await self._http.aclose()
        self._files.shutdown()

    async def aclose_streams(self) -> None:
        """Close the status streams' own pool (it is made again if a stream is opened later)."""
        if self._owns_stream_http and self._stream_http is not None:
            stream_http, self._stream_http = self._stream_http, None
            await stream_http.aclose()

    def _streams(self) -> httpx.AsyncClient:
        if self._stream_http is None or self._stream_http.is_closed:
            self._stream_http = make_http_client(self.profile, max_connections=STREAM_CONNECTIONS)
            self._owns_stream_http = True
        return self._stream_http

    # --- health, organizations, balance -------------------------------------------------------

    async def health(self) -> bool:
        try:
            # A probe answers "up right now?": one try, no backoff.
            response = await self._send(
                "GET", "/health", auth=False, idempotent=True, retry=NO_RETRY
            )
        except ApiError:
            return False
        return response.status_code == 200

    async def list_organizations(self) -> list[Organization]:
        return await self._all_pages("/v1/organization", {}, Organization.from_json)

    async def get_organization(self, org_id: str) -> Organization:
        response = await self._send("GET", f"/v1/organization/{_seg(org_id)}", idempotent=True)
        return Organization.from_json(_json(response))

    async def get_balance(self, org_id: str | None) -> int:
        """Credits (euro cents, excluding VAT), sent as a plain-text integer."""
        response = await self._send(
            "GET", "/v1/organization/balance", {"organization": org_id}, idempotent=True
        )
        text = response.text.strip().strip('"')
        try:
            return int(float(text)) if "." in text else int(text)
        except ValueError:
            raise ProtocolViolationError(200, f"balance is not a number: {text[:40]!r}") from None

    # --- workflows ------------------------------------------------------------------------

    async def list_workflows(self, org_id: str | None) -> list[Workflow]:
        return await self._all_pages("/v1/workflow", {"organization": org_id}, Workflow.from_json)

    async def get_workflow(self, workflow_id: str, org_id: str | None) -> Workflow:
        response = await self._send(
            "GET", f"/v1/workflow/{_seg(workflow_id)}", {"organization": org_id}, idempotent=True
        )
        return Workflow.from_json(_json(response))

    # --- uploads --------------------------------------------------------------------------

    async def upload_exists(self, content_hash: str, org_id: str | None) -> bool:
        """HEAD dedupe: True when the server already stores these bytes."""
        try:
            await self._send(
                "HEAD",
                "/v1/upload",
                {"contentHash": content_hash, "organization": org_id},
                idempotent=True,
            )
        except NotFoundError:
            return False
        return True

    async def upload(
        self,
        path: Path,
        org_id: str | None,
        *,
        content_type: str | None = None,
        on_progress: Progress | None = None,
    ) -> str:
        """Upload a file, streamed from disk; returns the server's content hash.

        Safe to retry: the server stores by content hash, so a repeat stores nothing new.
        """
        path = Path(path)
        mime = content_type or guess_content_type(path)
        response = await self._send(
            "POST",
            "/v1/upload",
            {"organization": org_id},
            idempotent=True,
            body=MultipartFile(path, self._files, content_type=mime, on_progress=on_progress),
        )
        return _plain_text(response)

    # --- executions -----------------------------------------------------------------------

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
        """Create an execution for an uploaded image; returns its id.

        Never retried after the request may have reached the server: a lost answer could mean
        a created (and charged) execution. The engine reconciles by listing instead.
        """
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
        response = await self._send(
            "POST", "/v1/workflow/execution/create", params, idempotent=False, json=body
        )
        return _plain_text(response)

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
        """The one-request form: multipart upload and create together, labels as label[key].

        Not retried, as `create_execution`. With `expected_sha256`, a file whose bytes differ
        is not sent whole (FileChangedError): nothing is created for it.
        """
        path = Path(path)
        mime = content_type or guess_content_type(path)
        params: dict[str, str | None] = {
            "workflow": workflow_id,
            "version": version,
            "organization": org_id,
        }
        for key, value in (labels or {}).items():
            params[f"label[{key}]"] = value
        response = await self._send(
            "POST",
            "/v1/workflow/execution/create",
            params,
            idempotent=False,
            body=MultipartFile(
                path,
                self._files,
                content_type=mime,
                on_progress=on_progress,
                expected_sha256=expected_sha256,
            ),
        )
        return _plain_text(response)

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
        response = await self._send("GET", "/v2/workflow/execution/", params, idempotent=True)
        return Page.from_json(_json(response), Execution.from_json)

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
        response = await self._send("GET", "/v1/workflow/execution", params, idempotent=True)
        return Page.from_json(_json(response), Execution.from_json)

    async def get_execution(self, execution_id: str, org_id: str | None) -> Execution:
        response = await self._send(
            "GET",
            f"/v1/workflow/execution/{_seg(execution_id)}",
            {"organization": org_id},
            idempotent=True,
        )
        return Execution.from_json(_json(response))

    async def stream_status(
        self, execution_id: str, org_id: str | None
    ) -> AsyncGenerator[str, None]:
        """Statuses as the server streams them; ends after a final one or when the stream ends.

        Works whether the server streams every state or only the final one. A stream that
        closes early, breaks or stays silent past the idle limit simply ends: the caller
        re-reads the execution and reconnects or polls.
        """
        path = f"/v1/workflow/execution/{_seg(execution_id)}/status"
        params = _clean_params({"organization": org_id})
        for auth_attempt in range(2):
            token = await self._token()
            headers = _auth_headers(token)
            try:
                async with aconnect_sse(
                    self._streams(),
                    "GET",
                    self._url(path),
                    params=params,
                    headers=headers,
                    timeout=self._stream_timeout,
                ) as source:
                    response = source.response
                    if response.status_code == 401 and auth_attempt == 0 and token:
                        await self._after_rejection(token)
                        continue
                    if response.status_code >= 400:
                        await response.aread()
                        raise error_from_response(response)
                    events = source.aiter_sse()
                    async for event in events:
                        status = _status_of(event.event, event.data)
                        if not status:
                            continue  # a heartbeat or comment
                        if is_final_status(status):
                            # The server ends the response after its final event, and the end
                            # is usually here already: reading it lets the connection be reused
                            # instead of closed and opened again for the next stream.
                            await _read_rest(events, STREAM_END_WAIT)
                            yield status
                            return
                        yield status
                    return
            except (httpx.ReadTimeout, httpx.ReadError, httpx.RemoteProtocolError) as exc:
                logger.debug(
                    "Status stream of %s ended early: %s", execution_id, type(exc).__name__
                )
                return
            except SSEError as exc:
                raise ProtocolViolationError(200, f"status stream: {exc}", path) from None
            except httpx.TransportError as exc:
                raise ConnectionFailedError(type(exc).__name__, path) from None

    async def download_result(
        self,
        execution_id: str,
        org_id: str | None,
        dest: Path,
        *,
        result_path: str | None = None,
        on_progress: Progress | None = None,
        durable: bool = False,
    ) -> DownloadInfo:
        """Stream a result to `dest` (replaced atomically when complete).

        Without `result_path`, `/result/default` is used (it blocks until the result exists).
        The hash and size are computed while writing, so the caller can check them. `durable`
        flushes the file to disk before it takes the name `dest`. All disk work runs in threads.
        """
        path = (
            _safe_result_path(result_path)
            if result_path
            else f"/v1/workflow/execution/{_seg(execution_id)}/result/default"
        )
        return await self._download(
            path, {"organization": org_id}, Path(dest), on_progress, durable
        )

    async def retry_execution(self, execution_id: str, org_id: str | None) -> None:
        """Ask the server to process a FAILED or PAYMENT_REQUIRED execution again.

        Retried on transient errors: a second retry of the same execution starts nothing new.
        """
        await self._send(
            "POST",
            f"/v1/workflow/execution/{_seg(execution_id)}/retry",
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
        await self._send(
            "POST",
            f"/v1/workflow/execution/{_seg(execution_id)}/feedback",
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
        response = await self._send("GET", "/v1/batch", params, idempotent=True)
        return Page.from_json(_json(response), Batch.from_json)

    # --- plumbing -------------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.profile.api_url + path

    async def _token(self) -> str | None:
        return await self.tokens.access_token() if self.tokens is not None else None

    async def _after_rejection(self, token: str) -> None:
        assert self.tokens is not None
        await self.tokens.refresh_after_rejection(token)

    async def _all_pages(
        self, path: str, params: Params, parse: Callable[[Mapping[str, Any]], T]
    ) -> list[T]:
        items: list[T] = []
        while True:
            page_params = {**params, "limit": self.page_size, "offset": len(items)}
            response = await self._send("GET", path, page_params, idempotent=True)
            page = Page.from_json(_json(response), parse)
            items.extend(page.entries)
            if not page.entries or len(items) >= page.total:
                return items

    async def _send(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        idempotent: bool,
        auth: bool = True,
        json: Any = None,
        body: MultipartFile | None = None,
        stream: bool = False,
        timeout: httpx.Timeout | None = None,
        follow_redirects: bool = False,
        retry: RetryPolicy | None = None,
    ) -> httpx.Response:
        """Send one logical request; returns a 2xx/3xx response or raises a typed ApiError.

        A `body` is read afresh by every attempt.
        With stream=True the caller must close the returned response.
        """
        query = _clean_params(params or {})
        policy = retry or self._retry
        attempt = 0
        rejected_once = False
        while True:
            token = await self._token() if auth else None
            headers = _auth_headers(token)
            content = None
            if body is not None:
                body_headers, content = await body.prepare()
                headers.update(body_headers)
            try:
                request = self._http.build_request(
                    method,
                    self._url(path),
                    params=query,
                    headers=headers,
                    json=json,
                    content=content,
                    # None would mean "no timeout at all" to httpx, not "the usual one".
                    timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                )
                response = await self._http.send(
                    request, stream=stream, follow_redirects=follow_redirects
                )
            except httpx.TransportError as exc:
                not_sent = isinstance(exc, _NOT_SENT)
                limit = policy.attempts_for_transport_error(not_sent)
                if (idempotent or not_sent) and attempt + 1 < limit:
                    logger.info("%s %s: %s, retrying", method, path, type(exc).__name__)
                    await asyncio.sleep(policy.delay(attempt))
                    attempt += 1
                    continue
                # One mapping for sign-in and API calls: a certificate problem says so.
                raise transport_failure(exc, self.profile.name, path) from None

            status = response.status_code
            if status == 401 and token and not rejected_once:
                # The server refused the token (expired early, revoked, clock skew): refresh
                # once and resend. Safe even for create: a 401 means nothing was done.
                await response.aclose()
                rejected_once = True
                await self._after_rejection(token)
                continue
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if idempotent and policy.should_retry_status(status) and attempt + 1 < policy.attempts:
                await response.aclose()
                wait = policy.delay(attempt, retry_after)
                logger.info("%s %s: %d, retrying in %.2f s", method, path, status, wait)
                await asyncio.sleep(wait)
                attempt += 1
                continue
            if status >= 400:
                await response.aread()
                await response.aclose()
                raise error_from_response(response, retry_after)
            return response

    async def _download(
        self,
        path: str,
        params: Params,
        dest: Path,
        on_progress: Progress | None,
        durable: bool = False,
    ) -> DownloadInfo:
        attempt = 0
        while True:
            response = await self._send(
                "GET",
                path,
                params,
                idempotent=True,
                stream=True,
                timeout=self._stream_timeout,
                follow_redirects=True,  # httpx drops Authorization on a cross-origin redirect
            )
            try:
                if response.status_code >= 300:  # a redirect that could not be followed
                    raise ProtocolViolationError(
                        response.status_code, "result download was redirected", path
                    )
                return await _stream_to_file(response, self._files, dest, on_progress, durable)
            except httpx.TransportError as exc:
                # The body broke off midway: start the download over (it is idempotent).
                if attempt + 1 >= self._retry.attempts:
                    raise ConnectionFailedError(
                        f"download broke off: {type(exc).__name__}", path
                    ) from None
                logger.info("Download of %s broke off (%s), retrying", path, type(exc).__name__)
                await asyncio.sleep(self._retry.delay(attempt))
                attempt += 1
            finally:
                await response.aclose()


async def _stream_to_file(
    response: httpx.Response,
    workers: FileWorkers,
    dest: Path,
    on_progress: Progress | None,
    durable: bool,
) -> DownloadInfo:
    """Write the body beside `dest` (off the loop) and move it into place once complete."""
    try:
        saved = await save_body(
            response.aiter_bytes(RECEIVE_CHUNK),
            workers,
            dest,
            _content_length(response),
            on_progress,
            durable=durable,
        )
    except TruncatedBodyError as exc:
        raise ProtocolViolationError(response.status_code, str(exc)) from None
    content_type = response.headers.get("content-type", "application/octet-stream")
    return DownloadInfo(saved.sha256, saved.size, content_type.split(";")[0].strip())


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None or "content-encoding" in response.headers:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def _auth_headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _clean_params(params: Params) -> dict[str, str]:
    """Drop unset parameters; booleans the way Spring reads them."""
    clean: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        clean[key] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return clean


def _seg(value: str) -> str:
    """One path segment: an id must not be able to walk the path (`..`, `/`)."""
    return quote(value, safe="")


def _safe_result_path(result_path: str) -> str:
    """A server-given resultPath made safe to request on the API host.

    `/image/{hash}/{fileName}`: the file name becomes one quoted segment whatever it contains
    (spaces, non-ASCII, `/`, `..`), so it can neither break the URL nor walk the path. Servers
    send it raw or already quoted; a name with `%XX` in it is taken as quoted. An absolute URL or
    `//host` is refused: it would send our token to another host.
    """
    if not result_path.startswith("/") or result_path.startswith("//"):
        raise ProtocolViolationError(200, "result path is not a path on the API host")
    prefix, _, rest = result_path.lstrip("/").partition("/")
    content_hash, _, name = rest.partition("/")
    if prefix == "image" and content_hash and name:
        return f"/image/{quote(unquote(content_hash), safe='')}/{quote(unquote(name), safe='')}"
    segments = [unquote(s) for s in result_path.split("/")[1:]]
    if any(s in ("", ".", "..") or "/" in s for s in segments):
        raise ProtocolViolationError(200, "result path has empty or relative segments")
    return "/" + "/".join(quote(s, safe="") for s in segments)


async def _read_rest(events: AsyncIterator[object], wait: float) -> None:
    """Read what is left of a stream for at most `wait` seconds (then it is closed)."""
    with suppress(TimeoutError, httpx.HTTPError, SSEError):
        async with asyncio.timeout(wait):
            async for _ in events:
                pass


def _status_of(event: str | None, data: str | None) -> str:
    """`event:` names the status; `data:` carries it too. Default events are named "message"."""
    name = (event or "").strip()
    if name and name.lower() != "message":
        return name.upper()
    return (data or "").strip().upper()


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ProtocolViolationError(
            response.status_code, "answer is not JSON", response.request.url.path
        ) from None


def _plain_text(response: httpx.Response) -> str:
    """Ids and hashes come as text/plain (some servers quote them as a JSON string)."""
    text = response.text.strip().strip('"')
    if not text:
        raise ProtocolViolationError(
            response.status_code, "empty answer", response.request.url.path
        )
    return text
