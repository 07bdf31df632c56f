"""Uploads: the dedupe question (HEAD by content hash) and the upload itself, from a file or
from memory. All are safe to repeat: the server stores by content hash."""

from __future__ import annotations

import logging
from pathlib import Path

from app.api.calls import EndpointGroup, plain_text_of
from app.api.content_types import guess_content_type
from app.api.errors import NotFoundError
from app.api.models import normalized_content_hash
from app.api.multipart import MultipartBytes, Progress
from app.api.streams import MultipartFile

logger = logging.getLogger(__name__)


class UploadCalls(EndpointGroup):
    async def upload_exists(self, content_hash: str, org_id: str | None) -> bool:
        """HEAD dedupe: True when the server already stores these bytes."""
        try:
            await self._caller.send(
                "HEAD",
                "/v1/upload",
                {"contentHash": content_hash, "organization": org_id},
                idempotent=True,
            )
        except NotFoundError:
            return False
        return True

    async def upload(
        self,
        path: Path,
        org_id: str | None,
        *,
        content_type: str | None = None,
        on_progress: Progress | None = None,
    ) -> str:
        """Upload a file, streamed from disk; returns the content hash (lowercase hex)."""
        path = Path(path)
        body = MultipartFile(
            path,
            self._files,
            content_type=content_type or guess_content_type(path),
            on_progress=on_progress,
        )
        response = await self._caller.send(
            "POST", "/v1/upload", {"organization": org_id}, idempotent=True, body=body
        )
        return normalized_content_hash(plain_text_of(response))

    async def upload_bytes(
        self,
        data: bytes | bytearray | memoryview,
        name: str,
        org_id: str | None,
        *,
        content_type: str,
        on_progress: Progress | None = None,
    ) -> str:
        """Upload bytes that exist only in memory under the file name `name`; returns the
        content hash (lowercase hex). The bytes are sent as they are, never copied whole."""
        body = MultipartBytes(data, name, content_type=content_type, on_progress=on_progress)
        response = await self._caller.send(
            "POST", "/v1/upload", {"organization": org_id}, idempotent=True, body=body
        )
        return normalized_content_hash(plain_text_of(response))
