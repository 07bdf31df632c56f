"""Composition root of the window. Placeholder until the main-window issue lands."""

from __future__ import annotations


def run(args: list[str]) -> int:
    del args
    raise SystemExit("The window is not built yet.")
