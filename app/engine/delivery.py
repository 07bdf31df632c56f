"""Delivery: the current result of each chosen job, copied to a folder for a client or a shop.

Chosen: the accepted jobs, or every job not rejected. Named by a name template (the batch's
own unless another is given) with the rules of `naming`, in the batch's subfolders when the
batch mirrored its input tree. Listed in the folder's `manifest.csv` (see `manifest`).

Delivering again is safe: a file already in the folder with the same bytes (by SHA-256) is not
copied again and keeps its row, and a different file that wants a taken name gets a numbered
name (" (2)"), never the other's place. Each job that cannot be delivered (no result, its file
gone, unreadable) is refused with its own reason; the others are delivered all the same.

`deliver` is blocking disk work: the engine runs it in a worker thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePath

from app.domain.choices import Layout
from app.domain.formatting import state_label
from app.domain.jobs import Job, JobState, Review
from app.engine.hashing import CHUNK
from app.engine.job_workflow import workflow_of
from app.engine.manifest import (
    MANIFEST_NAME,
    ManifestError,
    ManifestRow,
    merged,
    read_manifest,
    write_manifest,
)
from app.engine.naming import (
    NameContext,
    destination_dir,
    inside,
    numbered,
    place_file,
    plan_target,
    render_name,
    result_extension,
    validate_template,
)
from app.engine.options import BatchContext
from app.store.journal import BatchRecord

log = logging.getLogger(__name__)

PART_PREFIX, PART_SUFFIX = ".delivering-", ".part"
# A temp copy this old is a delivery's that was killed (a running one renames its own within
# seconds); it is removed so that no hidden leftover reaches the client.
STALE_PART_SECONDS = 3600.0


class DeliveryError(Exception):
    """The delivery cannot happen at all (folder, manifest); the message says why."""


@dataclass(frozen=True)
class DeliveredFile:
    job_id: str
    original: str  # the input, as a path below its batch's root
    path: Path  # in the delivery folder
    sha256: str
    size: int
    version: int


@dataclass(frozen=True)
class Refusal:
    job_id: str
    original: str
    reason: str


@dataclass
class DeliveryReport:
    folder: Path
    manifest: Path | None = None  # None when nothing was ever delivered there
    copied: list[DeliveredFile] = field(default_factory=list)
    already_delivered: list[DeliveredFile] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    left_out: int = 0  # not chosen: rejected, or not accepted with `accepted_only`


def is_chosen(job: Job, accepted_only: bool) -> bool:
    if accepted_only:
        return job.review is Review.ACCEPTED
    return job.review is not Review.REJECTED


def deliver(
    jobs: Sequence[Job],
    batches: Mapping[str, BatchRecord],
    to_dir: Path,
    *,
    accepted_only: bool = False,
    name_template: str | None = None,
) -> DeliveryReport:
    """Deliver the chosen jobs' current results to `to_dir` (created if need be). Raises
    NamingError for a bad template, DeliveryError when the folder or its manifest cannot be
    used; everything that concerns one job only is in the report."""
    if name_template is not None:
        validate_template(name_template)
    folder = Path(os.path.abspath(to_dir))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        known = read_manifest(folder)
    except FileExistsError as exc:
        raise DeliveryError(f"{folder} is a file, not a folder") from exc
    except OSError as exc:
        raise DeliveryError(f"cannot use {folder}: {exc.strerror or exc}") from exc
    except ManifestError as exc:
        raise DeliveryError(str(exc)) from exc
    _remove_stale_parts(folder)
    report = DeliveryReport(folder)
    listed = {row.delivered for row in known}
    rows_of_job: dict[str, list[ManifestRow]] = {}
    for row in known:
        rows_of_job.setdefault(row.job_id, []).append(row)
    new_rows: list[ManifestRow] = []
    for job in jobs:
        if not is_chosen(job, accepted_only):
            report.left_out += 1
            continue
        batch = BatchContext(batches[job.batch_id])
        outcome = _deliver_one(job, batch, folder, name_template, rows_of_job, report)
        if outcome is None:
            continue
        delivered, copied = outcome
        row = _row(job, batch.record, delivered, folder)
        # A file delivered before keeps its row; one the manifest lost (deleted, or never
        # written after a crash) gets it back.
        if copied or row.delivered not in listed:
            new_rows.append(row)
    if new_rows:
        # Read again just before writing: another delivery to this folder may have finished
        # meanwhile, and its rows must stay.
        try:
            report.manifest = write_manifest(folder, merged(read_manifest(folder), new_rows))
        except (OSError, ManifestError) as exc:
            raise DeliveryError(
                f"files delivered, but the manifest was not written: {exc}"
            ) from exc
    elif (folder / MANIFEST_NAME).is_file():
        report.manifest = folder / MANIFEST_NAME
    return report


def _deliver_one(
    job: Job,
    batch: BatchContext,
    folder: Path,
    name_template: str | None,
    rows_of_job: Mapping[str, Sequence[ManifestRow]],
    report: DeliveryReport,
) -> tuple[DeliveredFile, bool] | None:
    """The job's file in the folder and whether it was copied now; None when refused."""
    original = job.relative_path or job.name

    def refuse(reason: str) -> None:
        report.refused.append(Refusal(job.id, original, reason))

    if job.state is not JobState.DONE or not job.output_path:
        why = f": {job.error}" if job.error else ""
        refuse(f"no result to deliver ({state_label(job.state).lower()}{why})")
        return None
    source = Path(job.output_path)
    try:
        digest, size = _sha256_and_size(source)
    except FileNotFoundError:
        refuse(f"the result file is missing: {source}")
        return None
    except OSError as exc:
        refuse(f"cannot read the result {source}: {exc.strerror or exc}")
        return None
    target = _target(job, batch, folder, name_template)
    there = _already_there(folder, rows_of_job.get(job.id, ()), target, digest, size)
    if there is not None:
        delivered = DeliveredFile(job.id, original, there, digest, size, job.version)
        report.already_delivered.append(delivered)
        return delivered, False
    try:
        placed = _copy(source, target, digest)
    except _ChangedWhileCopying:
        refuse(f"the result {source} changed while it was being copied; deliver again")
        return None
    except OSError as exc:
        refuse(f"cannot copy {source}: {exc.strerror or exc}")
        return None
    delivered = DeliveredFile(job.id, original, placed, digest, size, job.version)
    report.copied.append(delivered)
    return delivered, True


