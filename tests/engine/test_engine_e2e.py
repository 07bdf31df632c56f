"""The engine end to end against the real sandbox over loopback HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from corpus import make_image, write_bad_corpus
from engine_helpers import CUTOUT, WHITE_BACKGROUND, engine_for, workflow_id

from app.domain.jobs import JobState
from app.engine.engine import RunOptions
from app.engine.events import BatchFinished, JobChanged
from app.store.journal import Journal


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_batch_of_images_completes_with_verified_files(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = tmp_path / "shoot"
    for i in range(12):
        make_image(src / ("day1" if i % 2 else "day2") / f"IMG_{i:03d}.jpg", seed=i)
    out = tmp_path / "out"

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, events):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add(
                [src],
                RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, batch_name="Spring"),
            )
            estimate = await engine.estimate(batch_id)
            assert (estimate.images, estimate.price, estimate.total) == (12, 15, 180)
            engine.start(batch_id)
            await engine.wait(batch_id)
            jobs = engine.jobs()
            assert {j.state for j in jobs} == {JobState.DONE}, [(j.name, j.error) for j in jobs]
            for job in jobs:
                output = Path(job.output_path)
                # mirror layout, input stem, the result's extension (PNG from a JPEG input)
                assert output.parent.parent == out and output.suffix == ".png"
                assert output.stem == Path(job.name).stem
                assert _sha(output) == job.result_hash
                assert job.credits == 15
                remote = await session.client.get_execution(job.execution_id, sandbox.org_id)
                assert remote.labels["autoretouch_batch_name"] == "Spring"
                assert remote.labels["autoretouch_batch_id"] == batch_id
                assert remote.labels["retouchdesk_job_id"] == job.id
                assert remote.workflow_version == engine.batch(batch_id).workflow_version != ""
            finished = [e for e in events if isinstance(e, BatchFinished)]
            assert len(finished) == 1 and finished[0].done == 12 and finished[0].credits == 180
            states = [
                e.job.state for e in events if isinstance(e, JobChanged) and e.job.id == jobs[0].id
            ]
            # New bytes are uploaded, then the execution is created by their hash (the
            # vendor's recommended path: the default).
            for expected in (
                JobState.HASHING,
                JobState.UPLOADING,
                JobState.CREATING,
                JobState.PROCESSING,
                JobState.DOWNLOADING,
                JobState.DONE,
            ):
                assert expected in states
            first_job.append(jobs[0].id)
        assert sandbox.execution_count() == 12
        journal = Journal(tmp_path / "journal.sqlite3")
        try:
            assert journal.unfinished_batches() == []
            # Journaled: what guards a server action or a file. Hashing and remote statuses
            # are shown (above) but not written: a resumed job finds them out again.
            history = [e.state for e in journal.events(first_job[0])]
            assert history == [
                "queued", "uploading", "creating", "processing", "downloading", "done"
            ]  # fmt: skip
        finally:
            journal.close()

    first_job: list[str] = []
    run_async(go())


def test_bad_inputs_are_rejected_with_reasons_and_good_ones_finish(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = tmp_path / "mixed"
    expected = write_bad_corpus(src)
    for i in range(3):
        make_image(src / f"good{i}.png", seed=100 + i, fmt="PNG")

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            batch_id = await engine.add(
                [src],
                RunOptions(
                    org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "out", layout="folder"
                ),
            )
            engine.start(batch_id)
            await engine.wait(batch_id)
            by_name = {j.name: j for j in engine.jobs()}
        for name in expected:
            assert by_name[name].state is JobState.REJECTED, name
            assert by_name[name].error
        assert len({by_name[n].error for n in expected}) >= 6  # specific, not one generic text
        for i in range(3):
            job = by_name[f"good{i}.png"]
            assert job.state is JobState.DONE and Path(job.output_path).name == f"good{i}.jpg"
        assert sandbox.execution_count() == 3

    run_async(go())
