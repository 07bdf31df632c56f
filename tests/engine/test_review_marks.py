"""Review marks through the engine against the real sandbox: journaled (a restart keeps them),
feedback to the service only when the user opted in, and names found as a person types them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from corpus import make_image
from engine_helpers import WHITE_BACKGROUND, engine_for, workflow_id

from app.domain.jobs import Job, JobState, Review
from app.engine.engine import RunOptions
from app.engine.events import EngineNotice, JobChanged
from app.engine.review import match_names
from app.store.settings import Settings


def _feedback(sandbox: Any, execution_id: str) -> Any:
    """What the server stored as feedback for an execution (None: nothing was sent)."""
    path = Path(sandbox.config.data_dir) / "sandbox.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        (stored,) = conn.execute(
            "SELECT feedback FROM executions WHERE id=?", (execution_id,)
        ).fetchone()
    return json.loads(stored) if stored else None


def test_marks_are_journaled_and_feedback_is_sent_only_when_opted_in(
    sandbox: Any, tmp_path: Path, run_async: Any
) -> None:
    src = tmp_path / "shoot"
    for i in range(3):
        make_image(src / f"IMG_{i}.jpg", seed=i + 1)
    journal = tmp_path / "journal.sqlite3"

    async def go() -> None:
        async with engine_for(sandbox, journal) as (engine, session, events):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            options = RunOptions(org_id=sandbox.org_id, workflow_id=wf, out_dir=tmp_path / "o")
            batch_id = await engine.add([src], options)
            engine.start(batch_id)
            await engine.wait(batch_id)
            a, b, c = sorted(engine.jobs(), key=lambda j: j.seq)
            events.clear()
            assert await engine.set_review([a.id, b.id], Review.REJECTED) == [a.id, b.id]
            assert await engine.set_review([a.id], Review.REJECTED) == []  # no change
            assert await engine.set_review([c.id, "unknown"], Review.ACCEPTED) == [c.id]
            changed = [e.job for e in events if isinstance(e, JobChanged)]
            assert [(j.id, j.review) for j in changed] == [
                (a.id, Review.REJECTED), (b.id, Review.REJECTED), (c.id, Review.ACCEPTED)
            ]  # fmt: skip
            assert _feedback(sandbox, a.execution_id) is None  # not opted in: nothing sent

            engine.apply_settings(Settings(review_feedback=True))
            await engine.set_review([b.id], Review.NONE)
            await engine.set_review([b.id, c.id], Review.REJECTED)
            assert _feedback(sandbox, b.execution_id) == {"thumbsUp": False, "expectedImages": []}
            assert _feedback(sandbox, c.execution_id)["thumbsUp"] is False
            await engine.set_review([a.id], Review.ACCEPTED)
            assert _feedback(sandbox, a.execution_id) is None  # an acceptance sends nothing
            assert not [e for e in events if isinstance(e, EngineNotice)]

        async with engine_for(sandbox, journal) as (engine, _session, _events):
            loaded = {j.name: j for j in await engine.open_batch(batch_id)}
            assert {n: j.review for n, j in loaded.items()} == {
                "IMG_0.jpg": Review.ACCEPTED, "IMG_1.jpg": Review.REJECTED,
                "IMG_2.jpg": Review.REJECTED,
            }  # fmt: skip
            history = [e.detail for e in engine.journal.events(loaded["IMG_1.jpg"].id)]
            assert history[-3:] == ["review rejected", "review cleared", "review rejected"]

    run_async(go())


def test_feedback_that_cannot_be_sent_is_reported_once_and_the_marks_stay(
    sandbox_factory: Any, tmp_path: Path, run_async: Any
) -> None:
    src = tmp_path / "shoot"
    for i in range(2):
        make_image(src / f"IMG_{i}.jpg", seed=i + 1)
    journal = tmp_path / "journal.sqlite3"
    first, other = sandbox_factory(), sandbox_factory()

    async def go() -> None:
        async with engine_for(first, journal) as (engine, session, _events):
            wf = await workflow_id(session, WHITE_BACKGROUND)
            options = RunOptions(org_id=first.org_id, workflow_id=wf, out_dir=tmp_path / "o")
            batch_id = await engine.add([src], options)
            engine.start(batch_id)
            await engine.wait(batch_id)
        # Another server, which knows none of these executions: every feedback is refused.
        settings = Settings(review_feedback=True)
        async with engine_for(other, journal, settings) as (engine, _session, events):
            jobs = await engine.open_batch(batch_id)
            await engine.set_review([j.id for j in jobs], Review.REJECTED)
            notices = [e for e in events if isinstance(e, EngineNotice)]
            assert len(notices) == 1 and "2 of 2" in notices[0].message
            assert {j.review for j in engine.jobs()} == {Review.REJECTED}
            stored = engine.journal.jobs_of_batch(batch_id)
            assert {j.review for j in stored} == {Review.REJECTED}

    run_async(go())


def _job(relative: str, **fields: Any) -> Job:
    return Job(
        id=relative,
        batch_id="b",
        input_path=f"/shoot/{relative}",
        name=Path(relative).name,
        relative_path=relative,
        state=JobState.DONE,
        **fields,
    )


def test_names_are_found_by_path_below_the_root_or_by_a_file_name_only_one_has() -> None:
    jobs = [_job("a/IMG_1.jpg"), _job("b/IMG_1.jpg"), _job("b/IMG_2.JPG"), _job("top.jpg")]
    found = match_names(
        jobs, ["a/IMG_1.jpg", "b\\IMG_1.jpg", "IMG_2.JPG", "img_2.jpg", "top.jpg", "/shoot/top.jpg"]
    )
    assert {n: j.id for n, j in found.found.items()} == {
        "a/IMG_1.jpg": "a/IMG_1.jpg",
        "b\\IMG_1.jpg": "b/IMG_1.jpg",
        "IMG_2.JPG": "b/IMG_2.JPG",
        "img_2.jpg": "b/IMG_2.JPG",  # case ignored where that is unambiguous
        "top.jpg": "top.jpg",
        "/shoot/top.jpg": "top.jpg",
    }
    assert found.problems == {}
    unclear = match_names(jobs, ["IMG_1.jpg", "missing.jpg"])
    assert unclear.found == {}
    assert "names 2 images" in unclear.problems["IMG_1.jpg"]
    assert "a/IMG_1.jpg, b/IMG_1.jpg" in unclear.problems["IMG_1.jpg"]
    assert unclear.problems["missing.jpg"] == "no image 'missing.jpg' in this batch"
