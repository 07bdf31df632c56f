"""Helpers for the reliability suite: a signed-in engine on a real journal, generated images,
and the server-side audit every test ends with (one execution per job, credits = done x price,
every result on disk and verified).

The audit reads the sandbox's own records over its API with a separate token, so it checks
what the server saw, not what the engine believes.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from engine_harness import engine_for as engine_for  # re-exported for the suite
from engine_harness import workflow_id as workflow_id
from PIL import Image

from app.domain.jobs import Job, JobState
from app.engine.engine import Engine, RunOptions
from app.engine.events import Event, JobChanged

PRICES = {"Background to white": 10, "Transparent cut-out": 15, "Web export": 3}
PART_SUFFIX = ".retouchdesk-part"


def make_image(path: Path, *, seed: int, size: tuple[int, int] = (96, 64)) -> Path:
    """A small JPEG/PNG whose bytes differ per seed (distinct content hashes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", size, ((seed * 53) % 256, (seed * 29) % 256, (seed * 7) % 256))
    for x in range(min(size[0], 16)):
        image.putpixel((x, 0), ((seed + x) % 256, (seed // 256) % 256, 99))
    image.save(path)
    return path


def make_images(folder: Path, count: int, *, seed: int = 0, prefix: str = "img") -> Path:
    for i in range(count):
        make_image(folder / f"{prefix}_{i:03d}.jpg", seed=seed + i)
    return folder


async def wait_for(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    """Poll a condition on the loop with a deadline (never a fixed sleep as synchronisation)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"not reached in {timeout} s: {what or condition}")
        await asyncio.sleep(0.02)


async def wait_batch(engine: Engine, batch_id: str, timeout: float = 60.0) -> None:
    await asyncio.wait_for(engine.wait(batch_id), timeout)


async def retry_until_done(engine: Engine, batch_id: str, rounds: int = 8) -> None:
    """Remote failures are free to retry: do what a user would, until nothing is left."""
    for _ in range(rounds):
        if not await engine.retry_failed(batch_id):
            return
        await wait_batch(engine, batch_id)


def run(coro: Awaitable[Any]) -> Any:
    return asyncio.run(coro)  # type: ignore[arg-type]


def options(sandbox: Any, wf: str, out: Path, **kw: Any) -> RunOptions:
    return RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, **kw)


def describe(jobs: list[Job]) -> list[tuple[str, str, str]]:
    return [(j.name, j.state.value, j.error) for j in jobs if j.state is not JobState.DONE]


# -- the server's side of the story -------------------------------------------------------------


@dataclass
class ServerAudit:
    executions: list[dict[str, Any]]

    def per_job(self) -> Counter[str]:
        return Counter(e["labels"].get("retouchdesk_job_id", "") for e in self.executions)

    def per_input(self) -> Counter[str]:
        return Counter(e["inputContentHash"] for e in self.executions)

    @property
    def charged(self) -> int:
        return sum(int(e["chargedCredits"] or 0) for e in self.executions)

    def completed(self) -> list[dict[str, Any]]:
        return [e for e in self.executions if e["status"] == "COMPLETED"]


def server_audit(sandbox: Any) -> ServerAudit:
    """Every execution the sandbox stored, read over its API with a token of its own."""
    token = sandbox.issue_access_token(ttl=3600)
    rows: list[dict[str, Any]] = []
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        while True:
            params = {"organization": sandbox.org_id, "limit": 50, "offset": len(rows)}
            for _ in range(50):  # the sandbox's injected 5xx hit the audit's requests too
                response = client.get("/v2/workflow/execution/", params=params)
                if response.status_code < 500:
                    break
            response.raise_for_status()
            page = response.json()
            rows.extend(page["entries"])
            if not page["entries"] or len(rows) >= page["total"]:
                break
    assert len(rows) == sandbox.execution_count()
    return ServerAudit(rows)


def remotely_failed(events: list[Event]) -> set[str]:
    """Jobs whose execution ended FAILED on the server at least once (retried for free)."""
    return {
        e.job.id
        for e in events
        if isinstance(e, JobChanged)
        and e.job.state is JobState.FAILED
        and e.job.remote_status == "FAILED"
    }


def assert_books_balance(
    sandbox: Any,
    jobs: list[Job],
    out: Path,
    *,
    price: int,
    balance_before: int,
    free_retried: set[str] = frozenset(),  # type: ignore[assignment]
) -> ServerAudit:
    """Zero duplicate executions, zero lost results, credits charged = completed x price.

    A retry of a FAILED execution is free (api-notes: "offer retry (free)"), so an image that
    failed on the server once is charged nothing; every other completed image exactly its price.
    """
    audit = server_audit(sandbox)
    done = [j for j in jobs if j.state is JobState.DONE]
    # One execution per job and per input: no create was ever repeated.
    duplicates = {k: v for k, v in audit.per_job().items() if v != 1}
    assert not duplicates, f"duplicate executions per job: {duplicates}"
    assert set(audit.per_job()) == {j.id for j in jobs if j.execution_id}
    assert max(audit.per_input().values(), default=1) == 1
    # Zero lost results: every completed execution is a verified file inside the output.
    completed = {e["id"] for e in audit.completed()}
    assert {j.execution_id for j in done} == completed
    for job in done:
        path = Path(job.output_path)
        assert path.is_file() and out.resolve() in path.resolve().parents, job.output_path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == job.result_hash
    assert not list(out.rglob(f"*{PART_SUFFIX}*")), "a partial download was left behind"
    # Credits: charged on the server = completed x price = what the balance lost.
    free = {j.execution_id for j in done if j.id in free_retried}
    for execution in audit.completed():
        expected = 0 if execution["id"] in free else price
        assert execution["chargedCredits"] == expected, (execution["inputFileName"], expected)
    expected_total = (len(completed) - len(free)) * price
    assert audit.charged == expected_total
    assert balance_before - sandbox.balance() == expected_total
    assert sum(j.credits for j in done) == expected_total
    return audit
