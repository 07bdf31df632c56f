"""Secrets (refresh tokens) in the OS keyring, and nowhere else on disk.

When the machine has no keyring backend (CI, a bare server, a locked-down desktop), or only a
plaintext-file one nobody chose, the secret is kept in this process's memory only and
`persistent` turns False so the front end can warn that the user will have to sign in again
next time. There is intentionally no plaintext fallback.
"""

from __future__ import annotations

import logging
import os
from types import ModuleType

logger = logging.getLogger(__name__)

SERVICE = "retouchdesk"


class SecretStore:
    """The keyring backend is looked for on first use, not on creation: finding it can take
    most of a second (entry points, a D-Bus round trip), and a run signed in from the
    environment never needs it. For the same reason keyring itself is imported on first use."""

    def __init__(self, service: str = SERVICE) -> None:
        self.service = service
        self._memory: dict[str, str] = {}
        self._backend_usable: bool | None = None  # not looked for yet

    @property
    def _persistent(self) -> bool:
        if self._backend_usable is None:
            self._backend_usable = _has_usable_backend()
            if not self._backend_usable:
                logger.warning(
                    "No keyring backend: secrets are kept in memory for this session only"
                )
        return self._backend_usable

    @property
    def persistent(self) -> bool:
        """True while secrets survive a restart (a real keyring backend answers)."""
        return self._persistent

    def get(self, key: str) -> str | None:
        if key in self._memory or not self._persistent:
            return self._memory.get(key)
        keyring = _keyring()
        try:
            value: str | None = keyring.get_password(self.service, key)
        except keyring.errors.KeyringError as exc:
            self._lose_backend(exc)
            return None
        return value

    def set(self, key: str, value: str) -> None:
        if self._persistent:
            keyring = _keyring()
            try:
                keyring.set_password(self.service, key, value)
                self._memory.pop(key, None)
                return
            except keyring.errors.KeyringError as exc:
                self._lose_backend(exc)
        self._memory[key] = value

    def delete(self, key: str) -> None:
        """Remove the secret wherever it is; deleting what is not there is not an error."""
        self._memory.pop(key, None)
        if not self._persistent:
            return
        keyring = _keyring()
        try:
            keyring.delete_password(self.service, key)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            self._lose_backend(exc)

    def _lose_backend(self, exc: Exception) -> None:
        # The exception text comes from the backend, never from the secret; log its type only
        # in case a backend ever echoes what it was given.
        logger.warning("Keyring unavailable (%s): keeping secrets in memory", type(exc).__name__)
        self._backend_usable = False


def _keyring() -> ModuleType:
    import keyring
    import keyring.core
    import keyring.errors

    return keyring


def _has_usable_backend() -> bool:
    from keyring.backends import fail

    keyring = _keyring()
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError:
        return False
    if isinstance(backend, fail.Keyring):
        return False
    if _is_weak(backend) and not _explicitly_chosen(backend):
        # keyring picks keyrings.alt's plaintext file by itself when no real keyring exists;
        # that would be exactly the plaintext fallback we refuse. Only a user who names such a
        # backend (PYTHON_KEYRING_BACKEND or keyringrc.cfg) gets it.
        logger.info("Ignoring the weak keyring backend %s", _class_path(backend))
        return False
    # A chainer with nothing to chain behaves like the fail backend.
    backends = getattr(backend, "backends", None)
    return not (isinstance(backends, list) and not backends)


def _class_path(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def _is_weak(backend: object) -> bool:
    """Backends that store secrets in files readable by anyone with the user's files."""
    return type(backend).__module__.startswith("keyrings.alt") or "plaintext" in (
        type(backend).__name__.lower()
    )


def _explicitly_chosen(backend: object) -> bool:
    if os.environ.get("PYTHON_KEYRING_BACKEND") == _class_path(backend):
        return True
    try:
        configured = _keyring().core.load_config()
    except Exception:  # a broken keyringrc must not stop the app; it just is not a choice
        return False
    return configured is not None and type(configured) is type(backend)
