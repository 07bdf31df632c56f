"""The systemd user unit that keeps a headless machine watching a folder: its command run as
systemd would run it (specifiers and `$$` expanded, the credential handed over in a private
folder), on a machine with no keyring at all, signed in from the credential only, and the
refresh token never written anywhere in plain text by the app."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from corpus import make_image

UNIT = Path(__file__).resolve().parents[2] / "resources" / "systemd" / "retouchdesk-watch@.service"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def _unit() -> dict[str, dict[str, list[str]]]:
    """Sections -> key -> values, continuation lines joined (the unit file's own syntax)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    pending = ""
    for raw in UNIT.read_text().splitlines():
        line = pending + raw.strip() if pending else raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
        else:
            key, _, value = line.partition("=")
            current.setdefault(key, []).append(value)
    return sections


def _refresh_token(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": "test"}).json()
        tokens = auth.post(
            "/oauth/token",
            data={"grant_type": DEVICE_GRANT, "device_code": code["device_code"],
                  "client_id": "test"},
        ).json()  # fmt: skip
    return str(tokens["refresh_token"])


def test_the_unit_restarts_the_watcher_and_hands_it_the_encrypted_credential() -> None:
    unit = _unit()
    service = unit["Service"]
    assert unit["Install"]["WantedBy"] == ["default.target"]
    assert unit["Unit"]["RequiresMountsFor"] == ["%I"]  # waits for the share to be mounted
    assert service["Restart"] == ["on-failure"] and service["KillSignal"] == ["SIGINT"]
    (credential,) = service["LoadCredentialEncrypted"]
    assert credential.startswith("autoretouch-refresh-token:%h/")
    assert all("TOKEN" not in value for value in service.get("Environment", []))


def test_the_units_command_watches_signed_in_from_the_credential_alone(
    sandbox: Any, tmp_path: Path
) -> None:
    token = _refresh_token(sandbox.base_url)
    home, hot, out = tmp_path / "server", tmp_path / "share" / "incoming", tmp_path / "results"
    hot.mkdir(parents=True)
    home.mkdir()
    # What systemd does: a private folder with the decrypted credential, readable by us only.
    credentials = tmp_path / "run-credentials"
    credentials.mkdir(mode=0o700)
    (credentials / "autoretouch-refresh-token").write_text(token)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "retouchdesk"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m retouchdesk "$@"\n')
    shim.chmod(0o755)
    (command,) = _unit()["Service"]["ExecStart"]
    command = command.replace("%I", str(hot)).replace("%h", str(home)).replace("$$", "$")
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "HOME": str(home),
        "RETOUCHDESK_HOME": str(home / "retouchdesk"),
        "RETOUCHDESK_SERVER": sandbox.base_url,
        "CREDENTIALS_DIRECTORY": str(credentials),
        "AUTORETOUCH_WORKFLOW_ID": "cut-out",
        "RETOUCHDESK_WATCH_OUT": str(out),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # no keyring whatsoever
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(
        shlex.split(command), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        make_image(tmp_path / "staging" / "look.jpg", seed=9).rename(hot / "look.jpg")
        deadline = time.monotonic() + 60
        while not (hot / "done" / "look.jpg").exists():
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "the service did not process the file"
            time.sleep(0.05)  # polling the folder the child changes
    finally:
        proc.send_signal(signal.SIGINT)  # the unit's KillSignal
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), output
    assert (out / "look.png").is_file()
    # Everything the client side wrote (the sandbox, the server, keeps its own records).
    written = [p for d in (home, hot.parent, out) for p in d.rglob("*") if p.is_file()]
    assert any(p.name.endswith(".log") for p in written)  # it did write: logs, journal
    assert [p for p in written if token.encode() in p.read_bytes()] == []


def test_login_without_a_keyring_says_how_to_stay_signed_in(
    sandbox: Any, subprocess_env: dict[str, str]
) -> None:
    env = {**subprocess_env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    login = subprocess.run(
        [sys.executable, "-m", "retouchdesk", "--server", sandbox.base_url, "login",
         "--no-browser"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    assert "not saved" in login.stderr
    assert "AUTORETOUCH_REFRESH_TOKEN" in login.stderr
    assert "Watching a folder on a server" in login.stderr
