"""The `retouchdesk` entry point.

No subcommand opens the window (paths given are queued, as "Open with" does). Subcommands run
headless and never import Qt. Each group of subcommands lives in its own module with a
`register(subparsers)` function; the modules keep their heavy imports inside the handlers so
that `retouchdesk --version` and the window start stay fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from app import __version__
from app.cli import account_cmd, process_cmd, sandbox_cmd

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="retouchdesk",
        description="Retouch Desk: batch image processing with autoretouch. "
        "Without a subcommand, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"retouchdesk {__version__}")
    parser.add_argument(
        "--server",
        default=None,
        help="autoretouch, sandbox, or a URL (default: $RETOUCHDESK_SERVER, else sandbox)",
    )
    parser.add_argument(
        "--org",
        default=None,
        help="organization id (default: $AUTORETOUCH_ORGANIZATION_ID, else the token's selection)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (sandbox_cmd, account_cmd, process_cmd):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Plain paths with no subcommand are queued in the window ("Open with").
    if not args_list or not _looks_like_subcommand(parser, args_list):
        return _open_window(args_list)
    args = parser.parse_args(args_list)
    if args.command is None:
        return _open_window(args_list)
    result: int = args.func(args)
    return result


def _looks_like_subcommand(parser: argparse.ArgumentParser, args: list[str]) -> bool:
    choices: set[str] = set()
    for action in parser._actions:  # argparse offers no public way to list subcommands
        if isinstance(action, argparse._SubParsersAction):
            choices.update(action.choices)
    return any(a in choices or a in ("-h", "--help", "--version") for a in args)


def _open_window(args: list[str]) -> int:
    # Imported here so that headless subcommands never load Qt.
    from importlib import import_module

    ui_main = import_module("ui.main")
    result: int = ui_main.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
