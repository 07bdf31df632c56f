"""The command line and the sandbox run on uvloop where it is installed, else on asyncio's."""

from __future__ import annotations

import asyncio
import importlib.util
import sys

import pytest

from app import event_loop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


@pytest.mark.skipif(sys.platform == "win32", reason="uvloop does not exist on Windows")
def test_runs_on_uvloop_where_it_is_a_dependency() -> None:
    # A dependency on Linux and macOS (pyproject.toml): missing here means a broken install.
    assert importlib.util.find_spec("uvloop") is not None
    assert event_loop.run(_loop_module()).startswith("uvloop")


def test_falls_back_to_asyncio_without_uvloop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvloop", None)  # makes `import uvloop` fail
    assert event_loop.loop_factory() is None
    assert event_loop.run(_loop_module()).startswith("asyncio")


def test_the_cli_uses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli import common

    seen: list[object] = []
    monkeypatch.setattr(event_loop, "run", lambda coro: seen.append(coro) or coro.close())
    common.run(_loop_module())
    assert len(seen) == 1
