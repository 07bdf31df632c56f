"""What the viewer shows for one job: the two files to compare and the facts for the info line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ViewerItem:
    """One job as the viewer sees it.

    `result_path` may be empty while the job is still processing (or failed): the viewer then
    shows the original only and says so, instead of refusing to open.
    """

    job_id: str
    original_path: str
    result_path: str
    title: str
    status: str = ""
    credits: int = 0
    review: str = ""  # "accepted", "rejected" or "" (not reviewed yet)
