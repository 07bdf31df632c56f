"""Helpers for the sandbox contract suite: an authorised HTTP client and generated images.

Every test talks real HTTP (httpx) to a sandbox started by `sandbox_factory` from the shared
conftest. Images are made with Pillow: a product on a seamless backdrop, like a studio shot.
Imported relatively (`from .helpers import ...`), so the suite runs under `python -m pytest`
and the bare `pytest` script alike.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from typing import Any

import httpx
from PIL import Image, ImageDraw

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CLIENT_ID = "V8EkfbxtBi93cAySTVWAecEum4d6pt4J"
BACKDROP = (196, 200, 204)
PRODUCT = (200, 30, 40)
FINAL = {"COMPLETED", "FAILED", "PAYMENT_REQUIRED"}


def product_image(
    size: tuple[int, int] = (480, 320),
    fmt: str = "JPEG",
    backdrop: tuple[int, int, int] = BACKDROP,
    **save: Any,
) -> bytes:
    """A red product (a rounded box) in the middle of a light grey seamless backdrop."""
    width, height = size
    image = Image.new("RGB", size, backdrop)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle(
        (width * 0.35, height * 0.3, width * 0.65, height * 0.8), radius=8, fill=PRODUCT
    )
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def sign_in(base_url: str) -> dict[str, Any]:
    """The device flow against an auto-approving sandbox: the token endpoint's JSON."""
    with httpx.Client(base_url=base_url, timeout=10) as auth:
        code = auth.post(
            "/oauth/device/code",
            data={
                "client_id": CLIENT_ID,
                "scope": "offline_access",
                "audience": "https://api.autoretouch.com",
            },
        ).json()
        answer = auth.post(
            "/oauth/token",
            data={
                "grant_type": DEVICE_GRANT,
                "device_code": code["device_code"],
                "client_id": CLIENT_ID,
            },
        )
        assert answer.status_code == 200, answer.text
        tokens: dict[str, Any] = answer.json()
        return tokens


class Api:
    """An httpx client signed in to one sandbox, with the calls the tests repeat."""

    def __init__(self, sandbox: Any) -> None:
        self.sandbox = sandbox
        self.tokens = sign_in(sandbox.base_url)
        self.http = httpx.Client(
            base_url=sandbox.base_url,
            headers={"Authorization": f"Bearer {self.tokens['access_token']}"},
            timeout=30,
        )

    def close(self) -> None:
        self.http.close()

    def workflows(self) -> dict[str, dict[str, Any]]:
        entries = self.http.get("/v1/workflow").json()["entries"]
        return {w["name"]: w for w in entries}

    def workflow_id(self, name: str) -> str:
        return str(self.workflows()[name]["id"])

    def upload(self, data: bytes, name: str = "product.jpg") -> str:
        response = self.http.post("/v1/upload", files={"file": (name, data)})
        assert response.status_code == 201, response.text
        return response.text

    def create(
        self,
        workflow: str,
        data: bytes,
        name: str = "product.jpg",
        *,
        version: str | None = None,
        labels: dict[str, str] | None = None,
        settings: dict[str, Any] | None = None,
    ) -> str:
        content_hash = self.upload(data, name)
        params = {"workflow": self.workflow_id(workflow)}
        if version:
            params["version"] = version
        body: dict[str, Any] = {
            "image": {"name": name, "contentHash": content_hash, "contentType": "image/jpeg"}
        }
        if labels:
            body["labels"] = labels
        if settings:
            body["settings"] = settings
        response = self.http.post("/v1/workflow/execution/create", params=params, json=body)
        assert response.status_code == 201, response.text
        return response.text

    def execution(self, execution_id: str) -> dict[str, Any]:
        response = self.http.get(f"/v1/workflow/execution/{execution_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def wait(
        self,
        execution_id: str,
        until: Callable[[str], bool] = FINAL.__contains__,
        timeout: float = 20,
    ) -> dict[str, Any]:
        """Polls the execution until its status satisfies `until` (no fixed sleeps)."""
        deadline = time.monotonic() + timeout
        while True:
            execution = self.execution(execution_id)
            if until(execution["status"]):
                return execution
            assert time.monotonic() < deadline, f"stuck in {execution['status']}"
            time.sleep(0.02)

    def result(self, execution_id: str) -> bytes:
        response = self.http.get(f"/v1/workflow/execution/{execution_id}/result/default")
        assert response.status_code == 200, response.text
        return response.content

    def run(self, workflow: str, data: bytes, name: str = "product.jpg", **kw: Any) -> bytes:
        execution_id = self.create(workflow, data, name, **kw)
        return self.result(execution_id)
