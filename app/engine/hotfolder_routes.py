"""A folder per workflow: `incoming/<workflow name>/...` is processed with that workflow.

Studios set up one hot folder and a subfolder for each treatment ("Background to white",
"Transparent cut-out"); whoever drops a file picks the workflow by where they drop it. The name
is matched as on the command line: the workflow's id, its name in any case, or a loose form of
it ("cutout" finds "Transparent cut-out"), so folder names need no punctuation a file system may
not like. A folder that names no workflow (a typo, a workflow deleted since) is not guessed at:
its files fail with the reason and the list of workflows there are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import PurePosixPath

from app.api.client import AutoretouchClient
from app.api.models import Workflow

log = logging.getLogger(__name__)

# A folder made for a workflow created a moment ago must not wait for a restart: an unknown
# name makes the list be read again, at most this often.
RELIST_AFTER = 30.0


def match_workflow(workflows: Sequence[Workflow], wanted: str) -> Workflow | None:
    """The one workflow `wanted` names, or None (no match, or more than one)."""

    def loose(text: str) -> str:
        return "".join(c for c in text.casefold() if c.isalnum())

    for matches in (
        lambda w: w.id == wanted,
        lambda w: w.name.casefold() == wanted.casefold(),
        lambda w: bool(loose(wanted)) and loose(wanted) in loose(w.name),
    ):
        found = [w for w in workflows if matches(w)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return None
    return None


class WorkflowFolders:
    def __init__(self, client: AutoretouchClient, org_id: str) -> None:
        self._client = client
        self._org_id = org_id
        self._workflows: list[Workflow] = []
        self._listed_at = float("-inf")

    async def route(self, relative: str) -> tuple[Workflow | None, str]:
        """The workflow for a file at `relative` (POSIX, below the hot folder), or the reason
        there is none."""
        parts = PurePosixPath(relative).parts
        if len(parts) < 2:
            return None, "files go into a workflow's folder, not directly into the hot folder"
        folder = parts[0]
        found = match_workflow(self._workflows, folder)
        if found is None and time.monotonic() - self._listed_at >= RELIST_AFTER:
            self._workflows = await self._client.list_workflows(self._org_id)
            self._listed_at = time.monotonic()
            found = match_workflow(self._workflows, folder)
        if found is not None:
            return found, ""
        names = ", ".join(repr(w.name) for w in self._workflows) or "none"
        return None, f"no single workflow is named {folder!r} (there are: {names})"
