"""Retouch Desk core: API client, batch engine, journal and sandbox server. Never imports Qt."""

__version__ = "0.1.0"
