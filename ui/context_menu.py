"""The job table's context menu, decided by a plain function of the selected jobs.

`menu_actions(jobs, any_failed=...)` says which entries exist and which are enabled; it knows
nothing about widgets, so tests check it directly. `build_menu` only turns that list into a
QMenu whose triggers call back with the action id.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.jobs import Job, JobState
from ui import icons


class JobAction(enum.Enum):
    RETRY = "Retry"
    RETRY_ALL_FAILED = "Retry all failed"
    COMPARE = "Compare before/after"
    OPEN_RESULT = "Open result"
    SHOW_IN_FOLDER = "Show in folder"
    OPEN_ORIGINAL = "Open original"
    COPY_EXECUTION_ID = "Copy execution ID"
    REMOVE = "Remove from list"
    CANCEL = "Cancel"


@dataclass(frozen=True)
class MenuEntry:
    action: JobAction
    enabled: bool
    label: str
    tooltip: str = ""


SEPARATOR = None  # marks a separator in the list of entries

ICONS: dict[JobAction, str] = {
    JobAction.RETRY: "retry",
    JobAction.RETRY_ALL_FAILED: "retry",
    JobAction.COMPARE: "compare",
    JobAction.COPY_EXECUTION_ID: "copy",
    JobAction.SHOW_IN_FOLDER: "add-folder",
    JobAction.OPEN_ORIGINAL: "photo",
    JobAction.CANCEL: "cancel",
}

SHORTCUTS: dict[JobAction, str] = {
    JobAction.COMPARE: "Return",
    JobAction.REMOVE: "Delete",
    JobAction.COPY_EXECUTION_ID: "Ctrl+Shift+C",
    JobAction.RETRY: "Ctrl+R",
}


def _count(label: str, n: int) -> str:
    return f"{label} ({n})" if n > 1 else label


def menu_actions(
    jobs: Sequence[Job],
    *,
    any_failed: bool = False,
    viewer_available: bool = True,
) -> list[MenuEntry | None]:
    """Entries for a selection. `any_failed`: some job in the whole list can be retried."""
    retryable = [j for j in jobs if j.state.is_retryable]
    with_result = [j for j in jobs if j.state is JobState.DONE and j.output_path]
    cancellable = [j for j in jobs if not j.state.is_final]
    removable = [j for j in jobs if not j.state.is_active]
    with_execution = [j for j in jobs if j.execution_id]
    single = len(jobs) == 1

    compare_tip = "" if viewer_available else "The before/after viewer is not available"
    entries: list[MenuEntry | None] = [
        MenuEntry(JobAction.RETRY, bool(retryable), _count("Retry", len(retryable))),
        MenuEntry(JobAction.RETRY_ALL_FAILED, any_failed, JobAction.RETRY_ALL_FAILED.value),
        SEPARATOR,
        MenuEntry(
            JobAction.COMPARE,
            bool(with_result) and viewer_available,
            JobAction.COMPARE.value,
            compare_tip,
        ),
        MenuEntry(JobAction.OPEN_RESULT, single and bool(with_result), JobAction.OPEN_RESULT.value),
        MenuEntry(
            JobAction.SHOW_IN_FOLDER, single and bool(with_result), JobAction.SHOW_IN_FOLDER.value
        ),
        MenuEntry(JobAction.OPEN_ORIGINAL, single, JobAction.OPEN_ORIGINAL.value),
        SEPARATOR,
        MenuEntry(
            JobAction.COPY_EXECUTION_ID,
            bool(with_execution),
            "Copy execution IDs" if len(with_execution) > 1 else JobAction.COPY_EXECUTION_ID.value,
        ),
        SEPARATOR,
        MenuEntry(JobAction.CANCEL, bool(cancellable), _count("Cancel", len(cancellable))),
        MenuEntry(
            JobAction.REMOVE,
            bool(removable),
            _count("Remove from list", len(removable)),
            "" if removable or not jobs else "Cancel running jobs before removing them",
        ),
    ]
    return entries


def build_menu(
    parent: QWidget,
    entries: Sequence[MenuEntry | None],
    on_action: Callable[[JobAction], None],
) -> QMenu:
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    for entry in entries:
        if entry is None:
            menu.addSeparator()
            continue
        action = menu.addAction(entry.label)
        icon_name = ICONS.get(entry.action)
        if icon_name:
            action.setIcon(icons.icon(icon_name))
        action.setEnabled(entry.enabled)
        action.setData(entry.action.value)
        if entry.tooltip:
            action.setToolTip(entry.tooltip)
        shortcut = SHORTCUTS.get(entry.action)
        if shortcut:
            # Shown as a hint only; the window owns the real shortcuts.
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False, a=entry.action: on_action(a))
    return menu
