"""Big pictures are handled the way that keeps the GUI thread free, with the same pixels.

Structural guards, not timings (the benchmark times): Pillow decodes big pictures into memory
maps we own (test_mapped_decode.py), everything after the decode runs in bands, a big decoded
image is unmapped on the release thread, never on the GUI thread, and a decode nobody wants any
more stops at its next read or band. Each check also proves the pixels are unchanged.
"""

from __future__ import annotations

import gc
import io
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageCms, ImageStat
from PySide6.QtCore import Qt

from app.imaging.decode import decode_for_display, decode_progressive
from app.imaging.display_colour import to_display_image
from app.imaging.errors import Cancelled, DecodeCancelled
from app.imaging.facts import ImageInfo
from app.imaging.packing import BAND_BYTES, DecodedImage, halve, pack, pack_display
from app.imaging.release import PixelMap
from app.imaging.shrinking import display_preview, reduce_to_fit, shrunk_display_image
from ui.viewer import CompareViewer, ViewerItem, ViewerWindow
from ui.viewer.loader import ImageLoader

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "app" / "sandbox" / "samples"


def noise(mode: str, size: tuple[int, int]) -> Image.Image:
    """Different noise in every band, so a band put in the wrong place cannot go unnoticed."""
    bands = [
        Image.effect_noise(size, 60 + 10 * n)
        for n in range(len(Image.new(mode, (1, 1)).getbands()))
    ]
    if mode == "P":
        return bands[0].convert("P")
    return Image.merge(mode, bands) if len(bands) > 1 else bands[0].convert(mode)


def adobe_rgb_profile() -> bytes:
    # rocket.jpg (a real photograph in the samples) carries an Adobe RGB (1998) profile.
    with Image.open(SAMPLES / "rocket.jpg") as sample:
        profile = sample.info["icc_profile"]
    assert "Adobe RGB" in ImageCms.getProfileDescription(
        ImageCms.ImageCmsProfile(io.BytesIO(profile))
    )
    return bytes(profile)


@pytest.mark.parametrize(
    ("name", "options"),
    [("big.png", {}), ("big.jpg", {"quality": 90}), ("big.tif", {"compression": "tiff_deflate"})],
)
def test_a_cancellable_decode_gives_the_same_pixels(tmp_path, name, options) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    noise("RGB", (1700, 1400)).save(path, **options)
    plain = decode_for_display(path, layout="BGRa")
    cancellable = decode_for_display(path, layout="BGRa", cancelled=lambda: False)
    assert cancellable.data[:] == plain.data[:]


@pytest.mark.parametrize(
    "make",
    [
        lambda: _with_profile(noise("RGBA", (900, 1300)), adobe_rgb_profile()),
        lambda: _with_transparency(noise("P", (900, 1300)), 7),
        lambda: noise("LA", (900, 1300)),
        lambda: noise("L", (900, 1300)).convert("I").point(lambda v: v * 257).convert("I;16"),
        lambda: noise("L", (900, 1300)).convert("F").point(lambda v: v * 4 - 300),
    ],
    ids=["rgba-adobe-rgb", "palette-transparency", "la", "16-bit", "float-range"],
)
def test_conversion_in_bands_gives_the_pixels_of_converting_whole(make) -> None:  # type: ignore[no-untyped-def]
    image = make()
    info = read_info_of(image)
    assert image.width * image.height * 4 > 2 * BAND_BYTES  # several bands
    whole = pack(to_display_image(image), info, "BGRa")
    banded = pack_display(image, info, "BGRa")
    assert banded.data[:] == whole.data[:]


def test_a_palette_preview_is_shrunk_in_bands_like_the_whole(tmp_path: Path) -> None:
    image = _with_transparency(noise("P", (2100, 1500)), 3)
    shrunk = shrunk_display_image(image, 500)
    expected = to_display_image(image).reduce(4)
    assert shrunk.size == expected.size
    assert shrunk.tobytes() == expected.tobytes()


PREVIEWED = {
    "rgb": lambda size: noise("RGB", size),
    "rgbx": lambda size: noise("RGB", size).convert("RGBX"),  # how big RGB files are decoded
    "rgba": lambda size: noise("RGBA", size),
    "la-adobe-rgb": lambda size: _with_profile(noise("LA", size), adobe_rgb_profile()),
    "palette-transparency": lambda size: _with_transparency(noise("P", size), 3),
    "16-bit": lambda size: noise("L", size).convert("I").point(lambda v: v * 257).convert("I;16"),
}


