"""A result made from a scaled copy has the pixel size of one made from the full file.

Both go through the sandbox's real processing: uploaded over HTTP with plain httpx, an
execution created for each, and the two results compared. The sizes include the one where the
thumbnail rule rounds a landscape short side away from the nearest pixel (4186 x 1000: 979 px,
where rounding gives 978; that file goes up as it is) and its quarter turn, where the two agree.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageChops
from scaling_helpers import camera_exif, picture, save

from app.imaging.downscale import scale_for_service

CLIENT_ID = "V8EkfbxtBi93cAySTVWAecEum4d6pt4J"  # the vendor's public client id
WORKFLOW = "Auto levels and white balance"  # keeps the size it is given


@pytest.fixture
def api(sandbox_factory: Callable[..., Any]) -> Iterator[httpx.Client]:
    base_url = sandbox_factory().base_url
    with httpx.Client(base_url=base_url, timeout=30) as auth:
        code = auth.post(
            "/oauth/device/code", data={"client_id": CLIENT_ID, "scope": "offline_access"}
        ).json()
        tokens = auth.post(
            "/oauth/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "device_code": code["device_code"],
                "client_id": CLIENT_ID,
            },
        ).json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        yield http


def processed(
    api: httpx.Client, data: bytes, name: str, content_type: str
) -> tuple[str, Image.Image]:
    """(content hash the server reported, the result decoded) for one upload and execution."""
    workflows = api.get("/v1/workflow").json()["entries"]
    workflow_id = next(w["id"] for w in workflows if w["name"] == WORKFLOW)
    upload = api.post("/v1/upload", files={"file": (name, data, content_type)})
    assert upload.status_code == 201, upload.text
    image = {"name": name, "contentHash": upload.text, "contentType": content_type}
    created = api.post(
        "/v1/workflow/execution/create", params={"workflow": workflow_id}, json={"image": image}
    )
    assert created.status_code == 201, created.text
    result = api.get(f"/v1/workflow/execution/{created.text}/result/default")  # waits for it
    assert result.status_code == 200, result.text
    return upload.text, Image.open(io.BytesIO(result.content))


@pytest.mark.parametrize(
    ("fmt", "size", "orientation"),
    [
        ("JPEG", (4400, 1800), 1),
        ("JPEG", (4186, 1000), 6),
        ("TIFF", (4186, 1000), 6),
        ("PNG", (1000, 4186), 1),
    ],
)
def test_the_service_makes_the_same_size_from_the_copy_as_from_the_original(
    api: httpx.Client, tmp_path: Path, fmt: str, size: tuple[int, int], orientation: int
) -> None:
    path = save(
        picture(size),
        tmp_path / f"shot.{fmt.lower()}",
        fmt,
        exif=camera_exif(size, orientation) if fmt == "JPEG" else _orientation(orientation),
    )
    scaled = scale_for_service(path)
    assert scaled is not None
    content_type = scaled.content_type
    _, from_original = processed(api, path.read_bytes(), path.name, content_type)
    reported_hash, from_copy = processed(api, scaled.data, path.name, content_type)
    assert reported_hash == scaled.sha256
    assert from_copy.size == from_original.size
    assert max(from_copy.size) == 4096
    # The same picture the same way up: the results differ by a generation of JPEG, no more.
    difference = ImageChops.difference(from_copy.convert("L"), from_original.convert("L"))
    histogram = difference.histogram()
    assert sum(level * count for level, count in enumerate(histogram)) / sum(histogram) < 3


def _orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def test_a_size_whose_rounding_is_uncertain_goes_up_whole(tmp_path: Path) -> None:
    path = save(picture((4186, 1000)), tmp_path / "wide.jpg", "JPEG")
    assert scale_for_service(path) is None
