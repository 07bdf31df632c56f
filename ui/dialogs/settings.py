"""Settings: where results go and how they are named, concurrency, hot folder, notifications.

The dialog edits a copy and writes back only on OK, so Cancel really cancels. The name
template shows a live preview rendered by the engine's own naming code, so what the preview
says is exactly what the engine will write.
"""

from __future__ import annotations

import dataclasses
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.choices import Language, Layout, OnExists
from app.engine.naming import NameContext, NamingError, render_name
from app.store.settings import Settings
from ui.dialogs.fit import keep_wrapped_text_whole
from ui.i18n import choose_language, translate

# Each language named in itself, as language menus do: someone who cannot read the current
# language still finds their own.
LANGUAGE_NAMES = {Language.ENGLISH: "English", Language.GERMAN: "Deutsch"}


def layouts() -> list[tuple[Layout, str]]:
    """The dialog's wording for each choice; the choices themselves are declared in app.domain.
    (Functions, not constants: the words are looked up after the translator is installed.)"""
    return [
        (
            Layout.MIRROR,
            translate("SettingsDialog", "Copy of the folder structure in the output folder"),
        ),
        (Layout.FOLDER, translate("SettingsDialog", "Everything in the output folder")),
        (
            Layout.BESIDE,
            translate("SettingsDialog", "A \u201cretouched\u201d folder next to each original"),
        ),
    ]


def on_exists_choices() -> list[tuple[OnExists, str]]:
    return [
        (OnExists.UNIQUE, translate("SettingsDialog", "Keep both (add a number)")),
        (OnExists.SKIP, translate("SettingsDialog", "Skip the image")),
        (OnExists.OVERWRITE, translate("SettingsDialog", "Replace the existing file")),
    ]


def languages() -> list[tuple[Language, str]]:
    system = LANGUAGE_NAMES[Language(choose_language(Language.SYSTEM))]
    return [
        (
            Language.SYSTEM,
            translate("SettingsDialog", "As the system ({language})").format(language=system),
        ),
        *LANGUAGE_NAMES.items(),
    ]


