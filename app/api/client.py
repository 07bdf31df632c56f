"""AutoretouchClient: every endpoint of the API as an async method; the one object front ends
(the engine, the CLI, the window) hold to talk to a server.

The endpoints live in groups, one module each: accounts and workflows, uploads, executions,
the status stream, result downloads. All of them send through one `calls.ApiCaller`, which
gets a fresh access token from the TokenManager, re-sends once after a 401, and retries as the
one `retry.RetryPolicy` decides. Uploads and downloads stream from and to disk (or memory):
a 40 MB TIFF is never held whole by the client.
"""

from __future__ import annotations

import logging

import httpx

from app.api.accounts import AccountCalls
from app.api.auth import TokenManager
from app.api.calls import PAGE_SIZE, ApiCaller
from app.api.executions import ExecutionCalls
from app.api.http import DEFAULT_TIMEOUT, make_http_client
from app.api.results import ResultCalls
from app.api.retry import RetryPolicy
from app.api.servers import ServerProfile
from app.api.status_stream import StatusStreamCalls
from app.api.streams import FileWorkers
from app.api.uploads import UploadCalls

logger = logging.getLogger(__name__)

# How long an open status stream (or a result download) may stay silent before it is given
# up (the engine then re-reads the execution and reconnects). IN_QA can take long.
DEFAULT_STREAM_IDLE_LIMIT = 300.0


class AutoretouchClient(AccountCalls, UploadCalls, ExecutionCalls, StatusStreamCalls, ResultCalls):
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
        self._caller = ApiCaller(profile, tokens, self._http, retry or RetryPolicy())
        self._owns_stream_http = stream_http is None
        self._stream_http = stream_http
        self.page_size = PAGE_SIZE  # for the list-everything calls (organizations, workflows)
        self._stream_timeout = httpx.Timeout(
            connect=DEFAULT_TIMEOUT.connect,
            read=stream_idle_limit,
            write=DEFAULT_TIMEOUT.write,
            pool=DEFAULT_TIMEOUT.pool,
        )

    @property
    def retry_policy(self) -> RetryPolicy:
        """The policy every retry of this client follows; the engine's waits come from it too."""
        return self._caller.policy

    async def aclose(self) -> None:
        await self.aclose_streams()
        if self._owns_http:
            await self._http.aclose()
        self._files.shutdown()