@pytest.mark.parametrize("kind", PREVIEWED)
@pytest.mark.parametrize("size", [(2400, 1700), (1700, 3500)], ids=["under-half", "half-or-more"])
def test_a_preview_converts_no_full_size_copy(
    monkeypatch: pytest.MonkeyPatch, kind: str, size: tuple[int, int]
) -> None:
    # To fit 1600 px: 2400 px is shrunk by less than half (no whole-pixel reduce applies),
    # 3500 px by a reduce of 2 and a resample. Converting the picture for display, or letting
    # Pillow premultiply straight alpha to average it, made a full-size copy in its memory.
    image = PREVIEWED[kind](size)
    expected = reduce_to_fit(to_display_image(image), 1600)
    converted: list[tuple[int, int]] = []
    real_convert = Image.Image.convert

    def convert(picture: Image.Image, *args: object, **options: object) -> Image.Image:
        converted.append(picture.size)
        return real_convert(picture, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Image.Image, "convert", convert)
    preview = display_preview(image, 1600)
    monkeypatch.undo()
    assert preview.size == expected.size
    # Bands, and the preview itself (at most (1600 / 2400)^2 of the picture): nothing bigger.
    assert all(w * h < size[0] * size[1] // 2 for w, h in converted), converted
    if kind == "la-adobe-rgb":  # converted to sRGB after shrinking, not before: close
        difference = ImageChops.difference(preview.convert("RGBA"), expected.convert("RGBA"))
        assert max(ImageStat.Stat(difference).mean) < 1
    else:
        assert preview.convert("RGBA").tobytes() == expected.convert("RGBA").tobytes()


def test_halving_premultiplied_pixels_averages_them_as_they_are() -> None:
    # Half-transparent grey beside transparent black: premultiplied (100, 100, 100, 200) and
    # zeros average to (50, 50, 50, 100). Straightening and re-premultiplying (what Pillow does
    # for "RGBA") would give about (99, 99, 99, 100): colour above alpha, a bright fringe.
    pixels = bytes([100, 100, 100, 200, 0, 0, 0, 0])
    image = DecodedImage(2, 1, pixels, _info(2, 1), layout="BGRa")
    assert bytes(halve(image).data[:4]) == bytes([50, 50, 50, 100])


def test_halving_in_bands_matches_halving_whole() -> None:
    source = noise("RGBA", (1601, 1777))  # odd sizes: the last row and column stand alone
    data = source.tobytes()  # any four bytes a pixel will do: they are averaged one by one
    image = DecodedImage(1601, 1777, data, _info(1601, 1777), layout="BGRa")
    half = halve(image)
    expected = Image.frombytes("RGBX", (1601, 1777), data).reduce(2)
    assert (half.width, half.height) == expected.size == (801, 889)
    assert not isinstance(half.data, bytes)  # big enough to have gone through the bands
    assert half.data[:] == expected.tobytes("raw", "RGBX")


def test_big_decoded_images_are_unmapped_off_the_gui_thread(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Unmapping a 100 MP image takes ~80 ms: on the GUI thread that is a frozen window when
    # the viewer closes or steps on. Here the viewer shows a big picture and is shut down.
    path = tmp_path / "big.png"
    noise("RGB", (1500, 1500)).save(path, compress_level=1)
    viewer = CompareViewer(prefetch=False)
    qtbot.addWidget(viewer)
    viewer.set_items([ViewerItem("job", str(path), "", "big.png")], 0)
    qtbot.waitUntil(lambda: _complete(viewer), timeout=10_000)
    image = viewer.canvas.original.image
    assert image is not None
    big = [level.pixels.data for level in image.levels if isinstance(level.pixels.data, PixelMap)]
    assert big  # the full-resolution level at least
    freed_on: list[str] = []
    for data in big:
        weakref.finalize(data, lambda: freed_on.append(threading.current_thread().name))
    count = len(big)
    del image, big, data
    viewer.shutdown()  # drops the canvas's images and the cache's: the last references
    gc.collect()
    qtbot.waitUntil(lambda: len(freed_on) == count, timeout=5_000)
    assert set(freed_on) == {"pixel-release"}


def cancelled_after(checks: int) -> tuple[list[int], Cancelled]:
    """A `cancelled` that says yes from its (checks + 1)th call on; the list counts calls."""
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > checks

    return calls, cancelled


@pytest.mark.parametrize(("name", "options"), [("big.png", {}), ("big.jpg", {"quality": 90})])
def test_a_cancelled_decode_stops_at_its_next_read(tmp_path, name, options) -> None:  # type: ignore[no-untyped-def]
    # A 100 MP PNG takes ~2 s to decode: a viewer that is closed meanwhile must not wait for it.
    path = tmp_path / name
    noise("RGB", (1500, 1500)).save(path, **options)
    calls, cancelled = cancelled_after(5)
    with pytest.raises(DecodeCancelled):
        list(decode_progressive(path, 256, cancelled=cancelled))
    assert len(calls) == 6  # nothing was read after the answer changed
    calls, cancelled = cancelled_after(10**6)
    assert len(list(decode_progressive(path, 256, cancelled=cancelled))) == 2  # else: whole


def test_a_cancelled_pack_or_halve_stops_at_its_next_band() -> None:
    image = noise("RGB", (1500, 1500))
    info = read_info_of(image)
    calls, cancelled = cancelled_after(2)
    with pytest.raises(DecodeCancelled):
        pack_display(image, info, "BGRa", cancelled=cancelled)
    assert len(calls) == 3
    packed = pack_display(image, info, "BGRa")
    calls, cancelled = cancelled_after(1)
    with pytest.raises(DecodeCancelled):
        halve(packed, cancelled=cancelled)
    assert len(calls) == 2


def test_shutting_down_stops_the_decode_that_is_running(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # The viewer is closed while a big PNG is half read: its decode ends at the next read,
    # instead of the window waiting (frozen) for a full decode nobody will see.
    path = tmp_path / "big.png"
    noise("RGB", (1500, 1500)).save(path, compress_level=1)
    loader = ImageLoader()
    finished: list[bool] = []  # per task: skipped (stopped) or not
    loader._taskFinished.connect(
        lambda _path, _key, skipped, _generation: finished.append(skipped),
        Qt.ConnectionType.DirectConnection,
    )
    asked = 0
    really_wanted = loader.is_wanted

    def is_wanted(key: str) -> bool:  # the worker asks at every read: close after a few reads
        nonlocal asked
        asked += 1
        if asked == 8:
            loader.set_wanted([])  # what shutdown() does first
        return really_wanted(key)

    loader.is_wanted = is_wanted  # type: ignore[method-assign]
    delivered: list[bool] = []
    loader.imageReady.connect(lambda _path, loaded: delivered.append(loaded.complete))
    loader.set_wanted([str(path)])
    try:
        assert loader.request(str(path)) is None
        qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    finally:
        loader.shutdown()
    assert finished == [True]  # stopped, not finished and thrown away
    assert asked < 12  # it read no further once unwanted (a whole read is ~100 checks)
    assert delivered == []


def test_closing_the_window_does_not_wait_for_a_decoding_thread(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # Decoders run below the GUI's priority: on a busy machine, waiting for even their last
    # millisecond froze the window ~50 ms. Here a decoding thread is held still, mid-task,
    # and the window must close anyway (had it waited, the thread would have gone on first).
    path = tmp_path / "big.png"
    noise("RGB", (1500, 1500)).save(path, compress_level=1)
    window = ViewerWindow()
    qtbot.addWidget(window)
    loader = window.viewer.loader
    held, go_on = threading.Event(), threading.Event()
    finished: list[bool] = []
    loader._taskFinished.connect(
        lambda _path, _key, skipped, _generation: finished.append(skipped),
        Qt.ConnectionType.DirectConnection,
    )
    really_wanted = loader.is_wanted

    def is_wanted(key: str) -> bool:
        if threading.current_thread() is not threading.main_thread():
            held.set()
            go_on.wait(timeout=20)
        return really_wanted(key)

    loader.is_wanted = is_wanted  # type: ignore[method-assign]
    window.viewer.set_items([ViewerItem("job", str(path), "", "big.png")], 0)
    window.show()
    try:
        assert held.wait(timeout=20)  # a decoding thread is inside its task now
        window.close()
        assert finished == []  # closed while that thread still has its task in hand
        assert not window.viewer.is_loading()
    finally:
        go_on.set()
        window.viewer.shutdown()  # now join it, as the application does at quit
    assert finished == [True]  # it was cancelled, not finished and thrown away


def test_a_program_holding_big_pixels_still_exits(tmp_path: Path) -> None:
    # Buffers still alive at exit are finalised during interpreter shutdown, when a new release
    # thread can no longer run: starting one there would hang the application's exit.
    script = "from app.imaging.release import PixelMap\nkept = PixelMap(-1, 1 << 20)\n"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, timeout=20, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def _complete(viewer: CompareViewer) -> bool:
    image = viewer.canvas.original.image
    return image is not None and image.complete


def _with_profile(image: Image.Image, profile: bytes) -> Image.Image:
    image.info["icc_profile"] = profile
    return image


def _with_transparency(image: Image.Image, index: int) -> Image.Image:
    image.info["transparency"] = index
    return image


def _info(width: int, height: int) -> ImageInfo:
    return ImageInfo(width, height, 0, "PNG", "RGBA", 8, "sRGB", True)


def read_info_of(image: Image.Image) -> ImageInfo:
    return _info(image.width, image.height)
