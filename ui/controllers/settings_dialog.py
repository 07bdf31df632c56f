"""The Settings dialog as the window runs it: what the user accepts is saved, reaches the
running engine at once (concurrency, mid-batch included) and restarts the hot folder."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from ui.async_slot import async_slot
from ui.controllers.context import WindowContext
from ui.dialogs.asking import ask
from ui.i18n import translate

if TYPE_CHECKING:
    from ui.dialogs.settings import SettingsDialog


class SettingsController(QObject):
    def __init__(
        self,
        context: WindowContext,
        window: QWidget,
        restart_hot_folder: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._restart_hot_folder = restart_hot_folder
        self.settings_dialog: SettingsDialog | None = None  # open, for tests

    @async_slot()
    async def show_settings(self) -> None:
        from ui.dialogs.settings import SettingsDialog

        settings = self._context.settings
        dialog = SettingsDialog(settings, self._window)
        self.settings_dialog = dialog
        try:
            if await ask(dialog) != SettingsDialog.DialogCode.Accepted:
                return
            dialog.apply_to(settings)
            engine = self._context.engine
            if engine is not None:
                engine.apply_settings(settings)
            self._context.save_settings()
            await self._restart_hot_folder()
            self._context.say(translate("SettingsController", "Settings saved"))
        finally:
            self.settings_dialog = None
            dialog.deleteLater()
