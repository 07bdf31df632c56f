"""The table's first-paint work happens while the window is idle, not when photos land."""

from __future__ import annotations

from typing import Any

from app.domain.jobs import Job, JobState
from app.engine.events import JobAdded
from app.store.settings import Settings
from ui import icons
from ui.warm_up import sample_jobs


def test_first_rows_paint_without_rendering_any_icon(
    qapp: Any, qtbot: Any, monkeypatch: Any
) -> None:
    from ui.main_window import MainWindow

    renders: list[str] = []
    real_render = icons._SvgIconEngine._render

    def counting(self: Any, *args: Any) -> Any:
        renders.append(self._name)
        return real_render(self, *args)

    monkeypatch.setattr(icons._SvgIconEngine, "_render", counting)
    window = MainWindow(Settings())
    try:
        window.resize(1100, 700)
        window.show()
        # Once shown and idle, the window renders its status icons and placeholder ahead.
        qtbot.waitUntil(lambda: len({n for n in renders if n.startswith("status-")}) >= 8)
        assert "photo" in renders  # the thumbnail placeholder
        renders.clear()

        for state in JobState:  # the first real rows, one in every state
            job = Job(id=f"real-{state.value}", batch_id="b", input_path="/nowhere/x.jpg",
                      name="x.jpg", state=state, created_at=1.0, progress=0.3)  # fmt: skip
            window.bridge.on_event(JobAdded(job))
        window.bridge.flush()
        assert window.page.currentIndex() == 1
        window.page.view.viewport().repaint()
        assert renders == []  # everything they need was rendered during the warm-up
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()


def test_the_sample_covers_every_state() -> None:
    assert {job.state for job in sample_jobs()} == set(JobState)
