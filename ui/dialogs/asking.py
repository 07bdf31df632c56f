"""Await a dialog's answer without `exec()`.

`QDialog.exec()` spins a nested event loop inside an asyncio callback; under qasync that
re-enters the loop and stalls tasks. Opening the dialog and awaiting its `finished` signal keeps
one loop, and lets tests find the open dialog and answer it like a user.
"""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QDialog


async def ask(dialog: QDialog) -> int:
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[int] = loop.create_future()

    def finished(result: int) -> None:
        if not answer.done():
            answer.set_result(result)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await answer
    finally:
        dialog.finished.disconnect(finished)
