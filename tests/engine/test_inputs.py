from __future__ import annotations

import os
from pathlib import Path, PurePath

from corpus import make_image

from app.engine.inputs import find_inputs


def test_walks_recursively_with_case_insensitive_extensions(tmp_path: Path) -> None:
    make_image(tmp_path / "shoot" / "A.JPG")
    make_image(tmp_path / "shoot" / "day2" / "b.Png", fmt="PNG")
    make_image(tmp_path / "shoot" / "day2" / "noext", fmt="JPEG")
    (tmp_path / "shoot" / "notes.txt").write_text("x")
    result = find_inputs([tmp_path / "shoot"])
    rel = sorted(str(i.relative) for i in result.inputs)
    assert rel == ["A.JPG", "day2/b.Png", "day2/noext"]
    assert all(i.root == tmp_path / "shoot" for i in result.inputs)
    assert [p.name for p, _ in result.ignored] == ["notes.txt"]


def test_hidden_temp_and_junk_are_ignored_with_reasons(tmp_path: Path) -> None:
    for name in (
        ".hidden.jpg",
        "~$lock.jpg",
        "x.jpg.part",
        "Thumbs.db",
        "y.jpg.crdownload",
        "z.tmp",
    ):
        make_image(tmp_path / name, fmt="JPEG")
    make_image(tmp_path / ".git" / "inside.jpg")
    make_image(tmp_path / "keep.jpeg")
    result = find_inputs([tmp_path])
    assert [i.path.name for i in result.inputs] == ["keep.jpeg"]
    reasons = dict((p.name, r) for p, r in result.ignored)
    assert reasons[".hidden.jpg"] == "hidden file"
    assert reasons["x.jpg.part"] == "temporary or partial file"
    assert "inside.jpg" not in reasons  # hidden folders are not even entered


def test_same_file_twice_is_one_input(tmp_path: Path) -> None:
    image = make_image(tmp_path / "d" / "a.jpg")
    os.link(image, tmp_path / "d" / "hardlink.jpg")
    os.symlink(image, tmp_path / "d" / "symlink.jpg")
    result = find_inputs([image, tmp_path / "d", str(image)])
    assert len(result.inputs) == 1


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    make_image(tmp_path / "top" / "sub" / "a.jpg")
    os.symlink(tmp_path / "top", tmp_path / "top" / "sub" / "loop")
    result = find_inputs([tmp_path / "top"])
    assert [i.relative for i in result.inputs] == [PurePath("sub/a.jpg")]


def test_explicit_file_is_taken_even_with_odd_extension_and_missing_reported(
    tmp_path: Path,
) -> None:
    odd = make_image(tmp_path / "scan.dat", fmt="PNG")
    result = find_inputs([odd, tmp_path / "nope.jpg"])
    assert [i.path for i in result.inputs] == [odd]
    assert result.missing and result.missing[0][0].name == "nope.jpg"


def test_ignored_files_are_summarised_with_every_reason_counted() -> None:
    from app.engine.engine import ignored_summary

    ignored = [
        (Path("a/.DS_Store"), "hidden"),
        (Path("a/notes.txt"), "not an image file type"),
        (Path("a/b.txt"), "not an image file type"),
    ]
    assert ignored_summary(ignored) == "3 files ignored (2 not an image file type, 1 hidden)"
    assert ignored_summary(ignored[:1]) == "1 file ignored (1 hidden)"
