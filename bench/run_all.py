"""`make bench`: run every benchmark under bench/ and write bench/RESULTS.md.

Each benchmark is a module with a `main()` that prints its figures; it runs here as its own
child process (`python -m bench.NAME`), one after the other so that they never compete for the
machine, and its output goes into RESULTS.md verbatim with the machine, the date and the commit.
A benchmark that is not there yet (another engineer's) is listed as missing; one that fails is
reported with its exit code and the end of its error output, and the others still run.

    .venv/bin/python -m bench.run_all [--only NAME ...] [--quick] [--results PATH]

`--quick` passes each benchmark its small-run options (a smoke test of the harness, not figures
to quote).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import PYTHON, REPO, machine, reference_work_ms

# In the order they run; the figures each one owes the issue.
BENCHMARKS: list[tuple[str, str, list[str]]] = [
    ("startup", "start-up: launch to window shown, median of 5 (goal <= 1 s)", ["--runs", "3"]),
    (
        "throughput",
        "throughput: 400 x 2 MP through `retouchdesk process`, sandbox --workers 8 --latency 0.25,"
        " median of 3 runs; efficiency (goal >= 0.90), CPU per image (goal <= 15 ms), peak RSS;"
        " the naive sequential client's rate as a ratio",
        ["--images", "40", "--naive-images", "2", "--runs", "1"],
    ),
    ("sandbox_throughput", "the sandbox alone: images per second end to end", ["--runs", "1"]),
    (
        "gui_responsiveness",
        "GUI: event-loop lag with 1,000 jobs streaming (goals p99 <= 16 ms, max <= 50 ms); "
        "memory with 10,000 rows (goal <= 400 MB); medians of 3 runs, each in its own process",
        ["--images", "200", "--rows", "2000", "--runs", "1", "--skip-launch"],
    ),
    ("viewer_open_latency", "viewer: open latency and pan frame times", ["--runs", "2"]),
    (
        "whole_process",
        "whole processes, sign-in included: one image against the vendor SDK (goal <= 0.5x its"
        " time), and 96 images server-bound, 8 workers x 0.25 s (goal: efficiency >= 0.9)",
        ["--runs", "1"],
    ),
    (
        "create_paths",
        "the vendor's recommended path (upload, then create by hash) against one multipart"
        " create per image, link-bound and server-bound, alternating",
        ["--runs", "1"],
    ),
    (
        "real_world",
        "a studio's uplink: 24 x 24 MP JPEGs and 3 16-bit TIFFs over 40 Mbit/s, 4 +- 2 s"
        " processing, 8 workers; upload-size full, auto and a naive sequential client (goals:"
        " auto <= 0.6x the input bytes and <= 0.55x the naive time; full within 10% of the limit)",
        ["--skip-naive"],
    ),
    (
        "review_delivery",
        "after a batch: 500 review marks, and 500 x 2 MP results delivered, then again",
        ["--images", "40", "--runs", "1"],
    ),
    (
        "review",
        "review grid: 2,000 results scrolled end to end while thumbnails stream in, marking as"
        " it goes; event-loop lag (goals p99 <= 16 ms, max <= 50 ms), peak RSS (goal <= 400 MB)",
        ["--images", "300", "--sources", "50"],
    ),
]
TAIL = 4000  # characters of a failing benchmark's stderr kept in RESULTS.md


def run_one(name: str, quick_args: list[str], quick: bool) -> tuple[int, float, str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    command = [PYTHON, "-m", f"bench.{name}", *(quick_args if quick else [])]
    print(f"== {name}: {' '.join(command[1:])}", flush=True)
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    seconds = time.perf_counter() - started
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        sys.stdout.write(result.stderr[-TAIL:])
    print(f"== {name}: exit {result.returncode} after {seconds:.0f} s", flush=True)
    return result.returncode, seconds, result.stdout, result.stderr


def previous_sections(path: Path) -> dict[str, str]:
    """The `## name` sections of an existing RESULTS.md, by name."""
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for chunk in path.read_text(encoding="utf-8").split("\n## ")[1:]:
        name = chunk.split("\n", 1)[0].strip()
        found[name] = "## " + chunk.rstrip() + "\n"
    return found


def git_commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    )
    # The results file itself does not count: it changes with every run.
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/RESULTS.md"],
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return result.stdout.strip() + (" (the working tree had uncommitted changes)" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, metavar="NAME")
    parser.add_argument("--quick", action="store_true", help="small runs: check the harness")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)

    started = datetime.now(UTC)
    commit = git_commit()
    # With --only, the other benchmarks' sections of the existing file are kept as they were
    # (each carries its own date and commit), so one figure can be re-measured alone.
    sections = previous_sections(args.results) if args.only is not None else {}
    failures = 0
    for name, what, quick_args in BENCHMARKS:
        if args.only is not None and name not in args.only:
            continue
        if not (REPO / "bench" / f"{name}.py").exists():
            sections[name] = (f"## {name}\n\n{what}\n\nNot measured: `bench/{name}.py` does "
                              "not exist yet.\n")  # fmt: skip
            print(f"== {name}: missing, skipped")
            continue
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        speed = reference_work_ms()
        when = datetime.now(UTC)
        code, seconds, out, err = run_one(name, quick_args, args.quick)
        command = f"python -m bench.{name}" + (" " + " ".join(quick_args) if args.quick else "")
        body = f"## {name}\n\n{what}\n\n`{command}`: exit {code}, {seconds:.0f} s; measured "
        body += f"{when:%Y-%m-%d %H:%M} UTC at commit {commit}, load average {load}, "
        body += f"reference work {speed:.0f} ms (machine speed: lower is faster)\n\n"
        body += "```\n" + out.rstrip() + "\n```\n"
        if code != 0:
            failures += 1
            body += "\nFailed; end of its error output:\n\n```\n" + err[-TAIL:].rstrip() + "\n```\n"
        sections[name] = body

    facts = machine()
    header = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run_all`); every figure below is printed by the",
        "benchmark named in its section, run as its own process, one after another.",
        "Ratios are measured side by side within one run. The machine is shared with other work,",
        "so figures move with its load and speed (given per section: the load average, and the",
        "time of a fixed single-threaded Pillow job, `bench.common.reference_work_ms`).",
        "" if not args.quick else "\n**Quick run (`--quick`): small sizes, not figures to quote.**",
        "",
        f"- Written: {started:%Y-%m-%d %H:%M} UTC",
        *(f"- {key}: {value}" for key, value in facts.items()),
        "",
    ]
    order = [name for name, _, _ in BENCHMARKS] + sorted(
        set(sections) - {n for n, _, _ in BENCHMARKS}
    )
    body_text = "\n".join(sections[name] for name in order if name in sections)
    args.results.write_text("\n".join(header) + "\n" + body_text, encoding="utf-8")
    print(f"wrote {args.results}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
