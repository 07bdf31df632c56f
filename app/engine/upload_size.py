"""How big an input goes up: whole, or scaled to what the service keeps of it.

The vendor documents that inputs over 4096 x 4096 px are scaled down before processing, so
the pixels beyond that are sent for nothing: a 24 MP camera JPEG is twice the bytes of the
4096 px copy the service works on, and on a studio's uplink those bytes are the time.

- `full` always sends the original.
- `service` scales inputs over the documented limit from the start.
- `auto` (the default) sends originals until a result of the same workflow version proves the
  service scales (an input over the limit came back at most that size on its long side), then
  scales. The proof is kept in the journal, so it is learnt once per workflow version, ever.

Scaling never loses what the service would have kept: the copy is exactly the size the
service would have scaled the original to (`app.imaging.downscale.service_size`), so the
result has the same pixel size either way.
"""

from __future__ import annotations

import logging
import time

from app.domain.choices import UploadSize
from app.imaging.service_limits import MAX_SERVICE_SIDE
from app.store.journal import Journal, ScalingEvidence

log = logging.getLogger(__name__)


class UploadSizePolicy:
    """Loop-thread only. Reads the journal's evidence once, then keeps it in memory."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._evidence: dict[str, ScalingEvidence] | None = None

    async def max_side(self, choice: str, workflow_version: str) -> int | None:
        """The long side to scale an input down to before upload, or None to send it whole."""
        if choice == UploadSize.FULL:
            return None
        if choice == UploadSize.SERVICE:
            return MAX_SERVICE_SIDE
        evidence = (await self._known()).get(workflow_version)
        return evidence.max_side if evidence is not None else None

    async def learn(
        self,
        workflow_version: str,
        *,
        input_size: tuple[int, int],
        result_size: tuple[int, int],
        execution_id: str,
    ) -> bool:
        """Take a finished job of a full-size upload as evidence if it is some; True if new."""
        if not workflow_version or max(input_size) <= MAX_SERVICE_SIDE:
            return False  # the service had nothing to scale
        if max(result_size) > MAX_SERVICE_SIDE:
            return False  # it kept more than the docs say: never scale for this version
        known = await self._known()
        if workflow_version in known:
            return False
        evidence = ScalingEvidence(
            workflow_version=workflow_version,
            max_side=MAX_SERVICE_SIDE,
            input_size=input_size,
            result_size=result_size,
            execution_id=execution_id,
            learned_at=time.time(),
        )
        await self._journal.run(self._journal.record_scaling, evidence)
        known[workflow_version] = evidence
        log.info(
            "workflow version %s scales large inputs (%dx%d came back %dx%d): later uploads"
            " are scaled to %d px",
            workflow_version,
            *input_size,
            *result_size,
            MAX_SERVICE_SIDE,
        )
        return True

    async def _known(self) -> dict[str, ScalingEvidence]:
        if self._evidence is None:
            self._evidence = await self._journal.run(self._journal.scaling_evidence)
        return self._evidence
