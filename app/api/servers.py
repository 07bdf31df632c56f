"""Which server the app talks to, and how securely.

Three kinds: the real autoretouch service (HTTPS checked against the OS trust store, so
corporate proxies and frozen builds verify like the browser does), the local sandbox, or any
URL. Plain HTTP is only allowed to loopback, where nothing travels over a network. There is
deliberately no switch to turn TLS verification off.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import truststore

logger = logging.getLogger(__name__)

SERVER_ENV = "RETOUCHDESK_SERVER"
# An extra CA file (PEM) trusted on top of the OS store, for TLS-inspecting proxies whose root
# is not installed system-wide. It adds trust; it can never remove verification.
CA_BUNDLE_ENV = "RETOUCHDESK_CA_BUNDLE"

AUTORETOUCH_API = "https://api.autoretouch.com"
AUTORETOUCH_AUTH = "https://auth.autoretouch.com"
SANDBOX_DEFAULT_URL = "http://127.0.0.1:8765"  # the port `retouchdesk sandbox` uses by default
DEFAULT_SERVER = "sandbox"


class ServerConfigError(ValueError):
    """The server given on the command line or in the environment cannot be used."""


@dataclass(frozen=True)
class ServerProfile:
    name: str  # "autoretouch", "sandbox", or the URL as given
    api_url: str  # no trailing slash
    auth_url: str  # no trailing slash

    @property
    def key(self) -> str:
        """Stable identity for keyring entries: the API origin."""
        return self.api_url

    @property
    def is_sandbox(self) -> bool:
        return self.name == "sandbox"

    def ssl_context(self) -> ssl.SSLContext:
        """Verification for HTTPS hosts: the OS trust store, plus an optional extra CA file."""
        context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        extra = os.environ.get(CA_BUNDLE_ENV)
        if extra:
            context.load_verify_locations(cafile=extra)
        return context


def resolve_server(spec: str | None = None, *, auth_url: str | None = None) -> ServerProfile:
    """`autoretouch`, `sandbox` or a URL; None means $RETOUCHDESK_SERVER, else the sandbox."""
    chosen = (spec or os.environ.get(SERVER_ENV) or DEFAULT_SERVER).strip()
    if chosen.lower() == "autoretouch":
        return ServerProfile("autoretouch", AUTORETOUCH_API, _clean(auth_url or AUTORETOUCH_AUTH))
    if chosen.lower() == "sandbox":
        return ServerProfile(
            "sandbox", SANDBOX_DEFAULT_URL, _clean(auth_url or SANDBOX_DEFAULT_URL)
        )
    api = _clean(chosen)
    return ServerProfile(chosen, api, _clean(auth_url) if auth_url else api)


def _clean(url: str) -> str:
    """Validate a base URL and return it without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerConfigError(
            f"{url!r} is not a server: use autoretouch, sandbox or an http(s) URL"
        )
    if parts.query or parts.fragment:
        raise ServerConfigError(f"{url!r}: a server URL has no query or fragment")
    if parts.username or parts.password:
        raise ServerConfigError("a server URL must not contain credentials")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ServerConfigError(
            f"refusing plain HTTP to {parts.hostname}: tokens would travel unencrypted; "
            "use https:// (plain http is allowed only to this computer)"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
