"""The line a finished batch leaves in the status bar (and in a desktop notification)."""

from __future__ import annotations

from app.engine.events import BatchFinished
from ui.controllers.notices import batch_summary


def test_a_finished_batch_says_what_happened_and_what_it_cost() -> None:
    event = BatchFinished(
        "b1", "ORDER 2026-02-17", done=10, failed=2, skipped=1, cancelled=0, credits=120
    )
    assert batch_summary(event) == (
        "Batch ORDER 2026-02-17 finished: 10 done, 2 failed, 1 skipped · €1.20 charged"
    )


def test_a_clean_free_batch_says_only_done() -> None:
    event = BatchFinished("b1", "Hot", done=3, failed=0, skipped=0, cancelled=0, credits=0)
    assert batch_summary(event) == "Batch Hot finished: 3 done"
