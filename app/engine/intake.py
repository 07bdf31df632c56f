"""From what the user gave (files, folders, a drop) to a batch the journal can keep.

Walking folders and probing files is disk and CPU work, so it happens off the event loop (the
window's GUI thread): the walk in a thread, the probes in the hashing pool, a chunk of files per
call so thousands of answers do not flood the loop. Bad inputs are not errors here: each becomes
a REJECTED job with its reason, so one broken file costs one row and nothing else.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.api.client import AutoretouchClient
from app.api.models import Workflow
from app.domain.choices import Layout, OnExists, values
from app.domain.jobs import Job, JobState
from app.engine.hashing import Hasher
from app.engine.inputs import WalkResult, find_inputs
from app.engine.naming import NamingError, inside, validate_template
from app.engine.options import RunOptions, new_batch_record
from app.imaging.probe import ProbeResult, probe_image
from app.store.journal import BatchRecord

# Inputs are probed this many files per thread-pool call: a thousand answers delivered in one
# loop turn stall a GUI loop for tens of milliseconds, since under qasync every ready callback
# is its own Qt event.
PROBE_CHUNK = 32


class NoInputsError(ValueError):
    """Nothing processable was found in what was given."""


@dataclass(frozen=True)
class Intake:
    record: BatchRecord
    jobs: list[Job]  # in order; bad inputs already REJECTED with their reason
    ignored: list[tuple[Path, str]]  # not images at all (hidden, other file types, ...)


async def take_in(
    client: AutoretouchClient,
    hasher: Hasher,
    paths: Sequence[str | os.PathLike[str]],
    options: RunOptions,
    *,
    root: Path | None = None,
    extra_options: dict[str, str] | None = None,
    workflow: Workflow | None = None,
) -> Intake:
    """Walk, probe and describe a batch of `paths`; nothing is journaled or started here.

    Raises NamingError for a bad template/layout, NoInputsError when nothing was found,
    ApiError when the workflow cannot be read.
    """
    validate_options(options)
    walk = await asyncio.to_thread(_find_inputs_outside, list(paths), root, options.out_dir)
    if not walk.inputs and not walk.missing:
        ignored = f" ({len(walk.ignored)} files ignored)" if walk.ignored else ""
        raise NoInputsError(f"no images found in the given paths{ignored}")
    paths_in = [found.path for found in walk.inputs]
    chunks = [paths_in[i : i + PROBE_CHUNK] for i in range(0, len(paths_in), PROBE_CHUNK)]
    probed = await asyncio.gather(*(hasher.run(_probe_all, c) for c in chunks))
    probes: list[ProbeResult] = [probe for chunk in probed for probe in chunk]
    if workflow is None or workflow.id != options.workflow_id:
        workflow = await client.get_workflow(options.workflow_id, options.org_id)
    now = time.time()
    out_dir = options.out_dir
    if out_dir is None and options.layout != Layout.BESIDE:
        first_root = walk.inputs[0].root if walk.inputs else Path.cwd()
        out_dir = first_root.parent / f"{first_root.name} retouched"
    record = new_batch_record(
        options,
        workflow,
        name=options.batch_name or datetime.now().strftime("ORDER %Y-%m-%d %H:%M:%S"),
        created_at=now,
        out_dir=out_dir,
        extra={
            "duplicates": walk.duplicates,
            "ignored": len(walk.ignored),
            **(extra_options or {}),
        },
    )
    jobs: list[Job] = []
    for seq, (found, probe) in enumerate(zip(walk.inputs, probes, strict=True)):
        job = _new_job(record.id, found.path, seq, now)
        job.relative_path = found.relative.as_posix()
        job.size = probe.size
        job.content_type = probe.content_type
        job.width, job.height = probe.width, probe.height
        if not probe.ok:
            job.state, job.error, job.finished_at = JobState.REJECTED, probe.reason, now
        jobs.append(job)
    for offset, (path, reason) in enumerate(walk.missing):
        job = _new_job(record.id, path, len(walk.inputs) + offset, now)
        job.state, job.error, job.finished_at = JobState.REJECTED, reason, now
        jobs.append(job)
    return Intake(record, jobs, walk.ignored)


def _new_job(batch_id: str, path: Path, seq: int, now: float) -> Job:
    return Job(
        id=str(uuid.uuid4()),
        batch_id=batch_id,
        input_path=str(path),
        name=path.name,
        seq=seq,
        created_at=now,
    )


def validate_options(options: RunOptions) -> None:
    validate_template(options.name_template)
    if options.layout not in values(Layout):
        raise NamingError(
            f"unknown layout {options.layout!r} (use one of: {', '.join(values(Layout))})"
        )
    if options.on_exists not in values(OnExists):
        raise NamingError(
            f"unknown on-exists policy {options.on_exists!r}"
            f" (use one of: {', '.join(values(OnExists))})"
        )
    if not options.workflow_id:
        raise ValueError("no workflow given")


def _find_inputs_outside(
    paths: list[str | os.PathLike[str]], root: Path | None, out_dir: Path | None
) -> WalkResult:
    """The inputs among `paths`, minus those inside the output folder: results written into
    an input folder must not become inputs of the next run. Blocking; run in a thread."""
    walk = find_inputs(paths, root)
    if out_dir is not None:
        outputs = [f for f in walk.inputs if inside(f.path, out_dir)]
        walk.inputs = [f for f in walk.inputs if not inside(f.path, out_dir)]
        walk.ignored += [(f.path, "inside the output folder") for f in outputs]
    return walk


def _probe_all(paths: list[Path]) -> list[ProbeResult]:
    """Probe a chunk of inputs in one thread-pool call (one answer to the loop, not many)."""
    return [probe_image(path) for path in paths]


def ignored_summary(ignored: list[tuple[Path, str]]) -> str:
    """'3 files ignored (2 not an image file type, 1 hidden)': each reason counted, none lost."""
    reasons = Counter(reason for _path, reason in ignored)
    parts = ", ".join(f"{count} {reason}" for reason, count in reasons.most_common())
    noun = "file" if len(ignored) == 1 else "files"
    return f"{len(ignored)} {noun} ignored ({parts})"
