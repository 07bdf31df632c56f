"""How numbers, durations and states read in English, in one place for every front end.

The CLI prints these as they are. The window shows the same wording through its translator
(the labels are marked with `QT_TRANSLATE_NOOP` for that), so a label changed here changes
everywhere.
"""

from __future__ import annotations

from app.domain.jobs import JobState, Review


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks `text` for Qt's lupdate, which finds calls of this name, and returns it as it is:
    the core stays free of Qt and speaks English; the window translates the same text in
    `context` (`QCoreApplication.translate(context, text)`)."""
    return text


STATE_LABELS: dict[JobState, str] = {
    JobState.REJECTED: QT_TRANSLATE_NOOP("JobState", "Rejected"),
    JobState.QUEUED: QT_TRANSLATE_NOOP("JobState", "Queued"),
    JobState.HASHING: QT_TRANSLATE_NOOP("JobState", "Checking"),
    JobState.UPLOADING: QT_TRANSLATE_NOOP("JobState", "Uploading"),
    JobState.CREATING: QT_TRANSLATE_NOOP("JobState", "Starting"),
    JobState.PROCESSING: QT_TRANSLATE_NOOP("JobState", "Processing"),
    JobState.IN_QA: QT_TRANSLATE_NOOP("JobState", "In review"),
    JobState.DOWNLOADING: QT_TRANSLATE_NOOP("JobState", "Downloading"),
    JobState.DONE: QT_TRANSLATE_NOOP("JobState", "Done"),
    JobState.SKIPPED: QT_TRANSLATE_NOOP("JobState", "Skipped"),
    JobState.FAILED: QT_TRANSLATE_NOOP("JobState", "Failed"),
    JobState.PAYMENT_REQUIRED: QT_TRANSLATE_NOOP("JobState", "Needs credits"),
    JobState.CANCELLED: QT_TRANSLATE_NOOP("JobState", "Cancelled"),
}

REVIEW_LABELS: dict[Review, str] = {
    Review.ACCEPTED: QT_TRANSLATE_NOOP("Review", "Accepted"),
    Review.REJECTED: QT_TRANSLATE_NOOP("Review", "Rejected"),
}


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
