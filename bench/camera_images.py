"""Camera-like test pictures: 24 MP JPEGs of about 10 MB and 16-bit TIFFs, about a second each.

A benchmark of uploading or scaling photographs needs files that cost what photographs cost.
Flat colour compresses to nothing and pure noise to far too much; a camera's file is smooth
light falling across the frame, textured surfaces, hard edges, and sensor noise on all of it.
The pictures here are built from exactly that (no numpy: Pillow's C operations on noise from
Python's seeded generator, so a seed always gives the same bytes), and carry what a camera's
file carries: EXIF (make, model, orientation, exposure, pixel dimensions) and an sRGB ICC
profile.

    .venv/bin/python -m bench.camera_images --make DIR [--count 24] [--tiffs 3]
    .venv/bin/python -m bench.camera_images --time [--runs 5]

--make writes camera_NNNN.jpg (and camera16_NNNN.tif) into DIR and prints how long it took.
--time makes a 24 MP JPEG (baseline and progressive) and two 24 MP 16-bit TIFFs (colour and
greyscale) in a temporary folder and times `scale_for_service` on each, each file in a child
process of its own so that its peak memory is its own: the median of --runs, the output size,
the growth of peak RSS, and the longest another thread had to wait for the GIL meanwhile (a
GUI thread would wait as long; "idle" is that wait with nothing running).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image, ImageChops, ImageCms, ImageDraw, ImageFilter

MAKE, MODEL = "Bench Optics", "BX-24"
_DATE = "2026:01:12 09:30:00"
_NORMAL = statistics.NormalDist()
# How much sensor noise the luminance and colour channels get (in 8-bit levels, one sigma),
# and how strong the texture is: together they set a 24 MP file at quality 92 near 10 MB.
_LUMA_NOISE = 3.5
_CHROMA_NOISE = 2.0
_TEXTURE_CONTRAST = 0.22
_FINE_DETAIL = 18.0


def camera_size(megapixels: float) -> tuple[int, int]:
    """A 3:2 frame of about this many megapixels (24 -> 6000 x 4000)."""
    height = round(math.sqrt(megapixels * 1e6 / 1.5))
    return round(height * 1.5), height


def make_camera_jpeg(
    path: Path, *, megapixels: float = 24, seed: int = 0, quality: int = 92, orientation: int = 1
) -> Path:
    """A camera-like JPEG (4:2:0, as cameras write) with EXIF and an sRGB profile."""
    size = camera_size(megapixels)
    picture = camera_scene(size, seed)
    picture.save(
        path,
        "JPEG",
        quality=quality,
        subsampling="4:2:0",
        exif=camera_exif(size, orientation).tobytes(),
        icc_profile=srgb_profile(),
        dpi=(300, 300),
    )
    return path


def make_camera_tiff16(
    path: Path, *, megapixels: float = 24, seed: int = 0, grey: bool = False, orientation: int = 1
) -> Path:
    """An uncompressed 16-bit-per-channel TIFF, as raw converters export (RGB unless `grey`).

    Pillow cannot write 16-bit colour, so the file is laid out here. The low byte of every
    sample is noise below the 8-bit scene's resolution, as in a real 16-bit export.
    """
    size = camera_size(megapixels)
    picture = camera_scene(size, seed)
    if grey:
        picture = picture.convert("L")
    high = picture.tobytes()
    samples = bytearray(2 * len(high))
    samples[0::2] = random.Random(seed ^ 0x5EED).randbytes(len(high))  # little-endian: low first
    samples[1::2] = high
    _write_tiff16(
        path, size, bytes(samples), channels=len(picture.getbands()), orientation=orientation
    )
    return path


# -- the scene ------------------------------------------------------------------------------------


def camera_scene(size: tuple[int, int], seed: int) -> Image.Image:
    """An RGB picture with a photograph's mix of smooth light, texture, edges and noise."""
    rnd = random.Random(seed)
    width, height = size
    coarse = (max(1, width // 4), max(1, height // 4))
    scene = _lit_backdrop(coarse, rnd)
    _draw_objects(scene, rnd, count=40)
    scene = scene.filter(ImageFilter.GaussianBlur(0.8))  # a lens is never perfectly sharp
    scene = ImageChops.overlay(scene, _texture(coarse, rnd))
    scene = scene.resize(size, Image.Resampling.BICUBIC)
    _draw_edges(scene, rnd, count=60)
    return _detail_and_noise(scene, rnd)


def _lit_backdrop(size: tuple[int, int], rnd: random.Random) -> Image.Image:
    # Light falling off across the frame, differently per channel: smooth gradients.
    channels = []
    for _ in range(3):
        gradient = Image.linear_gradient("L").rotate(rnd.uniform(0, 360), Image.Resampling.BICUBIC)
        gradient = gradient.crop((48, 48, 208, 208)).resize(size, Image.Resampling.BICUBIC)
        low, high = sorted((rnd.randint(20, 120), rnd.randint(140, 240)))
        channels.append(gradient.point(lambda v, lo=low, hi=high: lo + v * (hi - lo) // 255))
    return Image.merge("RGB", channels)


def _draw_objects(scene: Image.Image, rnd: random.Random, count: int) -> None:
    draw = ImageDraw.Draw(scene)
    width, height = scene.size
    for _ in range(count):
        x, y = rnd.uniform(0, width), rnd.uniform(0, height)
        radius = rnd.uniform(0.02, 0.2) * min(width, height)
        colour = tuple(rnd.randint(10, 245) for _ in range(3))
        if rnd.random() < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius * 0.7), fill=colour)
        else:
            corners = [
                (x + radius * math.cos(a), y + radius * math.sin(a))
                for a in sorted(rnd.uniform(0, 2 * math.pi) for _ in range(rnd.randint(3, 7)))
            ]
            draw.polygon(corners, fill=colour)


def _texture(size: tuple[int, int], rnd: random.Random) -> Image.Image:
    # Fabric, wood, skin: noise at a few scales, summed and centred on mid-grey (which
    # overlay leaves unchanged), so surfaces get grain without changing their tone.
    width, height = size
    layers = []
    for divisor in (32, 8, 2):
        small = (max(1, width // divisor), max(1, height // divisor))
        noise = Image.frombytes("L", small, rnd.randbytes(small[0] * small[1]))
        layers.append(noise.resize(size, Image.Resampling.BICUBIC))
    grain = ImageChops.add(ImageChops.add(layers[0], layers[1], 2.0), layers[2], 2.0)
    grain = grain.point(lambda v: round(128 + (v - 128) * _TEXTURE_CONTRAST * 2))
    return Image.merge("RGB", (grain, grain, grain))


def _draw_edges(scene: Image.Image, rnd: random.Random, count: int) -> None:
    # Hard edges at full resolution: window frames, text, the rim of a cup.
    draw = ImageDraw.Draw(scene)
    width, height = scene.size
    for _ in range(count):
        start = (rnd.uniform(0, width), rnd.uniform(0, height))
        end = (
            start[0] + rnd.uniform(-0.3, 0.3) * width,
            start[1] + rnd.uniform(-0.3, 0.3) * height,
        )
        colour = tuple(rnd.randint(0, 255) for _ in range(3))
        draw.line((start, end), fill=colour, width=rnd.randint(1, 6))


def _detail_and_noise(scene: Image.Image, rnd: random.Random) -> Image.Image:
    width, height = scene.size
    # The finest structure a lens resolves (threads, pores, foliage) and the sensor's colour
    # noise, which demosaicing spreads over neighbouring pixels: both a few pixels across, so
    # made at 2/3 scale and enlarged together.
    reduced = (max(1, width * 2 // 3), max(1, height * 2 // 3))
    detail = _gaussian_noise(reduced, _FINE_DETAIL, rnd)
    soft = Image.merge(
        "RGB",
        [
            ImageChops.add(detail, _gaussian_noise(reduced, _CHROMA_NOISE, rnd), 1.0, -128)
            for _ in range(3)
        ],
    ).resize(scene.size, Image.Resampling.BILINEAR)
    # Luminance noise is per pixel.
    luma = _gaussian_noise((width, height), _LUMA_NOISE, rnd)
    noise = ImageChops.add(soft, Image.merge("RGB", (luma, luma, luma)), 1.0, -128)
    return ImageChops.add(scene, noise, 1.0, -128)


def _gaussian_noise(size: tuple[int, int], sigma: float, rnd: random.Random) -> Image.Image:
    """Normal noise around 128, from uniform bytes through the inverse normal CDF."""
    table = [
        max(0, min(255, round(128 + sigma * _NORMAL.inv_cdf((value + 0.5) / 256))))
        for value in range(256)
    ]
    return Image.frombytes("L", size, rnd.randbytes(size[0] * size[1])).point(table)


# -- what a camera writes besides the pixels ------------------------------------------------------


def camera_exif(size: tuple[int, int], orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = _DATE
    exif[ExifTags.Base.Software] = "bench.camera_images"
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = _DATE
    details[ExifTags.Base.ExposureTime] = 1 / 125
    details[ExifTags.Base.FNumber] = 8.0
    details[ExifTags.Base.ISOSpeedRatings] = 200
    details[ExifTags.Base.FocalLength] = 50.0
    details[ExifTags.Base.ExifImageWidth] = size[0]
    details[ExifTags.Base.ExifImageHeight] = size[1]
    return exif


def srgb_profile() -> bytes:
    """Pillow's (LittleCMS's) sRGB profile, with a fixed creation date so files are repeatable."""
    profile = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    profile[24:36] = struct.pack(">6H", 2026, 1, 12, 9, 30, 0)
    profile[84:100] = bytes(16)  # profile ID: all zero means "not computed", valid after a change
    return bytes(profile)


def _write_tiff16(
    path: Path, size: tuple[int, int], samples: bytes, *, channels: int, orientation: int
) -> None:
    width, height = size
    rows_per_strip = 16
    row_bytes = width * channels * 2
    strips = range(0, height, rows_per_strip)
    counts = [min(rows_per_strip, height - top) * row_bytes for top in strips]
    header_size = 8
    offsets = [header_size + top * row_bytes for top in strips]
    short, long_, ascii_, rational, undefined = 3, 4, 2, 5, 7
    entries: list[tuple[int, int, int, bytes]] = [
        (256, long_, 1, struct.pack("<I", width)),
        (257, long_, 1, struct.pack("<I", height)),
        (258, short, channels, struct.pack(f"<{channels}H", *[16] * channels)),
        (259, short, 1, struct.pack("<H", 1)),  # no compression
        (262, short, 1, struct.pack("<H", 2 if channels == 3 else 1)),  # RGB / black is zero
        (271, ascii_, len(MAKE) + 1, MAKE.encode() + b"\0"),
        (272, ascii_, len(MODEL) + 1, MODEL.encode() + b"\0"),
        (273, long_, len(offsets), struct.pack(f"<{len(offsets)}I", *offsets)),
        (274, short, 1, struct.pack("<H", orientation)),
        (277, short, 1, struct.pack("<H", channels)),
        (278, long_, 1, struct.pack("<I", rows_per_strip)),
        (279, long_, len(counts), struct.pack(f"<{len(counts)}I", *counts)),
        (282, rational, 1, struct.pack("<II", 300, 1)),
        (283, rational, 1, struct.pack("<II", 300, 1)),
        (284, short, 1, struct.pack("<H", 1)),  # contiguous samples
        (296, short, 1, struct.pack("<H", 2)),  # inches
        (306, ascii_, len(_DATE) + 1, _DATE.encode() + b"\0"),
    ]
    if channels == 3:
        icc = srgb_profile()
        entries.append((34675, undefined, len(icc), icc))
    ifd_offset = header_size + len(samples)
    values_offset = ifd_offset + 2 + 12 * len(entries) + 4
    directory = bytearray(struct.pack("<H", len(entries)))
    values = bytearray()
    for tag, kind, count, value in entries:
        if len(value) <= 4:
            field = value.ljust(4, b"\0")
        else:
            field = struct.pack("<I", values_offset + len(values))
            values += value + b"\0" * (len(value) & 1)  # values start on a word boundary
        directory += struct.pack("<HHI", tag, kind, count) + field
    directory += struct.pack("<I", 0)  # no next directory
    with path.open("wb") as file:
        file.write(b"II*\0" + struct.pack("<I", ifd_offset))
        file.write(samples)
        file.write(directory)
        file.write(values)


# -- command line ---------------------------------------------------------------------------------


def _make(folder: Path, count: int, tiffs: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    jobs: list[tuple[Callable[..., Path], Path, int]] = [
        (make_camera_jpeg, folder / f"camera_{i:04d}.jpg", i) for i in range(count)
    ]
    jobs += [(make_camera_tiff16, folder / f"camera16_{i:04d}.tif", 1000 + i) for i in range(tiffs)]
    started = time.perf_counter()
    # One picture per process at a time: each is built from a few C calls on whole images.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        paths = list(pool.map(_make_one, jobs))
    seconds = time.perf_counter() - started
    jpegs = [path for path in paths if path.suffix == ".jpg"]
    average = sum(path.stat().st_size for path in jpegs) / max(len(jpegs), 1)
    print(
        f"{count} 24 MP JPEGs (average {average / 1e6:.1f} MB) and {tiffs} 24 MP 16-bit TIFFs "
        f"in {seconds:.1f} s on {os.cpu_count()} cores, into {folder}"
    )


def _make_one(job: tuple[Callable[..., Path], Path, int]) -> Path:
    make, path, seed = job
    return make(path, seed=seed)


def _time_all(runs: int) -> None:
    makers: list[tuple[str, Callable[[Path], Path]]] = [
        ("24 MP JPEG q92", lambda p: make_camera_jpeg(p / "camera.jpg")),
        ("24 MP JPEG q92 progr.", lambda p: _progressive(make_camera_jpeg(p / "progressive.jpg"))),
        ("24 MP 16-bit RGB TIFF", lambda p: make_camera_tiff16(p / "camera16.tif")),
        ("24 MP 16-bit grey TIFF", lambda p: make_camera_tiff16(p / "grey16.tif", grey=True)),
    ]
    with tempfile.TemporaryDirectory(prefix="camera-images-") as temporary:
        folder = Path(temporary)
        print(f"scale_for_service, median of {runs} runs, each file in a fresh process")
        for label, make in makers:
            path = make(folder)
            child = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.camera_images",
                    "--scale",
                    str(path),
                    "--runs",
                    str(runs),
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            figures: dict[str, Any] = json.loads(child.stdout)
            result = (
                f"{figures['size'][0]} x {figures['size'][1]}, {figures['bytes'] / 1e6:.1f} MB"
                if figures["scaled"]
                else "not scaled (None)"
            )
            print(
                f"  {label:22} {path.stat().st_size / 1e6:5.1f} MB -> {result:21} "
                f"median {figures['median_s'] * 1000:5.0f} ms "
                f"(min {figures['min_s'] * 1000:.0f}, max {figures['max_s'] * 1000:.0f}); "
                f"peak RSS +{figures['peak_rss_mb']:.0f} MB over a decoded "
                f"{figures['decoded_mb']:.0f} MB; longest GIL wait "
                f"{figures['gil_wait_ms']:.0f} ms (idle {figures['idle_wait_ms']:.0f} ms)"
            )


def _progressive(path: Path) -> Path:
    with Image.open(path) as image:
        image.load()
        exif, icc = image.info["exif"], image.info["icc_profile"]
        image.save(path, "JPEG", quality=92, progressive=True, exif=exif, icc_profile=icc)
    return path


def _peak_rss_mb() -> float:
    # VmHWM, not ru_maxrss: the latter survives exec, so a child would start at its parent's.
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _scale_one(path: Path, runs: int) -> None:
    """Child process: time scale_for_service on one file and report figures as JSON."""
    from app.imaging.downscale import scale_for_service

    with Image.open(path) as image:
        decoded_mb = image.size[0] * image.size[1] * len(image.getbands()) / 1e6
        bits = image.tag_v2.get(258, (8,)) if hasattr(image, "tag_v2") else (8,)
        decoded_mb *= max(bits) / 8
    longest_wait = 0.0
    stop = threading.Event()

    def ticker() -> None:
        # How late a thread that wants the GIL every millisecond gets it (a GUI thread would).
        nonlocal longest_wait
        while not stop.is_set():
            before = time.perf_counter()
            time.sleep(0.001)
            longest_wait = max(longest_wait, time.perf_counter() - before - 0.001)

    watcher = threading.Thread(target=ticker, daemon=True)
    watcher.start()
    time.sleep(1)
    idle_wait, longest_wait = longest_wait, 0.0
    baseline_mb = _peak_rss_mb()
    seconds = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = scale_for_service(path)
        seconds.append(time.perf_counter() - started)
    stop.set()
    watcher.join()
    figures = {
        "scaled": result is not None,
        "size": list(result.size) if result else None,
        "bytes": len(result.data) if result else 0,
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "peak_rss_mb": _peak_rss_mb() - baseline_mb,
        "decoded_mb": decoded_mb,
        "gil_wait_ms": longest_wait * 1000,
        "idle_wait_ms": idle_wait * 1000,
    }
    print(json.dumps(figures))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.camera_images",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--make", type=Path, metavar="DIR", help="write test pictures into DIR")
    action.add_argument("--time", action="store_true", help="time scale_for_service")
    action.add_argument("--scale", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=24, help="JPEGs to make (default 24)")
    parser.add_argument("--tiffs", type=int, default=3, help="16-bit TIFFs to make (default 3)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file (default 5)")
    args = parser.parse_args(argv)
    if args.make:
        _make(args.make, args.count, args.tiffs)
    elif args.time:
        _time_all(args.runs)
    else:
        _scale_one(args.scale, args.runs)


if __name__ == "__main__":
    main()