def _target(job: Job, batch: BatchContext, folder: Path, name_template: str | None) -> Path:
    workflow = workflow_of(job, batch.record)
    context = NameContext(
        stem=Path(job.name).stem,
        ext=result_extension(
            job.result_name, job.result_content_type, Path(job.output_path).suffix
        ),
        workflow=workflow.name or workflow.id,
        batch=batch.name,
        date=batch.date,
        n=job.seq + 1,
    )
    # The batch's input tree is kept when the batch kept it; otherwise one flat folder (a
    # result "beside" its input has no place in a delivery folder).
    layout = Layout.MIRROR if batch.layout == Layout.MIRROR else Layout.FOLDER
    relative = PurePath(job.relative_path or job.name)
    dest = destination_dir(layout, folder, Path(job.input_path), relative)
    target = plan_target(dest, render_name(name_template or batch.name_template, context))
    return numbered(target, 2) if target == folder / MANIFEST_NAME else target


def _already_there(
    folder: Path, rows: Sequence[ManifestRow], target: Path, digest: str, size: int
) -> Path | None:
    """Where these bytes were delivered before: a manifest row of the job whose file is still
    there, or the target name (or one of its numbered names) holding the same bytes."""
    for row in rows:
        path = folder / row.delivered
        if row.sha256 == digest and inside(path, folder) and _same_bytes(path, digest, size):
            return path
    candidate, i = target, 2
    while candidate.is_file():
        if _same_bytes(candidate, digest, size):
            return candidate
        candidate, i = numbered(target, i), i + 1
    return None


def _same_bytes(path: Path, digest: str, size: int) -> bool:
    try:
        return path.stat().st_size == size and _sha256_and_size(path)[0] == digest
    except OSError:
        return False


def _sha256_and_size(path: Path) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size


class _ChangedWhileCopying(Exception):
    pass


def _copy(source: Path, target: Path, digest: str) -> Path:
    """Copy through a temp file beside the target, check the bytes, then take the target's
    name or the next free numbered one (atomically: never another file's place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=PART_PREFIX, suffix=PART_SUFFIX)
    tmp = Path(tmp_name)
    try:
        sha = hashlib.sha256()
        with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
            while chunk := src.read(CHUNK):
                sha.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if sha.hexdigest() != digest:
            raise _ChangedWhileCopying
        placed = place_file(tmp, target, "unique")
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if placed is None:  # "unique" always places; a None here is a bug in naming
        raise RuntimeError(f"no place found for {target}")
    return placed


def _remove_stale_parts(folder: Path) -> None:
    cutoff = time.time() - STALE_PART_SECONDS
    for part in folder.rglob(f"{PART_PREFIX}*{PART_SUFFIX}"):
        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove
            if part.is_file() and part.stat().st_mtime < cutoff:
                part.unlink()
                log.info("removed %s, left by a delivery that did not finish", part)


def _row(job: Job, record: BatchRecord, delivered: DeliveredFile, folder: Path) -> ManifestRow:
    workflow = workflow_of(job, record)
    return ManifestRow(
        original=delivered.original,
        delivered=delivered.path.relative_to(folder).as_posix(),
        workflow=workflow.name or workflow.id,
        workflow_version=workflow.version,
        version=str(job.version),
        execution_id=job.execution_id,
        credits=str(job.credits),
        review=job.review.value or "unreviewed",
        sha256=delivered.sha256,
        bytes=str(delivered.size),
        batch=record.name,
        job_id=job.id,
        delivered_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
