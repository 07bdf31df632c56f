"""Throughput: one `retouchdesk process` run over a batch of 2 MP JPEGs against the sandbox.

The sandbox runs in its own process with `--workers 8 --latency 0.25`: eight processing slots,
each execution holding one for at least 0.25 s. A perfect client keeps all eight busy, so the
ideal makespan is images x latency / workers; efficiency = ideal / actual (goal >= 0.90).
The client is `retouchdesk process` as a user runs it (a child process, signed in beforehand
with `retouchdesk login` through the device flow, file keyring in a temporary home); its CPU
time and peak RSS come from the kernel's rusage of that child (goal: CPU <= 15 ms per image).

The batch runs `--runs` times (default 3), each time against a fresh sandbox so that nothing is
deduplicated, and the figures are the medians. After the last run, against the same sandbox, a
naive client written here does what the vendor's SDK does one image at a time: upload, create,
poll GET execution every 2 s, download. Its rate on a subset is compared with ours as a ratio.
Besides the issue's figures it prints what tells client limits from machine limits: the
server's own time per image and slot occupancy (from the executions' timestamps), and the CPU
floor (client + sandbox CPU seconds / cores) with the best efficiency this machine allows.

    .venv/bin/python -m bench.throughput [--images 400] [--naive-images 12]
        [--workflow "Background to white"] [--concurrency N] [--runs 3] [--keep]

Images are generated once into bench/out/images-1732x1155/ (git-ignored) and hard-linked into
each run's folder; everything else lives in a temporary folder under bench/out/ that is removed
at the end (unless --keep).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import psutil

from bench.common import (
    CLI,
    OUT,
    ChildUsage,
    cli_env,
    image_cache,
    link_images,
    reference_work_ms,
    run_measured,
    sandbox_process,
    self_usage,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FINAL = {"COMPLETED", "FAILED", "PAYMENT_REQUIRED"}
GOAL_EFFICIENCY = 0.90
GOAL_CPU_MS = 15.0


@dataclass
class NaiveResult:
    images: int
    wall: float
    cpu: float
    completed: int


def access_token(base_url: str) -> str:
    """A token for the bench's own calls (the naive client, counting executions)."""
    with httpx.Client(base_url=base_url, timeout=30) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": "bench"}).json()
        tokens = auth.post(
            "/oauth/token",
            data={"grant_type": DEVICE_GRANT, "device_code": code["device_code"],
                  "client_id": "bench"},
        ).json()  # fmt: skip
        return str(tokens["access_token"])


def naive_client(
    base_url: str, token: str, workflow_id: str, images: list[Path], out: Path
) -> NaiveResult:
    """The vendor SDK's way, one image after another: upload, create, poll every 2 s, download."""
    out.mkdir(parents=True, exist_ok=True)
    cpu_before, _ = self_usage()
    started = time.perf_counter()
    completed = 0
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for path in images:
            data = path.read_bytes()
            upload = client.post("/v1/upload", files={"file": (path.name, data, "image/jpeg")})
            upload.raise_for_status()
            created = client.post(
                "/v1/workflow/execution/create",
                params={"workflow": workflow_id},
                json={"image": {"name": path.name, "contentHash": upload.text.strip(),
                                "contentType": "image/jpeg"}},
            )  # fmt: skip
            created.raise_for_status()
            execution_id = created.text.strip()
            while True:
                time.sleep(2.0)  # the SDK's fixed polling interval: what is being measured
                execution = client.get(f"/v1/workflow/execution/{execution_id}").json()
                if execution["status"] in FINAL:
                    break
            if execution["status"] == "COMPLETED":
                result = client.get(f"/v1/workflow/execution/{execution_id}/result/default")
                result.raise_for_status()
                (out / path.name).write_bytes(result.content)
                completed += 1
    wall = time.perf_counter() - started
    cpu_after, _ = self_usage()
    return NaiveResult(len(images), wall, cpu_after - cpu_before, completed)


def workflow_by_name(base_url: str, token: str, name: str) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    entries = httpx.get(f"{base_url}/v1/workflow", headers=headers, timeout=30).json()["entries"]
    for workflow in entries:
        if workflow["name"] == name:
            return str(workflow["id"])
    raise SystemExit(f"the sandbox has no workflow {name!r}")


@dataclass
class ServerView:
    """What the sandbox's own records say about how busy the client kept it."""

    executions: int
    window: float  # first created to last finished
    median_active: float  # startedAt -> finishedAt: the server's time per image
    median_queued: float  # createdAt -> startedAt: waiting for a free slot
    occupancy: float  # busy slot-seconds / (window x workers)


