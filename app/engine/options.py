"""What a run was asked to do, and the batch it became.

`RunOptions` is what a front end passes to `Engine.add`. Once a batch is made, its options are
stored in the journal with it (`BatchContext` reads them back), so a batch resumed after a crash
writes its results exactly where and how the original run would have.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.api.models import Workflow
from app.domain.choices import Layout, OnExists, UploadSize
from app.engine.naming import DEFAULT_TEMPLATE
from app.store.journal import BatchRecord
from app.store.settings import Settings

JOB_LABEL = "retouchdesk_job_id"


@dataclass
class RunOptions:
    org_id: str
    workflow_id: str
    workflow_version: str | None = None  # None pins the workflow's current version at add()
    out_dir: Path | None = None  # None: a "<folder> retouched" folder beside the first input
    layout: str = Layout.MIRROR  # a Layout value
    name_template: str = DEFAULT_TEMPLATE
    on_exists: str = OnExists.UNIQUE  # an OnExists value
    batch_name: str | None = None  # None: "ORDER YYYY-MM-DD HH:MM:SS", like the web app
    source: str = ""  # "cli" | "window" | "hotfolder": shown in history
    upload_size: str = UploadSize.AUTO  # an UploadSize value

    @classmethod
    def from_settings(
        cls, settings: Settings, *, org_id: str, workflow_id: str, source: str
    ) -> RunOptions:
        """A run as the user's settings describe it (what the window and the hot folder use;
        the CLI starts here and applies its flags on top)."""
        return cls(
            org_id=org_id,
            workflow_id=workflow_id,
            workflow_version=settings.pin_version or None,
            out_dir=Path(settings.output_folder).expanduser() if settings.output_folder else None,
            layout=settings.layout,
            name_template=settings.name_template,
            on_exists=settings.on_exists,
            source=source,
            upload_size=settings.upload_size,
        )


@dataclass
class BatchContext:
    record: BatchRecord

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def org_id(self) -> str:
        return self.record.org_id

    def option(self, key: str, default: Any = None) -> Any:
        return self.record.options.get(key, default)

    @property
    def out_dir(self) -> Path | None:
        value = self.option("out_dir")
        return Path(value) if value else None

    @property
    def layout(self) -> str:
        return str(self.option("layout", Layout.MIRROR))

    @property
    def name_template(self) -> str:
        return str(self.option("name_template", DEFAULT_TEMPLATE))

    @property
    def on_exists(self) -> str:
        return str(self.option("on_exists", OnExists.UNIQUE))

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.record.created_at, UTC).strftime("%Y-%m-%d")

    def labels(self, job_id: str) -> dict[str, str]:
        """The three labels that make the web app show an order, plus our job label."""
        return {
            "autoretouch_batch_id": self.record.id,
            "autoretouch_batch_name": self.record.name,
            "autoretouch_batch_createdAt": self.record.created_at_iso,
            JOB_LABEL: job_id,
        }


def new_batch_record(
    options: RunOptions,
    workflow: Workflow,
    *,
    name: str,
    created_at: float,
    out_dir: Path | None,
    extra: Mapping[str, Any] | None = None,
) -> BatchRecord:
    """A new batch of `options` run with `workflow`, its options stored as `BatchContext` reads
    them back. One place for every way a batch is made (a drop, the CLI, a hot folder adopting
    a dead watcher's execution), so a resumed batch never misses an option one of them forgot.
    `extra` is stored beside them (and wins: a hot folder names its own source)."""
    return BatchRecord(
        id=str(uuid.uuid4()),
        name=name,
        created_at=created_at,
        created_at_iso=iso_utc(created_at),
        org_id=options.org_id,
        workflow_id=workflow.id or options.workflow_id,
        workflow_name=workflow.name,
        workflow_version=options.workflow_version or workflow.version,
        price=workflow.execution_price,
        options={
            "out_dir": str(out_dir) if out_dir else "",
            "layout": options.layout,
            "name_template": options.name_template,
            "on_exists": options.on_exists,
            "upload_size": options.upload_size,
            "source": options.source,
            **(extra or {}),
        },
    )


def iso_utc(ts: float) -> str:
    """ISO 8601 with milliseconds and Z, as the web app writes autoretouch_batch_createdAt."""
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
