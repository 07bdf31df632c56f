"""The figures front ends show about a batch: its cost before it starts, its jobs per state,
and the concurrency in force. Plain data, computed by the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.jobs import Job, JobState


@dataclass(frozen=True)
class CostEstimate:
    images: int  # executions that will be created, and charged
    price: int  # credits per image
    total: int  # images x price
    balance: int | None  # None when the balance could not be read
    deduped: int  # the same file given more than once, counted once
    rejected: int  # bad inputs, never uploaded or charged
    already_created: int  # resumed jobs whose execution exists (charged already or on retry)

    @classmethod
    def of(
        cls, jobs: Sequence[Job], price: int, balance: int | None, *, deduped: int
    ) -> CostEstimate:
        """What starting these jobs costs: one execution for each that is not final and has
        none yet."""
        to_create = sum(1 for j in jobs if not j.state.is_final and not j.execution_id)
        return cls(
            images=to_create,
            price=price,
            total=to_create * price,
            balance=balance,
            deduped=deduped,
            rejected=sum(1 for j in jobs if j.state is JobState.REJECTED),
            already_created=sum(1 for j in jobs if j.execution_id and not j.state.is_final),
        )

    @property
    def shortfall(self) -> int:
        return 0 if self.balance is None else max(0, self.total - self.balance)


@dataclass(frozen=True)
class Concurrency:
    """Per-stage numbers: how many may run at once (`Engine.concurrency`) or do
    (`Engine.in_flight`)."""

    hashing: int
    uploads: int
    downloads: int


@dataclass(frozen=True)
class BatchCounts:
    total: int
    by_state: dict[JobState, int]
    credits: int

    @property
    def finished(self) -> bool:
        return sum(n for s, n in self.by_state.items() if s.is_final) == self.total

    def count(self, *states: JobState) -> int:
        return sum(self.by_state.get(s, 0) for s in states)
