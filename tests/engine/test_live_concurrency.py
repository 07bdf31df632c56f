"""Concurrency settings apply at once: the resizable limiter, the hashing pool, and an engine
whose upload limit is lowered and raised mid-batch against the sandbox."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions
from app.engine.events import Event, JobChanged
from app.engine.hashing import Hasher
from app.engine.limits import ResizableLimiter
from app.store.settings import Settings


async def _turns(n: int = 5) -> None:
    """Let the loop run every ready callback a few times (a bounded negative check: a wrong
    hand-out would take a slot synchronously or one turn later, never later than this)."""
    for _ in range(n):
        await asyncio.sleep(0)


class _Holders:
    """Tasks that each take a slot of `limiter` and hold it until told to let go."""

    def __init__(self, limiter: ResizableLimiter) -> None:
        self.limiter = limiter
        self.order: list[int] = []  # who got a slot, in order
        self.holding: set[int] = set()
        self.most_at_once = 0
        self._let_go: dict[int, asyncio.Event] = {}
        self.tasks: dict[int, asyncio.Task[None]] = {}

    def start(self, *names: int) -> None:
        for name in names:
            self._let_go[name] = asyncio.Event()
            self.tasks[name] = asyncio.create_task(self._hold(name))

    async def _hold(self, name: int) -> None:
        async with self.limiter:
            self.order.append(name)
            self.holding.add(name)
            self.most_at_once = max(self.most_at_once, len(self.holding))
            await self._let_go[name].wait()
            self.holding.discard(name)

    async def let_go(self, *names: int) -> None:
        for name in names:
            self._let_go[name].set()
        await asyncio.gather(*(self.tasks[n] for n in names))


def test_limiter_lowered_lets_holders_finish_and_admits_no_one_until_under_the_new_limit() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(3, "test")
        h = _Holders(limiter)
        h.start(*range(8))
        await _turns()
        assert h.holding == {0, 1, 2} and limiter.waiting == 5
        limiter.set_limit(1)
        await _turns()
        assert h.holding == {0, 1, 2}  # nothing running is taken away
        assert limiter.in_flight == 3 and limiter.locked()
        await h.let_go(0, 1)
        await _turns()
        assert h.holding == {2}, "admitted a waiter while the old holders were still at the limit"
        await h.let_go(2)
        await _turns()
        assert h.holding == {3}
        for name in range(3, 7):
            await h.let_go(name)
            await _turns()
            assert len(h.holding) == 1
        await h.let_go(7)
        assert h.order == list(range(8))  # first come, first served
        assert limiter.in_flight == 0 and limiter.waiting == 0 and not limiter.locked()

    asyncio.run(go())


def test_limiter_raised_starts_waiters_at_once_in_arrival_order() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(1)
        h = _Holders(limiter)
        h.start(0, 1, 2, 3, 4)
        await _turns()
        assert h.holding == {0}
        limiter.set_limit(3)
        # The slots are handed over in set_limit itself: counted before the waiters even run.
        assert limiter.in_flight == 3 and limiter.waiting == 2
        await _turns()
        assert h.holding == {0, 1, 2}
        limiter.set_limit(5)
        await _turns()
        assert h.holding == {0, 1, 2, 3, 4}
        await h.let_go(0, 1, 2, 3, 4)
        assert h.order == [0, 1, 2, 3, 4] and h.most_at_once == 5

    asyncio.run(go())


def test_limiter_hands_a_freed_slot_to_the_oldest_waiter_not_a_newcomer() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(1)
        h = _Holders(limiter)
        h.start(0)
        await _turns()
        h.start(1)
        await _turns()
        h.tasks[0].add_done_callback(lambda _: h.start(2))  # arrives the moment 0 lets go
        await h.let_go(0)
        await _turns()
        assert h.holding == {1}
        await h.let_go(1)
        await _turns()
        await h.let_go(2)
        assert h.order == [0, 1, 2] and h.most_at_once == 1

    asyncio.run(go())


def test_limiter_admits_only_under_the_limit_in_force_while_it_changes() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(4)
        h = _Holders(limiter)
        h.start(*range(40))
        await _turns()
        limits = [4, 2, 2, 6, 1, 3, 3, 5, 1, 2]
        step = 0
        while len(h.order) < 40 or h.holding:
            limit = limits[step % len(limits)]
            step += 1
            before, waiting = set(h.holding), limiter.waiting
            limiter.set_limit(limit)
            await _turns()
            # Holders from before may stay above a lowered limit, but no one joins them; a
            # limit with room admits waiters up to it at once.
            expected = len(before) if len(before) >= limit else min(limit, len(before) + waiting)
            assert before <= h.holding and len(h.holding) == expected, (limit, before, h.holding)
            if h.holding:
                await h.let_go(min(h.holding))
                await _turns()
        assert h.order == list(range(40))  # first come, first served throughout
        assert limiter.in_flight == 0 and limiter.waiting == 0

    asyncio.run(go())


def test_limiter_cancelled_waiters_take_no_slot_and_block_no_one() -> None:
    async def go() -> None:
        limiter = ResizableLimiter(1)
        h = _Holders(limiter)
        h.start(0, 1, 2, 3)
        await _turns()
        h.tasks[1].cancel()  # waiting
        await _turns()
        await h.let_go(0)
        await _turns()
        assert h.holding == {2}
        await h.let_go(2)
        await h.let_go(3)
        with pytest.raises(asyncio.CancelledError):
            await h.tasks[1]
        assert h.order == [0, 2, 3]
        assert limiter.in_flight == 0 and limiter.waiting == 0

        # Handed a slot, then cancelled before it ran: the slot goes on to the next waiter.
        await limiter.acquire()
        handed = asyncio.create_task(limiter.acquire())
        next_in_line = asyncio.create_task(limiter.acquire())
        await _turns()
        limiter.release()  # hands the slot to `handed`, which has not run yet...
        handed.cancel()  # ...and is cancelled before it does
        await _turns()
        assert handed.cancelled() and next_in_line.done()
        assert limiter.in_flight == 1 and limiter.waiting == 0
        limiter.release()

    asyncio.run(go())


def test_hasher_resized_lets_running_calls_finish_and_keeps_new_ones_under_the_new_size() -> None:
    entered: list[int] = []
    gates = [threading.Event() for _ in range(6)]
    lock = threading.Lock()

    def work(i: int) -> int:
        with lock:
            entered.append(i)
        if not gates[i].wait(30):
            raise TimeoutError(f"call {i} was never let go")
        return i

    async def go() -> None:
        hasher = Hasher(3)
        try:
            calls = [asyncio.create_task(hasher.run(work, i)) for i in range(6)]
            await wait_for(lambda: len(entered) == 3, 10)
            hasher.resize(1)
            assert (hasher.workers, hasher.busy) == (1, 3)
            for i in entered[:2]:
                gates[i].set()
            done = await asyncio.gather(*(calls[i] for i in entered[:2]))
            await wait_for(lambda: hasher.busy == 1, 10)
            await _turns()
            assert len(entered) == 3 and hasher.busy == 1  # one still running: no new one
            hasher.resize(3)  # raised: two of the three waiting calls start at once
            await wait_for(lambda: len(entered) == 5, 10)
            assert hasher.busy == 3
            for gate in gates:
                gate.set()
            results = await asyncio.gather(*calls)
            assert sorted(results) == list(range(6)) and len(done) == 2
            await wait_for(lambda: hasher.busy == 0, 10)
        finally:
            for gate in gates:
                gate.set()
            hasher.close()

    asyncio.run(go())


# --- the engine, against the sandbox ------------------------------------------------------------

N_IMAGES = 12


class UploadWatch:
    """Counts uploads in flight from the engine's events: a job's upload runs from its
    UPLOADING event to its next state. Records, for every upload that starts, how many were
    in flight with it and which limit the test had set at that moment.

    `at_in_flight(n, action)`: run `action` from inside the event that makes n uploads in
    flight for the first time (like a user acting at that very moment; a poll would let a
    running upload finish first now and then)."""

    def __init__(self) -> None:
        self.state: dict[str, JobState] = {}
        self.starts: dict[str, int] = {}
        self.limit_set = 0
        self.started_under: list[tuple[int, int]] = []  # (limit set, in flight incl. this one)
        self._trigger: tuple[int, Callable[[], None]] | None = None

    def in_flight(self) -> int:
        return sum(1 for s in self.state.values() if s is JobState.UPLOADING)

    def at_in_flight(self, n: int, action: Callable[[], None]) -> None:
        self._trigger = (n, action)

    def __call__(self, event: Event) -> None:
        if not isinstance(event, JobChanged):
            return
        job = event.job
        was = self.state.get(job.id)
        self.state[job.id] = job.state
        if job.state is JobState.UPLOADING and was is not JobState.UPLOADING:
            self.starts[job.id] = self.starts.get(job.id, 0) + 1
            self.started_under.append((self.limit_set, self.in_flight()))
            if self._trigger is not None and self.in_flight() == self._trigger[0]:
                action, self._trigger = self._trigger[1], None
                action()


def _images(folder: Path, n: int) -> Path:
    for i in range(n):
        make_image(folder / f"u{i:02d}.jpg", seed=300 + i)
    return folder


def _hashed_and_waiting(engine: Any) -> int:
    return sum(1 for j in engine.jobs() if j.state is JobState.QUEUED and j.content_hash)


def test_upload_limit_lowered_and_raised_mid_batch(
    sandbox_factory: Callable[..., Any], tmp_path: Path, run_async: Any
) -> None:
    # Every upload takes the server 0.6 s, so uploads overlap and the limit is what is seen.
    sandbox = sandbox_factory(faults="slow_upload=1", slow_upload_seconds=0.6)
    src = _images(tmp_path / "in", N_IMAGES)
    out = tmp_path / "out"
    settings = Settings(upload_concurrency=4)
    watch = UploadWatch()
    seen_when_lowered: list[int] = []

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (engine, session, _):

            def lower_to_one() -> None:
                watch.limit_set = 1
                engine.apply_settings(dataclasses.replace(settings, upload_concurrency=1))
                seen_when_lowered.extend([engine.concurrency.uploads, engine.in_flight().uploads])

            engine.subscribe(watch)
            wf = await workflow_id(session, CUTOUT)
            opts = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, layout="folder")
            batch_id = await engine.add([src], opts)
            watch.limit_set = 4
            # Lowered to 1 the moment four uploads run: all four finish, none starts meanwhile.
            watch.at_in_flight(4, lower_to_one)
            engine.start(batch_id)
            await wait_for(lambda: len(watch.started_under) >= 6)  # two more, one at a time

            # Raised to 3 while jobs wait for a slot: two more start at once, in the call itself
            # (at most one of the three waiting was handed the single slot already).
            await wait_for(lambda: _hashed_and_waiting(engine) >= 3)
            watch.limit_set = 3
            engine.apply_settings(dataclasses.replace(settings, upload_concurrency=3))
            assert engine.in_flight().uploads == 3
            await wait_for(lambda: watch.in_flight() == 3)
            await engine.wait(batch_id)
            jobs = engine.jobs()

        assert seen_when_lowered == [1, 4]  # the new limit in force, nothing interrupted
        before = [n for limit, n in watch.started_under if limit == 4]
        assert before == [1, 2, 3, 4]
        # After lowering, no upload started until the four had finished, then one at a time.
        after_lowering = [n for limit, n in watch.started_under if limit == 1]
        assert len(after_lowering) >= 2 and set(after_lowering) == {1}, watch.started_under
        after_raising = [n for limit, n in watch.started_under if limit == 3]
        assert max(after_raising) == 3, watch.started_under
        # Every image uploaded once, executed once, saved once.
        assert sorted(watch.starts.values()) == [1] * N_IMAGES
        assert [j.state for j in jobs] == [JobState.DONE] * N_IMAGES, [j.error for j in jobs]
        assert len({j.execution_id for j in jobs}) == N_IMAGES
        assert sandbox.execution_count() == N_IMAGES
        assert len(list(out.iterdir())) == N_IMAGES

    run_async(go())


def test_apply_settings_resizes_hashing_and_downloads_too(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, _session, _):
            changed = Settings(hash_concurrency=5, upload_concurrency=2, download_concurrency=7)
            engine.apply_settings(changed)
            limits = engine.concurrency
            assert (limits.hashing, limits.uploads, limits.downloads) == (5, 2, 7)
            assert engine._hasher.workers == 5  # the thread pool's gate, not only the stage's

    run_async(go())


def test_status_stream_limit_applies_mid_batch(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    # Executions held in human QA keep their status streams open: with one stream allowed,
    # one is open; raised to four while they wait, four are.
    sandbox = sandbox_factory(qa_seconds=30)
    for i in range(4):
        make_image(tmp_path / "in" / f"s{i}.jpg", seed=700 + i)

    async def go() -> None:
        settings = Settings(watch_streams=1)
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            batch_id = await engine.add(
                [tmp_path / "in"],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out"),
            )
            engine.start(batch_id)
            await wait_for(
                lambda: (
                    sum(j.state is JobState.IN_QA for j in engine.jobs()) >= 1
                    and sandbox.waiting_clients() == 1
                )
            )
            assert sandbox.waiting_clients() == 1
            engine.apply_settings(dataclasses.replace(settings, watch_streams=4))
            await wait_for(lambda: sandbox.waiting_clients() == 4)
            await engine.cancel_batch(batch_id)

    run_async(go())
    assert sandbox.execution_count() == 4
