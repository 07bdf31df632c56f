"""Is a JPEG file whole? Answered by walking its markers, without decoding a pixel.

A truncated JPEG is the commonest damaged input (an interrupted copy or download), and the
only reliable sign of one is that the file's structure ends before its last scan does:
trailing bytes after EOI are legal, and an embedded EXIF thumbnail carries an EOI of its own,
so looking at the last two bytes both misses and false-alarms. Decoding at 1/8 scale answers
the question too, but costs ~4 ms per 2 MP photo, a quarter of the client's whole CPU budget
per image; this walk costs a fraction of a millisecond (the entropy-coded data is skipped by
one C-speed regular-expression search per scan).

The walk: SOI, then marker segments (each with its own length) until SOS; after an SOS header
comes entropy-coded data, in which 0xFF is either stuffed (FF 00) or a restart marker
(FF D0-D7); the first other marker ends the scan. Progressive files repeat tables and scans.
The file is whole when EOI follows at least one frame header and one scan.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length
_FRAME_HEADERS = {*range(0xC0, 0xC4), *range(0xC5, 0xC8), *range(0xC9, 0xCC), *range(0xCD, 0xD0)}
# The end of a scan's entropy-coded data: 0xFF followed by neither a stuffed zero, a restart
# marker, nor another 0xFF (fill bytes before a marker are legal).
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")

TRUNCATED = "truncated: the file ends before the image data does"


def jpeg_structure_problem(path: Path) -> str:
    """'' when the JPEG at `path` is structurally whole, else a reason a person can act on."""
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return _walk(data)


def jpeg_bytes_problem(data: bytes) -> str:
    """The same check for a JPEG already in memory."""
    return _walk(data)


def _walk(data: bytes | mmap.mmap) -> str:
    size = len(data)
    if size < 4 or data[0] != 0xFF or data[1] != _SOI:
        return "damaged JPEG: it does not start with a JPEG header"
    pos = 2
    seen_frame = seen_scan = False
    while True:
        if pos >= size:
            return TRUNCATED
        if data[pos] != 0xFF:
            return f"damaged JPEG: unexpected data at byte {pos} where a marker belongs"
        while pos < size and data[pos] == 0xFF:  # any number of fill bytes before a marker
            pos += 1
        if pos >= size:
            return TRUNCATED
        marker = data[pos]
        if marker == 0x00:
            return f"damaged JPEG: unexpected data at byte {pos} where a marker belongs"
        pos += 1
        if marker == _EOI:
            if not (seen_frame and seen_scan):
                return "damaged JPEG: the file ends before any image data"
            return ""
        if marker in _STANDALONE:
            continue
        if pos + 2 > size:
            return TRUNCATED
        length = (data[pos] << 8) | data[pos + 1]
        if length < 2:
            return f"damaged JPEG: a segment at byte {pos} has an impossible length"
        pos += length
        if pos > size:
            return TRUNCATED
        if marker in _FRAME_HEADERS:
            seen_frame = True
        elif marker == _SOS:
            if not seen_frame:
                return "damaged JPEG: image data comes before the frame header"
            seen_scan = True
            end = _SCAN_END.search(data, pos)
            if end is None:
                return TRUNCATED
            pos = end.start()
