"""Executions: the state machine, the worker pool, charging, and who is waiting for what.

All state changes happen on the server's event loop, so status watchers (SSE streams, blocking
downloads) are woken in order and never miss a change. Only the pixel work runs on the worker
pool of `workers` threads (Pillow releases the GIL while it decodes, filters and encodes). A
semaphore of the same size makes CREATED mean "queued" and ACTIVE mean "being worked on"
for the execution's processing time, which the rendering runs inside of (see `_work`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import Any

from app.sandbox.clock import iso_ms, sleep_until
from app.sandbox.config import SandboxConfig
from app.sandbox.dialect import Dialect, with_unknown_fields
from app.sandbox.durations import ProcessingTimes
from app.sandbox.faults import Faults
from app.sandbox.images import RenderedResult, render
from app.sandbox.shapes import execution_json
from app.sandbox.statuses import (
    ACTIVE,
    COMPLETED,
    CREATED,
    FAILED,
    FINAL,
    IN_QA,
    PAYMENT_REQUIRED,
)
from app.sandbox.store import Row, Store
from app.sandbox.webhooks import WebhookSender
from app.sandbox.workflows import Workflow, WorkflowVersion, find_workflow

log = logging.getLogger(__name__)

CLOSING = "__closing__"  # pushed to every watcher when the server stops

_RESULT_FIELDS = ("result_content_hash", "result_content_type", "result_file_name")


def result_file_name(input_name: str, extension: str) -> str:
    """`photo.JPG` -> `photo.png` for a PNG workflow: the input's stem, the export's extension."""
    base = PurePosixPath(input_name.replace("\\", "/")).name or "image"
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    return f"{stem or 'image'}.{extension}"


def evil_file_name(faults: Faults, honest: str) -> str:
    """Result names a careless client would write outside its output folder, or choke on."""
    stem, _, ext = honest.rpartition(".")
    return faults.choice(
        "evil_names",
        [
            f"../../{honest}",
            f"/etc/cron.d/{honest}",
            f"C:\\Windows\\System32\\{honest}",
            f"Ünïcødé 写真 ✨ {stem}.{ext}",
            f"{stem}{'x' * 300}.{ext}",
            f"..\\..\\{stem}\u202egpj.{ext}",
        ],
    )


class ExecutionService:
    def __init__(
        self, store: Store, config: SandboxConfig, faults: Faults, dialect: Dialect | None = None
    ) -> None:
        self._store = store
        self._config = config
        self._faults = faults
        self._dialect = dialect or Dialect()
        self._times = ProcessingTimes(config.processing_mean, config.processing_spread, config.seed)
        self._pool = ThreadPoolExecutor(
            max_workers=max(1, config.workers), thread_name_prefix="sandbox-worker"
        )
        self._slots = asyncio.Semaphore(max(1, config.workers))
        self._watchers: dict[str, set[asyncio.Queue[str]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._webhooks = WebhookSender()
        self.closing = False

    # -- lifecycle -------------------------------------------------------------------------------

    def resume_unfinished(self) -> None:
        """After a restart: requeue what was queued or running, finish what was in QA."""
        for row in self._store.unfinished_executions():
            if row["status"] == IN_QA:
                self._spawn(self._finish_qa(row["id"]))
            else:
                self._store.update_execution(row["id"], status=CREATED, started_at=None)
                self.schedule(row["id"])

    async def close(self) -> None:
        self.closing = True
        for queues in self._watchers.values():
            for queue in queues:
                queue.put_nowait(CLOSING)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._webhooks.aclose()

    def shutdown_pool(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- creating and retrying -------------------------------------------------------------------

    def create(
        self,
        *,
        org_id: str,
        user_id: str,
        workflow: Workflow,
        version: WorkflowVersion,
        input_name: str,
        content_hash: str,
        content_type: str,
        labels: dict[str, str],
        settings: dict[str, Any],
        webhooks: list[str],
    ) -> str:
        execution_id = str(uuid.uuid4())
        batch = _batch_of(labels)
        self._store.insert_execution(
            {
                "id": execution_id,
                "org_id": org_id,
                "workflow_id": workflow.id,
                "workflow_version": version.id,
                "workflow_name": workflow.name,
                "status": CREATED,
                "user_id": user_id,
                "created_at": iso_ms(),
                "input_file_name": input_name,
                "input_content_hash": content_hash,
                "input_content_type": content_type,
                "labels": json.dumps(labels),
                "settings": json.dumps(settings),
                "webhooks": json.dumps(webhooks),
                "batch_id": batch[0] if batch else None,
                "batch_name": batch[1] if batch else None,
                "batch_created_at": batch[2] if batch else None,
            }
        )
        self.schedule(execution_id)
        return execution_id

    def retry(self, row: Row) -> None:
        """FAILED runs again for free; PAYMENT_REQUIRED runs again and is charged on success."""
        self._store.update_execution(
            row["id"],
            status=CREATED,
            started_at=None,
            finished_at=None,
            charged_credits=0,
            free_retry=1 if row["status"] == FAILED else row["free_retry"],
            **dict.fromkeys(_RESULT_FIELDS),
        )
        self._notify(row["id"], CREATED)
        self.schedule(row["id"])

    def schedule(self, execution_id: str) -> None:
        self._spawn(self._run(execution_id))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- watching --------------------------------------------------------------------------------

    @contextmanager
    def watch(self, execution_id: str) -> Iterator[asyncio.Queue[str]]:
        """A queue receiving every later status of the execution (subscribe, then read state)."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        if self.closing:
            queue.put_nowait(CLOSING)
        self._watchers.setdefault(execution_id, set()).add(queue)
        try:
            yield queue
        finally:
            queues = self._watchers.get(execution_id)
            if queues is not None:
                queues.discard(queue)
                if not queues:
                    del self._watchers[execution_id]

    def watcher_count(self) -> int:
        """Status streams and blocking downloads waiting right now."""
        return sum(len(queues) for queues in self._watchers.values())

    async def wait_final(self, execution_id: str) -> Row | None:
        """Blocks until the execution reaches a final state; None when the server stops."""
        with self.watch(execution_id) as queue:
            while True:
                row = self._store.execution(execution_id)
                if row is None or row["status"] in FINAL:
                    return row
                if await queue.get() == CLOSING:
                    return None

    def _set(self, execution_id: str, **fields: Any) -> None:
        self._store.update_execution(execution_id, **fields)
        if "status" in fields:
            self._notify(execution_id, fields["status"])
            if fields["status"] in FINAL:
                self._announce(execution_id)

    def _announce(self, execution_id: str) -> None:
        row = self._store.execution(execution_id)
        urls = json.loads(row["webhooks"]) if row else []
        if row and urls and not self.closing:
            payload = execution_json(row, raw_result_path=self._dialect.raw_result_path)
            if self._dialect.unknown_fields:
                payload = with_unknown_fields(payload)
            self._spawn(self._webhooks.deliver(urls, payload))

    def _notify(self, execution_id: str, status: str) -> None:
        for queue in self._watchers.get(execution_id, ()):
            queue.put_nowait(status)

    # -- running ---------------------------------------------------------------------------------

    async def _run(self, execution_id: str) -> None:
        async with self._slots:
            row = self._store.execution(execution_id)
            if row is None or row["status"] != CREATED:
                return
            self._set(execution_id, status=ACTIVE, started_at=iso_ms())
            try:
                final = await self._work(row)
            except Exception:  # a bug or a broken input: that execution fails, the rest go on
                log.exception("execution %s failed", execution_id)
                final = FAILED
            if final is None:  # handed over to QA
                return
        self._set(execution_id, status=final, finished_at=iso_ms())

    async def _work(self, row: Row) -> str | None:
        workflow = find_workflow(row["workflow_id"])
        version = workflow.version(row["workflow_version"]) if workflow else None
        if workflow is None or version is None:
            return FAILED
        loop = asyncio.get_running_loop()
        done_at = loop.time() + self.processing_seconds(row)
        price = 0 if row["free_retry"] else workflow.price
        if self._store.balance(row["org_id"]) < price:
            await sleep_until(done_at)
            return PAYMENT_REQUIRED
        if self._faults.roll("fail"):
            await sleep_until(done_at)
            return FAILED
        result: RenderedResult = await loop.run_in_executor(
            self._pool, self._render_and_store, row, version
        )
        await sleep_until(done_at)
        if price and not self._store.try_charge(row["org_id"], price):
            return PAYMENT_REQUIRED  # someone else spent the credits while we worked
        name = result_file_name(row["input_file_name"], result.extension)
        if self._faults.roll("evil_names"):
            name = evil_file_name(self._faults, name)
        self._store.update_execution(
            row["id"],
            charged_credits=price,
            result_content_hash=result.content_hash,
            result_content_type=result.content_type,
            result_file_name=name,
        )
        if workflow.human_qa:
            self._set(row["id"], status=IN_QA)
            self._spawn(self._finish_qa(row["id"]))
            return None
        return COMPLETED

    def processing_seconds(self, row: Row) -> float:
        """How long the execution holds its slot, the rendering included.

        `--latency` alone is every execution's time; `--processing-seconds` draws each one's
        own, and `--latency` is then the least any takes. The rendering runs inside that time
        rather than after it, like a real server's, so a slot is held for the processing time
        (or the rendering's, if longer) and a batch's ideal makespan is the sum of its times
        divided by the workers.
        """
        drawn = self._times.seconds(int(row["seq"]))
        return max(self._config.latency, drawn)

    def _render_and_store(self, row: Row, version: WorkflowVersion) -> RenderedResult:
        settings = json.loads(row["settings"] or "{}")
        source = self._store.blob_path(row["input_content_hash"])
        result = render(source, version, settings if isinstance(settings, dict) else {})
        self._store.put_blob(result.content_hash, result.data)
        return result

    async def _finish_qa(self, execution_id: str) -> None:
        await asyncio.sleep(self._config.qa_seconds)
        self._set(execution_id, status=COMPLETED, finished_at=iso_ms())


def _batch_of(labels: dict[str, str]) -> tuple[str, str, str] | None:
    """A batch exists only when all three `autoretouch_batch_*` labels are present."""
    keys = ("autoretouch_batch_id", "autoretouch_batch_name", "autoretouch_batch_createdAt")
    if all(labels.get(k) for k in keys):
        return labels[keys[0]], labels[keys[1]], labels[keys[2]]
    return None


_LABEL_PARAMS = {
    "label": re.compile(r"^label\[(.+)\]$"),  # as the executions page documents it
    "labels": re.compile(r"^labels\[(.+)\]$"),  # as the vendor's Java client sends it
}


def labels_from_query(items: list[tuple[str, str]], spelling: str = "label") -> dict[str, str]:
    """`label[key]=value` parameters (brackets URL-encoded or not); `spelling` names the word."""
    pattern = _LABEL_PARAMS[spelling]
    labels: dict[str, str] = {}
    for key, value in items:
        match = pattern.match(key)
        if match:
            labels[match.group(1)] = value
    return labels
