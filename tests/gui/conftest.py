"""Fixtures for the window's tests: synthetic jobs for the model's unit (its events)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from app.engine.jobs import Job, JobState

_ids = itertools.count(1)


def make_job(state: JobState = JobState.QUEUED, **fields: Any) -> Job:
    n = next(_ids)
    values: dict[str, Any] = {
        "id": f"job-{n}",
        "batch_id": "batch-1",
        "input_path": f"/photos/img_{n:04d}.jpg",
        "name": f"img_{n:04d}.jpg",
        "state": state,
        "created_at": 1000.0 + n,
    }
    values.update(fields)
    return Job(**values)


@pytest.fixture
def job_factory() -> Callable[..., Job]:
    return make_job
