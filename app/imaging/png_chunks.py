"""A PNG's pixel data and EXIF, found by walking its chunks instead of decoding it.

A PNG is a signature and then chunks (length, type, data, CRC). The compressed pixels are the
concatenated data of its IDAT chunks; EXIF may come in an eXIf chunk before them or, from some
writers, after them, which Pillow only finds by decoding every pixel first. Walking the chunk
headers costs a seek and an 8-byte read per chunk. A walk stops quietly where the file is cut
short or damaged: the decoder that is then short of data says so.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Pillow's own reader stores EXIF with the prefix a JPEG's APP1 segment has; so do we.
_EXIF_PREFIX = b"Exif\x00\x00"


def idat_spans(path: str | os.PathLike[str]) -> list[tuple[int, int]]:
    """(offset, length) of the data of each IDAT chunk, in file order."""
    with open(path, "rb") as file:
        return [(offset, length) for kind, offset, length in _chunks(file) if kind == b"IDAT"]


def png_exif(path: str | os.PathLike[str]) -> bytes:
    """The file's EXIF as Pillow's reader keeps it in `info["exif"]`; b"" when it has none."""
    with open(path, "rb") as file:
        for kind, offset, length in _chunks(file):
            if kind == b"eXIf":
                file.seek(offset)
                return _EXIF_PREFIX + file.read(length)
    return b""


def _chunks(file: io.BufferedReader) -> Iterator[tuple[bytes, int, int]]:
    """(type, offset of the data, length) of every chunk up to IEND."""
    if file.read(len(_SIGNATURE)) != _SIGNATURE:
        return
    size = os.fstat(file.fileno()).st_size
    position = len(_SIGNATURE)
    while position + 8 <= size:
        file.seek(position)
        header = file.read(8)
        if len(header) < 8:
            return
        length, kind = struct.unpack(">I4s", header)
        yield kind, position + 8, length
        if kind == b"IEND":
            return
        position += 12 + length  # length and type, the data, its CRC
