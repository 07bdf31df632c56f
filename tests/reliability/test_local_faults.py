"""Local faults: the output folder fills up or stops being a folder in the middle of a batch.

Tests run as root here, where chmod does not stop writes, so the faults are made real instead:
- "disk full": the output folder is a tiny tmpfs, filled to the last byte mid-batch (real
  ENOSPC from the kernel, with a half-written temp file to clean up). Needs permission to mount;
  skipped with the reason where that is not allowed.
- "unwritable": one output subfolder is replaced by a plain file mid-batch (every write below it
  fails with a real OS error), while the other subfolder keeps working.
In both: the affected jobs fail with a reason that says what went wrong, no partial file is left,
the rest of the batch goes on, and once the user fixes the folder a retry finishes the job
without creating (or paying for) a second execution.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_helpers import (
    PART_SUFFIX,
    PRICES,
    assert_books_balance,
    describe,
    engine_for,
    make_images,
    options,
    run,
    wait_batch,
    wait_for,
    workflow_id,
)

from app.domain.jobs import JobState

CUTOUT = "Transparent cut-out"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "tiny-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs CAP_SYS_ADMIN): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_up(folder: Path) -> Path:
    """Write a filler file until the file system says it is full."""
    filler = folder / "filler.bin"
    chunk = b"\0" * 4096
    with open(filler, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
        with contextlib.suppress(OSError):
            while True:  # the last partial page
                f.write(b"\0")
    return filler


def test_output_disk_full_mid_batch(sandbox_factory: Any, tiny_disk: Path, tmp_path: Path) -> None:
    sandbox = sandbox_factory(workers=1, latency=0.15)
    n = 12
    src = make_images(tmp_path / "in", n, seed=1200, prefix="full")
    out = tiny_disk / "results"
    before = sandbox.balance()

    async def go() -> list[Any]:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], options(sandbox, wf, out, layout="folder"))
            engine.start(batch_id)
            await wait_for(lambda: sum(j.state is JobState.DONE for j in engine.jobs()) >= 3)
            filler = fill_up(tiny_disk)
            await wait_batch(engine, batch_id)
            jobs = engine.jobs()
            failed = [j for j in jobs if j.state is JobState.FAILED]
            assert failed, "the disk filled up but no download failed"
            assert len(failed) <= n - 3
            for job in failed:
                assert job.failed_stage == "downloading", job
                assert "space" in job.error.lower(), job.error  # "No space left on device"
                assert job.execution_id  # processed and paid on the server: only saving failed
            assert not describe([j for j in jobs if j not in failed])  # the rest finished
            assert not list(out.rglob(f"*{PART_SUFFIX}*")), "a partial download was left"
            assert sandbox.execution_count() == n

            filler.unlink()  # the user makes room
            assert sorted(await engine.retry_failed(batch_id)) == sorted(j.id for j in failed)
            await wait_batch(engine, batch_id)
            return engine.jobs()

    jobs = run(go())
    assert not describe(jobs), describe(jobs)
    assert_books_balance(sandbox, jobs, out, price=PRICES[CUTOUT], balance_before=before)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"full_{i:03d}.png" for i in range(n))


def test_output_subfolder_becomes_unwritable_mid_batch(
    sandbox_factory: Any, tmp_path: Path
) -> None:
    sandbox = sandbox_factory(workers=1, latency=0.15)
    src = tmp_path / "shoot"
    make_images(src / "a", 4, seed=1300, prefix="a")
    make_images(src / "b", 8, seed=1400, prefix="b")
    out = tmp_path / "out"
    before = sandbox.balance()

    def b_jobs(engine: Any) -> list[Any]:
        return [j for j in engine.jobs() if j.name.startswith("b_")]

    async def go() -> list[Any]:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], options(sandbox, wf, out, layout="mirror"))
            engine.start(batch_id)
            await wait_for(lambda: sum(j.state is JobState.DONE for j in b_jobs(engine)) >= 1)
            # The b folder is moved away and a file takes its name: nothing can be written
            # below out/b any more.
            (out / "b").rename(tmp_path / "b-moved")
            (out / "b").write_text("not a folder any more")
            await wait_batch(engine, batch_id)
            jobs = engine.jobs()
            failed = [j for j in jobs if j.state is JobState.FAILED]
            assert failed, "no job noticed the unwritable folder"
            for job in failed:
                assert job.name.startswith("b_"), job.name
                assert job.failed_stage == "downloading", job
                assert job.error.startswith("file error"), job.error
                assert len(job.error) > len("file error: "), job.error
            a_jobs = [j for j in jobs if j.name.startswith("a_")]
            assert {j.state for j in a_jobs} == {JobState.DONE}  # the rest went on

            (out / "b").unlink()  # the user puts the folder back
            shutil.move(tmp_path / "b-moved", out / "b")
            await engine.retry_failed(batch_id)
            await wait_batch(engine, batch_id)
            return engine.jobs()

    jobs = run(go())
    assert not describe(jobs), describe(jobs)
    assert_books_balance(sandbox, jobs, out, price=PRICES[CUTOUT], balance_before=before)
    assert sorted(p.name for p in (out / "b").iterdir()) == sorted(
        f"b_{i:03d}.png" for i in range(8)
    )
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], os.listdir(out / "b")
