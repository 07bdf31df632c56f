"""State survives a restart; credits can be topped up from another process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from .helpers import CLIENT_ID, product_image


def test_everything_survives_a_restart(
    sandbox_factory: Any, api_factory: Any, tmp_path: Path
) -> None:
    data_dir = tmp_path / "kept"
    first = sandbox_factory(data_dir=data_dir)
    api = api_factory(first)
    execution_id = api.create("Transparent cut-out", product_image())
    result = api.result(execution_id)
    execution = api.execution(execution_id)
    workflows = api.workflows()
    first.add_credits(100)
    org_id, balance = first.org_id, first.balance()
    first.stop()

    second = sandbox_factory(data_dir=data_dir, credits=1)  # --credits only seeds a new folder
    assert second.org_id == org_id and second.balance() == balance
    headers = {"Authorization": f"Bearer {api.tokens['access_token']}"}
    with httpx.Client(base_url=second.base_url, headers=headers) as again:
        # The signing secret is kept, so the old access token is still good.
        assert again.get(f"/v1/workflow/execution/{execution_id}").json() == execution
        assert again.get(execution["resultPath"]).content == result
        assert {w["name"]: w for w in again.get("/workflow").json()["entries"]} == workflows
        assert (
            again.head("/upload", params={"contentHash": execution["inputContentHash"]}).status_code
            == 200
        )
        refreshed = again.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": api.tokens["refresh_token"],
                "client_id": CLIENT_ID,
            },
        )
        assert refreshed.status_code == 200


def test_unfinished_executions_resume_after_a_restart(
    sandbox_factory: Any, api_factory: Any, tmp_path: Path
) -> None:
    data_dir = tmp_path / "busy"
    first = sandbox_factory(data_dir=data_dir, latency=30, workers=1)
    api = api_factory(first)
    ids = [api.create("Web export", product_image(size=(200 + i, 100))) for i in range(2)]
    api.wait(ids[0], lambda s: s == "ACTIVE")
    first.stop()  # one ACTIVE, one CREATED: nothing finished

    second = sandbox_factory(data_dir=data_dir)
    headers = {"Authorization": f"Bearer {api.tokens['access_token']}"}
    with httpx.Client(base_url=second.base_url, headers=headers) as again:
        for execution_id in ids:
            done = again.get(f"/v1/workflow/execution/{execution_id}/result/default")
            assert done.status_code == 200
    assert second.execution_count() == 2


def test_an_execution_in_qa_completes_after_a_restart_and_is_charged_once(
    sandbox_factory: Any, api_factory: Any, tmp_path: Path
) -> None:
    data_dir = tmp_path / "qa"
    first = sandbox_factory(data_dir=data_dir, qa_seconds=60)
    api = api_factory(first)
    execution_id = api.create("Retouch with human QA", product_image())
    api.wait(execution_id, lambda s: s == "IN_QA")
    charged = 5000 - first.balance()
    assert charged == api.workflows()["Retouch with human QA"]["executionPrice"]
    first.stop()

    second = sandbox_factory(data_dir=data_dir, qa_seconds=0.1)
    headers = {"Authorization": f"Bearer {api.tokens['access_token']}"}
    with httpx.Client(base_url=second.base_url, headers=headers) as again:
        result = again.get(f"/v1/workflow/execution/{execution_id}/result/default")
        assert result.status_code == 200
        execution = again.get(f"/v1/workflow/execution/{execution_id}").json()
    assert execution["status"] == "COMPLETED" and execution["chargedCredits"] == charged
    assert second.balance() == 5000 - charged


def test_credits_add_from_another_process_while_running(
    sandbox: Any, subprocess_env: dict[str, str]
) -> None:
    before = sandbox.balance()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "retouchdesk",
            "sandbox",
            "credits",
            "add",
            "250",
            "--data",
            str(sandbox.config.data_dir),
        ],
        env=subprocess_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert str(before + 250) in completed.stdout
    assert sandbox.balance() == before + 250
    token = sandbox.issue_access_token()
    balance = httpx.get(
        f"{sandbox.base_url}/organization/balance", headers={"Authorization": f"Bearer {token}"}
    )
    assert balance.text == str(before + 250)


def test_demo_order_is_seeded_once(sandbox_factory: Any, api_factory: Any, tmp_path: Path) -> None:
    data_dir = tmp_path / "demo"
    first = sandbox_factory(data_dir=data_dir, demo=True)
    api = api_factory(first)
    page = api.http.get("/v2/workflow/execution/").json()
    assert page["total"] == 4
    for execution in page["entries"]:
        assert api.wait(execution["id"])["status"] == "COMPLETED"
    batches = api.http.get("/v1/batch").json()["entries"]
    assert len(batches) == 1 and batches[0]["executions"] == 4
    assert "(demo)" in batches[0]["name"]
    first.stop()
    second = sandbox_factory(data_dir=data_dir, demo=True)
    assert second.execution_count() == 4  # not seeded again
