"""Account: which server, sign in (device flow or a pasted refresh token), sign out.

The device flow shows the user code in large type with a copy button and an "Open browser"
button, a busy indicator while the server waits for the user, and Cancel. Errors are said in
plain words (expired, declined, offline) rather than as exception text.
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import icons
from ui.async_slot import async_slot
from ui.i18n import translate
from ui.workspace import Workspace

if TYPE_CHECKING:
    from app.api.auth import DeviceCode
    from app.api.session import Session

logger = logging.getLogger(__name__)


def server_choices() -> list[tuple[str, str]]:
    return [
        (translate("AccountDialog", "Sandbox (local, free)"), "sandbox"),
        ("autoretouch", "autoretouch"),  # the service's name
        (translate("AccountDialog", "Custom URL"), "custom"),
    ]


def plain_error(exc: BaseException) -> str:
    """What went wrong, in words a retoucher can act on."""
    from app.api import auth, errors

    if isinstance(exc, auth.DeviceCodeExpiredError):
        return translate(
            "AccountDialog", "The code expired before it was confirmed. Start the sign-in again."
        )
    if isinstance(exc, auth.AccessDeniedError):
        return translate("AccountDialog", "The sign-in was declined in the browser.")
    if isinstance(exc, auth.SignInCancelledError | asyncio.CancelledError):
        return translate("AccountDialog", "Sign-in cancelled.")
    if isinstance(exc, errors.ConnectionFailedError):
        return translate(
            "AccountDialog", "Cannot reach the server. Check the network connection and try again."
        )
    if isinstance(exc, errors.AuthError):
        return translate(
            "AccountDialog",
            "The server did not accept these credentials. Check the token and try again.",
        )
    if isinstance(exc, errors.TransientError):
        return translate(
            "AccountDialog", "The server is busy or unavailable right now. Try again in a minute."
        )
    return translate("AccountDialog", "Sign-in failed: {error}").format(error=exc)


class AccountDialog(QDialog):
    signedIn = Signal()
    codeShown = Signal(str)  # the user code, once on screen

    def __init__(
        self,
        window: QWidget,
        workspace: Workspace | None,
        switch_server: Callable[[str], Awaitable[None]] | None = None,
        *,
        sign_in_only: bool = False,
    ) -> None:
        super().__init__(window)
        self.setObjectName("accountDialog")
        self.setWindowTitle(translate("AccountDialog", "Account"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(520)
        self._switch_server = switch_server
        self.workspace = workspace
        self._cancel: asyncio.Event | None = None
        self._verification_url = ""

        # Server
        server_box = QGroupBox(translate("AccountDialog", "Server"))
        self.server_combo = QComboBox()
        for label, value in server_choices():
            self.server_combo.addItem(label, value)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://api.example.com")
        self.switch_button = QPushButton(translate("AccountDialog", "Switch"))
        server_row = QHBoxLayout()
        server_row.addWidget(self.server_combo, 1)
        server_row.addWidget(self.url_edit, 2)
        server_row.addWidget(self.switch_button)
        server_layout = QVBoxLayout(server_box)
        server_layout.addLayout(server_row)
        self.server_combo.currentIndexChanged.connect(self._server_choice_changed)
        self.switch_button.clicked.connect(self._switch)
        server_box.setVisible(not sign_in_only)

        # Account
        account_box = QGroupBox(translate("AccountDialog", "Account"))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.sign_in_button = QPushButton(
            icons.icon("browser"), translate("AccountDialog", "Sign in with the browser")
        )
        self.sign_out_button = QPushButton(translate("AccountDialog", "Sign out"))
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.sign_in_button)
        buttons_row.addWidget(self.sign_out_button)
        buttons_row.addStretch(1)

        self.code_panel = QWidget()
        code_layout = QVBoxLayout(self.code_panel)
        code_layout.setContentsMargins(0, 8, 0, 8)
        instructions = QLabel(translate("AccountDialog", "Confirm this code in your browser:"))
        self.code_label = QLabel()
        self.code_label.setObjectName("userCode")
        code_font = QFont("monospace")
        code_font.setStyleHint(QFont.StyleHint.Monospace)
        code_font.setPointSize(28)
        code_font.setBold(True)
        self.code_label.setFont(code_font)
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.copy_button = QPushButton(icons.icon("copy"), translate("AccountDialog", "Copy code"))
        self.open_button = QPushButton(
            icons.icon("browser"), translate("AccountDialog", "Open browser")
        )
        self.cancel_button = QPushButton(translate("AccountDialog", "Cancel"))
        code_buttons = QHBoxLayout()
        code_buttons.addStretch(1)
        code_buttons.addWidget(self.copy_button)
        code_buttons.addWidget(self.open_button)
        code_buttons.addWidget(self.cancel_button)
        code_buttons.addStretch(1)
        self.waiting = QProgressBar()
        self.waiting.setRange(0, 0)  # busy indicator
        self.waiting.setTextVisible(False)
        self.waiting.setMaximumHeight(6)
        self.waiting_label = QLabel(
            translate("AccountDialog", "Waiting for you to confirm in the browser…")
        )
        self.waiting_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        code_layout.addWidget(instructions)
        code_layout.addWidget(self.code_label)
        code_layout.addLayout(code_buttons)
        code_layout.addWidget(self.waiting)
        code_layout.addWidget(self.waiting_label)
        self.code_panel.hide()

        token_form = QFormLayout()
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(
            translate("AccountDialog", "from a device connection in the autoretouch web app")
        )
        self.token_button = QPushButton(translate("AccountDialog", "Use token"))
        token_row = QHBoxLayout()
        token_row.addWidget(self.token_edit, 1)
        token_row.addWidget(self.token_button)
        self.token_label = QLabel(translate("AccountDialog", "Or paste a &refresh token:"))
        self.token_label.setBuddy(self.token_edit)
        token_form.addRow(self.token_label, token_row)

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #d64541;")
        self.error_label.hide()
        self.keyring_warning = QLabel(
            translate(
                "AccountDialog",
                "No system keyring found: the sign-in is kept for this session only.",
            )
        )
        self.keyring_warning.setStyleSheet("color: #d98a14;")
        self.keyring_warning.hide()

        account_layout = QVBoxLayout(account_box)
        account_layout.addWidget(self.status_label)
        account_layout.addLayout(buttons_row)
        account_layout.addWidget(self.code_panel)
        account_layout.addLayout(token_form)
        account_layout.addWidget(self.error_label)
        account_layout.addWidget(self.keyring_warning)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(server_box)
        layout.addWidget(account_box)
        layout.addWidget(close)

        self.sign_in_button.clicked.connect(self.start_device_flow)
        self.sign_out_button.clicked.connect(self._sign_out)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.code_label.text())
        )
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl(self._verification_url))
        )
        self.cancel_button.clicked.connect(self._cancel_flow)
        self.token_button.clicked.connect(self._use_token)
        self.token_edit.returnPressed.connect(self._use_token)
        self.finished.connect(lambda _r: self._cancel_flow())
        self._select_current_server()
        self._refresh()

    # --- state ---------------------------------------------------------------------------------
    def _session(self) -> Session | None:
        return self.workspace.session if self.workspace is not None else None

    def _refresh(self) -> None:
        session = self._session()
        signed_in = bool(session is not None and session.signed_in)
        profile = self.workspace.profile if self.workspace is not None else None
        if profile is None:
            self.status_label.setText(translate("AccountDialog", "Not connected to a server."))
        elif signed_in and session is not None:
            who = html.escape(session.account or translate("AccountDialog", "this device"))
            if profile.is_sandbox:
                text = translate(
                    "AccountDialog", "Signed in as <b>{account}</b> on the local sandbox."
                )
            else:
                text = translate("AccountDialog", "Signed in as <b>{account}</b> on {server}.")
            self.status_label.setText(text.format(account=who, server=html.escape(profile.name)))
        else:
            self.status_label.setText(
                translate("AccountDialog", "Not signed in to {server}.").format(server=profile.name)
            )
        self.sign_in_button.setVisible(not signed_in and session is not None)
        self.sign_out_button.setVisible(signed_in)
        for widget in (self.token_label, self.token_edit, self.token_button):
            widget.setVisible(not signed_in and session is not None)
        self.keyring_warning.setVisible(
            bool(session is not None and not session.secrets.persistent)
        )

    def _select_current_server(self) -> None:
        profile = self.workspace.profile if self.workspace is not None else None
        value = "sandbox"
        if profile is not None and not profile.is_sandbox:
            value = "autoretouch" if profile.name == "autoretouch" else "custom"
            if value == "custom":
                self.url_edit.setText(profile.api_url)
        self.server_combo.setCurrentIndex(max(0, self.server_combo.findData(value)))
        self._server_choice_changed()

    def _server_choice_changed(self, *_args: object) -> None:
        self.url_edit.setVisible(self.server_combo.currentData() == "custom")

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # --- actions -------------------------------------------------------------------------------
    @async_slot()
    async def _switch(self) -> None:
        choice = self.server_combo.currentData()
        spec = self.url_edit.text().strip() if choice == "custom" else choice
        if not spec:
            self._show_error(translate("AccountDialog", "Enter the server's address."))
            return
        switch = self._switch_server
        if switch is None:
            return
        self.accept()
        await switch(spec)

    @async_slot()
    async def start_device_flow(self) -> None:
        await self.device_flow()

    async def device_flow(self) -> bool:
        session = self._session()
        if session is None:
            return False
        self._show_error("")
        self._cancel = asyncio.Event()
        self.sign_in_button.setEnabled(False)
        try:
            await session.sign_in_device_flow(self._show_code, self._cancel, open_browser=False)
        except Exception as exc:
            logger.info("device sign-in ended: %s", exc)
            self._show_error(plain_error(exc))
            return False
        finally:
            self.code_panel.hide()
            self.sign_in_button.setEnabled(True)
            self._cancel = None
        self._signed_in()
        return True

    def _show_code(self, code: DeviceCode) -> None:
        self._verification_url = code.verification_uri_complete or code.verification_uri
        self.code_label.setText(code.user_code)
        self.open_button.setToolTip(self._verification_url)
        self.open_button.setDefault(True)
        self.code_panel.show()
        self.codeShown.emit(code.user_code)

    def _cancel_flow(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    @async_slot()
    async def _use_token(self) -> None:
        session = self._session()
        token = self.token_edit.text().strip()
        if session is None or not token:
            return
        self._show_error("")
        try:
            await session.sign_in_with_refresh_token(token)
        except Exception as exc:
            self._show_error(plain_error(exc))
            return
        finally:
            self.token_edit.clear()  # never keep a secret in a widget longer than needed
        self._signed_in()

    def _signed_in(self) -> None:
        self._refresh()
        self.signedIn.emit()
        self.accept()

    @async_slot()
    async def _sign_out(self) -> None:
        session = self._session()
        if session is None:
            return
        await session.sign_out()
        self._refresh()
        switch = self._switch_server
        profile = self.workspace.profile if self.workspace is not None else None
        if switch is not None and profile is not None and not profile.is_sandbox:
            # Signed out of autoretouch: back to the sandbox so the window stays usable.
            self.accept()
            await switch("sandbox")
