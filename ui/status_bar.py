"""The status bar: progress summary, a passing message, hot folder, server and balance.

Messages get a label of their own: `QStatusBar.showMessage` would hide the progress summary
while it shows.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QSizePolicy

from ui.i18n import Plural, translate
from ui.locale_format import money

LOW_BALANCE_IMAGES = 20  # warn when the balance covers fewer images than this


class WindowStatusBar:
    def __init__(self, window: QMainWindow) -> None:
        bar = window.statusBar()
        self.summary_label = QLabel()
        self.summary_label.setObjectName("summary")
        self.message_label = QLabel()
        self.message_label.setObjectName("message")
        self.message_label.setIndent(16)
        # A long message (German's are longer) takes the room that is left and no more: it
        # must not squeeze the progress summary beside it.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._message_timer = QTimer(window)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        self.hot_label = QLabel()
        self.hot_label.setObjectName("hotFolder")
        self.hot_label.setVisible(False)
        self.server_label = QLabel()
        self.server_label.setObjectName("server")
        self.server_label.setVisible(False)  # the toolbar's account button says it already
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balance")
        bar.addWidget(self.summary_label)
        bar.addWidget(self.message_label, 1)
        bar.addPermanentWidget(self.hot_label)
        bar.addPermanentWidget(self.server_label)
        bar.addPermanentWidget(self.balance_label)

    def show_message(self, text: str, seconds: float = 8.0) -> None:
        self.message_label.setText(text)
        self._message_timer.start(int(seconds * 1000))

    def show_balance(self, balance: int, price: int) -> None:
        """The balance, flagged when it covers fewer than LOW_BALANCE_IMAGES at `price`."""
        low = price > 0 and balance < price * LOW_BALANCE_IMAGES
        text = translate("WindowStatusBar", "Balance: {money}").format(money=money(balance))
        if low:
            text = translate("WindowStatusBar", "⚠ {balance} — low").format(balance=text)
        label = self.balance_label
        label.setText(text)
        label.setProperty("low", low)
        label.setStyleSheet("color: #d98a14; font-weight: bold;" if low else "")
        label.setToolTip(
            Plural.tr("Enough for about %Ln image(s)", "", balance // price)
            if price
            else translate("WindowStatusBar", "Credits (euro cents)")
        )

    def show_hot_folder(self, text: str, tooltip: str, *, failed: bool = False) -> None:
        """`text` empty hides it."""
        label = self.hot_label
        label.setText(text)
        label.setToolTip(tooltip)
        label.setProperty("failed", failed)
        label.setStyleSheet("color: #d98a14; font-weight: bold;" if failed else "")
        label.setVisible(bool(text))

    def stop(self) -> None:
        self._message_timer.stop()
