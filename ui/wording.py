"""The core's English wording (`app.domain.formatting`) in the window's language.

The core marks its labels with `QT_TRANSLATE_NOOP("JobState", ...)` and `("Review", ...)`;
this module translates them in the same contexts. What a job's `error` says is the engine's or
the server's own sentence (a file path, a server message): it is shown as written, in every
language, because it is also what the journal, the command line and the logs say. What
surrounds it (the state, the stage it failed in) is translated.
"""

from __future__ import annotations

from app.domain.formatting import REVIEW_LABELS, state_label
from app.domain.jobs import JobState, Review
from ui.i18n import translate


def state_text(state: JobState) -> str:
    """'Needs credits' / 'Guthaben fehlt'."""
    return translate("JobState", state_label(state))


def review_text(review: Review) -> str:
    """'Accepted' / 'Angenommen'; '' for no verdict."""
    label = REVIEW_LABELS.get(review, "")
    return translate("Review", label) if label else ""


def failed_while(stage: str) -> str:
    """The stage a job failed in, as the end of "Why, while …": 'uploading' / 'beim Hochladen'.
    `stage` is a JobState value (the journal's `failed_stage`); '' for an unknown one."""
    phrases = {
        JobState.HASHING: translate("FailedStage", "while checking the file"),
        JobState.UPLOADING: translate("FailedStage", "while uploading"),
        JobState.CREATING: translate("FailedStage", "while starting the execution"),
        JobState.PROCESSING: translate("FailedStage", "while processing"),
        JobState.IN_QA: translate("FailedStage", "while in review"),
        JobState.DOWNLOADING: translate("FailedStage", "while downloading"),
    }
    try:
        return phrases.get(JobState(stage), "")
    except ValueError:
        return ""
