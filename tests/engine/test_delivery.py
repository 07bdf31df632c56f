"""Delivery on real files: the chosen results copied under the template's names, a manifest of
them, and a second delivery that copies nothing, overwrites nothing and loses no row."""

from __future__ import annotations

import csv
import hashlib
import os
import time
from pathlib import Path

import pytest
from corpus import make_image

from app.domain.jobs import Job, JobState, Review
from app.engine.delivery import STALE_PART_SECONDS, DeliveryError, deliver
from app.engine.job_workflow import job_context, versioned_template
from app.engine.manifest import COLUMNS, MANIFEST_NAME
from app.engine.naming import NamingError
from app.engine.options import BatchContext
from app.store.journal import BatchRecord

BATCH = BatchRecord(
    id="b1",
    name="Spring",
    created_at=1767225600.0,  # 2026-01-01
    created_at_iso="2026-01-01T00:00:00.000Z",
    org_id="org",
    workflow_id="wf-white",
    workflow_name="Background to white",
    workflow_version="wv-1",
    price=10,
    options={"layout": "mirror", "name_template": "{stem}{ext}", "on_exists": "overwrite"},
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _done(
    tmp: Path, relative: str, seq: int, review: Review = Review.NONE, **fields: object
) -> Job:
    """A finished job whose result is a real file in the output folder."""
    output = make_image(tmp / "out" / Path(relative).with_suffix(".jpg"), seed=seq + 1)
    values: dict[str, object] = {
        "execution_id": f"ex-{seq}",
        "result_hash": _sha(output),
        "result_name": Path(relative).stem + ".jpg",
        "output_path": str(output),
        "credits": 10,
        "review": review,
        **fields,
    }
    return Job(
        id=f"job-{seq}", batch_id=BATCH.id, input_path=str(tmp / "shoot" / relative),
        name=Path(relative).name, seq=seq, relative_path=relative, state=JobState.DONE,
        **values,  # type: ignore[arg-type]
    )  # fmt: skip


def _manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / MANIFEST_NAME, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_the_chosen_results_are_copied_with_a_manifest_and_twice_copies_nothing(
    tmp_path: Path,
) -> None:
    jobs = [
        _done(tmp_path, "a/IMG_1.jpg", 0, Review.ACCEPTED),
        _done(tmp_path, "a/IMG_2.jpg", 1, Review.REJECTED),
        _done(tmp_path, "b/IMG_3.jpg", 2),
        _done(
            tmp_path,
            "b/IMG_4.jpg",
            3,
            Review.ACCEPTED,
            version=2,
            workflow_id="wf-cut",
            workflow_name="Transparent cut-out",
            workflow_version="wv-9",
        ),
    ]
    to = tmp_path / "delivery"
    report = deliver(jobs, {BATCH.id: BATCH}, to)  # every result not rejected
    assert [f.original for f in report.copied] == ["a/IMG_1.jpg", "b/IMG_3.jpg", "b/IMG_4.jpg"]
    assert report.left_out == 1 and report.refused == [] and report.already_delivered == []
    assert _files(to) == ["a/IMG_1.jpg", "b/IMG_3.jpg", "b/IMG_4.jpg", MANIFEST_NAME]
    for job, copied in zip([jobs[0], jobs[2], jobs[3]], report.copied, strict=True):
        assert _sha(copied.path) == _sha(Path(job.output_path)) == copied.sha256
    rows = _manifest(to)
    assert tuple(rows[0]) == COLUMNS
    assert rows[0] | {"delivered_at": ""} == {
        "original": "a/IMG_1.jpg", "delivered": "a/IMG_1.jpg",
        "workflow": "Background to white", "workflow_version": "wv-1", "version": "1",
        "execution_id": "ex-0", "credits": "10", "review": "accepted",
        "sha256": jobs[0].result_hash, "bytes": str(Path(jobs[0].output_path).stat().st_size),
        "batch": "Spring", "job_id": "job-0", "delivered_at": "",
    }  # fmt: skip
    assert rows[1]["review"] == "unreviewed"
    assert (rows[2]["workflow"], rows[2]["workflow_version"], rows[2]["version"]) == (
        "Transparent cut-out", "wv-9", "2",
    )  # fmt: skip

    manifest_before = (to / MANIFEST_NAME).read_bytes()
    stamps = {p: p.stat().st_mtime_ns for p in to.rglob("*.jpg")}
    again = deliver(jobs, {BATCH.id: BATCH}, to)
    assert again.copied == [] and len(again.already_delivered) == 3
    assert (to / MANIFEST_NAME).read_bytes() == manifest_before  # rows kept as they were
    assert {p: p.stat().st_mtime_ns for p in to.rglob("*.jpg")} == stamps

    accepted = deliver(jobs, {BATCH.id: BATCH}, to, accepted_only=True)
    assert [f.original for f in accepted.already_delivered] == ["a/IMG_1.jpg", "b/IMG_4.jpg"]
    assert accepted.left_out == 2


def test_a_different_file_never_takes_a_delivered_name_and_the_manifest_keeps_both(
    tmp_path: Path,
) -> None:
    to = tmp_path / "delivery"
    first = _done(tmp_path, "IMG_1.jpg", 0, Review.ACCEPTED)
    deliver([first], {BATCH.id: BATCH}, to)
    delivered = to / "IMG_1.jpg"
    original_bytes = delivered.read_bytes()
    # The result changed (a re-run): same name wanted, other bytes.
    make_image(Path(first.output_path), seed=99)
    report = deliver([first], {BATCH.id: BATCH}, to)
    assert [f.path.name for f in report.copied] == ["IMG_1 (2).jpg"]
    assert delivered.read_bytes() == original_bytes
    assert [r["delivered"] for r in _manifest(to)] == ["IMG_1.jpg", "IMG_1 (2).jpg"]
    # Delivered again: found under its numbered name, not copied a third time.
    assert deliver([first], {BATCH.id: BATCH}, to).copied == []
    assert _files(to) == ["IMG_1 (2).jpg", "IMG_1.jpg", MANIFEST_NAME]


def test_a_killed_deliverys_temp_copy_is_removed_and_a_running_ones_kept(tmp_path: Path) -> None:
    to = tmp_path / "delivery" / "a"
    to.mkdir(parents=True)
    stale, running = to / ".delivering-x1.part", to / ".delivering-x2.part"
    stale.write_bytes(b"half a file")
    running.write_bytes(b"being written")
    old = time.time() - STALE_PART_SECONDS - 60
    os.utime(stale, (old, old))
    deliver([_done(tmp_path, "a/IMG_1.jpg", 0)], {BATCH.id: BATCH}, to.parent)
    assert not stale.exists() and running.exists()


def test_a_lost_manifest_is_rebuilt_from_the_files_already_there(tmp_path: Path) -> None:
    to = tmp_path / "delivery"
    jobs = [_done(tmp_path, "IMG_1.jpg", 0), _done(tmp_path, "IMG_2.jpg", 1)]
    deliver(jobs, {BATCH.id: BATCH}, to)
    (to / MANIFEST_NAME).unlink()
    report = deliver(jobs, {BATCH.id: BATCH}, to)
    assert report.copied == [] and len(report.already_delivered) == 2
    assert [r["delivered"] for r in _manifest(to)] == ["IMG_1.jpg", "IMG_2.jpg"]


def test_each_job_that_cannot_be_delivered_has_its_own_reason_and_the_rest_go(
    tmp_path: Path,
) -> None:
    gone = _done(tmp_path, "gone.jpg", 0)
    Path(gone.output_path).unlink()
    failed = Job(id="job-f", batch_id=BATCH.id, input_path="/x/f.jpg", name="f.jpg", seq=1,
                 state=JobState.FAILED, error="processing failed on the server")  # fmt: skip
    fine = _done(tmp_path, "fine.jpg", 2)
    report = deliver([gone, failed, fine], {BATCH.id: BATCH}, tmp_path / "delivery")
    reasons = {r.original: r.reason for r in report.refused}
    assert reasons["gone.jpg"].startswith("the result file is missing: ")
    assert reasons["f.jpg"] == "no result to deliver (failed: processing failed on the server)"
    assert [f.original for f in report.copied] == ["fine.jpg"]


def test_names_come_from_the_template_and_a_flat_batch_stays_flat(tmp_path: Path) -> None:
    flat = BatchRecord(**{**BATCH.__dict__, "options": {"layout": "folder"}})
    jobs = [_done(tmp_path, "a/IMG_1.jpg", 0), _done(tmp_path, "b/IMG_1.jpg", 1)]
    to = tmp_path / "delivery"
    report = deliver(jobs, {BATCH.id: flat}, to, name_template="{batch}_{n}_{stem}{ext}")
    assert _files(to) == ["Spring_1_IMG_1.jpg", "Spring_2_IMG_1.jpg", MANIFEST_NAME]
    assert len(report.copied) == 2
    with pytest.raises(NamingError):
        deliver(jobs, {BATCH.id: flat}, to, name_template="{nope}")


def test_a_folder_that_cannot_be_used_is_refused_before_anything_is_copied(
    tmp_path: Path,
) -> None:
    job = _done(tmp_path, "IMG_1.jpg", 0)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(DeliveryError, match="not a folder"):
        deliver([job], {BATCH.id: BATCH}, not_a_folder)
    foreign = tmp_path / "theirs"
    foreign.mkdir()
    (foreign / MANIFEST_NAME).write_text("sku;price\n1;2\n")
    with pytest.raises(DeliveryError, match="not a delivery manifest"):
        deliver([job], {BATCH.id: BATCH}, foreign)
    assert (foreign / MANIFEST_NAME).read_text() == "sku;price\n1;2\n"
    assert _files(foreign) == [MANIFEST_NAME]


def test_a_rerun_job_sees_its_own_workflow_and_saves_beside_the_earlier_files() -> None:
    batch = BatchContext(BATCH)
    first = Job(id="j", batch_id=BATCH.id, input_path="/s/a.jpg", name="a.jpg")
    assert job_context(batch, first) is batch
    again = Job(id="j", batch_id=BATCH.id, input_path="/s/a.jpg", name="a.jpg", version=2,
                workflow_id="wf-cut", workflow_name="Cut", workflow_version="wv-9")  # fmt: skip
    seen = job_context(batch, again)
    assert (seen.record.workflow_id, seen.record.workflow_version) == ("wf-cut", "wv-9")
    assert seen.record.price == 0  # the batch's price is another workflow's
    assert (seen.name_template, seen.on_exists) == ("{stem}_v2{ext}", "unique")
    assert seen.labels(again.execution_label)["retouchdesk_job_id"] == "j.v2"
    assert batch.on_exists == "overwrite"  # the batch itself is unchanged
    assert versioned_template("{stem}{ext}", 3) == "{stem}_v3{ext}"
    assert versioned_template("{batch}/{stem}.jpg", 2) == "{batch}/{stem}_v2.jpg"
    assert versioned_template("{stem}", 2) == "{stem}_v2"
