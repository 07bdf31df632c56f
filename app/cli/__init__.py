"""The `retouchdesk` command line, headless: what a command line asks for, and the subcommands.

The first word that is not an option decides (the global options and their values come before
it): a subcommand's name runs that subcommand, so `retouchdesk watch watch` watches a folder
named `watch`; an existing file or folder means "open the window with these", as "Open with"
does; anything else is refused with the closest command's name, and no window is started.
No word at all opens the window too.

Opening the window is not done here: `app` never imports Qt or `ui`. `decide()` only says that
the window is wanted; the composition root (`retouchdesk.entry`) opens it. Each group of
subcommands lives in its own module with a `register(subparsers)` function; the modules keep
their heavy imports inside the handlers so that `--version` and the window's start stay fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import os
from collections.abc import Callable, Sequence
from typing import Any

from app import __version__
from app.cli import account_cmd, process_cmd, review_cmd, sandbox_cmd
from app.cli.common import EXIT_AUTH, say_error

EXIT_USAGE = EXIT_AUTH  # the same code: the user has to change something first


@dataclasses.dataclass(frozen=True)
class GlobalOption:
    """An option every form of the command line takes before its first word."""

    flags: tuple[str, ...]
    takes_value: bool
    help: str
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)


GLOBAL_OPTIONS = (
    GlobalOption(
        ("--server",),
        True,
        "autoretouch, sandbox, or a URL (default: $RETOUCHDESK_SERVER, else sandbox)",
    ),
    GlobalOption(
        ("--org",),
        True,
        "organization id (default: $AUTORETOUCH_ORGANIZATION_ID, else the token's selection)",
    ),
    GlobalOption(("-v", "--verbose"), False, "more log output", {"action": "count", "default": 0}),
)
_ANSWERED_BY_THE_PARSER = ("-h", "--help", "--version")  # it prints and exits


@dataclasses.dataclass(frozen=True)
class OpenWindow:
    """Open the window; `argv` (global options and paths) is handed to it as given."""

    argv: list[str]


@dataclasses.dataclass(frozen=True)
class RunSubcommand:
    args: argparse.Namespace

    @property
    def name(self) -> str:
        return str(self.args.command)


@dataclasses.dataclass(frozen=True)
class Refuse:
    """The command line cannot be run; `message` says why (and what was probably meant)."""

    message: str
    exit_code: int = EXIT_USAGE


Decision = OpenWindow | RunSubcommand | Refuse


class _CommandRecorder:
    """What each command module's `register()` is given: the parser's subcommand table, which
    also remembers the names added (argparse has no public way to list them)."""

    def __init__(self, subparsers: Any) -> None:
        self._subparsers = subparsers
        self.names: list[str] = []

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = self._subparsers.add_parser(name, **kwargs)
        self.names += [name, *kwargs.get("aliases", ())]
        return parser


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    for option in GLOBAL_OPTIONS:
        settings = option.settings or {"default": None}
        parser.add_argument(*option.flags, help=option.help, **settings)


def build_parser() -> tuple[argparse.ArgumentParser, list[str]]:
    """The full parser, and the subcommand names in the order they were registered."""
    parser = argparse.ArgumentParser(
        prog="retouchdesk",
        description="Retouch Desk: batch image processing with autoretouch. "
        "Without a subcommand, opens the window (with the files and folders given).",
        usage="retouchdesk [OPTIONS] [PATH ...]\n       retouchdesk [OPTIONS] COMMAND ...",
        # The first word is found by exact option names (see _first_word): abbreviations
        # like --serv would make that scan guess.
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"retouchdesk {__version__}")
    _add_global_options(parser)
    # prog: a subcommand's usage reads "retouchdesk process ...", not the two-line usage above.
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", prog="retouchdesk")
    commands = _CommandRecorder(subparsers)
    for module in (sandbox_cmd, account_cmd, process_cmd, review_cmd):
        module.register(commands)
    return parser, commands.names


def command_names() -> list[str]:
    return build_parser()[1]


def _window_parser() -> argparse.ArgumentParser:
    """The window's own command line: the global options and the paths to queue."""
    parser = argparse.ArgumentParser(
        prog="retouchdesk", usage="retouchdesk [OPTIONS] [PATH ...]", allow_abbrev=False
    )
    _add_global_options(parser)
    parser.add_argument("paths", nargs="*", metavar="PATH")
    return parser


def _takes_value(word: str) -> bool | None:
    """True/False for a global option (with or without its value), None for anything else."""
    for option in GLOBAL_OPTIONS:
        for flag in option.flags:
            if word == flag:
                return option.takes_value
            if option.takes_value and flag.startswith("--") and word.startswith(flag + "="):
                return False  # --server=URL: the value is in the same word
    if word.startswith("-v") and set(word[1:]) == {"v"}:  # -vv, -vvv
        return False
    return None


@dataclasses.dataclass(frozen=True)
class _FirstWord:
    word: str | None  # None: the command line is global options only
    only_a_path: bool = False  # it came after `--`, so it cannot be a subcommand
    for_the_parser: bool = False  # an unknown option, -h or --version came first


def _first_word(argv: Sequence[str]) -> _FirstWord:
    i = 0
    while i < len(argv):
        word = argv[i]
        if word == "--":
            return _FirstWord(argv[i + 1] if i + 1 < len(argv) else None, only_a_path=True)
        if not word.startswith("-") or word == "-":
            return _FirstWord(word)
        takes_value = _takes_value(word)
        if takes_value is None:
            return _FirstWord(None, for_the_parser=True)
        i += 2 if takes_value else 1
    return _FirstWord(None)


def decide(argv: Sequence[str]) -> Decision:
    """What this command line asks for. Only argparse prints here: help, the version, or a
    usage error (each ends in SystemExit, as argparse does)."""
    argv = list(argv)
    parser, names = build_parser()
    first = _first_word(argv)
    if first.for_the_parser:
        return RunSubcommand(parser.parse_args(argv))
    if first.word is None:
        return _open_window(argv)
    if first.word in names and not first.only_a_path:
        return RunSubcommand(parser.parse_args(argv))
    if os.path.exists(first.word):
        return _open_window(argv)
    if first.only_a_path or _looks_like_a_path(first.word):
        return Refuse(f"no such file or folder: {first.word!r}")
    return Refuse(_unknown_command(first.word, names))


def _open_window(argv: list[str]) -> Decision:
    _window_parser().parse_args(argv)  # a bad option gets its usage error here, not in Qt
    return OpenWindow(argv)


def _looks_like_a_path(word: str) -> bool:
    separators = {os.sep, os.altsep or os.sep, "/"}
    return any(s in word for s in separators) or word.startswith("~") or "." in word.strip(".")


def _unknown_command(word: str, names: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown command {word!r}{hint}"


def run(decision: RunSubcommand | Refuse) -> int:
    """Run a subcommand, or explain the refusal; the exit code."""
    if isinstance(decision, Refuse):
        say_error(decision.message)
        return decision.exit_code
    handler: Callable[[argparse.Namespace], int] = decision.args.func
    return handler(decision.args)
