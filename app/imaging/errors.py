"""What stops a picture from being shown, and how a caller says it no longer wants one."""

from __future__ import annotations

from collections.abc import Callable


class DecodeError(Exception):
    """The file cannot be shown; the message says why in words a user understands."""


class DecodeCancelled(Exception):
    """The caller's `cancelled()` became true: decoding stopped and everything was let go."""


# `cancelled()`: True once the caller no longer wants the image (checked often, so make it cheap).
Cancelled = Callable[[], bool]
