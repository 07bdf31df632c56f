"""Where Retouch Desk keeps its files.

Everything comes from platformdirs so the app behaves like a native citizen on each OS. One
environment variable, RETOUCHDESK_HOME, moves all of it under a single folder: tests, benchmarks
and side-by-side installs use it so that nothing touches the real user profile.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "retouchdesk"
HOME_ENV = "RETOUCHDESK_HOME"


def _base(kind: str) -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override) / kind
    dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
    return Path(
        {
            "data": dirs.user_data_dir,
            "config": dirs.user_config_dir,
            "cache": dirs.user_cache_dir,
            "logs": dirs.user_log_dir,
        }[kind]
    )


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """Journal, hot-folder memory, the app's own sandbox data."""
    return _ensure(_base("data"))


def config_dir() -> Path:
    """Typed settings (settings.json)."""
    return _ensure(_base("config"))


def cache_dir() -> Path:
    """Thumbnails and other things that can be thrown away."""
    return _ensure(_base("cache"))


def log_dir() -> Path:
    return _ensure(_base("logs"))


def journal_path() -> Path:
    return data_dir() / "journal.sqlite3"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def sandbox_data_dir() -> Path:
    """Default --data of `retouchdesk sandbox` and of the sandbox the window starts."""
    return _ensure(data_dir() / "sandbox")
