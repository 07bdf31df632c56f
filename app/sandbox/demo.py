"""`--demo`: a fresh sandbox starts with one order already processed, from the sample photos.

So that a new user opening the window sees history, results and a batch at once. It runs only
on an empty data folder, and the demo order is charged like any other.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from app.sandbox.clock import iso_ms
from app.sandbox.images import inspect_image
from app.sandbox.processing import ExecutionService
from app.sandbox.store import Store
from app.sandbox.workflows import CATALOG

SAMPLES = Path(__file__).resolve().parent / "samples"
DEMO_WORKFLOW = "Auto levels and white balance"


def seed_demo_order(store: Store, executions: ExecutionService) -> int:
    """Queues the sample photos as one order; returns how many (0 when not a fresh folder)."""
    if store.execution_count():
        return 0
    workflow = next(w for w in CATALOG if w.name == DEMO_WORKFLOW)
    created_at = iso_ms()
    labels = {
        "autoretouch_batch_id": str(uuid.uuid4()),
        "autoretouch_batch_name": f"ORDER {created_at[:10]} {created_at[11:19]} (demo)",
        "autoretouch_batch_createdAt": created_at,
    }
    photos = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in (".jpg", ".png"))
    for photo in photos:
        data = photo.read_bytes()
        facts = inspect_image(data)
        content_hash = hashlib.sha256(data).hexdigest()
        store.put_blob(content_hash, data)
        store.record_upload(
            store.org_id, content_hash, facts.content_type, len(data), facts.width, facts.height
        )
        executions.create(
            org_id=store.org_id,
            user_id=store.user_id,
            workflow=workflow,
            version=workflow.current,
            input_name=photo.name,
            content_hash=content_hash,
            content_type=facts.content_type,
            labels=labels,
            settings={},
            webhooks=[],
        )
    return len(photos)
