"""Subcommands for what follows a batch: review, rerun, deliver.

They drive the Engine the window uses, on a batch the journal knows, named by its id or its
exact name (an ambiguous name is refused with the candidates' ids). Images are named as a
person would: the input's path below the batch's root, or its file name when only one input
has it. Each NAME that finds nothing gets its own error line; the others are still applied.

Exit codes: 0 done; 1 a NAME was not found, an image failed or could not be delivered, or
server trouble; 2 usage or sign-in problems (unknown or ambiguous batch, bad template, a cost
not confirmed); 130 interrupted (a re-run is kept in the journal: `retouchdesk resume`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli.common import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_OK,
    command,
    confirm_cost,
    new_session,
    print_json,
    print_table,
    run,
    say_error,
    with_session,
)

# The workflow lookup, the engine's set-up and the usage-error convention are process's own:
# one copy of each for every subcommand that runs jobs.
from app.cli.process_cmd import (
    UsageError,
    _resolve_workflow,
    _settings,
    _usage_errors,
    _with_engine,
)

if TYPE_CHECKING:
    from app.api.session import Session
    from app.domain.jobs import Job
    from app.engine.counts import CostEstimate
    from app.engine.delivery import DeliveryReport
    from app.engine.engine import Engine
    from app.store.journal import BatchRecord, Journal
    from app.store.settings import Settings

OnBatch = Callable[["Engine", "BatchRecord", "list[Job]"], Awaitable[int]]


def register(subparsers: Any) -> None:
    review = subparsers.add_parser(
        "review", help="mark results accepted or rejected; without marks, list them"
    )
    review.add_argument("batch", metavar="BATCH", help="batch name or id")
    for flag, what in (("accept", "accepted"), ("reject", "rejected"), ("clear", "unreviewed")):
        review.add_argument(
            f"--{flag}",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME",
            help=f"mark as {what}: input file names, or paths below the batch's folder",
        )
    review.add_argument("--json", action="store_true", help="machine-readable output")
    review.set_defaults(func=_review)

    rerun = subparsers.add_parser(
        "rerun", help="process the rejected results again, with another workflow or version"
    )
    rerun.add_argument("batch", metavar="BATCH", help="batch name or id")
    rerun.add_argument(
        "--rejected", action="store_true", required=True, help="the images marked rejected"
    )
    rerun.add_argument("--workflow", "-w", required=True, help="workflow name or id")
    rerun.add_argument("--version", dest="workflow_version", default=None, help="pin a version")
    rerun.add_argument(
        "--yes", "-y", action="store_true", help="do not ask to confirm the cost, whatever it is"
    )
    rerun.add_argument("--json", action="store_true", help="machine-readable summary")
    rerun.set_defaults(func=_rerun)

    deliver = subparsers.add_parser(
        "deliver", help="copy the current results to a delivery folder, with a manifest.csv"
    )
    deliver.add_argument("batch", metavar="BATCH", help="batch name or id")
    deliver.add_argument("--to", required=True, metavar="DIR", help="the delivery folder")
    deliver.add_argument(
        "--accepted-only",
        action="store_true",
        help="only the accepted results (default: every result not rejected)",
    )
    deliver.add_argument(
        "--name", default=None, metavar="TEMPLATE", help="name template (default: the batch's)"
    )
    deliver.add_argument("--json", action="store_true", help="machine-readable report")
    deliver.set_defaults(func=_deliver)


# -- the batch -------------------------------------------------------------------------------


def find_batch(journal: Journal, key: str) -> BatchRecord:
    """The batch with this id or exact name; UsageError naming the candidates otherwise."""
    found = journal.find_batches(key)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(f"{b.id} (made {_when(b.created_at)})" for b in found)
        raise UsageError(f"{len(found)} batches are named {key!r}: give its id ({listed})")
    recent = ", ".join(repr(b.name) for b in journal.batches(limit=5))
    hint = f" (recent: {recent})" if recent else " (the journal has none yet)"
    raise UsageError(f"no batch {key!r} in the journal{hint}")


async def _on_batch(
    args: argparse.Namespace, session: Session, settings: Settings, work: OnBatch
) -> int:
    """Find BATCH in the journal, load it into an engine, and run `work` on it."""

    async def with_engine(engine: Engine) -> int:
        record = find_batch(engine.journal, args.batch)
        try:
            jobs = await engine.open_batch(record.id)
        except LookupError as exc:
            raise UsageError(str(exc)) from exc
        return await work(engine, record, jobs)

    return await _with_engine(session, settings, with_engine)


def _offline(args: argparse.Namespace, go: Callable[[Session], Awaitable[int]]) -> int:
    """Run `go` with a session that is not signed in: marks and copies need no server."""

    async def with_session_closed() -> int:
        session = new_session(args)
        try:
            return await go(session)
        finally:
            await session.aclose()

    return run(with_session_closed())


# -- review ----------------------------------------------------------------------------------


@command
@_usage_errors
def _review(args: argparse.Namespace) -> int:
    from app.domain.jobs import Review

    settings = _settings(args)
    marks = {Review.ACCEPTED: args.accept, Review.REJECTED: args.reject, Review.NONE: args.clear}

    async def work(engine: Engine, record: BatchRecord, jobs: list[Job]) -> int:
        from app.domain.jobs import JobState
        from app.engine.review import match_names

        given = [name for names in marks.values() for name in names]
        twice = sorted({name for name in given if given.count(name) > 1})
        errors = [f"{name!r} is given more than one mark" for name in twice]
        matches = match_names(jobs, [name for name in given if name not in twice])
        errors += matches.problems.values()
        changed = 0
        for review, names in marks.items():
            chosen = [matches.found[n] for n in names if n in matches.found]
            if review is not Review.NONE:  # only a saved result has anything to judge
                for job in (j for j in chosen if j.state is not JobState.DONE):
                    errors.append(f"{_shown(job)} has no result to review ({job.state.value})")
                chosen = [j for j in chosen if j.state is JobState.DONE]
            changed += len(await engine.set_review([j.id for j in chosen], review))
        for error in errors:
            say_error(error)
        now = _jobs_of(engine, record)
        if args.json:
            print_json({"batch": _batch_json(record), "changed": changed, "errors": errors,
                        "jobs": _jobs_json(now)})  # fmt: skip
        elif given:
            print(f"{changed} mark(s) changed in batch {record.name!r}; {_tally(now)}")
        else:
            _print_jobs(record, now)
        return EXIT_FAILED if errors else EXIT_OK

    def go(session: Session) -> Awaitable[int]:
        return _on_batch(args, session, settings, work)

    # Only a rejection may talk to the server: its feedback, when the user opted in.
    if args.reject and settings.review_feedback:
        return with_session(args, go)
    return _offline(args, go)


# -- rerun -----------------------------------------------------------------------------------


@command
@_usage_errors
def _rerun(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def go(session: Session) -> int:
        async def work(engine: Engine, record: BatchRecord, jobs: list[Job]) -> int:
            from app.domain.jobs import Review

            rejected = [j.id for j in jobs if j.review is Review.REJECTED]
            if not rejected:
                return _nothing(args, record, "no image of this batch is marked rejected")
            workflow = await _resolve_workflow(session, record.org_id, args.workflow)
            version = args.workflow_version
            estimate = await engine.estimate_rerun(rejected, workflow.id, version)
            if not estimate.images:
                return _nothing(args, record, "the rejected images are still being processed")
            if not await _confirm(estimate, settings, args, workflow.name):
                return EXIT_AUTH
            going = await engine.rerun(rejected, workflow.id, version)
            return await _follow_rerun(engine, record, going, args)

        return await _on_batch(args, session, settings, work)

    return with_session(args, go)


def _nothing(args: argparse.Namespace, record: BatchRecord, why: str) -> int:
    if args.json:
        print_json({"batch": _batch_json(record), "jobs": [], "rerun": 0})
    else:
        print(f"Nothing to re-run: {why}.")
    return EXIT_OK


async def _confirm(
    estimate: CostEstimate, settings: Settings, args: argparse.Namespace, workflow: str
) -> bool:
    """The cost first, on stderr; asked above the confirmation threshold, as `process` does."""
    return await confirm_cost(
        estimate,
        settings,
        args,
        heading=f"Re-run with {workflow!r}",
        subject="This re-run",
        verb="re-run",
    )


async def _follow_rerun(
    engine: Engine, record: BatchRecord, job_ids: list[str], args: argparse.Namespace
) -> int:
    from app.domain.jobs import JobState
    from app.engine.events import Event, JobChanged
    from app.engine.report import job_line

    going = set(job_ids)

    def show(event: Event) -> None:
        if isinstance(event, JobChanged) and event.job.id in going and not args.json:
            job = event.job
            if job.state is not event.previous_state and job.state.is_final:
                print(job_line(job), file=sys.stderr, flush=True)

    engine.subscribe(show)
    try:
        await engine.wait(record.id)
    finally:
        engine.unsubscribe(show)
    rerun = [j for j in _jobs_of(engine, record) if j.id in going]
    done = [j for j in rerun if j.state is JobState.DONE]
    if args.json:
        print_json({"batch": _batch_json(record), "jobs": _jobs_json(rerun), "rerun": len(rerun)})
    else:
        credits = sum(j.credits for j in rerun)
        print(f"Re-ran {len(rerun)} image(s) of batch {record.name!r}: {len(done)} done,"
              f" {len(rerun) - len(done)} not · {credits} credits")  # fmt: skip
        for job in rerun:
            if job.state is not JobState.DONE:
                print("  " + job_line(job))
    return EXIT_OK if len(done) == len(rerun) else EXIT_FAILED


# -- deliver ---------------------------------------------------------------------------------


@command
@_usage_errors
def _deliver(args: argparse.Namespace) -> int:
    async def work(engine: Engine, record: BatchRecord, jobs: list[Job]) -> int:
        from app.engine.delivery import DeliveryError
        from app.engine.naming import NamingError

        folder = Path(args.to).expanduser()
        try:
            report = await engine.deliver(
                [j.id for j in jobs],
                folder,
                accepted_only=args.accepted_only,
                name_template=args.name,
            )
        except NamingError as exc:
            raise UsageError(str(exc)) from exc
        except DeliveryError as exc:
            say_error(str(exc))
            return EXIT_FAILED
        for refusal in report.refused:
            say_error(f"not delivered: {refusal.original}: {refusal.reason}")
        if args.json:
            print_json({"batch": _batch_json(record), **_report_json(report)})
        else:
            _print_report(report)
        return EXIT_FAILED if report.refused else EXIT_OK

    return _offline(args, lambda session: _on_batch(args, session, _settings(args), work))


def _report_json(report: DeliveryReport) -> dict[str, Any]:
    def files(delivered: list[Any]) -> list[dict[str, Any]]:
        return [
            {"original": f.original, "path": str(f.path), "sha256": f.sha256, "version": f.version}
            for f in delivered
        ]

    return {
        "folder": str(report.folder),
        "manifest": str(report.manifest) if report.manifest else None,
        "copied": files(report.copied),
        "already_delivered": files(report.already_delivered),
        "refused": [{"original": r.original, "reason": r.reason} for r in report.refused],
        "left_out": report.left_out,
    }


def _print_report(report: DeliveryReport) -> None:
    for f in report.copied:
        print(f"copied    {f.original} -> {f.path}")
    for f in report.already_delivered:
        print(f"delivered {f.original} (already: {f.path})")
    print(
        f"{len(report.copied)} copied, {len(report.already_delivered)} already delivered,"
        f" {len(report.refused)} refused, {report.left_out} left out · {report.folder}"
    )
    if report.manifest:
        print(f"Manifest: {report.manifest}")


# -- shared ----------------------------------------------------------------------------------


def _jobs_of(engine: Engine, record: BatchRecord) -> list[Job]:
    return sorted((j for j in engine.jobs() if j.batch_id == record.id), key=lambda j: j.seq)


def _shown(job: Job) -> str:
    return job.relative_path or job.name


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")


def _tally(jobs: list[Job]) -> str:
    from app.domain.jobs import Review

    counts = {review: sum(1 for j in jobs if j.review is review) for review in Review}
    return (
        f"{counts[Review.ACCEPTED]} accepted, {counts[Review.REJECTED]} rejected,"
        f" {counts[Review.NONE]} unreviewed"
    )


def _print_jobs(record: BatchRecord, jobs: list[Job]) -> None:
    from app.domain.formatting import REVIEW_LABELS, state_label

    print_table(
        ("FILE", "STATE", "REVIEW", "VERSION", "WORKFLOW", "RESULT / REASON"),
        (
            (
                _shown(j),
                state_label(j.state),
                REVIEW_LABELS.get(j.review, "-"),
                j.version,
                j.workflow_name or record.workflow_name,
                j.output_path or j.error or "-",
            )
            for j in jobs
        ),
    )
    print(_tally(jobs))


def _batch_json(record: BatchRecord) -> dict[str, str]:
    return {"id": record.id, "name": record.name, "workflow": record.workflow_name}


def _jobs_json(jobs: list[Job]) -> list[dict[str, Any]]:
    from app.store.journal import job_as_dict

    return [job_as_dict(j) for j in jobs]
