"""How numbers, durations and states read in English, in one place for every front end.

The CLI prints these as they are. The window shows the same wording through its translator,
so a label changed here changes everywhere.
"""

from __future__ import annotations

from app.domain.jobs import JobState, Review

STATE_LABELS: dict[JobState, str] = {
    JobState.REJECTED: "Rejected",
    JobState.QUEUED: "Queued",
    JobState.HASHING: "Checking",
    JobState.UPLOADING: "Uploading",
    JobState.CREATING: "Starting",
    JobState.PROCESSING: "Processing",
    JobState.IN_QA: "In review",
    JobState.DOWNLOADING: "Downloading",
    JobState.DONE: "Done",
    JobState.SKIPPED: "Skipped",
    JobState.FAILED: "Failed",
    JobState.PAYMENT_REQUIRED: "Needs credits",
    JobState.CANCELLED: "Cancelled",
}

REVIEW_LABELS: dict[Review, str] = {Review.ACCEPTED: "Accepted", Review.REJECTED: "Rejected"}


def state_label(state: JobState) -> str:
    """'Needs credits': how a job's state is named to the user."""
    return STATE_LABELS.get(state, state.value)


def format_money(credits: int) -> str:
    """'€0.10': credits are euro cents, excluding VAT."""
    return f"€{credits / 100:.2f}"


def format_credits(credits: int) -> str:
    """'10 credits (€0.10 excl. VAT)': the full statement, for a terminal."""
    return f"{credits} credits ({format_money(credits)} excl. VAT)"


def format_duration(seconds: float) -> str:
    """'4.2 s', '2 min 05 s', '1 h 03 min'; '' for nothing measured yet."""
    if seconds <= 0:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def format_clock(seconds: float) -> str:
    """'0:14', '1:02:05': a countdown or elapsed time, as a terminal progress line shows it."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
