"""Each workflow really changes the image the way it says, and keeps orientation and colour."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageCms

from .helpers import BACKDROP, PRODUCT, Api, decode, product_image


def pixel(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    """A pixel of an RGB(A) image as a tuple (Pillow types getpixel for every mode at once)."""
    value = image.getpixel(xy)
    assert isinstance(value, tuple), value
    return value


def close(value: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(value, expected, strict=False))


def test_background_to_white(api: Api) -> None:
    result = decode(api.run("Background to white", product_image()))
    assert result.format == "JPEG" and result.size == (480, 320)
    for corner in ((2, 2), (477, 2), (2, 317), (477, 317), (60, 160)):
        assert close(pixel(result, corner), (255, 255, 255), 3), corner
    assert close(pixel(result, (240, 180)), PRODUCT)


def test_transparent_cutout(api: Api) -> None:
    result = decode(api.run("Transparent cut-out", product_image()))
    assert result.format == "PNG" and result.mode == "RGBA"
    assert pixel(result, (5, 5))[3] == 0
    assert pixel(result, (60, 160))[3] == 0
    center = pixel(result, (240, 180))
    assert center[3] == 255 and close(center[:3], PRODUCT)


def test_square_crop_and_centre(api: Api) -> None:
    result = decode(api.run("Square crop and centre", product_image(size=(600, 300))))
    assert result.width == result.height
    # The product (30% x 50% of the frame) fills the square but for the 10% margins.
    columns = [
        x for x in range(result.width) if close(pixel(result, (x, result.height // 2)), PRODUCT, 40)
    ]
    left, right = columns[0], columns[-1]
    assert abs(left - (result.width - 1 - right)) <= 3  # centred
    assert 0.05 * result.width < left < 0.2 * result.width
    assert close(pixel(result, (2, 2)), (255, 255, 255), 3)


def test_auto_levels_and_white_balance(api: Api) -> None:
    # A dull, blue-tinted, low-contrast shot.
    source = Image.new("RGB", (300, 200), (90, 100, 140))
    source.paste((120, 125, 170), (100, 50, 200, 150))
    out = io.BytesIO()
    source.save(out, "PNG")
    result = decode(api.run("Auto levels and white balance", out.getvalue(), "dull.png"))
    assert result.format == "JPEG"
    darkest, brightest = pixel(result, (5, 5)), pixel(result, (150, 100))
    assert sum(darkest) / 3 < 30 and min(brightest) > 225  # stretched to the full range
    assert max(brightest) - min(brightest) < 20  # the blue cast is gone


def test_web_export_versions_differ_and_pinning_is_observable(api: Api) -> None:
    workflow = api.workflows()["Web export"]
    big = product_image(size=(2400, 1600))
    current = decode(api.run("Web export", big))
    assert current.size == (1600, 1067) and current.mode == "RGB"
    assert close(pixel(current, (800, 600)), PRODUCT, 20)  # colour kept

    from app.sandbox.workflows import find_workflow

    versions = find_workflow(workflow["id"]).versions  # type: ignore[union-attr]
    assert versions[-1].id == workflow["version"]
    old_id = api.create("Web export", big, version=versions[0].id)
    assert api.execution(old_id)["workflowVersion"] == versions[0].id
    old = decode(api.result(old_id))
    assert old.size == (800, 533)
    red, green, blue = pixel(old, (400, 300))
    assert abs(red - green) < 6 and abs(green - blue) < 6  # the old version was greyscale

    unknown = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": workflow["id"], "version": workflow["id"]},
        files={"file": ("a.jpg", big)},
    )
    assert unknown.status_code == 404


def test_human_qa_holds_in_qa_before_completing(sandbox_factory: Any, api_factory: Any) -> None:
    api = api_factory(sandbox_factory(qa_seconds=1.0))
    execution_id = api.create("Retouch with human QA", product_image())
    in_qa = api.wait(execution_id, lambda s: s != "CREATED" and s != "ACTIVE")
    assert in_qa["status"] == "IN_QA"
    assert in_qa["resultPath"] is None and in_qa["finishedAt"] is None
    done = api.wait(execution_id)
    assert done["status"] == "COMPLETED" and done["resultPath"]


def test_exif_orientation_is_applied(api: Api) -> None:
    stored = Image.new("RGB", (300, 120), BACKDROP)
    stored.paste(PRODUCT, (0, 0, 60, 120))  # red band at the stored left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    out = io.BytesIO()
    stored.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    result = decode(api.run("Web export", out.getvalue()))
    assert result.size == (120, 300)  # upright
    top, bottom = pixel(result, (60, 10)), pixel(result, (60, 290))
    assert close(top, PRODUCT, 20)  # the red band is now at the top
    assert close(bottom, BACKDROP, 20)  # and the backdrop at the bottom
    assert result.getexif().get(0x0112) in (None, 1)


def test_icc_profile_is_kept(api: Api) -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for workflow in ("Background to white", "Transparent cut-out"):
        result = decode(api.run(workflow, product_image(icc_profile=srgb)))
        assert result.info.get("icc_profile") == srgb, workflow


def test_large_inputs_are_scaled_down_to_4096(api: Api) -> None:
    result = decode(
        api.run("Auto levels and white balance", product_image(size=(6000, 1500), quality=50))
    )
    assert result.size == (4096, 1024)


def test_every_input_format_and_mode(api: Api) -> None:
    cases = {
        "a.png": product_image(fmt="PNG"),
        "b.tif": product_image(fmt="TIFF"),
        "c.webp": product_image(fmt="WEBP"),
        "d.png": _converted("LA", "PNG"),
        "e.jpg": _converted("CMYK", "JPEG"),
        "f.png": _converted("P", "PNG"),
    }
    for name, data in cases.items():
        result = decode(api.run("Background to white", data, name))
        assert result.size == (480, 320), name
        assert close(pixel(result, (2, 2)), (255, 255, 255), 3), name


def _converted(mode: str, fmt: str) -> bytes:
    image = decode(product_image(fmt="PNG")).convert(mode)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()
