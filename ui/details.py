"""The details pane: everything known about the selected job, failure reason first."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from app.domain.jobs import Job
from ui.i18n import Plural, translate
from ui.icons import muted_color
from ui.job_model import running_seconds, state_color, status_text
from ui.locale_format import duration, money, number, timestamp
from ui.wording import failed_while, review_text


def _upload_text(job: Job) -> str:
    if job.deduped:
        return translate("DetailsPane", "skipped (already stored)")
    return translate("DetailsPane", "done") if job.content_hash else "—"


def describe_job(job: Job) -> str:
    color = state_color(job.state).name()
    rows: list[tuple[str, str]] = [
        (translate("DetailsPane", "Original"), job.input_path),
        (translate("DetailsPane", "Result"), job.output_path or "—"),
        (translate("DetailsPane", "Execution ID"), job.execution_id or "—"),
        (translate("DetailsPane", "Server status"), job.remote_status or "—"),
        (translate("DetailsPane", "Credits"), money(job.credits) if job.credits else "—"),
        (translate("DetailsPane", "Duration"), duration(running_seconds(job)) or "—"),
        (translate("DetailsPane", "Attempts"), number(job.attempts)),
        (translate("DetailsPane", "Upload"), _upload_text(job)),
        (translate("DetailsPane", "Added"), timestamp(job.created_at)),
        (translate("DetailsPane", "Finished"), timestamp(job.finished_at)),
    ]
    if job.review.value:
        rows.append((translate("DetailsPane", "Review"), review_text(job.review)))
    muted = muted_color()  # Qt's rich text has no palette() in CSS: pass the colour itself
    body = "".join(
        f"<tr><td style='padding-right:8px;color:{muted}'>{html.escape(k)}</td>"
        f"<td>{html.escape(v)}</td></tr>"
        for k, v in rows
    )
    error = ""
    if job.error:
        stage = failed_while(job.failed_stage)
        why = (
            translate("DetailsPane", "Why ({stage}):").format(stage=stage)
            if stage
            else translate("DetailsPane", "Why:")
        )
        error = f"<p style='color:{color}'><b>{html.escape(why)}</b> {html.escape(job.error)}</p>"
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
        self.setAccessibleName(translate("DetailsPane", "Details of the selected image"))
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
            hint = translate("DetailsPane", "Select an image to see its details.")
            self.label.setText(f"<p style='color:{muted_color()}'>{html.escape(hint)}</p>")
        elif len(jobs) == 1:
            self.label.setText(describe_job(jobs[0]))
        else:
            selected = Plural.tr("%Ln image(s) selected", "", len(jobs))
            self.label.setText(f"<h3>{html.escape(selected)}</h3>")
