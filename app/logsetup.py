"""Logging for the whole app: one rotating file in the platform log folder, stderr by -v.

Every record passes a redaction filter on the way to every handler, so no bearer token, JWT,
refresh token, device code or Authorization header reaches a log, whichever library logged it
(httpx logs request URLs, httpcore logs headers at DEBUG) and also inside exception text.
Two layers: patterns that recognise secrets by shape or by name, and the exact values the token
code has seen (`register_secret`), which catches opaque tokens no pattern could recognise.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import threading
from pathlib import Path

from app.store import paths

LOG_FILE_NAME = "retouchdesk.log"
REDACTED = "[REDACTED]"
_MIN_SECRET_LENGTH = 8  # shorter values would redact ordinary words

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization headers in any rendering: "Authorization: Bearer x", ('authorization', 'x').
    (
        re.compile(
            r"(?i)(authorization['\"]?\s*[:=,]\s*(?:b?['\"])?)(?!\[REDACTED)"
            r"(?:bearer\s+|basic\s+)?[^'\"\s,)}]+"
        ),
        r"\1" + REDACTED,
    ),
    (re.compile(r"(?i)\bbearer\s+(?!\[REDACTED)[A-Za-z0-9\-._~+/]+=*"), "Bearer " + REDACTED),
    # JWTs: three base64url segments, the first one a JSON header ("eyJ").
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    # name=value / "name": "value" for secret-bearing names (forms, query strings, JSON, reprs).
    (
        re.compile(
            r"(?i)((?:refresh_token|access_token|id_token|device_code|client_secret|password"
            r"|refreshToken|accessToken|deviceCode|token)['\"]?\s*[:=]\s*(?:b?['\"])?)"
            r"(?!\[REDACTED)[^&'\"\s,;)}\]]+"
        ),
        r"\1" + REDACTED,
    ),
]

_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember a secret's exact value so that it is cut out of every later log record."""
    if value and len(value) >= _MIN_SECRET_LENGTH:
        with _known_lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """Return `text` with every secret the app knows of, or can recognise, replaced."""
    with _known_lock:
        known = sorted(_known_secrets, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record in place: message, arguments and exception text are all redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def log_file_path() -> Path:
    return paths.log_dir() / LOG_FILE_NAME


def configure_logging(verbosity: int = 0, *, console: bool = True) -> Path:
    """Set up the root logger; returns the log file's path. Calling it again replaces handlers.

    verbosity 0: file INFO, console WARNING; 1: file DEBUG, console INFO; 2+: both DEBUG.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_retouchdesk", False):
            root.removeHandler(handler)
            handler.close()
    file_level = logging.DEBUG if verbosity >= 1 else logging.INFO
    console_level = {0: logging.WARNING, 1: logging.INFO}.get(verbosity, logging.DEBUG)

    redactor = RedactingFilter()
    path = log_file_path()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
    )
    file_handler.setLevel(file_level)
    file_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s")
    )
    handlers: list[logging.Handler] = [file_handler]
    if console:
        stream_handler = logging.StreamHandler()
        stream_handler.setLevel(console_level)
        stream_handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handlers.append(stream_handler)
    for handler in handlers:
        handler.addFilter(redactor)
        handler._retouchdesk = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(min(file_level, console_level))
    # httpx logs every request at INFO: useful with -v, noise in a thousand-image batch without.
    # httpcore's DEBUG is a connection-level trace: only with -vvv.
    logging.getLogger("httpx").setLevel(logging.INFO if verbosity >= 1 else logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.DEBUG if verbosity >= 3 else logging.INFO)
    return path
