"""The job: one input image on its way to one result file.

This is the contract between the engine (which moves jobs along), the journal (which remembers
them) and every front end (window, CLI, benchmarks), so it is plain data with no behaviour
beyond what its fields imply.
"""

from __future__ import annotations

import enum
from dataclasses import Field, dataclass, field, fields
from typing import Any


class JobState(enum.StrEnum):
    """Where a job is. Stored in the journal by value: never rename a value."""

    REJECTED = "rejected"  # bad input found before anything was uploaded (reason in `error`)
    QUEUED = "queued"  # accepted, waiting for a hashing/upload slot (or paused)
    HASHING = "hashing"
    UPLOADING = "uploading"  # HEAD dedupe, then bytes and create in one request
    CREATING = "creating"  # create by hash sent (bytes known), execution id not yet recorded
    PROCESSING = "processing"  # execution exists; remote status CREATED or ACTIVE
    IN_QA = "in_qa"  # remote status IN_QA: waiting for a human review
    DOWNLOADING = "downloading"
    DONE = "done"  # result verified and saved at `output_path`
    SKIPPED = "skipped"  # output existed and the run's policy was "skip"
    FAILED = "failed"  # remote FAILED or a local failure (see `failed_stage`, `error`)
    PAYMENT_REQUIRED = "payment_required"  # not enough credits; retry after a top-up
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATES

    @property
    def is_active(self) -> bool:
        return self in ACTIVE_STATES

    @property
    def is_retryable(self) -> bool:
        return self in (JobState.FAILED, JobState.PAYMENT_REQUIRED, JobState.CANCELLED)


FINAL_STATES = frozenset(
    {
        JobState.REJECTED,
        JobState.DONE,
        JobState.SKIPPED,
        JobState.FAILED,
        JobState.PAYMENT_REQUIRED,
        JobState.CANCELLED,
    }
)
ACTIVE_STATES = frozenset(
    {
        JobState.HASHING,
        JobState.UPLOADING,
        JobState.CREATING,
        JobState.PROCESSING,
        JobState.IN_QA,
        JobState.DOWNLOADING,
    }
)


class Review(enum.StrEnum):
    """A retoucher's verdict on a result, set in the viewer. Stored by value."""

    NONE = ""
    ACCEPTED = "accepted"
    REJECTED = "rejected"


# A field with this metadata is shown but never stored: it means nothing after a restart.
TRANSIENT = {"transient": True}


@dataclass
class Job:
    """Every field but the transient ones is a column of the journal's `jobs` table, by name."""

    id: str  # local UUID, stable for the job's whole life (the model's key)
    batch_id: str
    input_path: str  # absolute path of the original
    name: str  # the input's file name, as shown and sent to the server
    seq: int = 0  # position in its batch: the table's order and the template's {n} - 1
    relative_path: str = ""  # POSIX path below the batch's root, for the mirror layout
    state: JobState = JobState.QUEUED
    size: int = 0  # input bytes
    content_type: str = ""  # detected from content, e.g. image/jpeg
    width: int = 0  # the input's stored pixel size, from its header
    height: int = 0
    upload_path: str = ""  # a scaled copy sent in the input's place (see engine.upload_size)
    content_hash: str = ""  # lowercase hex SHA-256 of what is uploaded
    deduped: bool = False  # the server already had the bytes; upload skipped
    create_sent_at: float = 0.0  # unix time the last create left with no answer yet; else 0
    execution_id: str = ""
    remote_status: str = ""  # last autoretouch status seen (CREATED, ACTIVE, ...)
    result_hash: str = ""
    result_name: str = ""  # server's resultFileName, untrusted
    result_path: str = ""  # server's resultPath, untrusted (a download URL path)
    result_content_type: str = ""  # server's resultContentType
    target_path: str = ""  # where the download is being saved (known leftovers are cleaned)
    output_path: str = ""  # where the verified result was saved
    credits: int = 0  # charged for this job (0 until known)
    credits_missing: int = 0  # for PAYMENT_REQUIRED: how many credits the balance lacked
    error: str = ""  # human-readable reason for REJECTED / FAILED / PAYMENT_REQUIRED
    failed_stage: str = ""  # the JobState value of the stage that failed locally, if any
    progress: float = field(default=0.0, metadata=TRANSIENT)  # 0..1 within the stage
    attempts: int = 0
    review: Review = Review.NONE
    version: int = 1  # which result is current: 1, then one more per re-run (earlier: journal)
    # A re-run's own workflow, its version pinned when it was asked for; "" means the batch's.
    workflow_id: str = ""
    workflow_name: str = ""
    workflow_version: str = ""
    created_at: float = 0.0  # unix seconds
    started_at: float = 0.0  # first left QUEUED
    finished_at: float = 0.0  # reached a final state

    @property
    def execution_label(self) -> str:
        """What its execution carries as the job label: each version its own, so that finding
        a re-run's execution after a crash never adopts an earlier version's."""
        return self.id if self.version <= 1 else f"{self.id}.v{self.version}"

    @property
    def duration(self) -> float:
        if not self.started_at:
            return 0.0
        end = self.finished_at or 0.0
        return max(0.0, end - self.started_at) if end else 0.0


def stored_fields() -> tuple[Field[Any], ...]:
    """The job's fields that the journal keeps, in declaration order."""
    return tuple(f for f in fields(Job) if not f.metadata.get("transient"))
