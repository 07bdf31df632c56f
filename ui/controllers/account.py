"""Account: which server the window is on, sign-in, organization, workflow and balance.

The account button and the window title say where the work goes; the organization picker
shows only when there is a choice; the workflow picker remembers the last workflow (and a
pinned version) in the settings; the balance follows the workflow's price.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from ui import icons
from ui.async_slot import async_slot
from ui.controllers.context import WindowContext
from ui.dialogs.asking import ask
from ui.i18n import translate
from ui.status_bar import WindowStatusBar
from ui.toolbars import Toolbars
from ui.window_actions import WindowActions
from ui.workspace import Workspace, describe_server

if TYPE_CHECKING:
    from app.api.models import Workflow

logger = logging.getLogger(__name__)

ServerSwitcher = Callable[[str], Awaitable[None]]


class AccountController(QObject):
    workflowChanged = Signal(object)  # the Workflow, or None

    def __init__(
        self,
        context: WindowContext,
        window: QWidget,
        actions: WindowActions,
        toolbars: Toolbars,
        status_bar: WindowStatusBar,
    ) -> None:
        super().__init__(window)
        self._context = context
        self._window = window
        self._account_action = actions.account
        self._picker = toolbars.workflow_picker
        self._org_combo = toolbars.org_combo
        self._org_combo_action = toolbars.org_combo_action
        self._status_bar = status_bar
        self._balance: int | None = None
        # Set by the start-up sequence: closes this server's workspace and opens another.
        self.switch_server: ServerSwitcher | None = None
        self.account_dialog: QWidget | None = None  # open, for tests and for closing on quit
        self._picker.workflowChanged.connect(self._workflow_changed)
        self._picker.pinChanged.connect(self._pin_changed)
        self._org_combo.currentIndexChanged.connect(self._org_changed)

    def current_workflow(self) -> Workflow | None:
        return self._picker.current()

    # --- where the window is connected ------------------------------------------------------
    def show_connection(self, text: str | None = None) -> None:
        """Say where the window is connected, or `text` while it is not (yet)."""
        ws = self._context.workspace
        if text is None and ws is not None:
            text = describe_server(ws.profile, ws.org_name())
            if not ws.profile.is_sandbox and ws.account:
                text += f" · {ws.account}"
        self._status_bar.server_label.setText(text or "")
        sandbox = ws is not None and ws.profile.is_sandbox
        self._account_action.setIcon(icons.icon("sandbox" if sandbox else "cloud"))
        self._account_action.setText(text or translate("AccountController", "Account"))
        self._window.setWindowTitle(f"Retouch Desk — {text}" if text else "Retouch Desk")

    async def show_workspace(self) -> None:
        """A workspace was just opened: its organizations, workflows and balance."""
        self.show_connection()
        self._fill_organizations()
        await self.refresh_workflows()
        await self.refresh_balance()

    def _fill_organizations(self) -> None:
        ws = self._context.workspace
        combo = self._org_combo
        combo.blockSignals(True)
        combo.clear()
        if ws is not None:
            for org in ws.organizations:
                combo.addItem(org.name or org.id, org.id)
            combo.setCurrentIndex(max(0, combo.findData(ws.org_id)))
        combo.blockSignals(False)
        self._org_combo_action.setVisible(combo.count() > 1)  # one organization needs no picker

    @async_slot(int)
    async def _org_changed(self, _index: int) -> None:
        ws = self._context.workspace
        org_id = self._org_combo.currentData()
        if ws is None or not org_id or org_id == ws.org_id:
            return
        ws.org_id = org_id
        self._context.settings.organization_id = org_id
        self._context.save_settings()
        self.show_connection()
        await self.refresh_workflows()
        await self.refresh_balance()

    # --- workflow ---------------------------------------------------------------------------
    async def refresh_workflows(self) -> None:
        ws = self._context.workspace
        if ws is None:
            return
        try:
            workflows = await ws.load_workflows()
        except Exception as exc:
            logger.warning("could not load workflows", exc_info=True)
            self._context.say(
                translate("AccountController", "Could not load workflows: {error}").format(
                    error=exc
                )
            )
            return
        settings = self._context.settings
        session_default = ws.session.default_workflow_id if ws.session is not None else None
        self._picker.set_workflows(workflows, settings.last_workflow_id or session_default or "")
        self._picker.pin.setChecked(bool(settings.pin_version))

    def _workflow_changed(self, workflow: Workflow | None) -> None:
        settings = self._context.settings
        if workflow is not None and workflow.id != settings.last_workflow_id:
            settings.last_workflow_id = workflow.id
            if settings.pin_version:
                settings.pin_version = workflow.version
            self._context.save_settings()
        if self._balance is not None:
            self.show_balance(self._balance)
        self.workflowChanged.emit(workflow)
        self._context.changed.emit()

    def _pin_changed(self, pinned: bool) -> None:
        workflow = self._picker.current()
        self._context.settings.pin_version = workflow.version if (pinned and workflow) else ""
        self._context.save_settings()

    # --- balance ----------------------------------------------------------------------------
    async def refresh_balance(self) -> None:
        ws = self._context.workspace
        if ws is None or not ws.org_id:
            return
        try:
            self.show_balance(await ws.balance())
        except Exception:
            logger.warning("could not read the balance", exc_info=True)

    def show_balance(self, balance: int) -> None:
        self._balance = balance
        workflow = self._picker.current()
        self._status_bar.show_balance(balance, workflow.execution_price if workflow else 0)

    # --- signing in -------------------------------------------------------------------------
    @async_slot()
    async def show_account(self) -> None:
        from ui.dialogs.sign_in import AccountDialog

        dialog = AccountDialog(self._window, self._context.workspace, self.switch_server)
        self.account_dialog = dialog
        await ask(dialog)
        self.account_dialog = None
        dialog.deleteLater()

    async def sign_in_to(self, workspace: Workspace) -> bool:
        """Ask the user to sign in to a server (start-up on autoretouch with no saved sign-in).
        True when signed in."""
        from ui.dialogs.sign_in import AccountDialog

        dialog = AccountDialog(self._window, workspace, self.switch_server, sign_in_only=True)
        self.account_dialog = dialog
        await ask(dialog)
        self.account_dialog = None
        dialog.deleteLater()
        return workspace.signed_in
