"""How a WebP file was encoded: lossless or lossy, and for lossy files the quality setting.

Pillow does not say either, so the file is read here (RIFF chunks, then the VP8 frame header;
RFC 6386). A lossless source must be written lossless again, and a lossy one at about its own
quality: higher wastes upload bytes, lower loses detail the service would have seen.

The quality estimate inverts libwebp's own mapping. Its encoder turns quality Q (0-1) into a
compression c = cbrt(2/3 Q) below Q = 0.75 (else cbrt(2 Q - 1)), and gives each of up to four
segments the quantiser index q = 127 (1 - c ** e). The exponents e come from the segments'
texture (spatial noise shaping at its default strength) and lie in [0.55, 1.45]; where a
picture's segments sit in that range depends on how many pixels each has, which only decoding
every macroblock would tell. One end of the range is always used, though, so the truth is one of
two values: c from the finest segment with e = 0.55, or from the coarsest with e = 1.45. The
second is never below the truth and is the estimate: it was exact (to a point) on photographs,
and up to ~18 points high on pictures of pure noise. Erring high costs upload bytes; erring low
would lose detail the service would have seen. Unsegmented frames have e = 1 and give Q exactly.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_MAX_CHUNKS = 64  # a still image has a handful; a longer walk means a damaged or animated file
_HEADER_BYTES = 256  # the frame header's fields all lie well within its first bytes
_VP8_START_CODE = b"\x9d\x01\x2a"
_MAX_QUANT_INDEX = 127
# libwebp: exponent = 1 - amp * alpha, amp = 0.9 * sns_strength (50) / 100 / 128, |alpha| <= 127.
_COARSEST_SEGMENT_EXPONENT = 1 + 0.9 * 0.5 / 128 * 127


@dataclass(frozen=True)
class WebPEncoding:
    lossless: bool
    animated: bool
    quality: int | None  # estimated for lossy still images; None when lossless or unknown


def webp_encoding(path: Path) -> WebPEncoding | None:
    """The file's encoding, or None when its chunks cannot be read as a WebP image."""
    with path.open("rb") as file:
        header = file.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WEBP":
            return None
        for _ in range(_MAX_CHUNKS):
            chunk = file.read(8)
            if len(chunk) < 8:
                return None
            fourcc, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if fourcc == b"VP8L":
                return WebPEncoding(lossless=True, animated=False, quality=None)
            if fourcc == b"VP8 ":
                quality = _lossy_quality(file.read(min(size, _HEADER_BYTES)))
                return WebPEncoding(lossless=False, animated=False, quality=quality)
            if fourcc in (b"ANIM", b"ANMF"):
                # Frames live inside ANMF chunks, each encoded its own way: nothing more to say.
                return WebPEncoding(lossless=False, animated=True, quality=None)
            file.seek(size + (size & 1), 1)  # chunks are padded to an even length
    return None


def _lossy_quality(frame: bytes) -> int | None:
    quant_indices = _segment_quant_indices(frame)
    if not quant_indices:
        return None
    coarsest = max(quant_indices)
    exponent = 1.0 if len(quant_indices) == 1 else _COARSEST_SEGMENT_EXPONENT
    c: float = max(1 - coarsest / _MAX_QUANT_INDEX, 1e-6) ** (1 / exponent)
    linear = c**3
    quality = linear * 1.5 if linear < 0.5 else (linear + 1) / 2
    return max(0, min(100, round(quality * 100)))


def _segment_quant_indices(frame: bytes) -> set[int]:
    """The distinct luma AC quantiser indices of the frame's segments (one if unsegmented)."""
    if len(frame) < 11 or frame[3:6] != _VP8_START_CODE:
        return set()
    tag = frame[0] | frame[1] << 8 | frame[2] << 16
    if tag & 1:  # an inter frame: a still image's first frame is always a key frame
        return set()
    bits = _BoolDecoder(frame[10:])
    bits.literal(2)  # colour space, clamping type
    segment_quants: list[int] | None = None
    absolute = False
    if bits.flag():  # segmentation enabled
        update_map = bits.flag()
        if bits.flag():  # segment feature data follows
            absolute = bits.flag()
            segment_quants = [bits.signed(7) if bits.flag() else 0 for _ in range(4)]
            for _ in range(4):  # loop filter levels per segment
                if bits.flag():
                    bits.signed(6)
        if update_map:
            for _ in range(3):
                if bits.flag():
                    bits.literal(8)
    bits.literal(1 + 6 + 3)  # filter type, loop filter level, sharpness
    if bits.flag() and bits.flag():  # loop filter deltas enabled and updated
        for _ in range(8):
            if bits.flag():
                bits.signed(6)
    bits.literal(2)  # number of DCT partitions
    base = bits.literal(7)  # y_ac_qi
    if segment_quants is None:
        return {base}
    quants = segment_quants if absolute else [base + delta for delta in segment_quants]
    return {max(0, min(_MAX_QUANT_INDEX, q)) for q in quants}


class _BoolDecoder:
    """VP8's boolean entropy decoder (RFC 6386, section 7), enough for literal header fields."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._position = 2
        self._value = (data[0] << 8 | data[1]) if len(data) >= 2 else 0
        self._range = 255
        self._bit_count = 0

    def _bit(self, probability: int) -> int:
        split = 1 + (((self._range - 1) * probability) >> 8)
        big_split = split << 8
        if self._value >= big_split:
            bit = 1
            self._range -= split
            self._value -= big_split
        else:
            bit = 0
            self._range = split
        while self._range < 128:
            self._value <<= 1
            self._range <<= 1
            self._bit_count += 1
            if self._bit_count == 8:
                self._bit_count = 0
                if self._position < len(self._data):
                    self._value |= self._data[self._position]
                self._position += 1
        return bit

    def flag(self) -> bool:
        return bool(self._bit(128))

    def literal(self, width: int) -> int:
        value = 0
        for _ in range(width):
            value = value << 1 | self._bit(128)
        return value

    def signed(self, width: int) -> int:
        magnitude = self.literal(width)
        return -magnitude if self.flag() else magnitude
