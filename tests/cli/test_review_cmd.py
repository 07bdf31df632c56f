"""From a processed folder to a delivery folder with the command line, as a studio's script
does it: `review`, `rerun`, `deliver` and `history --json`, each a new process (so every step
after the first is a restart), against the real sandbox over loopback."""

from __future__ import annotations

import csv
import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from corpus import make_image

from app.store.journal import Journal

CLI = [sys.executable, "-m", "retouchdesk"]
CRASHING_CLI = [sys.executable, str(Path(__file__).parents[1] / "support" / "crashing_cli.py")]
WHITE, CUTOUT = 10, 15  # the sandbox's prices of "Background to white" and "Transparent cut-out"


def _run(env: dict[str, str], *args: str, cli: list[str] = CLI) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*cli, *args], env=env, capture_output=True, text=True, timeout=90,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture
def cli(sandbox: Any, subprocess_env: dict[str, str]) -> Any:
    result = _run(subprocess_env, "--server", sandbox.base_url, "login", "--no-browser")
    assert result.returncode == 0, result.stderr

    def run(*args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
        command = [*CRASHING_CLI, "--crash-at", crash_at] if crash_at else CLI
        return _run(subprocess_env, "--server", sandbox.base_url, *args, cli=command)

    return run


def _shoot(folder: Path) -> Path:
    for i, relative in enumerate(("a/IMG_1.jpg", "a/IMG_2.jpg", "b/IMG_3.jpg", "b/IMG_4.jpg")):
        make_image(folder / relative, seed=i + 1)
    return folder


def _history(cli: Any) -> dict[str, dict[str, Any]]:
    result = cli("history", "--batch", "Spring", "--json")
    assert result.returncode == 0, result.stderr
    return {row["relative_path"]: row for row in json.loads(result.stdout)}


def _uploads(sandbox: Any) -> int:
    path = Path(sandbox.config.data_dir) / "sandbox.sqlite3"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        (count,) = conn.execute("SELECT count(*) FROM uploads").fetchone()
    return int(count)


def _manifest(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_review_rerun_the_rejected_and_deliver_twice(
    cli: Any, sandbox: Any, tmp_path: Path, isolated_home: Path
) -> None:
    src, out, to = _shoot(tmp_path / "shoot"), tmp_path / "out", tmp_path / "delivery"
    done = cli("process", str(src), "-w", "Background to white", "--out", str(out),
               "--batch-name", "Spring")  # fmt: skip
    assert done.returncode == 0, done.stderr

    marked = cli("review", "Spring", "--accept", "a/IMG_1.jpg", "IMG_2.jpg",
                 "--reject", "b\\IMG_3.jpg", "IMG_4.jpg", "--reject", "nope.jpg")  # fmt: skip
    assert marked.returncode == 1  # one NAME unknown: its own line, the rest applied
    assert marked.stderr.strip() == "retouchdesk: no image 'nope.jpg' in this batch"
    assert "4 mark(s) changed" in marked.stdout and "2 accepted, 2 rejected" in marked.stdout
    listed = cli("review", "Spring")
    assert listed.returncode == 0 and "Rejected" in listed.stdout and "b/IMG_4.jpg" in listed.stdout
    first = _history(cli)
    assert {k: (r["review"], r["version"]) for k, r in first.items()} == {
        "a/IMG_1.jpg": ("accepted", 1), "a/IMG_2.jpg": ("accepted", 1),
        "b/IMG_3.jpg": ("rejected", 1), "b/IMG_4.jpg": ("rejected", 1),
    }  # fmt: skip

    # The cost first: above the confirmation threshold, refused without --yes and a terminal.
    (isolated_home / "config").mkdir(parents=True, exist_ok=True)
    (isolated_home / "config" / "settings.json").write_text(
        json.dumps({"cost_confirm_threshold": 20})
    )
    executions, balance, uploads = sandbox.execution_count(), sandbox.balance(), _uploads(sandbox)
    refused = cli("rerun", "Spring", "--rejected", "--workflow", "cut-out")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "2 image(s) x 15 credits = 30 credits" in refused.stderr
    assert sandbox.execution_count() == executions

    rerun = cli("rerun", "Spring", "--rejected", "--workflow", "cut-out", "--yes")
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "Re-ran 2 image(s)" in rerun.stdout and "30 credits" in rerun.stdout
    assert sandbox.execution_count() == executions + 2
    assert balance - sandbox.balance() == 2 * CUTOUT
    assert _uploads(sandbox) == uploads
    again = _history(cli)
    journal = Journal(isolated_home / "data" / "journal.sqlite3")
    try:
        for key in ("b/IMG_3.jpg", "b/IMG_4.jpg"):
            row = again[key]
            assert (row["review"], row["version"], row["state"]) == ("", 2, "done")
            assert row["workflow_name"] == "Transparent cut-out" and row["credits"] == CUTOUT
            assert row["deduped"] and row["execution_id"] != first[key]["execution_id"]
            assert Path(row["output_path"]).name == Path(key).stem + "_v2.png"
            assert Path(first[key]["output_path"]).is_file()  # version 1 is still there
            details = [e.detail for e in journal.events(row["id"])]
            since = details.index("re-run with Transparent cut-out as version 2")
            states = [e.state for e in journal.events(row["id"])][since:]
            assert "uploading" not in states  # the server had the bytes: none went up again
            (earlier,) = journal.result_versions(row["id"])
            assert earlier.execution_id == first[key]["execution_id"]
    finally:
        journal.close()
    assert {k: again[k]["version"] for k in ("a/IMG_1.jpg", "a/IMG_2.jpg")} == {
        "a/IMG_1.jpg": 1, "a/IMG_2.jpg": 1
    }  # fmt: skip
    assert cli("rerun", "Spring", "--rejected", "-w", "cut-out").stdout.startswith(
        "Nothing to re-run"
    )
    assert cli("review", "Spring", "--accept", "IMG_3.jpg").returncode == 0

    delivered = cli("deliver", "Spring", "--to", str(to))
    assert delivered.returncode == 0, delivered.stderr
    assert "4 copied, 0 already delivered, 0 refused, 0 left out" in delivered.stdout
    rows = {r["original"]: r for r in _manifest(to)}
    assert sorted(p.relative_to(to).as_posix() for p in to.rglob("*") if p.is_file()) == [
        "a/IMG_1.jpg", "a/IMG_2.jpg", "b/IMG_3.png", "b/IMG_4.png", "manifest.csv"
    ]  # fmt: skip
    assert (rows["b/IMG_3.jpg"]["version"], rows["b/IMG_3.jpg"]["review"]) == ("2", "accepted")
    assert rows["b/IMG_4.jpg"]["workflow"] == "Transparent cut-out"
    assert rows["b/IMG_4.jpg"]["execution_id"] == again["b/IMG_4.jpg"]["execution_id"]
    assert rows["a/IMG_1.jpg"]["credits"] == str(WHITE)
    for original, row in rows.items():
        assert _sha(to / row["delivered"]) == row["sha256"] == again[original]["result_hash"]

    manifest = (to / "manifest.csv").read_bytes()
    twice = cli("deliver", "Spring", "--to", str(to), "--json")
    assert twice.returncode == 0, twice.stderr
    report = json.loads(twice.stdout)
    assert report["copied"] == [] and len(report["already_delivered"]) == 4
    assert (to / "manifest.csv").read_bytes() == manifest

    picked = cli("deliver", "Spring", "--to", str(tmp_path / "shop"), "--accepted-only",
                 "--name", "{n}_{stem}{ext}")  # fmt: skip
    assert picked.returncode == 0, picked.stderr
    assert sorted(p.name for p in (tmp_path / "shop").rglob("*.*")) == [
        "1_IMG_1.jpg", "2_IMG_2.jpg", "3_IMG_3.png", "manifest.csv"
    ]  # fmt: skip


def test_a_batch_is_named_by_id_or_unambiguous_name(cli: Any, sandbox: Any, tmp_path: Path) -> None:
    for run in ("one", "two"):
        make_image(tmp_path / run / "IMG.jpg", seed=len(run))
        result = cli("process", str(tmp_path / run), "-w", "cut-out",
                     "--out", str(tmp_path / f"out-{run}"), "--batch-name", "Twice")  # fmt: skip
        assert result.returncode == 0, result.stderr
    ambiguous = cli("review", "Twice", "--accept", "IMG.jpg")
    assert ambiguous.returncode == 2 and "2 batches are named 'Twice'" in ambiguous.stderr
    history = json.loads(cli("history", "--json").stdout)
    batch_id = history[0]["batch_id"]
    assert batch_id in ambiguous.stderr
    by_id = cli("review", batch_id, "--accept", "IMG.jpg", "--json")
    assert by_id.returncode == 0, by_id.stderr
    assert [j["review"] for j in json.loads(by_id.stdout)["jobs"]] == ["accepted"]
    unknown = cli("deliver", "Nope", "--to", str(tmp_path / "d"))
    assert unknown.returncode == 2 and "no batch 'Nope'" in unknown.stderr
    assert "'Twice'" in unknown.stderr  # the recent batches are named


def test_a_rerun_killed_after_its_create_resumes_with_that_execution(
    cli: Any, sandbox: Any, tmp_path: Path
) -> None:
    """The same workflow at another version: only the per-version label tells the re-run's
    execution from the first one when the journal did not get to record its id."""
    from app.sandbox.workflows import CATALOG

    web = next(w for w in CATALOG if w.name == "Web export")
    old, new = web.versions[0].id, web.versions[-1].id
    src = _shoot(tmp_path / "shoot")
    done = cli("process", str(src), "-w", "Web export", "--version", old,
               "--out", str(tmp_path / "out"), "--batch-name", "Spring")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert cli("review", "Spring", "--reject", "IMG_1.jpg", "IMG_2.jpg").returncode == 0
    first = _history(cli)
    executions = sandbox.execution_count()

    crashed = cli("rerun", "Spring", "--rejected", "-w", "Web export", "--yes",
                  crash_at="after_create:1")  # fmt: skip
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    resumed = cli("resume")
    assert resumed.returncode == 0, resumed.stderr + resumed.stdout
    assert sandbox.execution_count() == executions + 2  # none created twice
    token = sandbox.issue_access_token()
    for key in ("a/IMG_1.jpg", "a/IMG_2.jpg"):
        row = _history(cli)[key]
        assert (row["state"], row["version"]) == ("done", 2)
        assert row["execution_id"] != first[key]["execution_id"]
        answer = httpx.get(
            f"{sandbox.base_url}/v1/workflow/execution/{row['execution_id']}",
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert answer["workflowVersion"] == new
        assert answer["labels"]["retouchdesk_job_id"] == f"{row['id']}.v2"
