"""The workflow one job runs with: its batch's, or the one a re-run gave it.

A re-run job carries its own workflow (`Job.workflow_id`, `_name`, `_version`) and a version
number above 1. Every stage reads the workflow, its price, the name template and the
existing-file policy from the `BatchContext` it is handed, so the engine hands a re-run job a
context of its own (`job_context`): creating its execution, finding it again after a crash,
wording a "needs credits" reason, learning upload sizes and naming the result then all follow
the job, through one seam rather than a condition in each stage.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.domain.choices import OnExists
from app.domain.jobs import Job
from app.engine.options import BatchContext
from app.store.journal import BatchRecord


@dataclass(frozen=True)
class WorkflowRef:
    id: str
    name: str
    version: str  # "" when the server named none (its current one was used)


def workflow_of(job: Job, record: BatchRecord) -> WorkflowRef:
    """The workflow of the job's current result."""
    if job.workflow_id:
        return WorkflowRef(job.workflow_id, job.workflow_name, job.workflow_version)
    return WorkflowRef(record.workflow_id, record.workflow_name, record.workflow_version)


def job_context(batch: BatchContext, job: Job) -> BatchContext:
    """The batch as this job sees it: the batch itself, unless the job was re-run."""
    if not job.workflow_id and job.version <= 1:
        return batch
    record = batch.record
    options = dict(record.options)
    if job.version > 1:
        # Beside the earlier versions' files, never over them, whatever the batch's policy
        # says: a retoucher compares versions, and the viewer shows each of them.
        options["name_template"] = versioned_template(batch.name_template, job.version)
        options["on_exists"] = OnExists.UNIQUE.value
    workflow = workflow_of(job, record)
    # The batch's price is another workflow's; 0 makes a "needs credits" reason say no figure
    # rather than a wrong one.
    price = record.price if workflow.id == record.workflow_id else 0
    return BatchContext(
        replace(
            record,
            workflow_id=workflow.id,
            workflow_name=workflow.name,
            workflow_version=workflow.version,
            price=price,
            options=options,
        )
    )


def versioned_template(template: str, version: int) -> str:
    """The name template with `_v2` (for version 2) before the extension: `{stem}{ext}` gives
    `IMG_0001_v2.png`, which sorts beside `IMG_0001.png` and says which result it is."""
    suffix = f"_v{version}"
    head, token, tail = template.rpartition("{ext}")
    if token:
        return f"{head}{suffix}{token}{tail}"
    folder, slash, name = template.rpartition("/")
    stem, dot, literal_ext = name.rpartition(".")
    if dot and stem and "}" not in literal_ext:  # a fixed extension, as in "{stem}.jpg"
        return f"{folder}{slash}{stem}{suffix}.{literal_ext}"
    return template + suffix
