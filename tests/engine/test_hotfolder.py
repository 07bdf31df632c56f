"""The hot folder against the sandbox: file-system events and polling, the settle time, what
is never taken, once-only across restarts, and the lifecycle service the window and CLI use."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions
from app.engine.hotfolder import HotFolder
from app.engine.hotfolder_changes import network_type_in
from app.engine.hotfolder_service import HotFolderService, HotFolderStatus

NEVER = 1e9  # a rescan interval no test reaches: only events (or polling) can find files


def _opts(sandbox: Any, wf: str, out: Path, **kw: Any) -> RunOptions:
    return RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, **kw)


def _done(engine: Any) -> list[str]:
    return sorted(j.name for j in engine.jobs() if j.state is JobState.DONE)


def test_takes_settled_files_once_across_restarts(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    out = tmp_path / "hot-out"
    journal = tmp_path / "j.sqlite3"

    async def first() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            folder = HotFolder(engine, hot, _opts(sandbox, wf, out), settle=0)
            make_image(hot / "sub" / "a.jpg", seed=1)
            (hot / "b.jpg.part").write_bytes(b"partial download")
            make_image(hot / ".hidden" / "h.jpg", seed=3)
            growing = hot / "growing.jpg"
            growing.write_bytes(b"\xff\xd8\xff")  # a copy still in progress
            assert await folder.scan_once() is None  # first sight: not settled yet
            make_image(growing, seed=2)  # the copy finishes: new size
            batch_id = await folder.scan_once()
            assert batch_id is not None
            await engine.wait(batch_id)
            assert [j.name for j in engine.jobs()] == ["a.jpg"]
            assert (out / "sub" / "a.png").exists()  # the tree is mirrored
            assert await folder.scan_once() is not None  # growing.jpg, now settled
            await engine.wait()
            assert await folder.scan_once() is None  # nothing new: nothing taken twice

    async def after_restart() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            folder = HotFolder(engine, hot, _opts(sandbox, wf, out), settle=0)
            assert await folder.scan_once() is None
            assert await folder.scan_once() is None
            assert engine.jobs() == []

    run_async(first())
    run_async(after_restart())
    assert sandbox.execution_count() == 2


def test_resumes_only_its_own_interrupted_batches(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    sandbox = sandbox_factory(qa_seconds=0.5)
    hot = tmp_path / "hot"
    make_image(hot / "h.jpg", seed=190)
    other = tmp_path / "other"
    make_image(other / "o.jpg", seed=191)
    journal = tmp_path / "j.sqlite3"

    async def interrupted() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            folder = HotFolder(engine, hot, _opts(sandbox, wf, tmp_path / "out"), settle=0)
            await folder.scan_once()
            assert await folder.scan_once() is not None
            elsewhere = await engine.add([other], _opts(sandbox, wf, tmp_path / "out2"))
            engine.start(elsewhere)
            await wait_for(lambda: all(j.execution_id for j in engine.jobs()))

    async def restarted() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, "Retouch with human QA")
            folder = HotFolder(engine, hot, _opts(sandbox, wf, tmp_path / "out"), settle=0)
            assert len(await folder.resume_own()) == 1
            await engine.wait()
            assert [(j.name, j.state) for j in engine.jobs()] == [("h.jpg", JobState.DONE)]
            assert len(await engine.resume_unfinished()) == 1  # the other batch, left alone
            await engine.wait()

    run_async(interrupted())
    run_async(restarted())
    assert sandbox.execution_count() == 2


@pytest.mark.parametrize("polling", [False, True], ids=["events", "polling"])
def test_a_file_copied_slowly_is_taken_once_complete_and_nothing_else(
    sandbox: Any, tmp_path: Path, run_async: Any, polling: bool
) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    out = hot / "retouched"  # our own results land inside the hot folder
    source = make_image(tmp_path / "staging" / "slow.jpg", size=(640, 480), seed=5).read_bytes()

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            folder = HotFolder(
                engine, hot, _opts(sandbox, wf, out), settle=0.4, polling=polling,
                poll_interval=0.1, rescan_every=NEVER,
            )  # fmt: skip
            task = asyncio.create_task(folder.run())
            try:
                # A copy that takes longer than the settle time, a chunk every 0.1 s: the
                # sleeps are the copy's pace, not a wait for the watcher.
                slow = hot / "slow.jpg"
                step = len(source) // 10 + 1
                with slow.open("wb") as f:
                    for offset in range(0, len(source), step):
                        f.write(source[offset : offset + step])
                        f.flush()
                        await asyncio.sleep(0.1)
                        assert engine.jobs() == [], "took a file still being copied"
                make_image(hot / "later" / "dir" / "b.jpg", seed=6)  # a new subfolder
                (hot / "notes.txt").write_text("not an image")
                await wait_for(lambda: _done(engine) == ["b.jpg", "slow.jpg"], 30)
                assert (out / "slow.png").exists() and (out / "later" / "dir" / "b.png").exists()
                slow_job = next(j for j in engine.jobs() if j.name == "slow.jpg")
                assert slow_job.size == len(source)
                # Results written into the hot folder are never taken as inputs: give the
                # watcher two settle times to prove it (a bounded negative check).
                await asyncio.sleep(1.0)
                assert len(engine.jobs()) == 2
            finally:
                folder.request_stop()
                await asyncio.wait_for(task, 5)

    run_async(go())
    assert sandbox.execution_count() == 2


def test_a_folder_moved_in_whole_is_taken(sandbox: Any, tmp_path: Path, run_async: Any) -> None:
    hot = tmp_path / "hot"
    hot.mkdir()
    shoot = tmp_path / "shoot"
    for i in range(3):
        make_image(shoot / "day1" / f"s{i}.jpg", seed=20 + i)

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            folder = HotFolder(
                engine, hot, _opts(sandbox, wf, tmp_path / "out"), settle=0.2, rescan_every=NEVER
            )
            task = asyncio.create_task(folder.run())
            try:
                await asyncio.sleep(0.3)  # the watcher is up (a move before it starts is a scan)
                shoot.rename(hot / "shoot")
                await wait_for(lambda: _done(engine) == ["s0.jpg", "s1.jpg", "s2.jpg"], 30)
            finally:
                folder.request_stop()
                await asyncio.wait_for(task, 5)

    run_async(go())


def test_network_file_systems_are_recognised_from_the_mount_table() -> None:
    mounts = [
        ("/", "ext4", "rw,relatime"),
        ("/mnt/studio", "cifs", "rw,vers=3.0"),
        ("/mnt/studio/local-cache", "ext4", "rw"),
        ("/srv/nas", "nfs4", "rw,hard"),
        ("/media/mapped", "", "rw,remote"),  # as psutil marks a mapped drive on Windows
    ]
    assert network_type_in("/mnt/studio/incoming", mounts) == "cifs"
    assert network_type_in("/mnt/studio", mounts) == "cifs"
    assert network_type_in("/mnt/studio/local-cache/x", mounts) == ""
    assert network_type_in("/mnt/studiox", mounts) == ""  # a prefix is not a parent
    assert network_type_in("/srv/nas/hot", mounts) == "nfs4"
    assert network_type_in("/home/me/hot", mounts) == ""
    assert network_type_in("/media/mapped/incoming", mounts) == "remote"


def test_service_reports_watching_then_a_crash_as_failed_and_stops_cleanly(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    hot = tmp_path / "Incoming"
    hot.mkdir()
    seen: list[HotFolderStatus] = []

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            service = HotFolderService(engine, on_status=seen.append, settle=0.1)
            service.start(tmp_path / "missing", _opts(sandbox, wf, tmp_path / "out"))
            assert service.status.state == "failed" and "does not exist" in service.status.message

            service.start(hot, _opts(sandbox, wf, tmp_path / "out"))
            assert service.status == HotFolderStatus("watching", hot, "Watching Incoming")
            make_image(hot / "a.jpg", seed=31)
            await wait_for(lambda: _done(engine) == ["a.jpg"], 30)

            shutil.rmtree(hot)  # the folder goes away under the watch: it fails, visibly
            final = await asyncio.wait_for(service.wait(), 10)
            assert final.state == "failed" and "gone" in final.message, final
            assert final.folder == hot

            hot.mkdir()
            service.start(hot, _opts(sandbox, wf, tmp_path / "out"))
            service.start(hot, _opts(sandbox, wf, tmp_path / "out2"))  # replaces the first
            make_image(hot / "b.jpg", seed=32)
            await wait_for(lambda: _done(engine) == ["a.jpg", "b.jpg"], 30)
            await service.stop()
            assert service.status == HotFolderStatus("off", None, "")
            await engine.wait()
            assert (tmp_path / "out2" / "b.png").exists()
            left = [t for t in asyncio.all_tasks() if t.get_name().startswith("hot-folder")]
            assert left == []

    run_async(go())
    states = [s.state for s in seen]
    assert states == ["failed", "watching", "failed", "watching", "watching", "off"]
