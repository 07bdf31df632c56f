"""A job's result versions in the viewer: "version 1 of 2", and stepping between them.

A job re-run with another workflow keeps its earlier results (app.domain.versions). The owner
of the viewer hands it the versions of a job (`CompareViewer.set_versions`); the viewer shows
the current one (the newest) first, and V / Shift+V step through the others. What a version
is, for the viewer, is one more result file beside the same original.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from ui.viewer.item import ViewerItem


@dataclass(frozen=True)
class ViewerVersion:
    number: int  # 1 for the first result
    result_path: str  # "" when it was never saved (a failed or skipped run)
    workflow_name: str = ""
    current: bool = False  # the job's current result


class VersionSteps:
    """Per job: its versions (oldest first) and which one the viewer shows."""

    def __init__(self) -> None:
        self._versions: dict[str, tuple[ViewerVersion, ...]] = {}
        self._shown: dict[str, int] = {}  # job id -> index into its versions

    def set(self, job_id: str, versions: list[ViewerVersion]) -> None:
        """Take a job's versions; the current one is shown (the last, if none is marked)."""
        kept = tuple(versions)
        if not kept:
            self._versions.pop(job_id, None)
            self._shown.pop(job_id, None)
            return
        self._versions[job_id] = kept
        current = [i for i, version in enumerate(kept) if version.current]
        self._shown[job_id] = current[-1] if current else len(kept) - 1

    def shown(self, job_id: str) -> ViewerVersion | None:
        """The version shown for the job, or None when it has no earlier one to choose."""
        versions = self._versions.get(job_id, ())
        if len(versions) < 2:
            return None
        return versions[self._shown[job_id]]

    def is_current(self, job_id: str) -> bool:
        """True unless an earlier result of the job is shown."""
        version = self.shown(job_id)
        return version is None or version.current

    def applied(self, item: ViewerItem) -> ViewerItem:
        """`item` with the result of the version shown."""
        version = self.shown(item.job_id)
        if version is None or version.current:
            return item
        return dataclasses.replace(item, result_path=version.result_path)

    def step(self, job_id: str, steps: int) -> bool:
        """Show the next (positive) or previous version, round the end; True if it changed."""
        versions = self._versions.get(job_id, ())
        if len(versions) < 2:
            return False
        self._shown[job_id] = (self._shown[job_id] + steps) % len(versions)
        return True

    def describe(self, job_id: str) -> str:
        """'version 1 of 2' (with the workflow, when known), or '' for a single result."""
        version = self.shown(job_id)
        if version is None:
            return ""
        count = len(self._versions[job_id])
        text = QCoreApplication.translate("ViewerVersions", "version {number} of {count}").format(
            number=self._shown[job_id] + 1, count=count
        )
        if version.workflow_name:
            text += f" ({version.workflow_name})"
        return text
