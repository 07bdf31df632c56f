"""Find an execution this client may have created without recording its id.

The create request is not idempotent and the client never repeats it blindly: if the answer is
lost (crash, broken connection, 5xx after the fact) the execution may exist and be charged. Each
job sends its own id as the label `retouchdesk_job_id`, so before creating again the engine
looks it up in the v2 list, filtered by the input file name (and, as a second chance, by the
batch name, in case a server stores the name differently than it was sent).
"""

from __future__ import annotations

import logging

from app.api.client import AutoretouchClient
from app.api.models import Execution
from app.engine.options import JOB_LABEL

log = logging.getLogger(__name__)

_PAGE = 50
_MAX_PAGES = 40  # 2,000 same-named executions is plenty; never loop forever on a bad server


async def find_created_execution(
    client: AutoretouchClient,
    org_id: str,
    *,
    job_id: str,
    input_file_name: str,
    workflow_id: str | None = None,
    batch_name: str | None = None,
) -> Execution | None:
    found = await _search(client, org_id, job_id, workflow_id, input_file_name=input_file_name)
    if found is None and batch_name:
        found = await _search(client, org_id, job_id, workflow_id, batch_name=batch_name)
    if found is not None:
        log.info("job %s: found execution %s created before a crash", job_id, found.id)
    return found


async def _search(
    client: AutoretouchClient,
    org_id: str,
    job_id: str,
    workflow_id: str | None,
    *,
    input_file_name: str | None = None,
    batch_name: str | None = None,
) -> Execution | None:
    offset = 0
    for _ in range(_MAX_PAGES):
        page = await client.list_executions(
            org_id,
            workflow_id=workflow_id,
            input_file_name=input_file_name,
            batch_name=batch_name,
            limit=_PAGE,
            offset=offset,
        )
        for execution in page.entries:
            if execution.labels.get(JOB_LABEL) == job_id:
                return execution
        offset += len(page.entries)
        if not page.entries or offset >= page.total:
            return None
    return None
