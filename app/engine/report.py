"""Plain-text views of a batch's progress, for terminals and logs (no printing here).

Kept apart from the CLI so the wording is tested once and any headless front end (the CLI,
the hot folder's log, a benchmark) says the same thing the same way.
"""

from __future__ import annotations

from app.domain.formatting import format_clock, state_label
from app.domain.jobs import Job, JobState
from app.engine.counts import BatchCounts, CostEstimate

# Order in which states are listed: the way a job travels.
_ORDER = (
    JobState.QUEUED,
    JobState.HASHING,
    JobState.UPLOADING,
    JobState.CREATING,
    JobState.PROCESSING,
    JobState.IN_QA,
    JobState.DOWNLOADING,
    JobState.DONE,
    JobState.SKIPPED,
    JobState.FAILED,
    JobState.PAYMENT_REQUIRED,
    JobState.REJECTED,
    JobState.CANCELLED,
)


def eta_seconds(counts: BatchCounts, elapsed: float) -> float | None:
    """Remaining time at the pace so far; None until one job has finished."""
    finished = sum(n for s, n in counts.by_state.items() if s.is_final)
    finished -= counts.count(JobState.REJECTED)
    remaining = counts.total - sum(n for s, n in counts.by_state.items() if s.is_final)
    if finished <= 0 or remaining <= 0:
        return None if remaining > 0 else 0.0
    return elapsed / finished * remaining


def progress_line(counts: BatchCounts, elapsed: float, width: int = 24) -> str:
    """`[#######-----]  21/50  uploading 4 · processing 12 · done 21  ETA 0:14`"""
    finished = sum(n for s, n in counts.by_state.items() if s.is_final)
    filled = int(width * finished / counts.total) if counts.total else width
    bar = "#" * filled + "-" * (width - filled)
    parts = _state_counts(counts)
    eta = eta_seconds(counts, elapsed)
    tail = f"  ETA {format_clock(eta)}" if eta else ""
    return f"[{bar}] {finished}/{counts.total}  " + " · ".join(parts) + tail


def job_line(job: Job) -> str:
    """One line for a job that just finished (non-TTY progress, summaries)."""
    if job.state is JobState.DONE:
        return f"done      {job.name} -> {job.output_path}"
    if job.state is JobState.SKIPPED:
        return f"skipped   {job.name} (exists: {job.output_path})"
    return f"{_lower(state_label(job.state)):<13} {job.name}: {job.error or job.state.value}"


def cost_line(estimate: CostEstimate) -> str:
    text = (
        f"{estimate.images} image(s) x {estimate.price} credits = {estimate.total} credits"
        f" (€{estimate.total / 100:.2f} excl. VAT)"
    )
    if estimate.balance is not None:
        text += f"; balance {estimate.balance}"
        if estimate.shortfall:
            text += f", {estimate.shortfall} short: some images will wait for credits"
    extras = []
    if estimate.rejected:
        extras.append(f"{estimate.rejected} rejected")
    if estimate.deduped:
        extras.append(f"{estimate.deduped} duplicate(s) counted once")
    if estimate.already_created:
        extras.append(f"{estimate.already_created} already created")
    return text + (f" [{', '.join(extras)}]" if extras else "")


def summary_line(name: str, counts: BatchCounts, elapsed: float) -> str:
    parts = _state_counts(counts)
    return (
        f"Batch {name!r}: " + ", ".join(parts) + f" · {counts.credits} credits"
        f" · {format_clock(elapsed)}"
    )


def _lower(label: str) -> str:
    """A label inside a sentence: 'Needs credits' -> 'needs credits'."""
    return label[:1].lower() + label[1:]


def _state_counts(counts: BatchCounts) -> list[str]:
    """['uploading 4', 'processing 12', 'done 21'], in the order a job travels."""
    return [f"{_lower(state_label(s))} {n}" for s in _ORDER if (n := counts.by_state.get(s))]
