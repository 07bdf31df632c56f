"""Whole processes, sign-in included: one image, and a server-bound batch, as a user runs them.

Measures `retouchdesk process` from spawn to exit, signed in the way a script or a render box
is (the vendor's `AUTORETOUCH_REFRESH_TOKEN`), against a sandbox in its own process:

- one 2 MP image with the sandbox at `--latency 0.5`, beside the vendor's own Python SDK
  (`autoretouch` 0.3.0 from PyPI, installed into a venv of its own under bench/out) doing the
  same thing its documented way (`process_image`), also as a whole process;
- 96 images with `--workers 8 --latency 0.25`: the server alone needs 96 / 8 x 0.25 = 3.0 s,
  and the efficiency is that ideal over the whole process's time.

Goals (issue 13): one image in at most 0.5x the vendor SDK's time; the batch at efficiency 0.9
or better. Medians of `--runs` (5), alternating ours and theirs.

    .venv/bin/python -m bench.whole_process [--runs 5] [--no-vendor]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

from bench.common import CLI, OUT, REPO, cli_env, product_shot, sandbox_process

VENDOR_SDK = "autoretouch==0.3.0"
VENDOR_VENV = OUT / "vendor-sdk-venv"
SINGLE_GOAL = 0.5  # ours / vendor SDK
BATCH_GOAL = 0.9  # efficiency
BATCH_IMAGES, BATCH_WORKERS, BATCH_LATENCY = 96, 8, 0.25
WORKFLOW = "Background to white"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

# The vendor SDK's documented single-image call, pointed at the sandbox.
VENDOR_DRIVER = textwrap.dedent(
    """
    import sys
    from autoretouch.api_client.client import AutoRetouchAPIClient
    from autoretouch.api_client.model import ApiConfig
    url, token, org, workflow, image, out = sys.argv[1:]
    config = ApiConfig(BASE_API_URL=url, BASE_API_URL_CURRENT=url + "/v1",
                       CLIENT_ID="V8EkfbxtBi93cAySTVWAecEum4d6pt4J", SCOPE="offline_access",
                       AUDIENCE="https://api.autoretouch.com", AUTH_DOMAIN=url)
    client = AutoRetouchAPIClient(organization_id=org, workflow_id=workflow, api_config=config,
                                  refresh_token=token, save_credentials=False)
    client.process_image(image, out)
    """
)


def refresh_token(base_url: str) -> str:
    """Sign in once through the sandbox's device flow (it approves by itself)."""
    with httpx.Client(base_url=base_url, timeout=30) as auth:
        code = auth.post("/oauth/device/code", data={"client_id": "bench"}).json()
        tokens = auth.post(
            "/oauth/token",
            data={"grant_type": DEVICE_GRANT, "device_code": code["device_code"],
                  "client_id": "bench"},
        ).json()  # fmt: skip
    return str(tokens["refresh_token"])


