"""The vendor's recommended path against the one-request path, measured on the same sandbox.

The vendor's docs call upload-then-create-by-hash "the recommended approach for better
performance" and a create that carries its file "simpler but slower for high-volume
processing". The sandbox models both costs (README: What the sandbox models). This runs each
of `--create-path separate` and `combined`, alternating, in two settings:

- link-bound: the real-world shoot (bench.real_world: 24 MP JPEGs and 16-bit TIFFs) with
  `--upload-size full` over `--uplink-mbit 40 --processing-seconds 4:2 --workers 8`;
- server-bound: 96 small product shots (bench.whole_process's batch) on an unlimited line with
  `--workers 8 --latency 0.25`, ideal 3.0 s.

Whole processes, a fresh server each run; medians of `--runs` (3).

    .venv/bin/python -m bench.create_paths [--runs 3] [--only link|server]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench import real_world, whole_process
from bench.common import OUT, product_shot, sandbox_process

PATHS = ("separate", "combined")


def link_bound(work: Path, run: int, path: str) -> float:
    shoot = real_world.make_shoot(OUT / "real-world-shoot")
    data = work / f"link-{path}-{run}"
    with sandbox_process(data, *real_world.sandbox_args(40.0)) as sandbox:
        token = whole_process.refresh_token(sandbox.url)
        org, workflow = whole_process.sandbox_facts(sandbox.url, token)
        return real_world.run_ours(sandbox.url, token, org, workflow, shoot[0].parent,
                                   work / f"out-{data.name}", work / f"home-{data.name}",
                                   "full", "--create-path", path)  # fmt: skip


def server_bound(work: Path, run: int, path: str, shots: Path) -> float:
    data = work / f"server-{path}-{run}"
    args = ("--auto-approve", "--workers", "8", "--latency", "0.25", "--credits", "10000000")
    with sandbox_process(data, *args) as sandbox:
        token = whole_process.refresh_token(sandbox.url)
        org, workflow = whole_process.sandbox_facts(sandbox.url, token)
        return real_world.run_ours(sandbox.url, token, org, workflow, shots,
                                   work / f"out-{data.name}", work / f"home-{data.name}",
                                   "full", "--create-path", path)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("link", "server"), default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="create-paths-", dir=OUT))
    shots = work / "shots"
    shots.mkdir()
    for i in range(whole_process.BATCH_IMAGES):
        (shots / f"shot_{i:03d}.jpg").write_bytes(product_shot(5000 + i))
    settings = [("link", "link-bound: real-world shoot, full size, 40 Mbit/s up")]
    settings.append(("server", "server-bound: 96 x 2 MP, --workers 8 --latency 0.25 (ideal 3.0 s)"))
    for key, title in settings:
        if args.only not in (None, key):
            continue
        times: dict[str, list[float]] = {path: [] for path in PATHS}
        for run in range(args.runs):
            for path in PATHS if run % 2 == 0 else reversed(PATHS):
                if key == "link":
                    times[path].append(link_bound(work, run, path))
                else:
                    times[path].append(server_bound(work, run, path, shots))
        print(title)
        for path in PATHS:
            runs = ", ".join(f"{t:.2f}" for t in times[path])
            print(f"  {path:<8} median {statistics.median(times[path]):6.2f} s ({runs})")
        ratio = statistics.median(times["separate"]) / statistics.median(times["combined"])
        print(f"  separate / combined: {ratio:.3f}")


if __name__ == "__main__":
    main()
