"""The one-line progress summary: "37 / 120 done, 2 failed, about 3 min left"."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.jobs import Job, JobState
from ui.i18n import translate
from ui.locale_format import number

PROBLEM_STATES = (JobState.FAILED, JobState.PAYMENT_REQUIRED, JobState.REJECTED)


@dataclass(frozen=True)
class Progress:
    total: int = 0
    done: int = 0  # done or skipped
    failed: int = 0
    cancelled: int = 0
    active: int = 0
    queued: int = 0
    credits: int = 0
    seconds_left: float | None = None

    @property
    def finished(self) -> int:
        return self.done + self.failed + self.cancelled

    @property
    def running(self) -> bool:
        return self.active > 0


def measure(jobs: Iterable[Job], now: float | None = None) -> Progress:
    now = now or time.time()
    total = done = failed = cancelled = active = queued = credits = 0
    first_start = 0.0
    for job in jobs:
        total += 1
        credits += job.credits
        state = job.state
        if state in (JobState.DONE, JobState.SKIPPED):
            done += 1
        elif state in PROBLEM_STATES:
            failed += 1
        elif state is JobState.CANCELLED:
            cancelled += 1
        elif state.is_active:
            active += 1
        else:
            queued += 1
        if job.started_at and (not first_start or job.started_at < first_start):
            first_start = job.started_at
    remaining = active + queued
    seconds_left: float | None = None
    if remaining and done and first_start and active:
        # Throughput so far, not per-image time: the pipeline runs jobs in parallel.
        rate = done / max(now - first_start, 0.001)
        seconds_left = remaining / rate if rate > 0 else None
    return Progress(total, done, failed, cancelled, active, queued, credits, seconds_left)


def eta_text(seconds: float) -> str:
    if seconds < 45:
        return translate("Progress", "less than a minute left")
    minutes = round(seconds / 60)
    if minutes < 60:
        return translate("Progress", "about {minutes} min left").format(minutes=minutes)
    return translate("Progress", "about {hours} h {minutes} min left").format(
        hours=minutes // 60, minutes=f"{minutes % 60:02d}"
    )


def summary_text(progress: Progress) -> str:
    if not progress.total:
        return ""
    parts = [
        translate("Progress", "{done} / {total} done").format(
            done=number(progress.done), total=number(progress.total)
        )
    ]
    if progress.failed:
        parts.append(translate("Progress", "{n} failed").format(n=number(progress.failed)))
    if progress.cancelled:
        parts.append(translate("Progress", "{n} cancelled").format(n=number(progress.cancelled)))
    if progress.seconds_left is not None:
        parts.append(eta_text(progress.seconds_left))
    return ", ".join(parts)
