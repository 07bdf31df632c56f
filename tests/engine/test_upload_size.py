"""Sending only what the service keeps: inputs over 4096 px go up scaled when the run says so
(`service`), or once a result proved the service scales (`auto`), never with `full`.

Against the real sandbox, which scales inputs over 4096 px before processing as the vendor
documents. What matters to the user: fewer bytes sent, the same result size, the original
untouched, and `auto` learning once per workflow version for good (across restarts).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import WHITE_BACKGROUND, engine_for, workflow_id
from PIL import Image

from app.domain.choices import UploadSize
from app.domain.jobs import Job, JobState
from app.engine.engine import Engine, RunOptions
from app.store.journal import Journal

LARGE = (5000, 3000)  # over the service's 4096 px on its long side


def make_large_photo(path: Path, seed: int, size: tuple[int, int] = LARGE) -> Path:
    """A textured JPEG (noise compresses as a photo does, unlike flat colour)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    noise = Image.effect_noise(size, 40 + seed % 20).convert("RGB")
    tint = Image.new("RGB", size, (120 + seed % 100, 90, 60))
    Image.blend(noise, tint, 0.5).save(path, quality=90)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def process(
    engine: Engine, sandbox: Any, wf: str, paths: list[Path], out: Path, size: str
) -> list[Job]:
    options = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=out, upload_size=size)
    batch_id = await engine.add(paths, options)
    engine.start(batch_id)
    await engine.wait(batch_id)
    jobs = [j for j in engine.jobs() if j.batch_id == batch_id]
    assert all(j.state is JobState.DONE for j in jobs), jobs
    return jobs


def result_size(job: Job) -> tuple[int, int]:
    with Image.open(job.output_path) as image:
        return image.size


def test_service_scales_before_upload_and_the_result_is_the_same_size(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    photo = make_large_photo(tmp_path / "in" / "shot.jpg", seed=1)
    original = photo.read_bytes()

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            (full,) = await process(engine, sandbox, wf, [photo], tmp_path / "full", "full")
            (scaled,) = await process(engine, sandbox, wf, [photo], tmp_path / "scaled", "service")
            assert full.content_hash == sha256(photo) and not full.upload_path
            # The scaled copy went up: other bytes, fewer of them, no resolution lost.
            assert scaled.content_hash != full.content_hash
            assert result_size(scaled) == result_size(full)
            assert max(result_size(full)) == 4096
            execution = await session.client.get_execution(scaled.execution_id, sandbox.org_id)
            assert execution.input_content_hash == scaled.content_hash
            assert execution.input_file_name == "shot.jpg"  # the user's name, not the copy's
            # Its copy is gone once the result is saved.
            assert not Path(scaled.upload_path).exists()

    run_async(go())
    assert photo.read_bytes() == original


def test_small_inputs_always_go_up_whole(sandbox: Any, tmp_path: Path, run_async: Any) -> None:
    photo = make_large_photo(tmp_path / "in" / "small.jpg", seed=2, size=(1200, 800))

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            (job,) = await process(engine, sandbox, wf, [photo], tmp_path / "out", "service")
            assert job.content_hash == sha256(photo) and not job.upload_path

    run_async(go())


def test_auto_learns_from_a_result_and_remembers_across_restarts(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    first = make_large_photo(tmp_path / "in1" / "a.jpg", seed=3)
    later = make_large_photo(tmp_path / "in2" / "b.jpg", seed=4)
    journal = tmp_path / "j.sqlite3"

    async def before_any_evidence() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            (job,) = await process(engine, sandbox, wf, [first], tmp_path / "o1", "auto")
            # No evidence yet: the original went up, and its result was the evidence.
            assert job.content_hash == sha256(first)

    async def after_a_restart() -> None:
        async with engine_for(sandbox, journal) as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            (job,) = await process(engine, sandbox, wf, [later], tmp_path / "o2", "auto")
            assert job.content_hash != sha256(later)
            assert max(result_size(job)) == 4096

    run_async(before_any_evidence())
    opened = Journal(journal)
    try:
        (evidence,) = opened.scaling_evidence().values()
        assert evidence.input_size == LARGE and max(evidence.result_size) == 4096
    finally:
        opened.close()
    run_async(after_a_restart())


def test_full_never_scales_even_with_evidence(sandbox: Any, tmp_path: Path, run_async: Any) -> None:
    photos = [make_large_photo(tmp_path / "in" / f"p{i}.jpg", seed=10 + i) for i in range(2)]

    async def go() -> None:
        async with engine_for(sandbox, tmp_path / "j.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            await process(engine, sandbox, wf, photos[:1], tmp_path / "o1", "auto")  # learns
            (job,) = await process(engine, sandbox, wf, photos[1:], tmp_path / "o2", "full")
            assert job.content_hash == sha256(photos[1])

    run_async(go())


@pytest.mark.parametrize("result", [(4096, 2458), (6000, 3600)])
def test_only_a_result_within_the_limit_is_evidence(
    tmp_path: Path, run_async: Any, result: Any
) -> None:
    from app.engine.upload_size import UploadSizePolicy

    journal = Journal(tmp_path / "j.sqlite3")

    async def go() -> tuple[bool, int | None]:
        policy = UploadSizePolicy(journal)
        learnt = await policy.learn("v1", input_size=(6000, 3600), result_size=result,
                                    execution_id="e")  # fmt: skip
        return learnt, await policy.max_side(UploadSize.AUTO, "v1")

    try:
        learnt, max_side = run_async(go())
    finally:
        journal.close()
    kept_more = max(result) > 4096
    assert learnt is not kept_more
    assert max_side == (None if kept_more else 4096)
