"""Typed events the engine reports. Front ends subscribe; the engine never calls into them.

Events are delivered on the asyncio loop's thread, in order. A subscriber must return quickly
(the window's bridge only stores them and coalesces on a timer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.jobs import Job, JobState


@dataclass(frozen=True)
class JobAdded:
    job: Job  # a snapshot copy


@dataclass(frozen=True)
class JobChanged:
    """Any change to a job: state, remote status, progress, output, error, credits."""

    job: Job  # a snapshot copy after the change
    previous_state: JobState


@dataclass(frozen=True)
class JobRemoved:
    job_id: str


@dataclass(frozen=True)
class BatchAdded:
    batch_id: str
    name: str
    workflow_id: str
    workflow_name: str
    job_count: int


@dataclass(frozen=True)
class BatchFinished:
    batch_id: str
    name: str
    done: int
    failed: int  # FAILED + PAYMENT_REQUIRED + REJECTED
    skipped: int
    cancelled: int
    credits: int  # charged in this batch


@dataclass(frozen=True)
class CreditsChanged:
    balance: int  # credits (euro cents)


@dataclass(frozen=True)
class EngineNotice:
    """Something the user should hear about that is not one job's business (e.g. paused)."""

    level: str  # "info" | "warning" | "error"
    message: str


Event = (
    JobAdded | JobChanged | JobRemoved | BatchAdded | BatchFinished | CreditsChanged | EngineNotice
)
Subscriber = Callable[[Event], None]
