"""`retouchdesk sandbox`: run the local autoretouch-compatible server, or top up its credits.

    retouchdesk sandbox [--port 8765|0] [--data DIR] [--workers N] ...
    retouchdesk sandbox credits add N [--data DIR]

Once serving it prints `READY http://HOST:PORT` on its own line (parents parse it) and a line
for people. Ctrl-C or SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from app.sandbox.config import SandboxConfig  # a plain dataclass: cheap to import

DEFAULT_PORT = 8765
# One source of truth for the defaults: the in-process config and the CLI agree.
_DEFAULTS: dict[str, Any] = {f.name: f.default for f in dataclasses.fields(SandboxConfig)}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run the local sandbox server (speaks the autoretouch API, processes with Pillow)",
        description="Run the local sandbox: an autoretouch-compatible API that really "
        "processes images. Binds loopback by default.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port, 0 for any free one (default: {DEFAULT_PORT})",
    )
    _add_data_arg(parser)
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=_DEFAULTS["workers"],
        help="processing threads (default: %(default)s)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=_DEFAULTS["latency"],
        help="seconds each execution takes at least; the rendering runs within them",
    )
    parser.add_argument(
        "--credits",
        type=int,
        default=_DEFAULTS["credits"],
        help="initial balance of a new data folder (default: %(default)s)",
    )
    parser.add_argument(
        "--token-ttl",
        type=_positive_int,
        default=_DEFAULTS["token_ttl"],
        help="access token lifetime in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--sse",
        choices=("all", "final-only"),
        default="all",
        help="status stream: every state change, or only the final one (default: all)",
    )
    parser.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve device sign-ins at once (scripts, tests)",
    )
    parser.add_argument(
        "--faults",
        default="",
        metavar="SPEC",
        help="inject faults, e.g. http500=0.05,http503=0.05,sse_cut=0.3,fail=0.1,"
        "slow_upload=0.2,evil_names=1",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=_DEFAULTS["seed"],
        help="seed for the faults, the processing times and the rate limit's mix of answers",
    )
    _add_service_model_args(parser)
    parser.add_argument(
        "--background",
        action="store_true",
        help="run at low CPU priority, so that the window (and client) on this computer go first",
    )
    parser.add_argument(
        "--qa-seconds",
        type=float,
        default=_DEFAULTS["qa_seconds"],
        help="how long the QA workflow holds IN_QA (default: %(default)s)",
    )
    parser.add_argument(
        "--device-interval",
        type=int,
        default=_DEFAULTS["device_interval"],
        help="device-flow polling interval in seconds (default: %(default)s)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed a new data folder with one processed order of sample photos",
    )
    parser.set_defaults(func=_serve)

    actions = parser.add_subparsers(dest="sandbox_action", metavar="ACTION")
    credits = actions.add_parser("credits", help="manage the sandbox's credit balance")
    credit_actions = credits.add_subparsers(dest="credits_action", metavar="ACTION", required=True)
    add = credit_actions.add_parser("add", help="top up the balance (also while the server runs)")
    add.add_argument("amount", type=int, help="credits to add (negative to take away)")
    _add_data_arg(add)
    add.set_defaults(func=_credits_add)


def _add_service_model_args(parser: argparse.ArgumentParser) -> None:
    """The options that make the sandbox behave like a remote service on a real connection."""
    model = parser.add_argument_group(
        "service model", "a remote service on a real connection (README: What the sandbox models)"
    )
    model.add_argument(
        "--uplink-mbit",
        type=_non_negative_float,
        default=_DEFAULTS["uplink_mbit"],
        metavar="N",
        help="request bodies arrive at N Mbit/s at most, shared by all connections "
        "(default: unlimited)",
    )
    model.add_argument(
        "--downlink-mbit",
        type=_non_negative_float,
        default=_DEFAULTS["downlink_mbit"],
        metavar="N",
        help="responses leave at N Mbit/s at most, shared by all connections (default: unlimited)",
    )
    model.add_argument(
        "--processing-seconds",
        type=_processing_seconds,
        default=(_DEFAULTS["processing_mean"], _DEFAULTS["processing_spread"]),
        metavar="MEAN[:SPREAD]",
        help="each execution's processing time, drawn from a gamma distribution with this mean "
        "and standard deviation (seeded); --latency is then the shortest",
    )
    model.add_argument(
        "--validate-ms-per-mb",
        type=_non_negative_float,
        default=_DEFAULTS["validate_seconds_per_mb"] * 1000,
        metavar="MS",
        help="time an upload spends validating per MB before its 201 (default: %(default)g)",
    )
    model.add_argument(
        "--multipart-create-seconds",
        type=_non_negative_float,
        default=_DEFAULTS["multipart_create_seconds"],
        metavar="S",
        help="extra time of a create that carries its file (default: %(default)g)",
    )
    model.add_argument(
        "--multipart-create-slots",
        type=_positive_int,
        default=_DEFAULTS["multipart_create_slots"],
        metavar="N",
        help="creates with a file handled at once (default: %(default)s)",
    )
    model.add_argument(
        "--rate-limit",
        type=_rate,
        default=_DEFAULTS["rate_limit"],
        metavar="N/s",
        help="answer requests over this rate with 429/503 and Retry-After (default: no limit)",
    )
    model.add_argument(
        "--rate-limit-status",
        choices=("429", "503", "mixed"),
        default=_DEFAULTS["rate_limit_status"],
        help="how requests over the rate are refused (default: %(default)s)",
    )
    model.add_argument(
        "--dialect",
        type=_dialect,
        default=_DEFAULTS["dialect"],
        metavar="LIST",
        help="comma-separated API variants a real server may use, or all: sse-spaced, "
        "sse-comments, sse-retry, unknown-fields, raw-result-path, labels-plural, "
        "trailing-slash (default: the documented API)",
    )


def _non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from exc
    if value < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return value


def _processing_seconds(text: str) -> tuple[float, float]:
    from app.sandbox.durations import DurationSpecError, parse_processing_seconds

    try:
        return parse_processing_seconds(text)
    except DurationSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _rate(text: str) -> float:
    from app.sandbox.ratelimit import RateSpecError, parse_rate

    try:
        return parse_rate(text)
    except RateSpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _dialect(text: str) -> str:
    from app.sandbox.dialect import DialectError, parse_dialect

    try:
        parse_dialect(text)
    except DialectError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def _add_data_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="data folder (default: the sandbox folder in the user data folder)",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data is not None:
        return Path(args.data).expanduser().resolve()
    from app.store.paths import sandbox_data_dir

    return sandbox_data_dir()


def _credits_add(args: argparse.Namespace) -> int:
    from app.sandbox.store import add_credits_offline

    balance = add_credits_offline(_data_dir(args), args.amount)
    print(f"Added {args.amount} credits; balance is now {balance}.")
    return 0


BACKGROUND_NICE = 10


def lower_priority() -> None:
    """Yield the CPU to interactive work: a sandbox on the user's computer stands in for a
    server that would run elsewhere, and its rendering must not make the window stutter."""
    try:
        if hasattr(os, "nice"):
            os.nice(BACKGROUND_NICE)
        else:  # Windows
            import psutil

            psutil.Process().nice(psutil.BELOW_NORMAL_PRIORITY_CLASS)  # type: ignore[attr-defined]
    except (OSError, AttributeError) as exc:
        print(f"retouchdesk sandbox: cannot lower its priority: {exc}", file=sys.stderr)


def config_from_args(args: argparse.Namespace) -> SandboxConfig:
    """The server's configuration from `retouchdesk sandbox ...`'s parsed options."""
    return SandboxConfig(
        data_dir=_data_dir(args),
        host=args.host,
        port=args.port,
        workers=args.workers,
        latency=args.latency,
        credits=args.credits,
        token_ttl=args.token_ttl,
        sse_mode=args.sse,
        auto_approve=args.auto_approve,
        faults=args.faults,
        seed=args.seed,
        qa_seconds=args.qa_seconds,
        device_interval=args.device_interval,
        demo=args.demo,
        uplink_mbit=args.uplink_mbit,
        downlink_mbit=args.downlink_mbit,
        processing_mean=args.processing_seconds[0],
        processing_spread=args.processing_seconds[1],
        validate_seconds_per_mb=args.validate_ms_per_mb / 1000,
        multipart_create_seconds=args.multipart_create_seconds,
        multipart_create_slots=args.multipart_create_slots,
        rate_limit=args.rate_limit,
        rate_limit_status=args.rate_limit_status,
        dialect=args.dialect,
    )


def _serve(args: argparse.Namespace) -> int:
    from app.logsetup import configure_logging
    from app.sandbox.faults import FaultSpecError, parse_spec
    from app.sandbox.runner import SandboxStartError, start_sandbox_in_thread

    try:
        parse_spec(args.faults)
    except FaultSpecError as exc:
        print(f"retouchdesk sandbox: --faults: {exc}", file=sys.stderr)
        return 2
    configure_logging(getattr(args, "verbose", 0))
    if args.background:
        lower_priority()  # before any thread exists: threads inherit it
    config = config_from_args(args)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        sandbox = start_sandbox_in_thread(config)
    except (OSError, SandboxStartError) as exc:
        print(
            f"retouchdesk sandbox: cannot start on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return 1
    print(f"READY {sandbox.base_url}", flush=True)
    print(
        f"Sandbox API at {sandbox.base_url} (data in {config.data_dir}, "
        f"organization {sandbox.org_id}, balance {sandbox.balance()} credits). "
        f"Sign-ins are approved at {sandbox.base_url}/activate. Ctrl-C stops.",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            if not sandbox.alive:
                print("retouchdesk sandbox: the server stopped unexpectedly", file=sys.stderr)
                return 1
    finally:
        sandbox.stop()
    print("Sandbox stopped.", flush=True)
    return 0
