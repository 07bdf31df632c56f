"""The `retouchdesk` entry point: the console script, `python -m retouchdesk` and the frozen
executable all start here.

The command line is read by `app.cli`, which never imports Qt. Only when it asks for the window
is `ui.main` imported, so every subcommand (and `--version`, and a mistyped command) runs
without loading Qt at all, also on a machine with no display.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from app import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    decision = cli.decide(args)
    if isinstance(decision, cli.OpenWindow):
        import os

        from retouchdesk.desktop_libraries import ensure_desktop_libraries

        # Before Qt: a missing X library would make it abort instead of saying what to install.
        if not ensure_desktop_libraries(os.environ):
            return 1
        from ui.main import run as run_window

        return run_window(decision.argv)
    return cli.run(decision)
