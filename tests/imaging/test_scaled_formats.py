"""A scaled copy keeps its source's format and everything in it the service could see."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, JpegImagePlugin, PngImagePlugin, TiffImagePlugin
from scaling_helpers import (
    camera_exif,
    grey16,
    opened,
    picture,
    png16_rgb,
    save,
    srgb_profile,
    tiff16_rgb,
)

from app.imaging.downscale import ScaledInput, scale_for_service, service_size
from app.imaging.webp_encoding import webp_encoding

SIZE = (150, 100)
MAX_SIDE = 64
TARGET = service_size(*SIZE, MAX_SIDE)  # (64, 43)


def scaled(path: Path) -> ScaledInput:
    result = scale_for_service(path, max_side=MAX_SIDE)
    assert result is not None
    assert result.size == TARGET and result.source_size == SIZE
    return result


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    histogram = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).histogram()
    return sum(i % 256 * n for i, n in enumerate(histogram)) / (a.width * a.height * 3)


# -- JPEG -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quality", "subsampling", "progressive"),
    [(73, 2, False), (95, 0, True), (88, 1, False)],
)
def test_jpeg_keeps_its_quantisation_subsampling_and_progression(
    tmp_path: Path, quality: int, subsampling: int, progressive: bool
) -> None:
    source = save(
        picture(SIZE),
        tmp_path / "photo.jpg",
        "JPEG",
        quality=quality,
        subsampling=subsampling,
        progressive=progressive,
    )
    result = scaled(source)
    copy = opened(result.data)
    original = Image.open(source)
    assert isinstance(copy, JpegImagePlugin.JpegImageFile)
    assert isinstance(original, JpegImagePlugin.JpegImageFile)
    assert result.content_type == "image/jpeg" and copy.format == "JPEG"
    assert copy.quantization == original.quantization
    assert JpegImagePlugin.get_sampling(copy) == subsampling
    assert bool(copy.info.get("progressive")) is progressive
    assert mean_difference(copy, original.resize(TARGET, Image.Resampling.LANCZOS)) < 8


def test_jpeg_keeps_each_components_own_table(tmp_path: Path) -> None:
    # Three tables, one per component: the copy must quantise Cr with the third, not the second.
    tables = [[n % 7 + 2 for n in range(64)], [n % 11 + 5 for n in range(64)], [9] * 64]
    source = save(picture(SIZE), tmp_path / "three.jpg", "JPEG", qtables=tables, subsampling=0)
    copy = opened(scaled(source).data)
    assert isinstance(copy, JpegImagePlugin.JpegImageFile)
    assert [layer[3] for layer in copy.layer] == [0, 1, 2]
    assert copy.quantization == Image.open(source).quantization  # type: ignore[attr-defined]


def test_jpeg_keeps_profile_exif_xmp_comment_and_resolution(tmp_path: Path) -> None:
    maker_note = b"BenchOptics\x00" + bytes(range(200))
    source = save(
        picture(SIZE),
        tmp_path / "camera.jpg",
        "JPEG",
        quality=90,
        icc_profile=srgb_profile(),
        exif=camera_exif(SIZE, orientation=1, maker_note=maker_note),
        xmp=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF/></x:xmpmeta>",
        comment=b"shot 12 of the spring collection",
        dpi=(300, 300),
    )
    copy = opened(scaled(source).data)
    original = Image.open(source)
    for key in ("icc_profile", "xmp", "comment"):
        assert copy.info[key] == original.info[key], key
    assert copy.info["dpi"] == (300, 300)
    exif = copy.getexif()
    assert (exif[ExifTags.Base.Make], exif[ExifTags.Base.Model]) == ("Bench Optics", "BX-24")
    details = exif.get_ifd(ExifTags.IFD.Exif)
    assert (details[ExifTags.Base.ExifImageWidth], details[ExifTags.Base.ExifImageHeight]) == TARGET
    assert details[ExifTags.Base.MakerNote] == maker_note
    assert details[ExifTags.Base.FNumber] == 8.0


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_greyscale_and_cmyk_jpegs_keep_their_mode(tmp_path: Path, mode: str) -> None:
    source = save(picture(SIZE, mode), tmp_path / f"{mode}.jpg", "JPEG", quality=85)
    copy = opened(scaled(source).data)
    assert copy.mode == mode
    assert copy.quantization == Image.open(source).quantization  # type: ignore[attr-defined]
    assert mean_difference(copy, Image.open(source).resize(TARGET, Image.Resampling.LANCZOS)) < 8


def test_a_cameras_multi_picture_jpeg_becomes_a_plain_jpeg_of_its_photograph(
    tmp_path: Path,
) -> None:
    photo, preview = picture(SIZE), picture(SIZE).rotate(180)
    source = save(
        photo, tmp_path / "camera.mpo", "MPO", save_all=True, append_images=[preview], quality=90
    )
    assert Image.open(source).format == "MPO"
    result = scaled(source)
    copy = opened(result.data)
    assert result.content_type == "image/jpeg" and copy.format == "JPEG"
    assert mean_difference(copy, photo.resize(TARGET, Image.Resampling.LANCZOS)) < 8


def test_a_jpeg_stored_as_rgb_stays_rgb(tmp_path: Path) -> None:
    source = save(picture(SIZE), tmp_path / "rgb.jpg", "JPEG", quality=90, keep_rgb=True)
    assert Image.open(source).info.get("adobe_transform") == 0
    assert opened(scaled(source).data).info.get("adobe_transform") == 0


# -- PNG ------------------------------------------------------------------------------------------


def test_png_is_lossless_and_keeps_its_chunks(tmp_path: Path) -> None:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Studio North")
    text.add_text("Description", "long caption " * 200, zip=True)
    text.add_itxt("Title", "Frühjahr", lang="de", tkey="Titel")
    text.add(b"gAMA", (45455).to_bytes(4, "big"))
    source = save(
        picture(SIZE),
        tmp_path / "shot.png",
        "PNG",
        pnginfo=text,
        icc_profile=srgb_profile(),
        exif=camera_exif(SIZE, orientation=3),
        dpi=(300, 300),
    )
    result = scaled(source)
    copy = opened(result.data)
    original = Image.open(source)
    assert result.content_type == "image/png" and copy.format == "PNG" and copy.mode == "RGB"
    assert isinstance(copy, PngImagePlugin.PngImageFile)
    assert copy.text == original.text  # type: ignore[attr-defined]
    assert copy.info["gamma"] == original.info["gamma"]
    assert copy.info["icc_profile"] == original.info["icc_profile"]
    assert round(copy.info["dpi"][0]) == 300
    assert copy.getexif()[ExifTags.Base.Orientation] == 3
    expected = original.resize(TARGET, Image.Resampling.LANCZOS)
    assert copy.tobytes() == expected.tobytes()  # lossless: exactly the resampled pixels


@pytest.mark.parametrize(
    ("mode", "transparency", "expected_mode"),
    [
        ("RGBA", None, "RGBA"),
        ("P", None, "RGB"),
        ("P", 0, "RGBA"),
        ("L", 40, "LA"),
        ("LA", None, "LA"),
    ],
)
def test_png_modes_are_kept_or_widened_without_loss(
    tmp_path: Path, mode: str, transparency: int | None, expected_mode: str
) -> None:
    options = {} if transparency is None else {"transparency": transparency}
    source = save(picture(SIZE, mode), tmp_path / "m.png", "PNG", **options)
    assert opened(scaled(source).data).mode == expected_mode


def test_sixteen_bit_greyscale_png_keeps_sixteen_bits(tmp_path: Path) -> None:
    source = save(grey16(SIZE), tmp_path / "grey16.png", "PNG")
    data = scaled(source).data
    assert data[24] == 16  # IHDR bit depth
    copy = opened(data)
    assert copy.mode == "I;16"
    raw = copy.tobytes()
    values = set(struct.unpack(f"<{len(raw) // 2}H", raw))
    assert any(value % 257 for value in values) and max(values) > 255
    expected = Image.open(source).resize(TARGET, Image.Resampling.LANCZOS)
    assert copy.tobytes() == expected.tobytes()


def test_sixteen_bit_colour_png_goes_up_as_it_is(tmp_path: Path) -> None:
    # Pillow would read it as 8 bits per channel: scaling it would lose the depth.
    assert scale_for_service(png16_rgb(tmp_path / "rgb16.png", SIZE), MAX_SIDE) is None


# -- TIFF -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("compression", ["raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"])
def test_tiff_keeps_compression_profile_resolution_and_tags(
    tmp_path: Path, compression: str
) -> None:
    tags = Image.Exif()
    tags[ExifTags.Base.Make] = "Bench Optics"
    tags[ExifTags.Base.Orientation] = 8
    tags[ExifTags.Base.XResolution] = 118.0
    tags[ExifTags.Base.YResolution] = 118.0
    tags[ExifTags.Base.ResolutionUnit] = 3  # centimetres
    tags[ExifTags.Base.Copyright] = "Studio North"
    tags[700] = b"<x:xmpmeta/>"
    source = save(
        picture(SIZE),
        tmp_path / "scan.tif",
        "TIFF",
        compression=compression,
        exif=tags.tobytes(),
        icc_profile=srgb_profile(),
    )
    result = scaled(source)
    # Tags as stored: once it decodes, Pillow's TIFF reader turns the pixels and drops the tag.
    copy = Image.open(io.BytesIO(result.data))
    assert isinstance(copy, TiffImagePlugin.TiffImageFile)
    assert result.content_type == "image/tiff" and copy.mode == "RGB"
    assert copy.info["compression"] == compression
    assert copy.info["icc_profile"] == srgb_profile()
    kept = copy.tag_v2
    assert (kept[256], kept[257]) == TARGET  # stored layout: as wide as the source is stored
    assert (kept[282], kept[283], kept[296]) == (118.0, 118.0, 3)
    assert (kept[271], kept[274], kept[33432], kept[700]) == (
        "Bench Optics",
        8,
        "Studio North",
        b"<x:xmpmeta/>",
    )
    upright_target = (TARGET[1], TARGET[0])
    expected = Image.open(source).resize(upright_target, Image.Resampling.LANCZOS)
    assert opened(result.data).tobytes() == expected.tobytes()


@pytest.mark.parametrize("mode", ["L", "LA", "RGBA", "CMYK"])
def test_tiff_keeps_its_mode(tmp_path: Path, mode: str) -> None:
    source = save(picture(SIZE, mode), tmp_path / "m.tif", "TIFF", compression="tiff_lzw")
    copy = opened(scaled(source).data)
    assert copy.mode == mode
    assert copy.tobytes() == Image.open(source).resize(TARGET, Image.Resampling.LANCZOS).tobytes()


def test_tiff_keeps_its_horizontal_predictor(tmp_path: Path) -> None:
    source = save(
        picture(SIZE), tmp_path / "p.tif", "TIFF", compression="tiff_lzw", tiffinfo={317: 2}
    )
    copy = opened(scaled(source).data)
    assert isinstance(copy, TiffImagePlugin.TiffImageFile)
    assert copy.tag_v2[317] == 2
    assert copy.tobytes() == Image.open(source).resize(TARGET, Image.Resampling.LANCZOS).tobytes()


def test_an_uncompressed_tiff_keeps_its_exif_directory(tmp_path: Path) -> None:
    source = save(picture(SIZE), tmp_path / "e.tif", "TIFF", exif=camera_exif(SIZE, 6))
    exif = Image.open(io.BytesIO(scaled(source).data)).getexif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    assert exif[ExifTags.Base.Orientation] == 6
    assert (details[ExifTags.Base.ExifImageWidth], details[ExifTags.Base.ExifImageHeight]) == TARGET
    assert details[ExifTags.Base.FNumber] == 8.0


@pytest.mark.parametrize("compression", ["raw", "tiff_lzw"])
def test_sixteen_bit_greyscale_tiff_keeps_sixteen_bits(tmp_path: Path, compression: str) -> None:
    source = save(grey16(SIZE), tmp_path / "g.tif", "TIFF", compression=compression)
    copy = opened(scaled(source).data)
    assert isinstance(copy, TiffImagePlugin.TiffImageFile)
    assert copy.mode == "I;16" and copy.tag_v2[258] == (16,)
    assert copy.tobytes() == Image.open(source).resize(TARGET, Image.Resampling.LANCZOS).tobytes()


def test_tiffs_that_cannot_be_written_again_as_they_were_go_up_as_they_are(tmp_path: Path) -> None:
    colour16 = tiff16_rgb(tmp_path / "rgb16.tif", SIZE)
    jpeg_in_tiff = save(picture(SIZE), tmp_path / "j.tif", "TIFF", compression="jpeg")
    pages = save(
        picture(SIZE), tmp_path / "pages.tif", "TIFF", save_all=True, append_images=[picture(SIZE)]
    )
    for path in (colour16, jpeg_in_tiff, pages):
        assert scale_for_service(path, MAX_SIDE) is None, path.name


# -- WebP -----------------------------------------------------------------------------------------


def test_lossless_webp_stays_lossless(tmp_path: Path) -> None:
    source = save(
        picture(SIZE, "RGBA"),
        tmp_path / "cut.webp",
        "WEBP",
        lossless=True,
        icc_profile=srgb_profile(),
        exif=camera_exif(SIZE, 5),
        xmp=b"<x:xmpmeta/>",
    )
    result = scaled(source)
    (tmp_path / "copy.webp").write_bytes(result.data)
    encoding = webp_encoding(tmp_path / "copy.webp")
    assert encoding is not None and encoding.lossless
    copy = opened(result.data)
    assert result.content_type == "image/webp" and copy.mode == "RGBA"
    assert copy.info["icc_profile"] == srgb_profile() and copy.info["xmp"] == b"<x:xmpmeta/>"
    assert copy.getexif()[ExifTags.Base.Orientation] == 5
    expected = Image.open(source).resize(TARGET, Image.Resampling.LANCZOS)
    assert copy.tobytes() == expected.tobytes()


def test_lossy_webp_keeps_about_its_quality(tmp_path: Path) -> None:
    source = save(
        Image.open(Path(__file__).parents[2] / "app/sandbox/samples/coffee.png")
        .convert("RGB")
        .resize(SIZE),
        tmp_path / "lossy.webp",
        "WEBP",
        quality=60,
    )
    result = scaled(source)
    (tmp_path / "copy.webp").write_bytes(result.data)
    encoding = webp_encoding(tmp_path / "copy.webp")
    assert encoding is not None and not encoding.lossless
    assert encoding.quality is not None and 57 <= encoding.quality <= 66


def test_animated_pictures_go_up_as_they_are(tmp_path: Path) -> None:
    frames = {"save_all": True, "append_images": [picture(SIZE).rotate(180)]}
    for name, fmt in (("a.webp", "WEBP"), ("a.png", "PNG")):
        path = save(picture(SIZE), tmp_path / name, fmt, **frames)
        assert scale_for_service(path, MAX_SIDE) is None, name
