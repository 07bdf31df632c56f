"""Subcommands that process images: process, resume, retry, history, watch.

All of them drive the same Engine the window uses, with the journal in the user data folder,
so a batch started here can be resumed here or in the window after a crash, and shows in the
window's history. Exit codes: 0 all succeeded, 1 some failed (or server trouble), 2 usage or
sign-in problems, 130 interrupted (the journal keeps the batch: `retouchdesk resume`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_OK,
    command,
    confirm_cost,
    organization_id,
    print_json,
    print_table,
    say_error,
    with_session,
)
from app.domain.choices import CreatePath, Layout, OnExists, UploadSize, values

if TYPE_CHECKING:
    from app.api.models import Workflow
    from app.api.session import Session
    from app.engine.engine import Engine
    from app.engine.hotfolder_shared import SharedFolder
    from app.engine.options import RunOptions
    from app.store.settings import Settings

TICK = 0.25  # seconds between progress redraws


class UsageError(Exception):
    """The command line asks for something impossible; the message says what to change."""


def _usage_errors(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Turn UsageError into one line on stderr and exit code 2."""

    def wrapped(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except UsageError as exc:
            say_error(str(exc))
            return EXIT_AUTH

    wrapped.__name__ = handler.__name__
    return wrapped


def register(subparsers: Any) -> None:
    process = subparsers.add_parser("process", help="process images or folders with a workflow")
    process.add_argument("paths", nargs="+", metavar="PATH", help="image files and/or folders")
    _add_run_options(process)
    process.add_argument("--batch-name", default=None, help="name of the batch (order)")
    process.add_argument(
        "--yes", "-y", action="store_true", help="do not ask to confirm the cost, whatever it is"
    )
    process.set_defaults(func=_process)

    resume = subparsers.add_parser("resume", help="finish batches interrupted by a crash or quit")
    resume.add_argument("--json", action="store_true", help="machine-readable summary")
    resume.set_defaults(func=_resume)

    retry = subparsers.add_parser("retry", help="retry failed images")
    retry.add_argument("execution_ids", nargs="*", metavar="EXECUTION_ID")
    retry.add_argument("--failed", action="store_true", help="retry every failed image")
    retry.add_argument("--json", action="store_true", help="machine-readable summary")
    retry.set_defaults(func=_retry)

    history = subparsers.add_parser("history", help="list processed images (from the journal)")
    history.add_argument("--status", default=None, help="done, failed, payment_required, ...")
    history.add_argument("--batch", default=None, help="batch name (part of it) or id")
    history.add_argument("--file", default=None, help="file name (part of it)")
    history.add_argument("--limit", type=int, default=50)
    history.add_argument("--json", action="store_true", help="machine-readable output")
    history.set_defaults(func=_history)

    watch = subparsers.add_parser("watch", help="process every image dropped into a folder")
    watch.add_argument("folder", metavar="FOLDER")
    _add_run_options(watch)
    watch.add_argument(
        "--settle",
        type=float,
        default=None,
        help="seconds a file must sit still before it is taken (default 2)",
    )
    watch.add_argument("--interval", type=float, dest="settle", help=argparse.SUPPRESS)
    polling = watch.add_mutually_exclusive_group()
    polling.add_argument(
        "--poll",
        dest="poll",
        action="store_const",
        const=True,
        default=None,
        help="look for new files every second instead of waiting for file-system events"
        " (automatic on NFS and SMB shares, which send none for other machines' files)",
    )
    polling.add_argument(
        "--no-poll", dest="poll", action="store_const", const=False, help=argparse.SUPPRESS
    )
    watch.add_argument(
        "--in-place",
        action="store_true",
        help="leave originals where they are (one watcher per folder only); by default each"
        " file is claimed, so several machines can watch one folder, and its original then"
        " moves to done/ or failed/",
    )
    watch.add_argument(
        "--workflow-folders",
        action="store_true",
        help="each folder directly inside FOLDER is named after a workflow and its files are"
        " processed with it (FOLDER/Background to white/...); results mirror that tree",
    )
    watch.add_argument(
        "--stale-after",
        type=float,
        default=60.0,
        help="seconds without a heartbeat before another watcher's claims are taken over",
    )
    watch.set_defaults(func=_watch)


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workflow", "-w", default=None, help="workflow name or id")
    parser.add_argument("--version", dest="workflow_version", default=None, help="pin a version")
    parser.add_argument("--out", "-o", default=None, help="output folder")
    parser.add_argument("--layout", choices=values(Layout), default=None)
    parser.add_argument("--name", default=None, help="name template, e.g. '{stem}_{n}{ext}'")
    parser.add_argument("--on-exists", choices=values(OnExists), default=None)
    parser.add_argument("--concurrency", type=int, default=None, help="parallel uploads")
    parser.add_argument(
        "--upload-size",
        choices=values(UploadSize),
        default=None,
        help="inputs over the service's 4096 px: scaled once a result proved the service scales"
        " (auto), always scaled (service), or sent whole (full)",
    )
    parser.add_argument(
        "--create-path",
        choices=values(CreatePath),
        default=None,
        help="upload, then create by hash (separate), or both in one request (combined)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable summary")


# -- process ---------------------------------------------------------------------------------


@command
@_usage_errors
def _process(args: argparse.Namespace) -> int:
    return with_session(args, lambda session: _process_with(args, session))


async def _process_with(args: argparse.Namespace, session: Session) -> int:
    from app.engine.engine import NoInputsError, RunOptions
    from app.engine.naming import NamingError

    org = await organization_id(session)
    settings = _settings(args)
    workflow = await _resolve_workflow(session, org, args.workflow or settings.last_workflow_id)
    options = RunOptions(
        org_id=org,
        workflow_id=workflow.id,
        workflow_version=args.workflow_version or settings.pin_version or None,
        out_dir=Path(args.out).expanduser().resolve() if args.out else _settings_out(settings),
        layout=args.layout or settings.layout,
        name_template=args.name or settings.name_template,
        on_exists=args.on_exists or settings.on_exists,
        batch_name=args.batch_name,
        source="cli",
        upload_size=settings.upload_size,
    )

    async def work(engine: Engine) -> int:
        try:
            batch_id = await engine.add(args.paths, options, workflow=workflow)
        except (NamingError, NoInputsError) as exc:
            raise UsageError(str(exc)) from exc
        if not await _confirm_cost(engine, batch_id, settings, args):
            await engine.cancel_batch(batch_id)
            return EXIT_AUTH
        engine.start(batch_id)
        return await _follow(engine, [batch_id], args.json)

    return await _with_engine(session, settings, work)


async def _resolve_workflow(session: Session, org: str, wanted: str | None) -> Workflow:
    wanted = wanted or session.default_workflow_id
    if not wanted:
        raise UsageError("no workflow given: use --workflow NAME|ID (`retouchdesk workflows`)")
    if _looks_like_an_id(wanted):
        # One request for the workflow asked for, not the organization's whole list.
        from app.api.errors import NotFoundError

        try:
            return await session.client.get_workflow(wanted, org)
        except NotFoundError:
            pass  # a name that looks like an id, or a typo: the list says which
    workflows = await session.client.list_workflows(org)

    def loose(text: str) -> str:  # "cutout" finds "Transparent cut-out"
        return "".join(c for c in text.casefold() if c.isalnum())

    for match in (
        lambda w: w.id == wanted,
        lambda w: w.name.casefold() == wanted.casefold(),
        lambda w: loose(wanted) in loose(w.name),
    ):
        found = [w for w in workflows if match(w)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(repr(w.name) for w in found)
            raise UsageError(f"workflow {wanted!r} is ambiguous: {names}")
    names = ", ".join(repr(w.name) for w in workflows) or "none"
    raise UsageError(f"no workflow {wanted!r} in this organization (there are: {names})")


def _looks_like_an_id(text: str) -> bool:
    """Workflow ids are UUIDs (api-notes: treat as opaque, but they are 36 characters)."""
    return len(text) == 36 and text.count("-") == 4 and all(c.isalnum() or c == "-" for c in text)


async def _confirm_cost(
    engine: Engine, batch_id: str, settings: Settings, args: argparse.Namespace
) -> bool:
    estimate = await engine.estimate(batch_id)
    return await confirm_cost(
        estimate, settings, args, heading="Cost", subject="This batch", verb="processed"
    )


# -- resume / retry ---------------------------------------------------------------------------


@command
@_usage_errors
def _resume(args: argparse.Namespace) -> int:
    async def go(session: Session) -> int:
        async def work(engine: Engine) -> int:
            batch_ids = await engine.resume_unfinished()
            if not batch_ids:
                if not args.json:
                    print("Nothing to resume.")
                else:
                    print_json({"batches": []})
                return EXIT_OK
            if not args.json:
                print(f"Resuming {len(batch_ids)} batch(es).", file=sys.stderr)
            return await _follow(engine, batch_ids, args.json)

        return await _with_engine(session, _settings(args), work)

    return with_session(args, go)


@command
@_usage_errors
def _retry(args: argparse.Namespace) -> int:
    if not args.execution_ids and not args.failed:
        say_error("give EXECUTION_ID... or --failed")
        return EXIT_AUTH

    async def go(session: Session) -> int:
        async def work(engine: Engine) -> int:
            if args.failed:
                job_ids = await engine.retry_failed()
                unknown: list[str] = []
            else:
                job_ids, unknown = await engine.retry_executions(args.execution_ids)
            if unknown:
                org = await organization_id(session)
                for execution_id in unknown:  # not made here: retry on the server only
                    await session.client.retry_execution(execution_id, org)
                    print(f"retried on the server (not tracked here): {execution_id}")
            if not job_ids:
                if not unknown:
                    print("Nothing to retry.")
                return EXIT_OK
            batch_ids = sorted({j.batch_id for j in engine.jobs() if j.id in set(job_ids)})
            return await _follow(engine, batch_ids, args.json, only=set(job_ids))

        return await _with_engine(session, _settings(args), work)

    return with_session(args, go)


# -- history ---------------------------------------------------------------------------------


@command
def _history(args: argparse.Namespace) -> int:
    from datetime import datetime

    from app.domain.jobs import JobState
    from app.store.journal import Journal, job_as_dict

    if args.status and args.status.lower() not in {s.value for s in JobState}:
        say_error(f"unknown status {args.status!r}: {', '.join(s.value for s in JobState)}")
        return EXIT_AUTH
    journal = Journal()
    try:
        rows = journal.history(
            status=args.status, batch=args.batch, file=args.file, limit=max(1, args.limit)
        )
    finally:
        journal.close()
    if args.json:
        print_json([{**job_as_dict(job), "batch_name": name} for job, name in rows])
        return EXIT_OK
    if not rows:
        print("No matching jobs in the journal.")
        return EXIT_OK
    print_table(
        ("WHEN", "BATCH", "FILE", "STATE", "REVIEW", "V", "CREDITS", "EXECUTION", "RESULT"),
        (
            (
                datetime.fromtimestamp(job.created_at).strftime("%Y-%m-%d %H:%M"),
                name,
                job.name,
                job.state.value,
                job.review.value or "-",
                job.version,
                job.credits,
                job.execution_id or "-",
                job.output_path or job.error,
            )
            for job, name in rows
        ),
    )
    return EXIT_OK


# -- watch -----------------------------------------------------------------------------------


@command
@_usage_errors
def _watch(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser().resolve()
    if not folder.is_dir():
        say_error(f"not a folder: {folder}")
        return EXIT_AUTH
    if args.settle is not None and not 0 <= args.settle <= 3600:
        raise UsageError("--settle must be between 0 and 3600 seconds")
    if not 1 <= args.stale_after <= 86400:
        raise UsageError("--stale-after must be between 1 and 86400 seconds")

    async def go(session: Session) -> int:
        from app.engine.engine import RunOptions

        org = await organization_id(session)
        settings = _settings(args)
        if args.workflow_folders:
            if args.in_place or args.workflow:
                raise UsageError(
                    "--workflow-folders picks the workflow by folder and needs the shared"
                    " claims: drop --workflow and --in-place"
                )
            workflow_id = ""  # each file's folder names it
        else:
            wanted = args.workflow or settings.last_workflow_id
            workflow_id = (await _resolve_workflow(session, org, wanted)).id
        out = Path(args.out).expanduser().resolve() if args.out else None
        options = RunOptions(
            org_id=org,
            workflow_id=workflow_id,
            workflow_version=args.workflow_version or None,
            out_dir=out or folder.parent / f"{folder.name} retouched",
            layout=args.layout or "mirror",
            name_template=args.name or settings.name_template,
            on_exists=args.on_exists or settings.on_exists,
            source="hotfolder",
            upload_size=settings.upload_size,
        )

        async def work(engine: Engine) -> int:
            from app.engine.hotfolder_shared import SharedFolder

            shared = None
            if not args.in_place:
                shared = SharedFolder(session.client, args.stale_after, args.workflow_folders)
            return await _watch_until_stopped(engine, folder, options, shared, args)

        return await _with_engine(session, settings, work)

    return with_session(args, go)


async def _watch_until_stopped(
    engine: Engine,
    folder: Path,
    options: RunOptions,
    shared: SharedFolder | None,
    args: argparse.Namespace,
) -> int:
    """Run the hot folder until Ctrl-C (exit 130) or until it fails (exit 1, with the reason)."""
    from app.engine.events import JobChanged
    from app.engine.hotfolder import DEFAULT_SETTLE
    from app.engine.hotfolder_service import HotFolderService, HotFolderStatus
    from app.engine.report import job_line

    def show(event: object) -> None:
        if (
            isinstance(event, JobChanged)
            and event.job.state is not event.previous_state
            and event.job.state.is_final
        ):
            print(job_line(event.job), flush=True)

    def on_status(status: HotFolderStatus) -> None:
        if status.state == "failed":
            say_error(status.message)

    engine.subscribe(show)
    service = HotFolderService(
        engine,
        on_status=on_status,
        settle=DEFAULT_SETTLE if args.settle is None else args.settle,
        polling=args.poll,
        shared=shared,
    )
    service.start(folder, options)
    print(f"Watching {folder} -> {options.out_dir} (Ctrl-C to stop)", flush=True)
    try:
        final = await service.wait()
    finally:
        await service.stop()
    return EXIT_OK if final.state == "off" else EXIT_FAILED


# -- shared ----------------------------------------------------------------------------------


def _settings(args: argparse.Namespace) -> Settings:
    from app.store.settings import Settings

    settings = Settings.load()
    concurrency = getattr(args, "concurrency", None)
    if concurrency is not None:
        if not 1 <= concurrency <= 32:
            raise UsageError("--concurrency must be between 1 and 32")
        settings.upload_concurrency = concurrency
        settings.download_concurrency = concurrency
    # The flags win over the settings file, for this run only.
    settings.upload_size = getattr(args, "upload_size", None) or settings.upload_size
    settings.create_path = getattr(args, "create_path", None) or settings.create_path
    return settings


def _settings_out(settings: Settings) -> Path | None:
    return Path(settings.output_folder).expanduser() if settings.output_folder else None


async def _with_engine(
    session: Session, settings: Settings, work: Callable[[Engine], Awaitable[int]]
) -> int:
    from app.engine.engine import Engine
    from app.engine.events import EngineNotice
    from app.store.journal import Journal

    journal: Journal = await asyncio.to_thread(Journal)
    engine = Engine(session.client, journal, settings)

    def show_notice(event: object) -> None:
        if isinstance(event, EngineNotice):
            print(f"{event.level}: {event.message}", file=sys.stderr, flush=True)

    engine.subscribe(show_notice)
    try:
        return await work(engine)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if any(not j.state.is_final for j in engine.jobs()):
            say_error("stopped; unfinished images are kept: run `retouchdesk resume` to finish")
        raise
    finally:
        await engine.aclose()
        await asyncio.to_thread(journal.close)


async def _follow(
    engine: Engine, batch_ids: list[str], as_json: bool, only: set[str] | None = None
) -> int:
    """Show progress until the batches finish; print the summary; return the exit code."""
    from app.domain.jobs import JobState
    from app.engine.events import JobChanged
    from app.engine.report import job_line, progress_line, summary_line

    started = time.monotonic()
    tty = sys.stderr.isatty() and not as_json

    def on_event(event: object) -> None:
        if tty or as_json or not isinstance(event, JobChanged):
            return
        job = event.job
        moved = job.state is not event.previous_state and job.state.is_final
        if moved and job.batch_id in batch_ids and (only is None or job.id in only):
            print(job_line(job), file=sys.stderr, flush=True)

    engine.subscribe(on_event)
    waiting = asyncio.ensure_future(asyncio.gather(*(engine.wait(b) for b in batch_ids)))
    try:
        while not waiting.done():
            if tty:
                line = progress_line(_counts(engine, batch_ids), time.monotonic() - started)
                print("\r\x1b[2K" + line, end="", file=sys.stderr, flush=True)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(waiting), TICK)
        await waiting
    finally:
        engine.unsubscribe(on_event)
        if tty:
            print(file=sys.stderr)
    elapsed = time.monotonic() - started
    jobs = [j for j in engine.jobs() if j.batch_id in batch_ids and (only is None or j.id in only)]
    if as_json:
        from app.store.journal import job_as_dict

        print_json(
            {
                "batches": [
                    {
                        "id": b,
                        "name": engine.batch(b).name,
                        "workflow": engine.batch(b).workflow_name,
                    }
                    for b in batch_ids
                ],
                "jobs": [job_as_dict(j) for j in jobs],
                "seconds": round(elapsed, 3),
            }
        )
    else:
        for batch_id in batch_ids:
            print(summary_line(engine.batch(batch_id).name, engine.counts(batch_id), elapsed))
        problems = [j for j in jobs if j.state not in (JobState.DONE, JobState.SKIPPED)]
        for job in problems[:50]:
            print("  " + job_line(job))
        if len(problems) > 50:
            print(f"  ... and {len(problems) - 50} more (retouchdesk history --status failed)")
        destinations = {str(engine.batch(b).options.get("out_dir") or "") for b in batch_ids}
        if any(j.output_path for j in jobs) and all(destinations):
            print(f"Results in {', '.join(sorted(destinations))}")
    ok = all(j.state in (JobState.DONE, JobState.SKIPPED) for j in jobs)
    return EXIT_OK if ok else EXIT_FAILED


def _counts(engine: Engine, batch_ids: list[str]) -> Any:
    from app.engine.engine import BatchCounts

    merged: dict[Any, int] = {}
    total = credits = 0
    for batch_id in batch_ids:
        counts = engine.counts(batch_id)
        total += counts.total
        credits += counts.credits
        for state, n in counts.by_state.items():
            merged[state] = merged.get(state, 0) + n
    return BatchCounts(total, merged, credits)
