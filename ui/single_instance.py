"""One window per user: images opened while Retouch Desk runs go to the running window.

The installer registers the app for JPEG, PNG, TIFF and WebP, so "Open with Retouch Desk" or a
double-click in the file manager starts `retouchdesk photo.jpg` while a window may already be
open. A second instance would start a second engine on the same journal and a second sandbox on
the same data folder; instead it hands its paths to the first over a local socket (a Unix
socket, or a named pipe on Windows) and exits. macOS does not start a second process at all: it
sends the running app a QFileOpenEvent, which lands in the same place.

The socket's name is derived from the user's data folder, so separate profiles (and tests with
their own RETOUCHDESK_HOME) never talk to each other. The message is one JSON line,
`{"open": ["/abs/path", ...]}`, answered by `ok`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app.store.paths import data_dir

logger = logging.getLogger(__name__)

CONNECT_MS = 300  # a running instance accepts at once; a stale socket file refuses at once
ANSWER_MS = 3000  # the running window may be busy for a moment (a drop, a repaint)
_MAX_MESSAGE = 1 << 20


class NotAnswering(Exception):
    """Another instance holds the socket but did not take the paths."""


def server_name(folder: Path | None = None) -> str:
    """Short and per data folder (Unix socket paths are limited to ~100 bytes)."""
    key = str((folder or data_dir()).resolve()).encode()
    return f"retouchdesk-{hashlib.sha256(key).hexdigest()[:16]}"


def hand_over(paths: list[str], name: str | None = None) -> bool:
    """Give `paths` to a running instance. True: it took them (this process should exit);
    False: none is running. Raises NotAnswering when one is there but does not answer."""
    socket = QLocalSocket()
    socket.connectToServer(name or server_name())
    if not socket.waitForConnected(CONNECT_MS):
        return False
    message = json.dumps({"open": [str(Path(p).absolute()) for p in paths]}) + "\n"
    socket.write(message.encode())
    socket.waitForBytesWritten(ANSWER_MS)
    answered = (
        socket.waitForReadyRead(ANSWER_MS) and bytes(socket.readLine().data()).strip() == b"ok"
    )
    socket.disconnectFromServer()
    if not answered:
        raise NotAnswering("Retouch Desk is already running but did not answer")
    return True


class InstanceServer(QObject):
    """Listens for later launches; emits the paths they were given (maybe none)."""

    pathsReceived = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name or server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)

    def listen(self) -> bool:
        if self._server.listen(self._name):
            return True
        # A socket file left by a crashed instance: nobody answered on it (hand_over said so).
        QLocalServer.removeServer(self._name)
        if self._server.listen(self._name):
            return True
        logger.warning("cannot listen for other launches: %s", self._server.errorString())
        return False

    def close(self) -> None:
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.setProperty("received", b"")
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():  # the message may have arrived with the connection
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.property("received") or b"") + socket.readAll().data()
        if b"\n" not in data:
            if len(data) > _MAX_MESSAGE:
                socket.abort()
            else:
                socket.setProperty("received", data)
            return
        socket.setProperty("received", b"")
        line = data.split(b"\n", 1)[0]
        try:
            paths = json.loads(line)["open"]
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise ValueError("not a list of paths")
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("ignored a malformed message from another launch: %s", exc)
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.pathsReceived.emit(paths)


class FileOpenEvents(QObject):
    """macOS: files opened with the app while it runs arrive as QFileOpenEvent."""

    pathsReceived = Signal(list)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file() or event.url().toLocalFile()
            if path:
                self.pathsReceived.emit([path])
                return True
        return False
