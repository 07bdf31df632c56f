"""After a batch, at a studio's scale: review marks on every job, and delivery to a folder.

- marks: `Engine.set_review` on N jobs of a batch loaded from a real journal file (the CLI's
  `review` and the window's grid take this path), feedback off: what the journal's group
  commit makes of N marks.
- delivery: `Engine.deliver` of N 2 MP JPEG results (real product shots, bench/out cache) to a
  fresh folder: hashing, copying through a temp file with fsync, the manifest; then the same
  delivery again, which finds every file already there and copies nothing.

Medians of `--runs` runs in one process, each on a fresh journal and a fresh folder.

    .venv/bin/python -m bench.review_delivery [--images 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from app.api.servers import resolve_server
from app.api.session import Session
from app.domain.jobs import Job, JobState, Review
from app.engine.engine import Engine
from app.store.journal import BatchRecord, Journal
from bench.common import OUT, image_cache


def batch_record() -> BatchRecord:
    return BatchRecord(
        id="bench-batch",
        name="Bench",
        created_at=time.time(),
        created_at_iso="2026-01-01T00:00:00.000Z",
        org_id="org",
        workflow_id="wf",
        workflow_name="Background to white",
        options={"layout": "mirror", "name_template": "{stem}{ext}"},
    )


def finished_jobs(results: list[Path]) -> list[Job]:
    return [
        Job(
            id=f"job-{i:05d}",
            batch_id="bench-batch",
            input_path=f"/shoot/{i // 100:02d}/{path.name}",
            name=path.name,
            seq=i,
            relative_path=f"{i // 100:02d}/{path.name}",
            state=JobState.DONE,
            execution_id=f"ex-{i}",
            result_hash=hashlib.sha256(path.read_bytes()).hexdigest(),
            result_name=path.name,
            output_path=str(path),
            credits=10,
            review=Review.ACCEPTED if i % 4 else Review.NONE,
        )
        for i, path in enumerate(results)
    ]


async def one_run(jobs: list[Job], folder: Path) -> tuple[float, float, float, int]:
    """Seconds for: N marks, the first delivery, the second one; files copied the first time."""
    journal = Journal(folder / "journal.sqlite3")
    session = Session(resolve_server("sandbox"))  # never signed in: nothing here asks a server
    engine = Engine(session.client, journal)
    try:
        journal.add_batch(batch_record(), jobs)
        ids = [j.id for j in await engine.open_batch("bench-batch")]
        started = time.perf_counter()
        changed = await engine.set_review(ids, Review.REJECTED)
        marks = time.perf_counter() - started
        assert len(changed) == len(ids)
        await engine.set_review(ids, Review.ACCEPTED)
        target = folder / "delivery"
        started = time.perf_counter()
        first = await engine.deliver(ids, target)
        deliver_first = time.perf_counter() - started
        started = time.perf_counter()
        second = await engine.deliver(ids, target)
        deliver_again = time.perf_counter() - started
        assert len(first.copied) == len(ids) and not second.copied
        return marks, deliver_first, deliver_again, len(first.copied)
    finally:
        await engine.aclose()
        journal.close()
        await session.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = sorted(image_cache(args.images).glob("*.jpg"))[: args.images]
    jobs = finished_jobs(results)
    megabytes = sum(p.stat().st_size for p in results) / 1e6
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(dir=OUT) as tmp:
            runs.append(asyncio.run(one_run(jobs, Path(tmp))))
    marks, first, again = (statistics.median(r[i] for r in runs) for i in range(3))
    n = len(jobs)
    print(
        f"review_delivery: {n} jobs, {megabytes:.0f} MB of 2 MP JPEG results, median of {args.runs}"
    )
    print(
        f"  marks:          {n} set_review in {marks * 1000:.0f} ms ({marks / n * 1e6:.0f} us each)"
    )
    rate = megabytes / first
    print(f"  first delivery: {first:.2f} s ({first / n * 1000:.1f} ms per file, {rate:.0f} MB/s)")
    print(f"  again:          {again:.2f} s ({again / n * 1000:.1f} ms per file, nothing copied)")


if __name__ == "__main__":
    main()
