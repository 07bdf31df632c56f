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
from ui.i18n import translate


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


def label_of(action: JobAction) -> str:
    """The entry's words in the window's language (the enum's value is its English name)."""
    labels = {
        JobAction.RETRY: translate("JobMenu", "Retry"),
        JobAction.RETRY_ALL_FAILED: translate("JobMenu", "Retry all failed"),
        JobAction.COMPARE: translate("JobMenu", "Compare before/after"),
        JobAction.OPEN_RESULT: translate("JobMenu", "Open result"),
        JobAction.SHOW_IN_FOLDER: translate("JobMenu", "Show in folder"),
        JobAction.OPEN_ORIGINAL: translate("JobMenu", "Open original"),
        JobAction.COPY_EXECUTION_ID: translate("JobMenu", "Copy execution ID"),
        JobAction.REMOVE: translate("JobMenu", "Remove from list"),
        JobAction.CANCEL: translate("JobMenu", "Cancel"),
    }
    return labels[action]


def _count(action: JobAction, n: int) -> str:
    label = label_of(action)
    return translate("JobMenu", "{label} ({n})").format(label=label, n=n) if n > 1 else label


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

    compare_tip = (
        "" if viewer_available else translate("JobMenu", "The before/after viewer is not available")
    )
    entries: list[MenuEntry | None] = [
        MenuEntry(JobAction.RETRY, bool(retryable), _count(JobAction.RETRY, len(retryable))),
        MenuEntry(JobAction.RETRY_ALL_FAILED, any_failed, label_of(JobAction.RETRY_ALL_FAILED)),
        SEPARATOR,
        MenuEntry(
            JobAction.COMPARE,
            bool(with_result) and viewer_available,
            label_of(JobAction.COMPARE),
            compare_tip,
        ),
        MenuEntry(
            JobAction.OPEN_RESULT, single and bool(with_result), label_of(JobAction.OPEN_RESULT)
        ),
        MenuEntry(
            JobAction.SHOW_IN_FOLDER,
            single and bool(with_result),
            label_of(JobAction.SHOW_IN_FOLDER),
        ),
        MenuEntry(JobAction.OPEN_ORIGINAL, single, label_of(JobAction.OPEN_ORIGINAL)),
        SEPARATOR,
        MenuEntry(
            JobAction.COPY_EXECUTION_ID,
            bool(with_execution),
            translate("JobMenu", "Copy execution IDs")
            if len(with_execution) > 1
            else label_of(JobAction.COPY_EXECUTION_ID),
        ),
        SEPARATOR,
        MenuEntry(JobAction.CANCEL, bool(cancellable), _count(JobAction.CANCEL, len(cancellable))),
        MenuEntry(
            JobAction.REMOVE,
            bool(removable),
            _count(JobAction.REMOVE, len(removable)),
            ""
            if removable or not jobs
            else translate("JobMenu", "Cancel running jobs before removing them"),
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