def preview_name(template: str, workflow: str = "Background to white") -> str:
    """What `IMG_0042.jpg` would be saved as; raises NamingError with the reason."""
    ctx = NameContext(
        stem="IMG_0042",
        ext=".png",
        workflow=workflow,
        batch="ORDER " + time.strftime("%Y-%m-%d %H:%M:%S"),
        date=time.strftime("%Y-%m-%d"),
        n=7,
    )
    return str(render_name(template, ctx))


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(translate("SettingsDialog", "Settings"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        keep_wrapped_text_whole(self)
        self._original = settings

        # Output
        output_box = QGroupBox(translate("SettingsDialog", "Results"))
        output_form = QFormLayout(output_box)
        self.layout_combo = QComboBox()
        for layout_choice, label in layouts():
            self.layout_combo.addItem(label, layout_choice)
        self.output_edit = QLineEdit()
        self.output_edit.setPlaceholderText(
            translate(
                "SettingsDialog",
                "Default: a \u201c<folder> retouched\u201d folder beside the originals",
            )
        )
        browse = QPushButton(translate("SettingsDialog", "Choose…"))
        browse.clicked.connect(self._choose_output)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output_edit, 1)
        output_row.addWidget(browse)
        self.template_edit = QLineEdit()
        self.template_edit.setToolTip(
            translate(
                "SettingsDialog",
                "Tokens: {stem} {ext} {workflow} {batch} {date} {n}; a / makes subfolders",
            )
        )
        self.preview_label = QLabel()
        self.preview_label.setObjectName("namePreview")
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.exists_combo = QComboBox()
        for policy, label in on_exists_choices():
            self.exists_combo.addItem(label, policy)
        output_form.addRow(translate("SettingsDialog", "Save &to:"), self.layout_combo)
        output_label = QLabel(translate("SettingsDialog", "&Output folder:"))
        output_label.setBuddy(self.output_edit)
        output_form.addRow(output_label, output_row)
        output_form.addRow(translate("SettingsDialog", "&Name template:"), self.template_edit)
        output_form.addRow("", self.preview_label)
        output_form.addRow(translate("SettingsDialog", "If the file &exists:"), self.exists_combo)

        # Speed
        speed_box = QGroupBox(translate("SettingsDialog", "Speed"))
        speed_form = QFormLayout(speed_box)
        self.uploads_spin = QSpinBox()
        self.uploads_spin.setRange(1, 32)
        self.downloads_spin = QSpinBox()
        self.downloads_spin.setRange(1, 32)
        self.hashing_spin = QSpinBox()
        self.hashing_spin.setRange(1, 16)
        self.hashing_spin.setToolTip(
            translate("SettingsDialog", "Files read and fingerprinted at once before uploading")
        )
        speed_form.addRow(translate("SettingsDialog", "Parallel &uploads:"), self.uploads_spin)
        speed_form.addRow(translate("SettingsDialog", "Parallel &downloads:"), self.downloads_spin)
        speed_form.addRow(translate("SettingsDialog", "Files h&ashed at once:"), self.hashing_spin)
        # The running engine takes new limits at once (Engine.apply_settings); a lowered
        # limit lets what is running finish rather than cut a transfer off: say exactly that.
        speed_note = QLabel(
            translate(
                "SettingsDialog",
                "Applies at once, mid-batch too. Lowering a limit never cuts off a running"
                " upload or download: new ones start as the running ones finish.",
            )
        )
        speed_note.setObjectName("speedNote")
        speed_note.setWordWrap(True)
        speed_note.setEnabled(False)
        speed_form.addRow(speed_note)

        # Hot folder and notifications
        auto_box = QGroupBox(translate("SettingsDialog", "Automation"))
        auto_form = QFormLayout(auto_box)
        self.hot_check = QCheckBox(
            translate("SettingsDialog", "Process new images that appear in a &hot folder")
        )
        self.hot_edit = QLineEdit()
        hot_browse = QPushButton(translate("SettingsDialog", "Choose…"))
        hot_browse.clicked.connect(self._choose_hot)
        hot_row = QHBoxLayout()
        hot_row.addWidget(self.hot_edit, 1)
        hot_row.addWidget(hot_browse)
        self.notify_check = QCheckBox(
            translate("SettingsDialog", "Show a desktop &notification when a batch finishes")
        )
        auto_form.addRow(self.hot_check)
        hot_label = QLabel(translate("SettingsDialog", "Hot &folder:"))
        hot_label.setBuddy(self.hot_edit)
        auto_form.addRow(hot_label, hot_row)
        auto_form.addRow(self.notify_check)
        self.hot_check.toggled.connect(self.hot_edit.setEnabled)
        self.hot_check.toggled.connect(hot_browse.setEnabled)

        # Language: read once at start-up (ui.i18n), so a change waits for the next start.
        language_box = QGroupBox(translate("SettingsDialog", "Language"))
        language_form = QFormLayout(language_box)
        self.language_combo = QComboBox()
        for language, label in languages():
            self.language_combo.addItem(label, language.value)
        language_label = QLabel(translate("SettingsDialog", "&Language:"))
        language_label.setBuddy(self.language_combo)
        language_form.addRow(language_label, self.language_combo)
        language_note = QLabel(
            translate(
                "SettingsDialog",
                "Applies at the next start. Numbers, dates and prices follow the language.",
            )
        )
        language_note.setWordWrap(True)
        language_note.setEnabled(False)
        language_form.addRow(language_note)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(output_box)
        layout.addWidget(speed_box)
        layout.addWidget(auto_box)
        layout.addWidget(language_box)
        layout.addWidget(self.buttons)

        self.template_edit.textChanged.connect(self._update_preview)
        self.layout_combo.currentIndexChanged.connect(self._layout_changed)
        self._load(settings)

    def _load(self, s: Settings) -> None:
        self.layout_combo.setCurrentIndex(max(0, self.layout_combo.findData(s.layout)))
        self.output_edit.setText(s.output_folder)
        self.template_edit.setText(s.name_template)
        self.exists_combo.setCurrentIndex(max(0, self.exists_combo.findData(s.on_exists)))
        self.uploads_spin.setValue(s.upload_concurrency)
        self.downloads_spin.setValue(s.download_concurrency)
        self.hashing_spin.setValue(s.hash_concurrency)
        self.hot_check.setChecked(s.hot_folder_enabled)
        self.hot_edit.setText(s.hot_folder_path)
        self.hot_edit.setEnabled(s.hot_folder_enabled)
        self.notify_check.setChecked(s.notifications)
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(s.language)))
        self._update_preview()
        self._layout_changed()

    def values(self) -> Settings:
        """The edited settings as a new object (the original is untouched until apply_to)."""
        return dataclasses.replace(
            self._original,
            layout=self.layout_combo.currentData(),
            output_folder=self.output_edit.text().strip(),
            name_template=self.template_edit.text(),
            on_exists=self.exists_combo.currentData(),
            upload_concurrency=self.uploads_spin.value(),
            download_concurrency=self.downloads_spin.value(),
            hash_concurrency=self.hashing_spin.value(),
            hot_folder_enabled=self.hot_check.isChecked() and bool(self.hot_edit.text().strip()),
            hot_folder_path=self.hot_edit.text().strip(),
            notifications=self.notify_check.isChecked(),
            language=self.language_combo.currentData(),
        )

    def apply_to(self, settings: Settings) -> None:
        for f in dataclasses.fields(Settings):
            setattr(settings, f.name, getattr(self.values(), f.name))

    def _update_preview(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            name = preview_name(self.template_edit.text())
        except NamingError as exc:
            self.preview_label.setText(f"\u26a0 {exc}")
            self.preview_label.setStyleSheet("color: #d64541;")
            ok.setEnabled(False)
            return
        self.preview_label.setText(f"IMG_0042.jpg \u2192 {name}")
        self.preview_label.setStyleSheet("")
        ok.setEnabled(True)

    def _layout_changed(self, *_args: object) -> None:
        # "Beside" needs no output folder; greying it out says so without words.
        self.output_edit.setEnabled(self.layout_combo.currentData() != "beside")

    def _choose_output(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, translate("SettingsDialog", "Output folder"), self.output_edit.text()
        )
        if folder:
            self.output_edit.setText(folder)

    def _choose_hot(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, translate("SettingsDialog", "Hot folder"), self.hot_edit.text()
        )
        if folder:
            self.hot_edit.setText(folder)
