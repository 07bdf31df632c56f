"""German and English: the sources are complete, the window speaks German when asked, and
numbers, money and dates follow the language.

The walk starts the real window in German on a sandbox with finished and failed jobs, opens
its dialogs, and fails on any text that is not a German message: an English text in a German
window is either a string never marked for translation or one the .ts lacks.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import copy_samples, run, run_batch, until
from visible_text import TS_FOLDER, Catalogue, messages, readable, visible_texts

from app.engine.batch_queue import RunEstimate
from ui import i18n

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = re.compile(r"\{[a-z_]+\}")


# --- the sources ---------------------------------------------------------------------------------
def test_the_sources_hold_exactly_the_messages_of_the_code() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import update_translations
    finally:
        sys.path.remove(str(ROOT / "tools"))
    # A fresh lupdate over the code, merged into a copy of each source, changes nothing.
    assert update_translations.main(["--check"]) == 0


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_message_is_translated_with_its_placeholders_and_one_accelerator(
    language: str,
) -> None:
    found = messages(TS_FOLDER / f"retouchdesk_{language}.ts")
    assert found, "no messages"
    problems = []
    for m in found:
        where = f"{m.context}: {m.source!r}"
        if m.unfinished or not all(m.translations):
            problems.append(f"{where} is not translated")
            continue
        for text in m.translations:
            if sorted(PLACEHOLDERS.findall(text)) != sorted(PLACEHOLDERS.findall(m.source)):
                problems.append(f"{where}: placeholders differ in {text!r}")
            if ("%Ln" in m.source) != ("%Ln" in text):
                problems.append(f"{where}: the count is missing in {text!r}")
            if m.source.replace("&&", "").count("&") != text.replace("&&", "").count("&"):
                problems.append(f"{where}: accelerator lost or doubled in {text!r}")
        if "%Ln" in m.source and len(m.translations) != 2:
            problems.append(
                f"{where}: {len(m.translations)} plural forms, German and English have 2"
            )
    assert not problems, "\n".join(problems)


def test_english_holds_the_plural_forms_only() -> None:
    english = messages(TS_FOLDER / "retouchdesk_en.ts")
    german_plurals = {
        m.source for m in messages(TS_FOLDER / "retouchdesk_de.ts") if "%Ln" in m.source
    }
    assert {m.source for m in english} == german_plurals


# --- choosing the language --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("choice", "environ", "expected"),
    [
        ("system", {"LANGUAGE": "fr:de", "LANG": "en_US.UTF-8"}, "de"),
        ("system", {"LC_ALL": "de_AT.UTF-8"}, "de"),
        ("system", {"LC_MESSAGES": "C", "LANG": "de_CH@euro"}, "de"),
        ("system", {"LANG": "C.UTF-8"}, "en"),
        ("system", {"LANGUAGE": "fr", "LANG": "ja_JP"}, "en"),
        ("en", {"LANG": "de_DE.UTF-8"}, "en"),
        ("de", {}, "de"),
    ],
)
def test_the_language_follows_settings_then_the_system(
    choice: str, environ: dict[str, str], expected: str
) -> None:
    assert i18n.choose_language(choice, environ) == expected


@pytest.fixture
def german(qapp: Any, english_window: Any, tmp_path: Path) -> Iterator[i18n.LanguageSetup]:
    """The app's and Qt's German, over the session's English; English again afterwards."""
    setup = i18n.install("de", qapp, cache=tmp_path / "translations")
    assert setup.language == "de" and len(setup.translators) == 2  # ours and Qt's qtbase
    yield setup
    i18n.uninstall(setup)
    from PySide6.QtCore import QLocale

    QLocale.setDefault(english_window.locale)


def test_numbers_money_and_counts_follow_the_language(german: i18n.LanguageSetup) -> None:
    from ui.locale_format import duration, money, number, percent

    # A no-break space keeps an amount and its sign on one line, as German typesetting does.
    assert money(10) == "0,10\u00a0€"
    assert money(123456) == "1.234,56\u00a0€"
    assert money(-120) == "-1,20\u00a0€"
    assert number(1234567) == "1.234.567"
    assert duration(4.2) == "4,2 s"
    assert percent(0.42) == "42 %"
    assert i18n.Plural.tr("Added %Ln image(s)", "", 1) == "1 Bild hinzugefügt"
    assert i18n.Plural.tr("Added %Ln image(s)", "", 1200) == "1.200 Bilder hinzugefügt"
    assert i18n.translate("JobState", "Needs credits") == "Guthaben fehlt"
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Abbrechen"  # Qt's own


def test_english_money_and_plurals(english_window: Any) -> None:
    from ui.locale_format import money, number

    assert money(10) == "€0.10"
    assert number(1234567) == "1,234,567"
    assert i18n.Plural.tr("Added %Ln image(s)", "", 1) == "Added 1 image"
    assert i18n.Plural.tr("Added %Ln image(s)", "", 3) == "Added 3 images"


# --- the window in German ----------------------------------------------------------------------
# Texts that are the same in every language: names, the service's own words, data.
NAMES = {"Retouch Desk", "autoretouch", "English", "Deutsch", "https://api.example.com"}


