"""Server-sent events read the way the standard describes them, and liberally.

Nobody here has seen the real server's stream; the vendor's example is `id:X`, `event:X`,
`data:X` with no space after the colons. So this accepts what the SSE standard allows and what
servers are known to do besides: a space (or several) after the colon, `:` comment lines
(keep-alives), `retry:` and `id:` fields or none, CRLF, CR or LF line ends, a byte-order mark,
events with an `event:` but no `data:`, and a last event the server did not close with a blank
line before it hung up. The content type is not checked: a 200 answer is read for what it holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class SseEvent:
    event: str = ""  # "" when the server named none (the standard's "message")
    data: str = ""
    id: str | None = None
    retry: int | None = None  # the server's suggested reconnection delay, in milliseconds


class SseParser:
    """Feed it the body's bytes as they come; it returns the events completed so far."""

    def __init__(self) -> None:
        self._pending = b""
        self._started = False
        self._reset()

    def _reset(self) -> None:
        self._event = ""
        self._data: list[str] = []
        self._id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SseEvent]:
        buffer = self._pending + chunk
        if not self._started:
            if len(buffer) < len(_BOM) and _BOM.startswith(buffer):
                self._pending = buffer  # perhaps the start of a byte-order mark
                return []
            self._started = True
            buffer = buffer.removeprefix(_BOM)
        # A CR at the very end may be the first half of a CRLF: keep it for the next chunk.
        keep_cr = buffer.endswith(b"\r")
        if keep_cr:
            buffer = buffer[:-1]
        lines = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        self._pending = lines.pop() + (b"\r" if keep_cr else b"")
        events: list[SseEvent] = []
        for line in lines:
            event = self._line(line.decode("utf-8", errors="replace"))
            if event is not None:
                events.append(event)
        return events

    def close(self) -> list[SseEvent]:
        """The end of the body: an event still open counts as complete."""
        events = self.feed(b"\n") if self._pending.strip(b"\r") else []
        last = self._dispatch()
        return [*events, last] if last is not None else events

    def _line(self, line: str) -> SseEvent | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment: keep-alive
        name, colon, value = line.partition(":")
        name = name.strip()
        if not colon:
            value = ""
        elif value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value.strip()
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            if "\0" not in value:
                self._id = value
        elif name == "retry" and value.strip().isdigit():
            self._retry = int(value.strip())
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._event and not self._data and self._id is None and self._retry is None:
            return None
        event = SseEvent(self._event, "\n".join(self._data), self._id, self._retry)
        self._reset()
        return event
