"""New bytes go up either before their execution is created by hash (the vendor's recommended
path, `CreatePath.SEPARATE`) or with it in one multipart request (`COMBINED`); known bytes are
always created by hash.

Against the real sandbox: which requests a job makes on each path, and that a file changed
after it was hashed is never sent whole, so nothing is created or charged for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corpus import make_image
from engine_helpers import CUTOUT, engine_for, wait_for, workflow_id

from app.api.client import AutoretouchClient
from app.domain.choices import CreatePath
from app.domain.jobs import JobState
from app.engine import sending
from app.engine.engine import RunOptions
from app.engine.events import JobChanged
from app.store.settings import Settings

COMBINED = Settings(create_path=CreatePath.COMBINED)


def _opts(sandbox: Any, wf: str, out: Path) -> RunOptions:
    return RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out)


@pytest.mark.parametrize(
    ("path", "per_new_image"),
    [
        (CreatePath.SEPARATE, ["upload", "create_execution"]),
        (CreatePath.COMBINED, ["create_execution_with_file"]),
    ],
)
def test_new_images_go_up_by_the_chosen_path_and_known_ones_are_created_by_hash(
    sandbox: Any,
    tmp_path: Path,
    run_async: Any,
    monkeypatch: Any,
    path: CreatePath,
    per_new_image: list[str],
) -> None:
    calls: list[str] = []
    for name in ("upload", "create_execution", "create_execution_with_file"):
        real = getattr(AutoretouchClient, name)

        def counted(self: Any, *args: Any, _real: Any = real, _name: str = name, **kw: Any) -> Any:
            calls.append(_name)
            return _real(self, *args, **kw)

        monkeypatch.setattr(AutoretouchClient, name, counted)
    src = [make_image(tmp_path / "in" / f"n{i}.jpg", seed=300 + i) for i in range(3)]

    async def go() -> None:
        settings = Settings(create_path=path)
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (
            engine,
            session,
            events,
        ):
            wf = await workflow_id(session, CUTOUT)
            first = await engine.add(src, _opts(sandbox, wf, tmp_path / "out1"))
            engine.start(first)
            await engine.wait(first)
            assert sorted(calls) == sorted(per_new_image * 3)
            calls.clear()
            # The same bytes again: the server has them, so only the execution is created.
            second = await engine.add(src[:1], _opts(sandbox, wf, tmp_path / "out2"))
            engine.start(second)
            await engine.wait(second)
            assert calls == ["create_execution"]
            (again,) = [j for j in engine.jobs() if j.batch_id == second]
            assert again.state is JobState.DONE and again.deduped
            states = [e.job.state for e in events if isinstance(e, JobChanged)]
            assert JobState.CREATING in states

    run_async(go())
    assert sandbox.execution_count() == 4


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (CreatePath.SEPARATE, "changed while it was being sent"),
        (CreatePath.COMBINED, "changed after it was hashed"),
    ],
)
def test_a_file_changed_after_hashing_is_not_sent_and_costs_nothing(
    sandbox: Any, tmp_path: Path, run_async: Any, monkeypatch: Any, path: CreatePath, reason: str
) -> None:
    image = make_image(tmp_path / "in" / "edited.jpg", seed=310)
    same_size_other_bytes = bytearray(image.read_bytes())
    same_size_other_bytes[-3] ^= 0x01  # inside the scan data: still a whole JPEG
    real_check = sending.Sender._stored_already
    edits: list[Path] = []

    async def edit_after_hashing(self: Any, job: Any, batch: Any) -> bool:
        if not edits:  # the first attempt only: hashed, then the file is saved again
            image.write_bytes(bytes(same_size_other_bytes))
            edits.append(image)
        return await real_check(self, job, batch)

    monkeypatch.setattr(sending.Sender, "_stored_already", edit_after_hashing)
    balance = sandbox.balance()

    async def go() -> None:
        settings = Settings(create_path=path)
        async with engine_for(sandbox, tmp_path / "j.sqlite3", settings) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([image], _opts(sandbox, wf, tmp_path / "out"))
            engine.start(batch_id)
            await engine.wait(batch_id)
            (job,) = engine.jobs()
            assert job.state is JobState.FAILED, job
            assert reason in job.error
            assert sandbox.execution_count() == 0 and sandbox.balance() == balance
            await engine.retry([job.id])  # hashed afresh: the edited file goes through
            await engine.wait(batch_id)
            (done,) = engine.jobs()
            assert done.state is JobState.DONE, done

    run_async(go())
    assert sandbox.execution_count() == 1


def test_a_create_the_server_finishes_after_the_app_closed_is_adopted_not_repeated(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    # The app closes (or dies) while the server still works on a create that carries its
    # upload: the server creates the execution a moment later. The resumed job must find it,
    # not create a second one.
    sandbox = sandbox_factory(faults="slow_upload=1", slow_upload_seconds=1.0)
    make_image(tmp_path / "in" / "late.jpg", seed=320)
    journal = tmp_path / "j.sqlite3"
    batch: list[str] = []

    async def closed_mid_create() -> None:
        async with engine_for(sandbox, journal, COMBINED) as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            batch.append(await engine.add([tmp_path / "in"], _opts(sandbox, wf, tmp_path / "o")))
            engine.start(batch[0])
            await wait_for(lambda: _received(sandbox, engine))
        # leaving the block closes the engine with the create in flight on the server

    async def resumed() -> None:
        async with engine_for(sandbox, journal, COMBINED) as (engine, _, _events):
            await engine.resume_unfinished()
            await engine.wait()
            (job,) = engine.jobs()
            assert job.state is JobState.DONE, job
            # It waited for the server's late create and took that execution; a job that
            # created its own would leave two (the late one appears after this test ends).
            history = [e.detail for e in engine._journal.events(job.id)]
            assert "reconciled with the server" in history, history
            assert not job.deduped

    run_async(closed_mid_create())
    run_async(resumed())
    assert sandbox.execution_count() == 1


def _received(sandbox: Any, engine: Any) -> bool:
    """The server has the only job's bytes and is still working on its create."""
    (job,) = engine.jobs()
    stored = job.content_hash and sandbox._store.upload(sandbox.org_id, job.content_hash)
    return bool(stored) and job.state is JobState.UPLOADING and sandbox.execution_count() == 0
