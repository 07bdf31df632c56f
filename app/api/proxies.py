"""Proxies from the environment (and the system settings on macOS and Windows) as httpx mounts.

httpx reads HTTP_PROXY / HTTPS_PROXY / ALL_PROXY / NO_PROXY itself only when it builds its own
transport; a client given `transport=` (ours) ignores them. So they are read here the way httpx
reads them (urllib's `getproxies()`, NO_PROXY as curl understands it) and handed to the client
as `mounts`: a proxied scheme goes through httpx's own transport with that proxy, and a host
NO_PROXY exempts maps to None, which httpx documents as "the client's default transport" (ours).
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
import urllib.request

import httpx

logger = logging.getLogger(__name__)

Mounts = dict[str, httpx.AsyncBaseTransport | None]


def environment_proxy_mounts(ssl_context: ssl.SSLContext, limits: httpx.Limits) -> Mounts:
    """Mount patterns for the proxies the environment configures ({} when there are none)."""
    found = urllib.request.getproxies()
    mounts: Mounts = {}
    for scheme in ("http", "https", "all"):
        proxy = found.get(scheme, "").strip()
        if proxy:
            url = proxy if "://" in proxy else f"http://{proxy}"
            mounts[f"{scheme}://"] = httpx.AsyncHTTPTransport(
                verify=ssl_context, limits=limits, proxy=url
            )
    if not mounts:
        return {}
    for host in (h.strip() for h in found.get("no", "").split(",")):
        if host == "*":  # NO_PROXY=* turns every proxy off
            return {}
        if host:
            mounts[no_proxy_pattern(host)] = None
    logger.info("Using proxies from the environment for %s", ", ".join(sorted(mounts)))
    return mounts


def no_proxy_pattern(host: str) -> str:
    """One NO_PROXY entry as a mount pattern: `.example.com` exempts its subdomains,
    `example.com` the domain and its subdomains; addresses and localhost only themselves."""
    if "://" in host:
        return host
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        return f"all://[{address}]" if address.version == 6 else f"all://{address}"
    if host.lower() == "localhost":
        return "all://localhost"
    return f"all://*{host}"
