"""Engine events -> model updates, coalesced on one timer.

The engine may report hundreds of changes per second (every upload chunk, every status). The
subscriber callback only appends to a list; one single-shot timer then applies everything that
piled up as a single model pass, keeping only the latest snapshot of each job. That bounds the
GUI's work per tick by the number of rows that changed, not by the number of events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.jobs import Job
from app.engine.events import (
    BatchAdded,
    BatchFinished,
    CreditsChanged,
    EngineNotice,
    Event,
    JobAdded,
    JobChanged,
    JobRemoved,
)
from ui.job_model import JobTableModel

if TYPE_CHECKING:
    from app.engine.engine import Engine

logger = logging.getLogger(__name__)

TICK_MS = 80
# Rows inserted per tick at most: a drop of thousands of files is shown a few hundred rows
# per loop turn (each insert makes the proxy filter and sort every new row in Python), so
# the window keeps painting and taking input while the rest follows within milliseconds.
MAX_INSERTS_PER_TICK = 250


class EngineBridge(QObject):
    """Owns the pending-event buffer and the repaint timer; emits Qt signals for the rest."""

    batchAdded = Signal(object)  # BatchAdded
    batchFinished = Signal(object)  # BatchFinished
    creditsChanged = Signal(int)
    notice = Signal(str, str)  # level, message
    jobsApplied = Signal()  # after each tick that touched the model (summary, details pane)

    def __init__(self, model: JobTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._pending: list[Event] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.flush)
        # Picks up rows left over from a tick that hit MAX_INSERTS_PER_TICK, at once.
        self._more = QTimer(self)
        self._more.setSingleShot(True)
        self._more.setInterval(0)
        self._more.timeout.connect(self.flush)
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self, engine: Engine) -> None:
        """Subscribe to an engine and show the jobs it already has (resumed batches)."""
        self.detach()
        self._model.reset(engine.jobs())
        engine.subscribe(self.on_event)
        self._unsubscribe = lambda: engine.unsubscribe(self.on_event)
        self.jobsApplied.emit()

    def detach(self) -> None:
        if self._unsubscribe is not None:
            try:
                self._unsubscribe()
            except Exception:  # an engine already closed: nothing left to detach from
                logger.debug("unsubscribe failed", exc_info=True)
            self._unsubscribe = None
        self._timer.stop()
        self._more.stop()
        self._pending.clear()

    def on_event(self, event: Event) -> None:
        """The engine's subscriber: store and arm the timer, nothing else (called often)."""
        self._pending.append(event)
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> None:
        """Apply everything pending now (the timer calls this; tests may too)."""
        self._timer.stop()
        self._more.stop()
        events, self._pending = self._pending, []
        if not events:
            return
        added: dict[str, Job] = {}
        changed: dict[str, Job] = {}
        removed: list[str] = []
        others: list[Event] = []
        for event in events:
            if isinstance(event, JobAdded):
                added[event.job.id] = event.job
            elif isinstance(event, JobChanged):
                job = event.job
                if job.id in added:
                    added[job.id] = job  # added and changed in one tick: insert the latest
                else:
                    changed[job.id] = job
            elif isinstance(event, JobRemoved):
                added.pop(event.job_id, None)
                changed.pop(event.job_id, None)
                removed.append(event.job_id)
            else:
                others.append(event)
        to_insert = list(added.values())
        if len(to_insert) > MAX_INSERTS_PER_TICK:
            # The rest, and the batch and account events that may count them, go first in
            # the next tick (newer events stay behind them, in order).
            later = [JobAdded(job) for job in to_insert[MAX_INSERTS_PER_TICK:]]
            self._pending = [*later, *others, *self._pending]
            to_insert, others = to_insert[:MAX_INSERTS_PER_TICK], []
            self._more.start()
        if to_insert or changed or removed:
            self._model.apply(to_insert, changed.values(), removed)
            self.jobsApplied.emit()
        # Batch and account events come after the rows, so a "batch finished" summary counts
        # the final states it announces.
        for event in others:
            if isinstance(event, BatchAdded):
                self.batchAdded.emit(event)
            elif isinstance(event, BatchFinished):
                self.batchFinished.emit(event)
            elif isinstance(event, CreditsChanged):
                self.creditsChanged.emit(event.balance)
            elif isinstance(event, EngineNotice):
                self.notice.emit(event.level, event.message)
