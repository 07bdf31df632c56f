"""Webhook delivery: the execution JSON is POSTed to each URL when it reaches a final state.

The sandbox promises to work without a network, so it only calls loopback addresses (a local
test receiver, a developer's own server); other URLs are accepted and stored, as the vendor
does, but skipped with a log line. One attempt per URL, with a short timeout.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

log = logging.getLogger(__name__)

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_TIMEOUT = 5.0


def is_deliverable(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (parts.hostname or "") in _LOOPBACK


class WebhookSender:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    async def deliver(self, urls: list[str], payload: dict[str, Any]) -> None:
        for url in urls:
            if not is_deliverable(url):
                log.info("webhook %s skipped: the sandbox only calls loopback addresses", url)
                continue
            if self._client is None:
                self._client = httpx.AsyncClient(timeout=_TIMEOUT)
            try:
                response = await self._client.post(url, json=payload)
                log.info("webhook %s answered %s", url, response.status_code)
            except httpx.HTTPError as exc:
                log.warning("webhook %s failed: %s", url, exc)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
