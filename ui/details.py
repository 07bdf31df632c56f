"""The details pane: everything known about the selected job, failure reason first."""

from __future__ import annotations

import html
import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.formatting import format_duration, format_money
from app.domain.jobs import Job
from ui.icons import muted_color
from ui.job_model import running_seconds, state_color, status_text


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "—"


def describe_job(job: Job) -> str:
    color = state_color(job.state).name()
    rows: list[tuple[str, str]] = [
        ("Original", job.input_path),
        ("Result", job.output_path or "—"),
        ("Execution ID", job.execution_id or "—"),
        ("Server status", job.remote_status or "—"),
        ("Credits", format_money(job.credits) if job.credits else "—"),
        ("Duration", format_duration(running_seconds(job)) or "—"),
        ("Attempts", str(job.attempts)),
        (
            "Upload",
            "skipped (already stored)" if job.deduped else ("done" if job.content_hash else "—"),
        ),
        ("Added", _when(job.created_at)),
        ("Finished", _when(job.finished_at)),
    ]
    if job.review.value:
        rows.append(("Review", job.review.value))
    muted = muted_color()  # Qt's rich text has no palette() in CSS: pass the colour itself
    body = "".join(
        f"<tr><td style='padding-right:8px;color:{muted}'>{html.escape(k)}</td>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    error = ""
    if job.error:
        stage = f" while {job.failed_stage}" if job.failed_stage else ""
        error = (
            f"<p style='color:{color}'><b>Why{html.escape(stage)}:</b> {html.escape(job.error)}</p>"
        )
    return (
        f"<h3 style='margin-bottom:2px'>{html.escape(job.name)}</h3>"
        f"<p style='color:{color};margin-top:0'><b>{html.escape(status_text(job))}</b></p>"
        f"{error}<table>{body}</table>"
    )


class DetailsPane(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("details")
        self.setWidgetResizable(True)
        self.setMinimumWidth(220)
        inner = QWidget()
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(inner)
        layout.addWidget(self.label)
        layout.addStretch(1)
        self.setWidget(inner)
        self.show_jobs([])

    def show_jobs(self, jobs: Sequence[Job]) -> None:
        if not jobs:
            self.label.setText(
                f"<p style='color:{muted_color()}'>Select an image to see its details.</p>"
            )
        elif len(jobs) == 1:
            self.label.setText(describe_job(jobs[0]))
        else:
            self.label.setText(f"<h3>{len(jobs)} images selected</h3>")
