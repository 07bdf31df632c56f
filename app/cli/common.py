"""Helpers every headless subcommand shares: server, session, organization, output, exit codes.

A handler written with these reads like the task it does:

    @command
    def _balance(args):
        async def go(session): ...
        return with_session(args, go)

Errors become one clear line on stderr and an exit code: 2 for "sign in / fix the command",
1 for server or network trouble, 130 for Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from app import event_loop
from app.logsetup import configure_logging

# The API stack (httpx, ssl, keyring) is imported inside the functions that need it, so that
# registering subcommands, `--version` and the window's start stay fast.
if TYPE_CHECKING:
    from app.api.servers import ServerProfile
    from app.api.session import Session
    from app.engine.counts import CostEstimate
    from app.store.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_AUTH = 2  # also bad usage: both mean "the user has to change something first"
EXIT_INTERRUPTED = 130


# --- server and session ----------------------------------------------------------------------


def server_profile(args: argparse.Namespace) -> ServerProfile:
    """--server, else $RETOUCHDESK_SERVER, else the sandbox."""
    from app.api.servers import resolve_server

    return resolve_server(getattr(args, "server", None))


def login_hint(profile: ServerProfile) -> str:
    """The command that signs in to `profile`, spelled so it can be pasted."""
    flag = "" if profile.name == "sandbox" else f" --server {profile.name}"
    return f"retouchdesk{flag} login"


def new_session(args: argparse.Namespace) -> Session:
    from app.api.session import Session

    session = Session(server_profile(args))
    if getattr(args, "org", None):
        session.organization_override = args.org
    return session


async def signed_in_session(args: argparse.Namespace) -> Session:
    """A session restored from the keyring or $AUTORETOUCH_REFRESH_TOKEN, or NotSignedInError."""
    from app.api.errors import NotSignedInError

    session = new_session(args)
    try:
        if not await session.restore():
            raise NotSignedInError(session.profile.name)
    except BaseException:
        await session.aclose()
        raise
    return session


def with_session(args: argparse.Namespace, work: Callable[[Session], Awaitable[T]]) -> T:
    """Restore the session, run `work` with it, always close it."""

    async def go() -> T:
        session = await signed_in_session(args)
        try:
            return await work(session)
        finally:
            await session.aclose()

    return run(go())


async def organization_id(session: Session) -> str:
    """--org / $AUTORETOUCH_ORGANIZATION_ID / the token's selection, else the first one."""
    from app.api.errors import ApiError

    chosen = session.default_organization_id
    if chosen:
        return chosen
    organizations = await session.client.list_organizations()
    if not organizations:
        raise ApiError(0, "this account belongs to no organization", error="No organization")
    return organizations[0].id


def run(coro: Coroutine[Any, Any, T]) -> T:
    return event_loop.run(coro)


# --- output ----------------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Columns padded to their widest cell; readable in a terminal, not meant for parsing."""
    text_rows = [[str(cell) for cell in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in text_rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=False)]
    for row in [list(headers), ["-" * w for w in widths], *text_rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip())


def print_json(data: object) -> None:
    """Stable, script-friendly JSON on stdout (dataclasses become objects)."""
    print(json.dumps(_plain(data), indent=2, ensure_ascii=False, sort_keys=True))


def _plain(data: object) -> object:
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return {f.name: _plain(getattr(data, f.name)) for f in dataclasses.fields(data)}
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_plain(v) for v in data]
    return data


def say_error(message: str) -> None:
    print(f"retouchdesk: {message}", file=sys.stderr)


async def confirm_cost(
    estimate: CostEstimate,
    settings: Settings,
    args: argparse.Namespace,
    *,
    heading: str,
    subject: str,
    verb: str,
) -> bool:
    """The cost first, on stderr (`heading: ...`); above the confirmation threshold the user is
    asked, and without a terminal to ask on (a script) nothing happens unless --yes was given.
    `subject` names what costs ("This batch"), `verb` what would not be done ("processed")."""
    from app.engine.report import cost_line

    if not args.json:
        print(f"{heading}: {cost_line(estimate)}", file=sys.stderr)
    if args.yes or estimate.total <= settings.cost_confirm_threshold:
        return True
    question = (
        f"{subject} costs {estimate.total} credits, above the confirmation threshold of"
        f" {settings.cost_confirm_threshold}."
    )
    if not sys.stdin.isatty():
        say_error(f"{question} Nothing was {verb}; run again with --yes to go ahead.")
        return False
    answer = await asyncio.to_thread(input, f"{question} Proceed? [y/N] ")
    if answer.strip().lower() in ("y", "yes"):
        return True
    say_error(f"cancelled; nothing was {verb}")
    return False


# --- errors ----------------------------------------------------------------------------------


def exit_code_for(exc: BaseException, args: argparse.Namespace) -> int:
    """Print what went wrong and what to do; return the exit code. Re-raises anything else."""
    from app.api.auth import SignInError
    from app.api.errors import (
        ApiError,
        AuthError,
        CertificateError,
        ConnectionFailedError,
        NotSignedInError,
    )
    from app.api.servers import ServerConfigError

    if isinstance(exc, KeyboardInterrupt | asyncio.CancelledError):
        say_error("interrupted")
        return EXIT_INTERRUPTED
    if isinstance(exc, ServerConfigError):
        say_error(str(exc))
        return EXIT_AUTH
    profile = _profile_or_none(args)
    hint = f": run `{login_hint(profile)}`" if profile else ""
    where = profile.name if profile else "the server"
    if isinstance(exc, NotSignedInError):
        say_error(f"Not signed in to {where}{hint}")
        return EXIT_AUTH
    if isinstance(exc, AuthError):
        say_error(f"{exc.message or 'sign-in rejected'} ({where}){hint}")
        return EXIT_AUTH
    if isinstance(exc, SignInError):
        say_error(str(exc))
        return EXIT_AUTH
    if isinstance(exc, CertificateError):
        say_error(f"{where}: {exc.message}")
        return EXIT_FAILED
    if isinstance(exc, ConnectionFailedError):
        extra = (
            " Is it running? Start it with `retouchdesk sandbox`." if _is_sandbox(profile) else ""
        )
        say_error(f"Cannot reach {where} ({profile.api_url if profile else ''}).{extra}")
        return EXIT_FAILED
    if isinstance(exc, ApiError):
        say_error(f"{where}: {exc}")
        return EXIT_FAILED
    raise exc


def _profile_or_none(args: argparse.Namespace) -> ServerProfile | None:
    from app.api.servers import ServerConfigError

    try:
        return server_profile(args)
    except ServerConfigError:
        return None


def _is_sandbox(profile: ServerProfile | None) -> bool:
    return profile is not None and profile.is_sandbox


def command(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Wrap a subcommand handler: logging set up from -v, errors turned into exit codes."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        configure_logging(getattr(args, "verbose", 0))
        try:
            return handler(args)
        except (Exception, KeyboardInterrupt) as exc:
            logger.debug("%s failed", getattr(args, "command", "command"), exc_info=True)
            return exit_code_for(exc, args)  # re-raises what it does not know

    return wrapped
