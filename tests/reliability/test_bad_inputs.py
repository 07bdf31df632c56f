"""Bad and unusual inputs that tests/engine does not cover yet.

tests/engine already checks empty, not-an-image, truncated JPEG/PNG, GIF, BMP, too wide and the
decompression bomb (each rejected with its own reason, good files finishing). This adds:
- unusual but valid images that must simply work: 16-bit PNG and TIFF, CMYK JPEG, content
  that disagrees with the extension (a PNG named .jpg, a JPEG named .png), unicode names in
  both normal forms, and names close to the 255-byte limit;
- files that break between being added and being processed: deleted, replaced by a folder;
- a symlink loop, inside a folder (ignored with a reason) and given by name (rejected).
Each bad one gets its own, specific reason; the good files beside them are unaffected.
(Unreadable by permissions cannot be made here: the tests run as root, which reads anything.)
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path
from typing import Any

from PIL import Image
from reliability_helpers import engine_for, make_image, options, run, wait_batch, workflow_id

from app.domain.jobs import JobState

CUTOUT = "Transparent cut-out"
LONG_STEM = "studio-shot-" + "x" * 228  # 240 bytes + ".jpg" = 244: fits, and so does ".png"
LONG_UNICODE_STEM = "写真" * 40  # 240 bytes in UTF-8, 80 characters
NAME_BUDGET = 180  # bytes the engine allows an output name: room for " (999)" and temp suffixes


def write_unusual_but_valid(folder: Path) -> dict[str, str]:
    """{file name: expected output name}: images a studio really has, that must just work."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    gradient = Image.linear_gradient("L").resize((96, 64))
    gray16 = Image.eval(gradient, lambda v: v).convert("I")
    gray16 = gray16.point(lambda v: v * 257)
    gray16.convert("I;16").save(folder / "scan16.png")
    expected["scan16.png"] = "scan16.png"
    gray16.convert("I;16").save(folder / "scan16-tiff.tif")
    expected["scan16-tiff.tif"] = "scan16-tiff.png"

    cmyk = Image.new("CMYK", (96, 64), (10, 200, 30, 5))
    cmyk.save(folder / "print-cmyk.jpg", quality=90)
    expected["print-cmyk.jpg"] = "print-cmyk.png"

    make_image(folder / "tmp-png.png", seed=1501)
    (folder / "tmp-png.png").rename(folder / "really-a-png.jpg")
    expected["really-a-png.jpg"] = "really-a-png.png"
    make_image(folder / "tmp-jpeg.jpg", seed=1502)
    (folder / "tmp-jpeg.jpg").rename(folder / "really-a-jpeg.png")
    expected["really-a-jpeg.png"] = "really-a-jpeg.png"

    for seed, stem in (
        (1503, "Ünïcødé 写真 ✨"),
        (1504, unicodedata.normalize("NFD", "Café crème")),
        (1505, LONG_STEM),
        (1506, LONG_UNICODE_STEM),
    ):
        make_image(folder / f"{stem}.jpg", seed=seed)
        expected[f"{stem}.jpg"] = f"{stem}.png"
    return expected


def test_unusual_valid_images_finish_and_broken_ones_get_their_own_reason(
    sandbox: Any, tmp_path: Path
) -> None:
    src = tmp_path / "mixed"
    valid = write_unusual_but_valid(src)
    vanished = make_image(src / "vanished.jpg", seed=1601)
    replaced = make_image(src / "replaced-by-folder.jpg", seed=1602)
    (src / "loop.jpg").symlink_to(src / "loop.jpg")  # ELOOP on every open
    named_loop = tmp_path / "named-loop.jpg"
    named_loop.symlink_to(named_loop)
    out = tmp_path / "out"

    async def go() -> tuple[dict[str, Any], Any]:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, _):
            wf = await workflow_id(session, CUTOUT)
            opts = options(sandbox, wf, out, layout="folder")
            batch_id = await engine.add([src, named_loop], opts)
            # Between "added" and "processed" the user tidies up the folder.
            vanished.unlink()
            replaced.unlink()
            replaced.mkdir()
            engine.start(batch_id)
            await wait_batch(engine, batch_id)
            return {j.name: j for j in engine.jobs()}, engine.batch(batch_id)

    jobs, _batch = run(go())
    reasons: dict[str, str] = {}
    for name in ("vanished.jpg", "replaced-by-folder.jpg", "named-loop.jpg"):
        job = jobs[name]
        assert job.state in (JobState.FAILED, JobState.REJECTED), (name, job.state)
        assert job.error and not job.execution_id, (name, job.error)
        reasons[name] = job.error
    assert "no such file" in reasons["vanished.jpg"].lower(), reasons
    assert "directory" in reasons["replaced-by-folder.jpg"].lower(), reasons
    assert "symbolic link" in reasons["named-loop.jpg"].lower(), reasons
    # inside a folder too: a rejected row with its own reason, not a silent count
    assert jobs["loop.jpg"].state is JobState.REJECTED
    assert "symbolic link" in jobs["loop.jpg"].error.lower(), jobs["loop.jpg"].error

    for name, output_name in valid.items():
        job = jobs[name]
        assert job.state is JobState.DONE, (name, job.state, job.error)
        output = Path(job.output_path)
        assert output.parent == out, (name, output)
        # Output names come out in NFC (one spelling on every platform), whatever the input's.
        nfc = unicodedata.normalize("NFC", output_name)
        if len(nfc.encode()) <= NAME_BUDGET:
            assert output.name == nfc, (name, output)
        else:  # shortened, on a character boundary, keeping the extension
            assert len(output.name.encode()) <= NAME_BUDGET, output.name
            assert output.suffix == ".png" and nfc.startswith(output.stem), output.name
            assert len(output.stem) > 40, output.name
        assert hashlib.sha256(output.read_bytes()).hexdigest() == job.result_hash
    assert sandbox.execution_count() == len(valid)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_symlink_loop_in_a_folder_is_a_rejected_row_with_its_reason(
    sandbox: Any, tmp_path: Path
) -> None:
    src = tmp_path / "shoot"
    make_image(src / "good.jpg", seed=1701)
    (src / "loop.jpg").symlink_to(src / "loop.jpg")
    os.symlink(src, src / "self")  # a folder loop too: the walk must end

    async def go() -> list[Any]:
        async with engine_for(sandbox, tmp_path / "journal.sqlite3") as (engine, session, _events):
            wf = await workflow_id(session, CUTOUT)
            batch_id = await engine.add([src], options(sandbox, wf, tmp_path / "out"))
            engine.start(batch_id)
            await wait_batch(engine, batch_id)
            return engine.jobs()

    jobs = run(go())
    by_name = {j.name: j for j in jobs}
    assert by_name["good.jpg"].state is JobState.DONE
    loop = by_name["loop.jpg"]
    assert loop.state is JobState.REJECTED
    assert "symbolic links" in loop.error, loop.error
    assert len(jobs) == 2  # the folder loop ended the walk; nothing else appeared
