from __future__ import annotations

from pathlib import Path

import pytest
from corpus import make_image, write_bad_corpus

from app.imaging.probe import ImageProblem, probe_image


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.jpg", "image/jpeg"),
        ("a.png", "image/png"),
        ("a.webp", "image/webp"),
        ("a.tif", "image/tiff"),
    ],
)
def test_good_formats_are_detected_by_content(tmp_path: Path, name: str, content_type: str) -> None:
    path = make_image(tmp_path / name, size=(40, 30))
    result = probe_image(path)
    assert result.ok, result.reason
    assert (result.content_type, result.width, result.height) == (content_type, 40, 30)


def test_extension_lies_content_wins(tmp_path: Path) -> None:
    path = make_image(tmp_path / "really-a-png.jpg", fmt="PNG")
    assert probe_image(path).content_type == "image/png"


def test_each_bad_input_gets_its_own_reason(tmp_path: Path) -> None:
    expected = write_bad_corpus(tmp_path)
    for name, problem in expected.items():
        result = probe_image(tmp_path / name)
        assert not result.ok, name
        assert result.problem == ImageProblem(problem), (name, result)
        assert result.reason and len(result.reason) > 10


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    result = probe_image(tmp_path / "gone.jpg")
    assert result.problem is ImageProblem.UNREADABLE


def test_exactly_10000_px_side_is_allowed(tmp_path: Path) -> None:
    from corpus import png_header_only

    path = tmp_path / "edge.png"
    path.write_bytes(png_header_only(10_000, 2))
    result = probe_image(path)
    # The header is legal; the tiny IDAT is short of pixels, which verify() does not decode.
    assert result.problem is not ImageProblem.TOO_LARGE


@pytest.mark.parametrize("fmt", ["WEBP", "TIFF"])
def test_truncated_webp_and_tiff(tmp_path: Path, fmt: str) -> None:
    whole = make_image(tmp_path / f"whole.{fmt.lower()}", size=(300, 200), seed=4, fmt=fmt)
    data = whole.read_bytes()
    cut = tmp_path / f"cut.{fmt.lower()}"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert probe_image(whole).ok
    result = probe_image(cut)
    assert result.problem is ImageProblem.TRUNCATED, result
