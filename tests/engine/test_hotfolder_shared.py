"""A hot folder shared by several watchers, each with its own journal: the claim protocol on a
real folder, two watchers in one process against the sandbox, and the take-over of a dead
watcher's claims without a second execution. (Two real `watch` processes, one killed and
restarted: test_hotfolder_processes.py.)"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.engine.engine import RunOptions
from app.engine.hotfolder_claims import DONE, FAILED, PROCESSING, ClaimBoard
from app.engine.hotfolder_shared import SharedFolder, SharedHotFolder
from app.engine.options import JOB_LABEL

NEVER = 1e9


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_of_watchers_claiming_the_same_files_at_once_each_file_goes_to_one(
    tmp_path: Path,
) -> None:
    hot = tmp_path / "hot"
    paths = [make_image(hot / f"d{i % 3}" / f"f{i:02d}.jpg", seed=i) for i in range(30)]
    boards = [ClaimBoard(hot) for _ in range(4)]
    won: list[list[str]] = [[] for _ in boards]
    start = threading.Barrier(len(boards))

    def claim(i: int) -> None:
        start.wait()
        won[i] = boards[i].claim(list(paths)).files

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(boards))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    every = [f for files in won for f in files]
    assert sorted(every) == sorted(p.relative_to(hot).as_posix() for p in paths)  # once each


def test_originals_end_in_done_or_failed_and_are_never_overwritten(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    for name in ("a.jpg", "b.jpg"):
        make_image(hot / "sub" / name, seed=1)
    make_image(hot / DONE / "sub" / "a.jpg", seed=2)  # a.jpg was processed once before
    board = ClaimBoard(hot)
    claim = board.claim([hot / "sub" / "a.jpg", hot / "sub" / "b.jpg"])
    board.record(claim, "sub/a.jpg", job_id="j1")
    assert board.records(claim)["sub/a.jpg"]["job_id"] == "j1"
    assert board.finish(claim, "sub/a.jpg") == hot / DONE / "sub" / "a (2).jpg"
    assert board.finish(claim, "sub/b.jpg", reason="b.jpg: not an image") is not None
    assert (hot / FAILED / "sub" / "b.jpg.txt").read_text() == "b.jpg: not an image\n"
    assert _files(hot) == [
        "done/sub/a (2).jpg", "done/sub/a.jpg", "failed/sub/b.jpg", "failed/sub/b.jpg.txt",
    ]  # fmt: skip
    assert not claim.dir.exists()  # an emptied claim goes away


def test_a_dead_watchers_claim_is_taken_over_by_exactly_one(tmp_path: Path) -> None:
    hot = tmp_path / "hot"
    make_image(hot / "x.jpg", seed=3)
    dead = ClaimBoard(hot, owner="elsewhere~1~gone")
    dead.beat()
    dead.claim([hot / "x.jpg"])
    living = [ClaimBoard(hot) for _ in range(3)]
    assert [b.dead_claims(stale_after=3600) for b in living] == [[], [], []]  # first look
    dead.retire()  # its heartbeat is gone: dead at once
    claims = [b.dead_claims(stale_after=3600) for b in living]
    assert all(len(c) == 1 for c in claims)
    taken = [b.take_over(c[0]) for b, c in zip(living, claims, strict=True)]
    winners = [t for t in taken if t is not None]
    assert len(winners) == 1 and winners[0].files == ["x.jpg"]


def test_a_heartbeat_that_stops_changing_goes_stale_on_the_observers_clock(
    tmp_path: Path,
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    other = ClaimBoard(hot, owner="elsewhere~1~quiet")
    other.beat()
    observer = ClaimBoard(hot)
    assert not observer.owner_dead(other.owner, stale_after=0.2)
    other.beat()
    assert not observer.owner_dead(other.owner, stale_after=0.2)  # it changed: alive

    async def until_stale() -> None:
        await wait_for(lambda: observer.owner_dead(other.owner, stale_after=0.2), 5)

    asyncio.run(until_stale())


def test_two_watchers_on_one_folder_process_every_file_once(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(latency=0.05)
    hot = tmp_path / "hot"
    hot.mkdir()
    out = tmp_path / "results"
    names = [f"batch{b}/img{i:02d}.jpg" for b in range(3) for i in range(6)]

    async def go() -> None:
        async with (
            engine_for(sandbox, tmp_path / "a.sqlite3") as (engine_a, session_a, _),
            engine_for(sandbox, tmp_path / "b.sqlite3") as (engine_b, session_b, _),
        ):
            wf = await workflow_id(session_a, CUTOUT)
            opts = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)
            watchers = [
                SharedHotFolder(
                    engine, hot, opts, SharedFolder(session.client, stale_after=5),
                    settle=0.1, rescan_every=NEVER,
                )
                for engine, session in ((engine_a, session_a), (engine_b, session_b))
            ]  # fmt: skip
            tasks = [asyncio.create_task(w.run()) for w in watchers]
            try:
                for burst in range(3):
                    for i, name in enumerate(names):
                        if i % 3 == burst:
                            make_image(tmp_path / "staging" / name, seed=i).rename(
                                _parent_made(hot / name)
                            )
                    await asyncio.sleep(0.2)  # the bursts' pace
                await wait_for(lambda: _files(hot / DONE) == sorted(names), 60)
                await engine_a.wait()
                await engine_b.wait()
            finally:
                for w in watchers:
                    w.request_stop()
                await asyncio.wait_for(asyncio.gather(*tasks), 10)
            # Which watcher wins each claim is the scheduler's choice: on a quick machine one
            # can take every burst. What must hold is exactly once, between the two of them.
            jobs = [
                Path(job.input_path).name
                for engine, w in ((engine_a, watchers[0]), (engine_b, watchers[1]))
                for batch_id in w.batches
                for job in await engine.open_batch(batch_id)
            ]
            assert sorted(jobs) == sorted(Path(n).name for n in names)  # a job each, one journal

    run_async(go())
    assert sandbox.execution_count() == len(names)
    assert _files(out) == sorted(n.replace(".jpg", ".png") for n in names)
    assert not (hot / PROCESSING).exists() or _files(hot / PROCESSING) == []


def test_a_dead_watchers_executions_are_adopted_not_created_again(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    """Three files in a dead watcher's claim: one whose execution id it recorded, one whose
    create it sent but never heard back about (only its job id is recorded), one it had not
    made a job of. The survivor finishes all three with one new execution."""
    hot = tmp_path / "hot"
    out = tmp_path / "results"
    for i, name in enumerate(("recorded.jpg", "unanswered.jpg", "untouched.jpg")):
        make_image(hot / "sub" / name, seed=60 + i)
    dead = ClaimBoard(hot, owner="elsewhere~1~killed")
    dead.beat()
    claim = dead.claim(sorted((hot / "sub").iterdir()))

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            for name, job_id in (("recorded.jpg", "dead-job-1"), ("unanswered.jpg", "dead-job-2")):
                execution_id = await session.client.create_execution_with_file(
                    wf, sandbox.org_id, claim.path_of(f"sub/{name}"), labels={JOB_LABEL: job_id}
                )
                fields = {"job_id": job_id}
                if name == "recorded.jpg":
                    fields["execution_id"] = execution_id
                dead.record(claim, f"sub/{name}", **fields)
            assert sandbox.execution_count() == 2
            dead.retire()
            opts = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)
            survivor = SharedHotFolder(
                engine, hot, opts, SharedFolder(session.client, stale_after=5), settle=0.1,
                rescan_every=NEVER,
            )  # fmt: skip
            task = asyncio.create_task(survivor.run())
            try:
                await wait_for(lambda: len(_files(hot / DONE)) == 3, 60)
                await engine.wait()
            finally:
                survivor.request_stop()
                await asyncio.wait_for(task, 10)

    run_async(go())
    assert sandbox.execution_count() == 3  # only "untouched.jpg" was created anew
    assert _files(out) == ["sub/recorded.png", "sub/unanswered.png", "sub/untouched.png"]
    assert _files(hot) == ["done/sub/recorded.jpg", "done/sub/unanswered.jpg",
                           "done/sub/untouched.jpg"]  # fmt: skip


def _parent_made(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_a_folder_per_workflow_picks_the_workflow_and_a_wrong_folder_fails_with_why(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    hot = tmp_path / "hot"
    out = tmp_path / "results"
    make_image(hot / "Transparent cut-out" / "shoot" / "a.jpg", seed=71)
    make_image(hot / "backgroundtowhite" / "b.jpg", seed=72)  # a loose spelling of the name
    make_image(hot / "Sepia" / "c.jpg", seed=73)
    make_image(hot / "d.jpg", seed=74)

    async def go() -> dict[str, str]:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            opts = RunOptions(org_id=sandbox.org_id, workflow_id="", out_dir=out)
            shared = SharedFolder(session.client, stale_after=5, workflow_folders=True)
            watcher = SharedHotFolder(engine, hot, opts, shared, settle=0.1, rescan_every=NEVER)
            task = asyncio.create_task(watcher.run())
            try:
                await wait_for(lambda: len(_files(hot / DONE)) == 2, 30)
                await wait_for(lambda: len(_files(hot / FAILED)) == 4, 30)
                await engine.wait()
            finally:
                watcher.request_stop()
                await asyncio.wait_for(task, 10)
            return {j.name: engine.batch(j.batch_id).workflow_name for j in engine.jobs()}

    workflows = run_async(go())
    assert workflows == {"a.jpg": "Transparent cut-out", "b.jpg": "Background to white"}
    assert _files(hot) == [
        "done/Transparent cut-out/shoot/a.jpg", "done/backgroundtowhite/b.jpg",
        "failed/Sepia/c.jpg", "failed/Sepia/c.jpg.txt", "failed/d.jpg", "failed/d.jpg.txt",
    ]  # fmt: skip
    assert (
        "no single workflow is named 'Sepia'" in (hot / FAILED / "Sepia" / "c.jpg.txt").read_text()
    )
    assert "Background to white" in (hot / FAILED / "Sepia" / "c.jpg.txt").read_text()
    assert "workflow's folder" in (hot / FAILED / "d.jpg.txt").read_text()
    assert (out / "Transparent cut-out" / "shoot" / "a.png").is_file()
    assert [p.parent.name for p in out.rglob("b.*")] == ["backgroundtowhite"]
    assert sandbox.execution_count() == 2
