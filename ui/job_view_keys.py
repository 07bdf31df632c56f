"""The job list's own keys: handled by the view's key handler rather than by actions, so
declared here, once, for the handler (`JobTableView.keyPressEvent`) and for the shortcuts
sheet, which lists what this says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt

from ui.i18n import translate


class ListVerb(Enum):
    OPEN = "open"  # the selected jobs in the viewer
    REMOVE = "remove"  # the selected jobs off the list


@dataclass(frozen=True)
class ListKey:
    verb: ListVerb
    keys: tuple[Qt.Key, ...]


LIST_KEYS = (
    ListKey(ListVerb.OPEN, (Qt.Key.Key_Return, Qt.Key.Key_Enter)),
    ListKey(ListVerb.REMOVE, (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)),
)


def verb_for(key: int) -> ListVerb | None:
    """The list's verb for a key pressed without modifiers, or None (the view's own)."""
    return next((k.verb for k in LIST_KEYS if key in k.keys), None)


def sheet_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for the shortcuts sheet, translated when asked."""
    words = {
        ListVerb.OPEN: (
            translate("ShortcutsSheet", "Enter"),
            translate("ShortcutsSheet", "open the selected jobs in the viewer"),
        ),
        ListVerb.REMOVE: (
            translate("ShortcutsSheet", "Delete"),
            translate("ShortcutsSheet", "take the selected jobs off the list"),
        ),
    }
    return [words[k.verb] for k in LIST_KEYS]
