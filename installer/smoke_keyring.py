"""A keyring backend for the installer's smoke test, and nothing else.

The packaged app ships no file backend: it refuses plaintext ones unless the user names one,
and keyrings.alt is only a test tool. The smoke test still needs the sign-in kept between the
commands it runs, without touching the machine's real keyring, so it names this backend in a
temporary keyringrc.cfg (`default-keyring` and `keyring-path`), as a user could name any
backend. Secrets go to a JSON file beside this module, in the smoke test's temporary folder.

Standard library and keyring's public base class only: the frozen app imports it from a plain
folder, with what the bundle has.
"""

from __future__ import annotations

import json
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

STORE = Path(__file__).resolve().with_name("smoke-keyring.json")


class SmokeTestKeyring(KeyringBackend):
    priority = 1  # chosen by name in keyringrc.cfg, never by rank

    def _load(self) -> dict[str, dict[str, str]]:
        if not STORE.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(STORE.read_text(encoding="utf-8"))
        return data

    def _save(self, data: dict[str, dict[str, str]]) -> None:
        STORE.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data.setdefault(service, {})[username] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if username not in data.get(service, {}):
            raise PasswordDeleteError(f"no {username!r} in {service!r}")
        del data[service][username]
        self._save(data)
