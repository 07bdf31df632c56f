"""Every closed set of choices the user can make, declared once.

The engine validates against these, settings check stored values against them, the CLI offers
them as `choices=` and the Settings dialog lists them (with its own wording beside each value).
Stored and typed by value: never rename a value.
"""

from __future__ import annotations

import enum


class Layout(enum.StrEnum):
    """Where results go, relative to the output folder."""

    MIRROR = "mirror"  # the inputs' folder structure, copied into the output folder
    FOLDER = "folder"  # every result straight in the output folder
    BESIDE = "beside"  # a "retouched" folder next to each original


class OnExists(enum.StrEnum):
    """What to do when a result's file name is taken already."""

    UNIQUE = "unique"  # keep both: add " (2)", " (3)", ...
    SKIP = "skip"  # leave the existing file; the job ends as skipped
    OVERWRITE = "overwrite"  # replace it (atomically)


class UploadSize(enum.StrEnum):
    """How big an input goes up, given that the service scales inputs over 4096 px down."""

    AUTO = "auto"  # scale down once a result of this workflow version proved the service does
    FULL = "full"  # always the original bytes
    SERVICE = "service"  # scale down to what the service documents it keeps, from the start


class CreatePath(enum.StrEnum):
    """How new bytes reach the server with their execution."""

    SEPARATE = "separate"  # upload, then create by hash: the vendor's recommended path
    COMBINED = "combined"  # one multipart create carrying the file


class Language(enum.StrEnum):
    """Which language the window speaks; "system" follows LANGUAGE / LANG."""

    SYSTEM = "system"
    ENGLISH = "en"
    GERMAN = "de"


def values(choice: type[enum.StrEnum]) -> tuple[str, ...]:
    """The stored spellings, in declaration order (for argparse `choices=` and messages)."""
    return tuple(member.value for member in choice)


def parse(choice: type[enum.StrEnum], value: str, what: str) -> enum.StrEnum:
    """The member for `value`, or ValueError naming `what` and the allowed values."""
    try:
        return choice(value)
    except ValueError:
        allowed = ", ".join(values(choice))
        raise ValueError(f"unknown {what} {value!r} (use one of: {allowed})") from None