def parse_iso(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def server_view(base_url: str, token: str, workers: int) -> ServerView:
    headers = {"Authorization": f"Bearer {token}"}
    rows: list[dict[str, str]] = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as client:
        while True:
            page = client.get(
                "/v2/workflow/execution/", params={"limit": 50, "offset": len(rows)}
            ).json()
            rows.extend(page["entries"])
            if not page["entries"] or len(rows) >= page["total"]:
                break
    done = [r for r in rows if r.get("startedAt") and r.get("finishedAt")]
    created = [parse_iso(r["createdAt"]) for r in done]
    started = [parse_iso(r["startedAt"]) for r in done]
    finished = [parse_iso(r["finishedAt"]) for r in done]
    active = [f - s for s, f in zip(started, finished, strict=True)]
    window = max(finished) - min(created)
    return ServerView(
        executions=len(rows),
        window=window,
        median_active=statistics.median(active),
        median_queued=statistics.median(s - c for c, s in zip(created, started, strict=True)),
        occupancy=sum(active) / (window * workers),
    )


def engine_span(jobs: list[dict[str, object]]) -> float:
    """From the first job leaving the queue to the last one finishing (journal timestamps)."""
    starts = [float(j["started_at"]) for j in jobs if j.get("started_at")]  # type: ignore[arg-type]
    ends = [float(j["finished_at"]) for j in jobs if j.get("finished_at")]  # type: ignore[arg-type]
    return max(ends) - min(starts) if starts and ends else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=400)
    parser.add_argument("--naive-images", type=int, default=12)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.25)
    parser.add_argument("--workflow", default="Background to white")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="pass `--concurrency N` (parallel uploads) to retouchdesk process; default: its own",
    )
    parser.add_argument("--runs", type=int, default=3, help="batches, each on a fresh sandbox")
    parser.add_argument("--keep", action="store_true", help="keep the run folder")
    args = parser.parse_args(argv)
    n, m = args.images, args.naive_images

    cache = image_cache(n + m)
    OUT.mkdir(parents=True, exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="throughput-", dir=OUT))
    try:
        inputs = link_images(cache, n, run_dir / "in")
        naive_inputs = [cache / f"shot_{i:04d}.jpg" for i in range(n, n + m)]
        megabytes = sum(p.stat().st_size for p in inputs) / 1e6
        print(f"{n} JPEGs of 1732 x 1155 px ({megabytes:.0f} MB); sandbox --workers "
              f"{args.workers} --latency {args.latency}; workflow {args.workflow!r}; client "
              f"uploads {args.concurrency or 'default'}; {args.runs} run(s)")  # fmt: skip
        figures = []
        naive: NaiveResult | None = None
        for run in range(1, args.runs + 1):
            last = run == args.runs
            print(f"-- run {run} of {args.runs} (a fresh sandbox: nothing deduplicated; machine:"
                  f" reference work {reference_work_ms():.0f} ms)")  # fmt: skip
            ours, view, sandbox_cpu, naive_now = one_run(
                args, run_dir / f"run-{run}", naive_inputs if last else None
            )
            naive = naive_now or naive
            figures.append(report(args, ours, view, sandbox_cpu, run_dir / f"run-{run}" / "out"))
            shutil.rmtree(run_dir / f"run-{run}" / "out", ignore_errors=True)
        assert naive is not None
        summarise(args, figures, naive)
    finally:
        if args.keep:
            print(f"run folder kept: {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
    return 0


def one_run(
    args: argparse.Namespace, folder: Path, naive_inputs: list[Path] | None
) -> tuple[ChildUsage, ServerView, float, NaiveResult | None]:
    """One `retouchdesk process` over the batch against a new sandbox (and the naive client
    after it, on the same sandbox, when asked)."""
    env = cli_env(folder / "home")
    with sandbox_process(
        folder / "sandbox",
        "--workers", str(args.workers), "--latency", str(args.latency),
        "--auto-approve", "--device-interval", "0", "--credits", "100000000",
    ) as sandbox:  # fmt: skip
        server = ["--server", sandbox.url]
        login = run_measured([*CLI, *server, "login", "--no-browser"], env, timeout=120)
        if login.returncode != 0:
            raise SystemExit(f"login failed: {login.stderr}")
        token = access_token(sandbox.url)
        workflow_id = workflow_by_name(sandbox.url, token, args.workflow)
        sandbox_cpu_before = sum(psutil.Process(sandbox.process.pid).cpu_times()[:4])
        ours = run_measured(
            [*CLI, *server, "process", str(folder.parent / "in"), "-w", workflow_id,
             "--out", str(folder / "out"), "--yes", "--json",
             *(["--concurrency", str(args.concurrency)] if args.concurrency else [])],
            env,
        )  # fmt: skip
        sandbox_cpu = sum(psutil.Process(sandbox.process.pid).cpu_times()[:4])
        sandbox_cpu -= sandbox_cpu_before
        view = server_view(sandbox.url, token, args.workers)
        naive = None
        if naive_inputs:
            naive = naive_client(sandbox.url, token, workflow_id, naive_inputs, folder / "naive")
    return ours, view, sandbox_cpu, naive


def summarise(
    args: argparse.Namespace, figures: list[dict[str, float]], naive: NaiveResult
) -> None:
    n = args.images
    naive_rate = naive.images / naive.wall

    def med(key: str) -> float:
        return statistics.median(f[key] for f in figures)

    print(
        f"naive sequential client (upload, create, poll every 2 s, download), "
        f"{naive.images} images, on the last run's sandbox:"
    )
    print(f"  makespan {naive.wall:.2f} s ({naive.completed} completed) = {naive_rate:.3f} "
          f"images/s; CPU {naive.cpu / naive.images * 1000:.1f} ms per image; projected for "
          f"{n} images: {n / naive_rate:.0f} s")  # fmt: skip
    efficiency, cpu_ms = med("efficiency"), med("cpu_ms")
    print(f"== median of {len(figures)} run(s), {n} images:")
    print(f"  makespan {med('makespan'):.2f} s, {med('rate'):.2f} images/s, ideal "
          f"{n * args.latency / args.workers:.2f} s")  # fmt: skip
    print(f"  efficiency {efficiency:.3f} (goal >= {GOAL_EFFICIENCY}: "
          f"{'met' if efficiency >= GOAL_EFFICIENCY else 'NOT met'}; best possible on this "
          f"machine {med('best'):.3f})")  # fmt: skip
    print(f"  client CPU per image {cpu_ms:.1f} ms (goal <= {GOAL_CPU_MS:.0f} ms: "
          f"{'met' if cpu_ms <= GOAL_CPU_MS else 'NOT met'}); client peak RSS "
          f"{med('rss'):.0f} MB")  # fmt: skip
    print(f"  ratio: retouchdesk processes {med('rate') / naive_rate:.1f} x as many images per "
          f"second as the naive sequential client")  # fmt: skip


def report(
    args: argparse.Namespace,
    ours: ChildUsage,
    view: ServerView,
    sandbox_cpu: float,
    out: Path,
) -> dict[str, float]:
    n = args.images
    try:
        summary = json.loads(ours.stdout)
    except ValueError:
        print(ours.stdout[-2000:], ours.stderr[-2000:], sep="\n", file=sys.stderr)
        raise SystemExit(
            f"`retouchdesk process` printed no JSON summary (exit {ours.returncode})"
        ) from None
    jobs = summary.get("jobs", [])
    done = sum(1 for j in jobs if j.get("state") == "done")
    files = sum(1 for p in out.rglob("*") if p.is_file())
    ideal = n * args.latency / args.workers
    efficiency = ideal / ours.wall
    cpu_ms = ours.cpu / n * 1000
    span = engine_span(jobs)
    our_rate = n / ours.wall
    cores = len(os.sched_getaffinity(0))

    def line(label: str, value: str) -> None:
        print(f"  {label + ':':<29}{value}")

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    print(
        f"retouchdesk process: exit {ours.returncode}, {done}/{n} done, {files} files written, "
        f"{view.executions} executions on the server"
    )
    line("makespan (launch to exit)", f"{ours.wall:.2f} s")
    line("engine span (journal)", f"{span:.2f} s")
    line("images per second", f"{our_rate:.2f}")
    line("ideal makespan", f"{ideal:.2f} s  ({n} x {args.latency} s / {args.workers})")
    line(
        "efficiency (ideal / actual)",
        f"{efficiency:.3f}  (goal >= {GOAL_EFFICIENCY}: {verdict(efficiency >= GOAL_EFFICIENCY)})",
    )
    line("efficiency on engine span", f"{ideal / span:.3f}")
    line(
        "client CPU per image",
        f"{cpu_ms:.1f} ms  (goal <= {GOAL_CPU_MS:.0f} ms: {verdict(cpu_ms <= GOAL_CPU_MS)}; "
        f"{ours.cpu:.2f} s in all, start-up included)",
    )
    line("client peak RSS", f"{ours.peak_rss_mb:.0f} MB")
    line(
        "sandbox CPU per image",
        f"{sandbox_cpu / n * 1000:.0f} ms  (the server's own work, on the same {cores} cores)",
    )
    achievable = n * view.median_active / args.workers
    line(
        "server time per image",
        f"{view.median_active * 1000:.0f} ms median (at least the latency,"
        f" {args.latency * 1000:.0f} ms, rendering included;"
        f" queued {view.median_queued * 1000:.0f} ms median)",
    )
    line("server slot occupancy", f"{view.occupancy:.3f}  (busy slot-time / window x workers)")
    # Client and sandbox share this machine's cores: their CPU seconds cannot take less wall
    # time than CPU / cores, whatever the client does. Beyond that bound the goal is unreachable.
    floor = (ours.cpu + sandbox_cpu) / cores
    line(
        "CPU floor on this machine",
        f"{floor:.2f} s  ((client {ours.cpu:.1f} + sandbox {sandbox_cpu:.1f} CPU s) / {cores} "
        f"cores): best possible efficiency here {ideal / max(ideal, floor):.3f}",
    )
    line(
        "vs. what this server allows",
        f"{achievable / ours.wall:.3f}  (n x median server time / workers = {achievable:.2f} s)",
    )
    if done != n or files != n or view.executions != n or ours.returncode != 0:
        print("WARNING: the run was not clean (see the counts above)", file=sys.stderr)
        print(ours.stderr[-3000:], file=sys.stderr)
    return {
        "makespan": ours.wall,
        "rate": our_rate,
        "efficiency": efficiency,
        "best": ideal / max(ideal, floor),
        "cpu_ms": cpu_ms,
        "rss": ours.peak_rss_mb,
    }


if __name__ == "__main__":
    sys.exit(main())
