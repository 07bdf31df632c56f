"""What a window shows in words, and whether each word came through the translator.

`visible_texts(widget)` walks a widget tree the way a user reads it: labels, buttons, group
titles, tabs, placeholders, tool tips, window titles, actions (menus and tool bars), combo box
entries and the header and cells of every item view. `Catalogue` holds the German messages of
retouchdesk_de.ts as patterns (a `{placeholder}` or `%Ln` matches anything), so a text
assembled from a translated message still counts as translated.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

TS_FOLDER = Path(__file__).resolve().parents[2] / "resources" / "translations"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%L?n")
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    translations: tuple[str, ...]  # one, or a plural's forms
    unfinished: bool


def messages(path: Path) -> list[Message]:
    found = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [f.text or "" for f in translation.iter("numerusform")]
            texts = tuple(forms) if message.get("numerus") == "yes" else (translation.text or "",)
            found.append(
                Message(
                    name,
                    message.findtext("source") or "",
                    texts,
                    translation.get("type") in ("unfinished", "vanished", "obsolete"),
                )
            )
    return found


def readable(text: str) -> str:
    """As a reader sees it: no accelerator '&', a line per rich-text block or cell, and no
    trailing '…' (a tool button drops it from its action's text)."""
    text = TAG.sub("\n", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    text = html.unescape(text)
    lines = (
        line.strip().removesuffix("…").removesuffix("...").strip() for line in text.splitlines()
    )
    return "\n".join(line for line in lines if line)


def pattern_of(message_text: str) -> re.Pattern[str]:
    parts = PLACEHOLDER.split(readable(message_text))
    return re.compile(".+?".join(re.escape(p) for p in parts), re.DOTALL)


@dataclass
class Catalogue:
    german: list[re.Pattern[str]] = field(default_factory=list)
    english: dict[str, str] = field(default_factory=dict)  # readable source -> its context

    @classmethod
    def load(cls, path: Path = TS_FOLDER / "retouchdesk_de.ts") -> Catalogue:
        catalogue = cls()
        for message in messages(path):
            catalogue.english[readable(message.source)] = message.context
            catalogue.german.extend(pattern_of(t) for t in message.translations if t)
        return catalogue

    def translated(self, text: str) -> bool:
        """`text` (readable) is a German message, or a line or "·"-joined part of one."""
        return any(p.fullmatch(text) for p in self.german) or all(
            any(p.fullmatch(part.strip()) for p in self.german) for part in text.split("·")
        )


def column_count(model: QAbstractItemModel) -> int:
    # A list model (QListWidget's) has one column and does not expose columnCount.
    if isinstance(model, QAbstractListModel):
        return 1
    return model.columnCount(QModelIndex())


def model_texts(model: QAbstractItemModel) -> Iterator[tuple[str, str]]:
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    for column in range(column_count(model)):
        for role in (*roles, Qt.ItemDataRole.AccessibleTextRole):
            value = model.headerData(column, Qt.Orientation.Horizontal, role)
            if isinstance(value, str):
                yield f"header {column}", value
    for row in range(model.rowCount(QModelIndex())):
        for column in range(column_count(model)):
            index = model.index(row, column, QModelIndex())
            for role in roles:
                value = model.data(index, role)
                if isinstance(value, str):
                    yield f"cell {row},{column}", value


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every word `root` and its children can show."""
    widgets: Iterable[QWidget] = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        where = f"{type(widget).__name__} {widget.objectName()}".strip()
        if widget.isWindow():
            yield f"{where} title", widget.windowTitle()
        yield f"{where} tooltip", widget.toolTip()
        yield f"{where} accessible name", widget.accessibleName()
        yield f"{where} accessible description", widget.accessibleDescription()
        if isinstance(widget, QLabel | QAbstractButton):
            yield where, widget.text()
        elif isinstance(widget, QGroupBox):
            yield where, widget.title()
        elif isinstance(widget, QLineEdit):
            yield f"{where} placeholder", widget.placeholderText()
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                yield f"{where} tab {i}", widget.tabText(i)
        if isinstance(widget, QComboBox) and not widget.isEditable():
            for i in range(widget.count()):
                yield f"{where} item {i}", widget.itemText(i)
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            for place, text in model_texts(widget.model()):
                yield f"{where} {place}", text
        for action in widget.actions():
            yield f"{where} action", action.text()
            yield f"{where} action tip", action.toolTip()