def sandbox_facts(base_url: str, token: str) -> tuple[str, str]:
    """(organization id, workflow id) of the sandbox's seeded account."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        access = client.post(
            "/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "bench"},
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {access}"}
        org = client.get("/v1/organization", headers=headers).json()["entries"][0]["id"]
        workflows = client.get("/v1/workflow", headers=headers).json()["entries"]
    (workflow,) = [w["id"] for w in workflows if w["name"] == WORKFLOW]
    return str(org), str(workflow)


def vendor_python() -> Path:
    python = VENDOR_VENV / "bin" / "python"
    if not python.exists():
        print(f"installing the vendor SDK ({VENDOR_SDK}) into {VENDOR_VENV.relative_to(REPO)}")
        subprocess.run([sys.executable, "-m", "venv", str(VENDOR_VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", VENDOR_SDK],
            check=True,
        )
    return python


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[:3]}... exited {result.returncode}:\n{result.stderr[-2000:]}")
    return elapsed


def ours(url: str, token: str, org: str, workflow: str, inputs: list[Path], out: Path) -> float:
    home = Path(tempfile.mkdtemp(prefix="home-", dir=out.parent))
    env = cli_env(home)
    env["AUTORETOUCH_REFRESH_TOKEN"] = token
    env["AUTORETOUCH_ORGANIZATION_ID"] = org
    command = [*CLI, "--server", url, "process", *map(str, inputs), "--workflow", workflow,
               "--out", str(out), "--yes"]  # fmt: skip
    return timed(command, env)


def vendor(
    python: Path, url: str, token: str, org: str, workflow: str, image: Path, out: Path
) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTORETOUCH_")}
    env["HOME"] = str(out.parent)  # the SDK reads and writes ~/.config files
    command = [str(python), "-c", VENDOR_DRIVER, url, token, org, workflow, str(image), str(out)]
    return timed(command, env)


def median_line(label: str, values: list[float]) -> str:
    runs = ", ".join(f"{v:.2f}" for v in values)
    return f"{label}: median {statistics.median(values):.2f} s ({runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-vendor", action="store_true", help="skip the vendor SDK")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="whole-process-", dir=OUT if OUT.exists() else None))
    shots = work / "shots"
    shots.mkdir(parents=True)
    images = []
    for i in range(BATCH_IMAGES):
        path = shots / f"shot_{i:03d}.jpg"
        path.write_bytes(product_shot(5000 + i))
        images.append(path)
    python = None if args.no_vendor else vendor_python()

    with sandbox_process(work / "sandbox-1", "--auto-approve", "--latency", "0.5",
                         "--workers", "8", "--credits", "10000000") as sandbox:  # fmt: skip
        token = refresh_token(sandbox.url)
        org, workflow = sandbox_facts(sandbox.url, token)
        mine: list[float] = []
        theirs: list[float] = []
        for run in range(args.runs):
            single = [images[run]]
            mine.append(ours(sandbox.url, token, org, workflow, single, work / f"ours-{run}"))
            if python is not None:
                theirs.append(
                    vendor(
                        python,
                        sandbox.url,
                        token,
                        org,
                        workflow,
                        images[run],
                        work / f"vendor-{run}" / "out",
                    )
                )
    print("one 2 MP image, whole process, sandbox --latency 0.5:")
    print("  " + median_line("retouchdesk process", mine))
    if theirs:
        print("  " + median_line("vendor SDK process_image", theirs))
        ratio = statistics.median(mine) / statistics.median(theirs)
        met = "met" if ratio <= SINGLE_GOAL else "NOT met"
        print(f"  ratio ours / vendor SDK: {ratio:.2f} (goal <= {SINGLE_GOAL}: {met})")

    ideal = BATCH_IMAGES / BATCH_WORKERS * BATCH_LATENCY
    batch: list[float] = []
    for run in range(args.runs):
        # A fresh server each run: nothing deduped, every image really processed.
        with sandbox_process(work / f"sandbox-batch-{run}", "--auto-approve",
                             "--latency", str(BATCH_LATENCY), "--workers", str(BATCH_WORKERS),
                             "--credits", "10000000") as sandbox:  # fmt: skip
            token = refresh_token(sandbox.url)
            org, workflow = sandbox_facts(sandbox.url, token)
            batch.append(ours(sandbox.url, token, org, workflow, [shots], work / f"batch-{run}"))
    best = ideal / statistics.median(batch)
    print(f"{BATCH_IMAGES} images, whole process, sandbox --workers {BATCH_WORKERS}"
          f" --latency {BATCH_LATENCY} (ideal {ideal:.1f} s):")  # fmt: skip
    print("  " + median_line("retouchdesk process", batch))
    met = "met" if best >= BATCH_GOAL else "NOT met"
    print(f"  efficiency {best:.3f} (goal >= {BATCH_GOAL}: {met})")


if __name__ == "__main__":
    main()
