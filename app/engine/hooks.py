"""The engine's jobs as the modules that act on finished results see them.

The engine alone owns its jobs, batches and tasks. Review marks (review.py) and re-runs
(rerun.py) are handed these few doors into it, so they change jobs the way the engine does
(journal first, then subscribers) without reaching into its fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from app.domain.jobs import Job, JobState
from app.engine.events import Event
from app.engine.options import BatchContext
from app.store.settings import Settings


@dataclass(frozen=True)
class EngineHooks:
    find_job: Callable[[str], Job | None]  # the live job, or None when it is not loaded
    batch_of: Callable[[str], BatchContext]  # the context of a loaded batch, by id
    is_moving: Callable[[str], bool]  # the job has a task (running, or about to)
    changed: Callable[[Job, JobState], None]  # tell subscribers: (job, its previous state)
    spawn: Callable[[Job], None]  # start the job's task
    emit: Callable[[Event], None]
    settings: Callable[[], Settings]  # the settings in force now
    open_batch: Callable[[str], Awaitable[list[Job]]]  # load a batch from the journal
