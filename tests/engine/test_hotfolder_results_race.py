"""Two watchers finishing `a/x.jpg` and `b/x.jpg` into one shared results folder (layout
`folder`) both aim at `x.png`. With hard links the name is taken atomically (the first proves
it below). On a share without hard links (an SMB mount of a Windows server refuses link())
`naming.place_file` reserves the name by an exclusive create before it moves the result in:
the second test puts machine B's whole placing between machine A's reservation and A's move,
the moment where "exists? then replace" let B overwrite A's result."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from app.engine.naming import place_file


def _temp(folder: Path, name: str, content: bytes) -> Path:
    path = folder / f".{name}.retouchdesk-part"
    path.write_bytes(content)
    return path


def test_with_hard_links_two_machines_never_take_one_name(tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    temps = [_temp(out, f"job{i}", f"result {i}".encode()) for i in range(8)]
    placed: list[Path | None] = [None] * len(temps)
    start = threading.Barrier(len(temps))

    def finish(i: int) -> None:
        start.wait()
        placed[i] = place_file(temps[i], out / "x.png", "unique")

    threads = [threading.Thread(target=finish, args=(i,)) for i in range(len(temps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len({p for p in placed if p is not None}) == len(temps)
    assert sorted(p.read_bytes() for p in placed if p) == sorted(
        f"result {i}".encode() for i in range(len(temps))
    )


def test_without_hard_links_a_second_machine_does_not_overwrite_a_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "results"
    out.mkdir()
    first = _temp(out, "machine-a", b"result of a/x.jpg")
    second = _temp(out, "machine-b", b"result of b/x.jpg")

    def no_hard_links(src: object, dst: object) -> None:  # what such a share answers
        raise OSError(errno.EPERM, "Operation not permitted")

    real_replace = os.replace
    interleaved = False

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        # Machine B checks and writes in the moment between machine A's check and A's write.
        nonlocal interleaved
        if not interleaved:
            interleaved = True
            place_file(second, out / "x.png", "unique")
        real_replace(src, dst)

    monkeypatch.setattr(os, "link", no_hard_links)
    monkeypatch.setattr(os, "replace", replace)
    place_file(first, out / "x.png", "unique")
    results = sorted(p.read_bytes() for p in out.iterdir() if not p.name.startswith("."))
    assert results == [b"result of a/x.jpg", b"result of b/x.jpg"]
