"""SecretStore over the real keyring API: with a backend, without one, and a backend failing."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import keyring
import pytest
from keyring.backends import fail
from keyring_memory import MemoryKeyring
from keyrings.alt.file import PlaintextKeyring

from app.store.secrets import SERVICE, SecretStore


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_secret_goes_to_the_keyring(memory_keyring: MemoryKeyring) -> None:
    store = SecretStore()
    assert store.persistent
    store.set("server account", "s3cret")
    assert memory_keyring.store[(SERVICE, "server account")] == "s3cret"
    assert SecretStore().get("server account") == "s3cret"  # a new instance reads it back
    store.delete("server account")
    assert (SERVICE, "server account") not in memory_keyring.store
    store.delete("server account")  # deleting twice is fine
    assert store.get("server account") is None


def test_without_keyring_secrets_stay_in_memory(no_keyring: None) -> None:
    store = SecretStore()
    assert not store.persistent
    store.set("k", "v")
    assert store.get("k") == "v"
    assert SecretStore().get("k") is None  # nothing was persisted anywhere
    store.delete("k")
    assert store.get("k") is None


class BrokenKeyring(MemoryKeyring):
    """A backend that exists but fails (a locked or crashed Secret Service)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringError("locked")


def test_failing_backend_degrades_to_memory() -> None:
    keyring.set_keyring(BrokenKeyring())
    store = SecretStore()
    assert store.persistent
    store.set("k", "v")
    assert not store.persistent
    assert store.get("k") == "v"


def test_plaintext_file_backend_is_refused_unless_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keyring would pick keyrings.alt's plaintext file by itself on a machine without a real
    keyring; the app must not fall back to plaintext that way."""
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))  # no keyringrc.cfg

    store = SecretStore()
    assert not store.persistent
    store.set("k", "plaintext-must-not-happen")
    assert store.get("k") == "plaintext-must-not-happen"
    assert not (tmp_path / "keyring_pass.cfg").exists()

    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    chosen = SecretStore()
    assert chosen.persistent
    chosen.set("k", "the user asked for this")
    assert (tmp_path / "keyring_pass.cfg").exists()


def test_a_sign_in_from_the_environment_never_looks_for_a_keyring(
    sandbox: Any, subprocess_env: dict[str, str]
) -> None:
    # Finding a keyring backend can take most of a second; a script or a render box signed
    # in through $AUTORETOUCH_REFRESH_TOKEN must not pay for it (nor load keyring at all).
    device = httpx.post(f"{sandbox.base_url}/oauth/device/code", data={"client_id": "t"}).json()
    token = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        data={"grant_type": "urn:ietf:params:oauth:grant-type:device_code",
              "device_code": device["device_code"], "client_id": "t"},
    ).json()["refresh_token"]  # fmt: skip
    child = textwrap.dedent(
        f"""
        import asyncio, sys
        from app.api.servers import resolve_server
        from app.api.session import Session

        async def main():
            session = Session(resolve_server({sandbox.base_url!r}))
            assert await session.restore()
            assert not session.persistent
            await session.aclose()

        asyncio.run(main())
        print("keyring" in sys.modules)
        """
    )
    env = {**subprocess_env, "AUTORETOUCH_REFRESH_TOKEN": token}
    result = subprocess.run(
        [sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
