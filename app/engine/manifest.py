"""The delivery folder's `manifest.csv`: one row per delivered file, for the client or the shop.

Delivering into a folder again adds to its manifest, never drops from it: the rows are the union
of those already there and the new ones (a row for a path delivered anew replaces the old row of
that path). The file is replaced atomically, so a crash leaves the old manifest or the new one,
never half of one. A `manifest.csv` that is not one of ours is refused, not overwritten.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TextIO

from app.store.durable import write_text_atomically

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.csv"


class ManifestError(Exception):
    """The folder's manifest cannot be read as one; the message says what to do."""


@dataclass(frozen=True)
class ManifestRow:
    original: str  # the input, as a path below its batch's root
    delivered: str  # the delivered file, as a path below the delivery folder
    workflow: str
    workflow_version: str
    version: str  # which result of the job: "1", then one more per re-run
    execution_id: str
    credits: str
    review: str  # accepted, rejected or unreviewed
    sha256: str  # of the delivered bytes
    bytes: str
    batch: str
    job_id: str
    delivered_at: str  # ISO 8601, UTC


COLUMNS = tuple(f.name for f in fields(ManifestRow))
_REQUIRED = {"original", "delivered", "sha256"}


def read_manifest(folder: Path) -> list[ManifestRow]:
    """The rows of the folder's manifest; none when there is none yet. Columns it does not
    know are ignored and missing ones read as empty (another version may have written it)."""
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not _REQUIRED.issubset(reader.fieldnames or ()):
        raise ManifestError(
            f"{path} is not a delivery manifest (no {', '.join(sorted(_REQUIRED))} columns):"
            " move it aside, or deliver to another folder"
        )
    return [
        ManifestRow(**{name: str(row.get(name) or "") for name in COLUMNS})
        for row in reader
        if row.get("delivered")
    ]


def merged(existing: Sequence[ManifestRow], new: Iterable[ManifestRow]) -> list[ManifestRow]:
    """Existing rows in their order, a new row replacing the one of its path, then the rest."""
    by_path = {row.delivered: row for row in existing}
    for row in new:
        by_path[row.delivered] = row
    return list(by_path.values())


def write_manifest(folder: Path, rows: Sequence[ManifestRow]) -> Path:
    path = folder / MANIFEST_NAME

    def write(out: TextIO) -> None:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(asdict(row) for row in rows)

    write_text_atomically(path, write, newline="")
    log.info("manifest %s: %d rows", path, len(rows))
    return path
