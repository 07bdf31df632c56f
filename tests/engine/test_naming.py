from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from app.engine.naming import (
    NameContext,
    NamingError,
    destination_dir,
    inside,
    place_file,
    render_name,
    result_extension,
    sanitize_component,
    validate_template,
)

CTX = NameContext(
    stem="IMG_1", ext=".png", workflow="Cut/out", batch="Spring", date="2026-11-28", n=7
)


def test_default_template_keeps_stem_and_takes_result_extension() -> None:
    assert render_name("{stem}{ext}", CTX) == PurePath("IMG_1.png")


def test_all_tokens_and_subfolders() -> None:
    name = render_name("{batch}/{date}_{n}_{workflow}_{stem}{ext}", CTX)
    assert name == PurePath("Spring/2026-11-28_7_Cut_out_IMG_1.png")


@pytest.mark.parametrize("bad", ["", "{nope}{ext}", "{stem", "{stem}}"])
def test_bad_templates_are_refused_with_a_message(bad: str) -> None:
    with pytest.raises(NamingError):
        validate_template(bad)


@pytest.mark.parametrize(
    ("evil", "safe"),
    [
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..", "_"),
        (".bashrc", "bashrc"),
        ("CON.png", "_CON.png"),
        ("a\x00b\nc.png", "a_b_c.png"),
        ('x:*?"<>|.png', "x_______.png"),
    ],
)
def test_sanitize_component(evil: str, safe: str) -> None:
    assert sanitize_component(evil) == safe


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = sanitize_component("é" * 300 + ".png")
    assert name.endswith(".png") and len(name.encode()) <= 180


def test_result_extension_prefers_sane_server_name_then_content_type() -> None:
    assert result_extension("x.PNG", "image/jpeg") == ".png"
    assert result_extension("evil.png/../../x", "image/webp") == ".webp"
    assert result_extension("", "image/tiff") == ".tif"


def test_layouts(tmp_path: Path) -> None:
    src = tmp_path / "in" / "day" / "a.jpg"
    assert (
        destination_dir("folder", tmp_path / "out", src, PurePath("day/a.jpg")) == tmp_path / "out"
    )
    assert (
        destination_dir("mirror", tmp_path / "out", src, PurePath("day/a.jpg"))
        == tmp_path / "out" / "day"
    )
    assert (
        destination_dir("beside", None, src, PurePath("a.jpg"))
        == tmp_path / "in" / "day" / "retouched"
    )
    with pytest.raises(NamingError):
        destination_dir("folder", None, src, PurePath("a.jpg"))


def test_rendered_names_never_leave_the_destination(tmp_path: Path) -> None:
    evil = NameContext(stem="../../../x", ext=".png", workflow="..", batch="/abs", date="d", n=1)
    for template in (
        "{stem}{ext}",
        "{workflow}/{batch}/{stem}{ext}",
        "../{stem}{ext}",
        "/{stem}{ext}",
    ):
        target = tmp_path / "out" / render_name(template, evil)
        assert inside(target, tmp_path / "out"), template


def _tmp(folder: Path, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".x.retouchdesk-part"
    path.write_bytes(data)
    return path


def test_place_unique_skip_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a.png"
    assert place_file(_tmp(tmp_path / "out", b"1"), target, "unique") == target
    second = place_file(_tmp(tmp_path / "out", b"2"), target, "unique")
    assert second == tmp_path / "out" / "a (2).png" and second.read_bytes() == b"2"
    assert place_file(_tmp(tmp_path / "out", b"3"), target, "skip") is None
    assert target.read_bytes() == b"1"
    assert place_file(_tmp(tmp_path / "out", b"4"), target, "overwrite") == target
    assert target.read_bytes() == b"4"
    assert not list((tmp_path / "out").glob(".*"))  # no temp files left behind
