"""Uploads are judged by content: 422 with a clear message for what cannot be processed."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable

import pytest
from PIL import Image

from .helpers import Api, product_image, sha256


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG of a large blank canvas, written by hand: a few KB for any size."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * width  # filter byte + one grey byte per pixel
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.jpg", lambda: b"these are not the pixels you are looking for", "Not an image"),
        ("empty.jpg", lambda: b"", "empty"),
        ("anim.gif", gif, "Unsupported image format GIF"),
        ("wide.jpg", lambda: product_image(size=(10_001, 40)), "Image too large: 10001 x 40 px"),
        ("bomb.png", lambda: huge_png(12_000, 12_000), "Decompression bomb"),
        ("cut.jpg", lambda: product_image()[:-2000], "Truncated or corrupt image"),
        ("cut.png", lambda: product_image(fmt="PNG")[:-300], "Truncated or corrupt image"),
    ],
    ids=["text", "empty", "gif", "too-wide", "bomb", "truncated-jpeg", "truncated-png"],
)
def test_unprocessable_uploads_are_422_with_a_reason(
    api: Api, name: str, make: Callable[[], bytes], message: str
) -> None:
    data = make()
    for path in ("/v1/upload", "/upload"):
        response = api.http.post(path, files={"file": (name, data)})
        assert response.status_code == 422
        body = response.json()
        assert body["error"] == "Unprocessable Entity" and body["path"] == path
        assert message in body["message"]
    # The multipart create form checks the same way, and creates nothing.
    create = api.http.post(
        "/v1/workflow/execution/create",
        params={"workflow": api.workflow_id("Web export")},
        files={"file": (name, data)},
    )
    assert create.status_code == 422 and message in create.json()["message"]
    assert api.sandbox.execution_count() == 0


def test_the_largest_allowed_side_is_accepted(api: Api) -> None:
    response = api.http.post("/v1/upload", files={"file": ("edge.png", huge_png(10_000, 4))})
    assert response.status_code == 201


def test_filesize_must_match(api: Api) -> None:
    """The documented `filesize` field, when sent, is the number of bytes of the file."""
    data, other = product_image(), product_image(size=(300, 200))
    ok = api.http.post(
        "/v1/upload", files={"file": ("a.jpg", data)}, data={"filesize": str(len(data))}
    )
    assert ok.status_code == 201
    wrong = api.http.post(
        "/v1/upload", files={"file": ("b.jpg", other)}, data={"filesize": str(len(other) + 1)}
    )
    assert wrong.status_code == 400
    assert (
        wrong.json()["message"]
        == f"filesize {len(other) + 1} does not match the {len(other)} bytes sent"
    )
    garbled = api.http.post("/upload", files={"file": ("b.jpg", other)}, data={"filesize": "big"})
    assert garbled.status_code == 400
    # Nothing of a refused upload is kept.
    assert api.http.head("/v1/upload", params={"contentHash": sha256(other)}).status_code == 404
