"""A job's results over time: the first one, then one per re-run with another workflow.

The job's own fields describe its current result; each earlier one is kept as a
`ResultVersion` (in the journal's `result_versions`), so the viewer can show "version 1 of 2"
and nothing a retoucher saw is lost when the job goes again.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.jobs import Review


@dataclass(frozen=True)
class ResultVersion:
    job_id: str
    version: int  # 1 for the first result
    state: str  # the JobState value the job had with this result: done, skipped, failed...
    execution_id: str
    workflow_id: str
    workflow_name: str
    workflow_version: str
    result_hash: str  # the server's sha256 of the result
    result_name: str  # the server's resultFileName, untrusted
    result_path: str  # the server's resultPath, untrusted (a download URL path)
    result_content_type: str
    output_path: str  # where it was saved; "" when it never was (skipped, failed)
    credits: int
    review: Review  # the verdict it had
    finished_at: float
    current: bool = False  # the job's current result (the others are earlier ones)
