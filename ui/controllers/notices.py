"""What the engine has to say that is not one row's business: a batch finished (also as a
desktop notification when the user looks elsewhere), a notice, an error.

Never a modal box here: notices arrive from engine callbacks, and a nested event loop inside
one would run asyncio tasks outside the running loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from app.engine.events import BatchFinished
from ui.controllers.context import WindowContext
from ui.i18n import translate
from ui.locale_format import money
from ui.status_bar import WindowStatusBar

if TYPE_CHECKING:
    from ui.notifications import Notifier

ERROR_SECONDS = 20.0


def batch_summary(event: BatchFinished) -> str:
    """ "Batch ORDER … finished: 10 done, 2 failed · €1.20 charged"."""
    parts = [translate("NoticesController", "{n} done").format(n=event.done)]
    if event.failed:
        parts.append(translate("NoticesController", "{n} failed").format(n=event.failed))
    if event.skipped:
        parts.append(translate("NoticesController", "{n} skipped").format(n=event.skipped))
    if event.cancelled:
        parts.append(translate("NoticesController", "{n} cancelled").format(n=event.cancelled))
    text = translate("NoticesController", "Batch {name} finished: {counts}").format(
        name=event.name, counts=", ".join(parts)
    )
    if event.credits:
        text += translate("NoticesController", " · {money} charged").format(
            money=money(event.credits)
        )
    return text


class NoticesController(QObject):
    def __init__(
        self,
        context: WindowContext,
        window: QWidget,
        status_bar: WindowStatusBar,
        after_batch: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._status_bar = status_bar
        self._after_batch = after_batch
        self.notifier: Notifier | None = None  # desktop notifications, set by the app
        self.last_batch_summary = ""
        self.last_notice: tuple[str, str] | None = None
        context.message.connect(self._status_bar.show_message)

    def batch_finished(self, event: BatchFinished) -> None:
        text = batch_summary(event)
        self.last_batch_summary = text
        self._context.say(text)
        if self.notifier is not None and self._context.settings.notifications:
            self.notifier.batch_finished(
                self._window, translate("NoticesController", "Batch finished"), text
            )
        self._after_batch()

    def notice(self, level: str, message: str) -> None:
        self.last_notice = (level, message)
        if level == "error":
            self._status_bar.show_message(f"⚠ {message}", ERROR_SECONDS)
        else:
            self._context.say(message)
