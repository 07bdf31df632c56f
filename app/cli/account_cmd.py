"""Subcommands about the account: login, logout, orgs, workflows, balance."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import (
    EXIT_AUTH,
    EXIT_OK,
    command,
    new_session,
    organization_id,
    print_json,
    print_table,
    run,
    say_error,
    with_session,
)
from app.domain.formatting import format_credits


def register(subparsers: Any) -> None:
    login = subparsers.add_parser("login", help="sign in (device code in the browser)")
    login.add_argument(
        "--refresh-token-stdin",
        action="store_true",
        help="read a refresh token (a device connection from the web app) from stdin",
    )
    login.add_argument(
        "--no-browser", action="store_true", help="only show the code, do not open a browser"
    )
    login.set_defaults(func=_login)

    logout = subparsers.add_parser("logout", help="revoke and forget the saved sign-in")
    logout.set_defaults(func=_logout)

    for name, handler, text in (
        ("orgs", _orgs, "list your organizations"),
        ("workflows", _workflows, "list the organization's workflows"),
        ("balance", _balance, "show the organization's credits"),
    ):
        sub = subparsers.add_parser(name, help=text)
        sub.add_argument("--json", action="store_true", help="machine-readable output")
        sub.set_defaults(func=handler)


@command
def _login(args: argparse.Namespace) -> int:
    from app.api.auth import DeviceCode

    def show(code: DeviceCode) -> None:
        print(f"To sign in, open {code.verification_uri}")
        print(f"and confirm the code: {code.user_code}")
        print(f"(or open {code.verification_uri_complete})", flush=True)

    async def go() -> int:
        session = new_session(args)
        try:
            if args.refresh_token_stdin:
                token = sys.stdin.readline()
                if not token.strip():
                    say_error("no refresh token on stdin")
                    return EXIT_AUTH
                await session.sign_in_with_refresh_token(token)
            else:
                await session.sign_in_device_flow(show, open_browser=not args.no_browser)
            org = session.default_organization_id or "(none selected)"
            print(f"Signed in to {session.profile.name} as {session.account}; organization {org}")
            if not session.persistent:
                say_error(
                    "warning: no system keyring was found, so this sign-in was not saved and"
                    " later commands will ask again. To stay signed in without one (a server,"
                    " a service), give the refresh token of a device connection in"
                    " AUTORETOUCH_REFRESH_TOKEN, best from an encrypted systemd credential"
                    " (README: 'Watching a folder on a server'), or unlock a Secret Service"
                    " keyring such as gnome-keyring"
                )
            return EXIT_OK
        finally:
            await session.aclose()

    return run(go())


@command
def _logout(args: argparse.Namespace) -> int:
    async def go() -> int:
        session = new_session(args)
        try:
            if not await session.restore(check=False):  # works offline too
                print(f"Not signed in to {session.profile.name}")
                return EXIT_OK
            from_env = session.source == "environment"
            revoked = await session.sign_out()
            if from_env:
                print("The sign-in comes from AUTORETOUCH_REFRESH_TOKEN: unset it to sign out")
            elif revoked:
                print(f"Signed out of {session.profile.name}")
            else:
                print(f"Signed out of {session.profile.name} here (the server was not told)")
            return EXIT_OK
        finally:
            await session.aclose()

    return run(go())


@command
def _orgs(args: argparse.Namespace) -> int:
    from app.api.session import Session

    async def go(session: Session) -> int:
        organizations = await session.client.list_organizations()
        default = session.default_organization_id
        if args.json:
            print_json({"default": default, "organizations": organizations})
            return EXIT_OK
        print_table(
            ("", "ID", "NAME", "MEMBERS"),
            (("*" if o.id == default else "", o.id, o.name, len(o.members)) for o in organizations),
        )
        return EXIT_OK

    return with_session(args, go)


@command
def _workflows(args: argparse.Namespace) -> int:
    from app.api.session import Session

    async def go(session: Session) -> int:
        org = await organization_id(session)
        workflows = await session.client.list_workflows(org)
        if args.json:
            print_json({"organization": org, "workflows": workflows})
            return EXIT_OK
        print_table(
            ("ID", "NAME", "PRICE", "VERSION"),
            ((w.id, w.name, w.execution_price, w.version) for w in workflows),
        )
        return EXIT_OK

    return with_session(args, go)


@command
def _balance(args: argparse.Namespace) -> int:
    from app.api.session import Session

    async def go(session: Session) -> int:
        org = await organization_id(session)
        credits = await session.client.get_balance(org)
        if args.json:
            print_json({"organization": org, "credits": credits})
        else:
            print(format_credits(credits))
        return EXIT_OK

    return with_session(args, go)
