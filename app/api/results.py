"""Result downloads: by the server's resultPath or by `/result/default`, streamed to disk.

A resultPath is server text. Its file name may come percent-encoded (as the sandbox and the
documented example send it) or raw (a community client quotes it before requesting, which
suggests the real server does not). Both are requested as one properly quoted segment, so it
can neither break the URL nor walk the path. A name with a valid `%XX` in it is ambiguous
("a%20b.png" is "a b.png" encoded, or a file really named so): it is read as encoded first
and, if the server has no such image, as raw.
"""

from __future__ import annotations

import asyncio
import logging
import string
from pathlib import Path
from urllib.parse import quote, unquote

import httpx

from app.api.calls import EndpointGroup, Params, segment
from app.api.errors import ConnectionFailedError, NotFoundError, ProtocolViolationError
from app.api.models import DownloadInfo
from app.api.multipart import Progress
from app.api.retry import Failure
from app.api.streams import (
    RECEIVE_CHUNK,
    FileWorkers,
    TruncatedBodyError,
    save_body,
)

logger = logging.getLogger(__name__)

# Characters an encoded path segment cannot contain: their presence proves the name is raw.
_NEVER_ENCODED = frozenset(' "#<>?[\\]^`{|}/')
_HEX = frozenset(string.hexdigits)


class ResultCalls(EndpointGroup):
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
        if not result_path:
            paths = [f"/v1/workflow/execution/{segment(execution_id)}/result/default"]
        else:
            paths = result_path_candidates(result_path)
        params = {"organization": org_id}
        for index, path in enumerate(paths):
            try:
                return await self._download(path, params, Path(dest), on_progress, durable)
            except NotFoundError:
                if index + 1 == len(paths):
                    raise
                logger.info("No result at %s; trying the name as sent", path)
        raise AssertionError("unreachable: there is always a path to try")

    async def _download(
        self,
        path: str,
        params: Params,
        dest: Path,
        on_progress: Progress | None,
        durable: bool,
    ) -> DownloadInfo:
        policy = self._caller.policy
        tries = 0
        while True:
            response = await self._caller.send(
                "GET",
                path,
                params,
                idempotent=True,
                stream=True,
                timeout=self._stream_timeout,
                follow_redirects=True,  # httpx drops Authorization on a cross-origin redirect
            )
            tries += 1
            try:
                if response.status_code >= 300:  # a redirect that could not be followed
                    raise ProtocolViolationError(
                        response.status_code, "result download was redirected", path
                    )
                return await _stream_to_file(response, self._files, dest, on_progress, durable)
            except httpx.TransportError as exc:
                # The body broke off midway: start the download over (it is idempotent).
                wait = policy.wait_before_retry(tries, Failure.BROKEN, idempotent=True)
                if wait is None:
                    raise ConnectionFailedError(
                        f"download broke off: {type(exc).__name__}", path
                    ) from None
                logger.info("Download of %s broke off (%s), retrying", path, type(exc).__name__)
                await asyncio.sleep(wait)
            finally:
                await response.aclose()


def result_path_candidates(result_path: str) -> list[str]:
    """The paths to request for a server-given resultPath, the likeliest first.

    An absolute URL or `//host` is refused: it would send our token to another host.
    """
    if not result_path.startswith("/") or result_path.startswith("//"):
        raise ProtocolViolationError(200, "result path is not a path on the API host")
    prefix, _, rest = result_path.lstrip("/").partition("/")
    content_hash, _, name = rest.partition("/")
    if prefix == "image" and content_hash and name:
        base = f"/image/{quote(unquote(content_hash), safe='')}/"
        readings = [unquote(name)] if _may_be_encoded(name) else []
        if name not in readings:
            readings.append(name)
        if any(reading in ("", ".", "..") for reading in readings):
            raise ProtocolViolationError(200, "result path has no file name")
        return [base + quote(reading, safe="") for reading in readings]
    segments = [unquote(s) for s in result_path.split("/")[1:]]
    if any(s in ("", ".", "..") or "/" in s for s in segments):
        raise ProtocolViolationError(200, "result path has empty or relative segments")
    return ["/" + "/".join(quote(s, safe="") for s in segments)]


def _may_be_encoded(name: str) -> bool:
    """False when `name` cannot be percent-encoded text: raw characters an encoder would have
    escaped, non-ASCII, or a `%` not followed by two hex digits."""
    if not name.isascii() or any(c in _NEVER_ENCODED for c in name):
        return False
    for index, char in enumerate(name):
        if char == "%" and not _HEX.issuperset(name[index + 1 : index + 3].ljust(2, "x")):
            return False
    return True


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