def qt_own_words() -> set[str]:
    """What Qt itself writes (standard buttons, tab scrolling), in its own translation."""
    from PySide6.QtCore import QCoreApplication

    buttons = ["OK", "Cancel", "Close", "Apply", "Save", "Open", "Yes", "No", "Help", "Reset"]
    words = {QCoreApplication.translate("QPlatformTheme", b) for b in buttons}
    words |= {QCoreApplication.translate("QTabBar", s) for s in ("Scroll Left", "Scroll Right")}
    return {readable(w) for w in words}


def untranslated(
    catalogue: Catalogue, texts: Iterator[tuple[str, str]], data: set[str]
) -> list[str]:
    """The visible lines that are neither a German message nor a name, Qt's word or data."""
    allowed = NAMES | data | qt_own_words()
    wrong = []
    for where, text in texts:
        for line in readable(text).splitlines():
            if not re.search(r"[A-Za-zÄÖÜäöüß]{2,}", line):  # numbers, money, symbols
                continue
            if (
                line in allowed
                or catalogue.translated(line)
                or catalogue.translated(readable(text))
            ):
                continue
            wrong.append(f"{where}: {line!r}")
    return sorted(set(wrong))


def test_the_window_and_its_dialogs_speak_german(
    german: i18n.LanguageSetup,
    open_window: Callable[..., Any],
    sandbox_factory: Callable[..., Any],
    loop: asyncio.AbstractEventLoop,
    tmp_path: Path,
) -> None:
    from app.store.settings import Settings
    from ui.dialogs.confirm_run import ConfirmRunDialog
    from ui.dialogs.deliver import DeliverDialog
    from ui.dialogs.rerun import RerunDialog
    from ui.dialogs.settings import SettingsDialog
    from ui.dialogs.shortcuts import ShortcutsSheet
    from ui.dialogs.sign_in import AccountDialog
    from ui.history import HistoryWindow
    from ui.review.open_batch import OpenBatchDialog
    from ui.viewer import keys as viewer_keys

    catalogue = Catalogue.load()
    window = open_window(sandbox_factory(latency=0.0))
    window.settings.output_folder = str(tmp_path / "out")
    inputs = copy_samples(tmp_path / "in", ["rocket.jpg", "coffee.png"])
    empty_window = list(visible_texts(window))  # signed in, nothing queued yet

    async def scenario() -> list[Any]:
        await run_batch(window, inputs)
        await until(lambda: all(j.state.is_final for j in window.model.jobs()), 60, "final")
        window.page.view.selectRow(0)
        history = HistoryWindow(window.workspace)
        await history.load()
        journal = window.context.engine.journal
        return [history, await journal.run(journal.batches)]

    history, batches = run(loop, scenario(), 90)
    ws = window.workspace
    data = {
        *(j.name for j in window.model.jobs()),
        *(j.input_path for j in window.model.jobs()),
        *(j.output_path for j in window.model.jobs()),
        *(w.name for w in ws.workflows),
        *(j.execution_id for j in window.model.jobs()),
        str(tmp_path),
        ws.profile.name,
        ws.profile.api_url,
        *(window.toolbars.org_combo.itemText(i) for i in range(window.toolbars.org_combo.count())),
        *(j.remote_status for j in window.model.jobs()),  # the server's own word, shown as such
        *(history.batches.object_at(i).name for i in range(history.batches.rowCount())),
    }
    estimate = RunEstimate(
        images=3, lowest_price=10, highest_price=20, total=40, balance=30,
        deduped=1, rejected=1, already_created=1,
    )  # fmt: skip
    settings_dialog = SettingsDialog(Settings(), window)
    data.add(readable(settings_dialog.preview_label.text()))  # an example file name
    screens = {
        "window with jobs": window,
        "settings": settings_dialog,
        "confirm run": ConfirmRunDialog(estimate, "Workflow", window),
        "account": AccountDialog(window, ws),
        "history": history,
        "shortcuts": ShortcutsSheet(window, viewer_keys.keys()),
        "deliver": DeliverDialog(str(tmp_path / "delivered"), window),
        "re-run": RerunDialog(ws.workflows, ws.workflows[0].id, window),
        "open batch": OpenBatchDialog(batches, window),
    }
    wrong = [f"empty window: {w}" for w in untranslated(catalogue, iter(empty_window), data)]
    for name, screen in screens.items():
        wrong += [f"{name}: {w}" for w in untranslated(catalogue, visible_texts(screen), data)]
    for screen in screens.values():
        if screen is not window:
            screen.deleteLater()
    assert not wrong, "\n".join(wrong)


def test_the_walk_catches_an_english_label_and_passes_its_german(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

    catalogue = Catalogue.load()
    screen = QWidget()
    qtbot.addWidget(screen)
    layout = QVBoxLayout(screen)
    layout.addWidget(QLabel("Drop product photos here"))  # a source never translated
    layout.addWidget(QLabel("Never marked for translation"))
    layout.addWidget(QPushButton("Dateien &hinzufügen …"))
    layout.addWidget(QLabel("<b>2 Bilder</b> mit Freisteller bearbeiten?"))  # a filled message
    layout.addWidget(QLabel("0,10\u00a0€"))
    wrong = untranslated(catalogue, visible_texts(screen), {"Freisteller"})
    assert wrong == [
        "QLabel: 'Drop product photos here'",
        "QLabel: 'Never marked for translation'",
    ]
