"""Starting and stopping a sandbox: in a background thread (tests, the app) or for the CLI.

Each instance owns everything it uses (store, worker pool, event loop, socket), so several can
run in one process. The socket is bound before uvicorn starts, which is how port 0 becomes a
known port; start-up returns once /health answers.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import socket
import threading
import time
from pathlib import Path

import uvicorn

from app import event_loop
from app.sandbox.auth import Authority
from app.sandbox.config import SandboxConfig
from app.sandbox.demo import seed_demo_order
from app.sandbox.dialect import parse_dialect
from app.sandbox.faults import Faults
from app.sandbox.processing import ExecutionService
from app.sandbox.server import Services, build_app
from app.sandbox.store import Store

__all__ = ["RunningSandbox", "SandboxConfig", "start_sandbox_in_thread"]

log = logging.getLogger(__name__)

_START_TIMEOUT = 15.0


class SandboxStartError(RuntimeError):
    pass


class RunningSandbox:
    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        # A bad spec fails here, before anything needs undoing.
        self.dialect = parse_dialect(config.dialect)
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self._faults = Faults(config.faults, config.seed)
        # Bound first: a port in use fails here, before anything else needs undoing.
        self._socket = _bind(config.host, config.port)
        self.port: int = self._socket.getsockname()[1]
        shown_host = f"[{config.host}]" if ":" in config.host else config.host
        self.base_url = f"http://{shown_host}:{self.port}"
        try:
            self._store = Store(Path(config.data_dir), initial_credits=config.credits)
        except BaseException:
            self._socket.close()
            raise
        self._authority = Authority(
            self._store,
            token_ttl=config.token_ttl,
            device_interval=config.device_interval,
            device_code_ttl=config.device_code_ttl,
            auto_approve=config.auto_approve,
        )
        self._executions = ExecutionService(self._store, config, self._faults, self.dialect)
        app = build_app(
            Services(
                config, self._store, self._authority, self._executions, self._faults, self.dialect
            )
        )
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                lifespan="off",
                log_config=None,
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=2,
                timeout_keep_alive=30,
            )
        )
        self._thread = threading.Thread(
            target=self._thread_main, name=f"sandbox-{self.port}", daemon=True
        )
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped = False

    # -- the contract ------------------------------------------------------------------------------

    @property
    def org_id(self) -> str:
        return self._store.org_id

    def add_credits(self, amount: int) -> int:
        return self._store.add_credits(self._store.org_id, amount)

    def balance(self) -> int:
        return self._store.balance(self._store.org_id)

    def approve(self, user_code: str) -> bool:
        return self._authority.decide(user_code, approve=True)

    def deny(self, user_code: str) -> bool:
        return self._authority.decide(user_code, approve=False)

    def execution_count(self) -> int:
        return self._store.execution_count()

    def issue_access_token(self, ttl: int | None = None) -> str:
        """A valid token for the seeded user, for tests and scripts that skip the device flow.

        `ttl` overrides the configured lifetime: an audit that pages through many executions
        must not expire halfway because the run under test uses one-second tokens.
        """
        return self._authority.issue_access_token(
            self._store.user_id, self._store.org_id, self.base_url + "/", ttl
        )

    def waiting_clients(self) -> int:
        """Status streams and blocking result downloads currently held open."""
        return self._executions.watcher_count()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        loop = self._loop
        if loop is not None and self._thread.is_alive():
            self._server.should_exit = True
            # Wake streams and blocking downloads now, or uvicorn would wait for them.
            wake = self._executions.close()
            try:
                asyncio.run_coroutine_threadsafe(wake, loop)
            except RuntimeError:  # the loop ended on its own meanwhile
                wake.close()
            self._thread.join(timeout=10)
            _join_helper_threads(loop)
        self._executions.shutdown_pool()
        self._socket.close()
        self._store.close()

    # -- the thread --------------------------------------------------------------------------------

    def _start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError(f"sandbox did not start: {self._error!r}")
            time.sleep(0.005)
        self._wait_for_health(deadline)

    def _wait_for_health(self, deadline: float) -> None:
        while True:
            conn = http.client.HTTPConnection(self.config.host, self.port, timeout=2)
            try:
                conn.request("GET", "/health")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            if time.monotonic() > deadline:
                self.stop()
                raise SandboxStartError("sandbox /health did not answer")
            time.sleep(0.01)

    def _thread_main(self) -> None:
        try:
            event_loop.run(self._serve())
        except BaseException as exc:  # reported by _start or seen through `alive`
            self._error = exc
            log.exception("sandbox on port %s crashed", self.port)

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._executions.resume_unfinished()
        if self.config.demo:
            seed_demo_order(self._store, self._executions)
        try:
            await self._server.serve(sockets=[self._socket])
        finally:
            await self._executions.close()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only when the
    # listening socket says it is TCP; without it every reused connection waited ~45 ms
    # (Nagle + delayed ACK).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def _join_helper_threads(loop: asyncio.AbstractEventLoop) -> None:
    # Starlette reads spooled uploads and runs sync helpers on AnyIO worker threads, which
    # AnyIO tells to stop when the loop ends but does not join. Join ours, so that a stopped
    # sandbox leaves no thread behind.
    for thread in threading.enumerate():
        if getattr(thread, "loop", None) is loop and thread is not threading.current_thread():
            thread.join(timeout=5)


def start_sandbox_in_thread(config: SandboxConfig) -> RunningSandbox:
    sandbox = RunningSandbox(config)
    sandbox._start()
    log.info("sandbox serving %s from %s", sandbox.base_url, config.data_dir)
    return sandbox
