"""Fixtures for the window's tests: synthetic jobs for the model's unit (its events)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.domain.jobs import Job, JobState

_ids = itertools.count(1)


def make_job(state: JobState = JobState.QUEUED, **fields: Any) -> Job:
    n = next(_ids)
    values: dict[str, Any] = {
        "id": f"job-{n}",
        "batch_id": "batch-1",
        "input_path": f"/photos/img_{n:04d}.jpg",
        "name": f"img_{n:04d}.jpg",
        "state": state,
        "created_at": 1000.0 + n,
    }
    values.update(fields)
    return Job(**values)


@pytest.fixture
def job_factory() -> Callable[..., Job]:
    return make_job


@pytest.fixture(autouse=True)
def no_threads_left_behind() -> Iterator[None]:
    """Every thread a test started (thumbnail pool, journal writer, loop executor, sandbox)
    must be gone when its fixtures are torn down."""
    import threading
    import time

    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not extra, f"threads left running: {[t.name for t in extra]}"


# --- the window on a real sandbox, driven on a qasync loop --------------------------------------
import asyncio  # noqa: E402
import gc  # noqa: E402
import sys  # noqa: E402

from gui_helpers import run  # noqa: E402

from ui.qloop import make_loop  # noqa: E402


@pytest.fixture
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop over the test's QApplication. Tests drive it with `run_until_complete`:
    pytest-qt's waitUntil does not run asyncio tasks on a loop that is not running."""
    hooks = sys.get_asyncgen_hooks()
    event_loop = make_loop(qapp)
    yield event_loop
    event_loop.run_until_complete(event_loop.shutdown_asyncgens())
    event_loop.close()
    asyncio.set_event_loop(None)
    sys.set_asyncgen_hooks(*hooks)
    # Collect the test's Qt objects here, on the GUI thread: left to a later collection they
    # may die in a worker thread, where Qt refuses to stop their timers (and warns).
    del event_loop
    gc.collect()


@pytest.fixture
def open_window(
    qtbot: Any, loop: asyncio.AbstractEventLoop, sandbox_factory: Callable[..., Any]
) -> Iterator[Callable[..., Any]]:
    """Open the main window on a sandbox (started if not given), signed in like main.py does."""
    from app.store.settings import Settings
    from ui.main_window import MainWindow
    from ui.workspace import Workspace, sandbox_profile

    windows: list[Any] = []

    def open_(sandbox: Any = None, settings: Settings | None = None, connect: bool = True) -> Any:
        """A shown window; `connect=False` leaves `await window.connect_for_test()` to the
        test, for scenarios that must not leave the loop between steps."""
        sandbox = sandbox or sandbox_factory()
        settings = settings or Settings.load()
        window = MainWindow(settings)
        windows.append(window)
        window.show()
        workspace = Workspace(sandbox_profile(sandbox.base_url), settings)

        async def connect_workspace() -> None:
            if not await workspace.connect():
                await workspace.sign_in_silently()
            await workspace.start_engine()
            await window.attach(workspace)

        window.sandbox = sandbox
        window.connect_for_test = connect_workspace
        if connect:
            run(loop, connect_workspace())
        return window

    yield open_
    for window in windows:
        run(loop, window.wait_idle())
        run(loop, window.detach())
        window.shutdown()
        window.close()
        window.deleteLater()
    # Deferred deletes run now, so no widget outlives its test.
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# --- the window's language ------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def english_window(qapp: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The window in English, as on a system with LANG=en_US: its plural forms ("1 image",
    "2 images") installed as the app installs them, compiled into this session's own folder.
    A test that needs another language installs it itself and restores this one after."""
    from ui import i18n

    cache = tmp_path_factory.mktemp("translations")
    setup = i18n.install("en", qapp, cache=cache)
    yield setup
    i18n.uninstall(setup)
