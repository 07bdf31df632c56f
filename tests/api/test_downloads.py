"""Result downloads: hostile names from the server, failures leave nothing half-written."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_helpers import open_session, run

from app.api.errors import NotFoundError, ProtocolViolationError

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


def test_evil_result_names_download_by_path_and_stay_in_dest(
    sandbox_factory: Callable[..., Any], tmp_path: Path
) -> None:
    sandbox = sandbox_factory(faults="evil_names=1.0", seed=4)
    work = tmp_path / "work"
    out = work / "out"

    async def go() -> list[tuple[str, str]]:
        session = await open_session(sandbox)
        client, org = session.client, sandbox.org_id
        try:
            workflow = (await client.list_workflows(org))[0]
            results = []
            for index, name in enumerate(
                ["coffee.png", "rocket.jpg", "chelsea.png", "astronaut.png"]
            ):
                execution_id = await client.create_execution_with_file(
                    workflow.id, org, SAMPLES / name
                )
                async for _ in client.stream_status(execution_id, org):
                    pass
                execution = await client.get_execution(execution_id, org)
                assert execution.result_path and execution.result_file_name
                dest = out / f"result-{index}"
                progress: list[int] = []
                info = await client.download_result(
                    execution_id,
                    org,
                    dest,
                    result_path=execution.result_path,
                    on_progress=lambda done, total, seen=progress: seen.append(done),
                )
                assert info.sha256 == execution.result_content_hash
                assert info.sha256 == hashlib.sha256(dest.read_bytes()).hexdigest()
                assert progress[-1] == info.size
                results.append((execution.result_file_name, info.sha256))
            return results
        finally:
            await session.aclose()

    results = run(go())
    assert len({name for name, _ in results}) == 4
    assert any("/" in name or "\\" in name or not name.isascii() for name, _ in results)
    # Only what we asked for was written, all inside `out`.
    assert sorted(p.name for p in out.iterdir()) == [f"result-{i}" for i in range(4)]
    assert [p for p in work.rglob("*") if p.is_file() and out not in p.parents] == []


def test_failed_download_leaves_no_file(sandbox: Any, tmp_path: Path) -> None:
    tmp_path = tmp_path / "work"
    tmp_path.mkdir()

    async def go() -> None:
        session = await open_session(sandbox)
        try:
            with pytest.raises(NotFoundError):
                await session.client.download_result(
                    str(uuid.uuid4()), sandbox.org_id, tmp_path / "x.png"
                )
            with pytest.raises(NotFoundError):
                await session.client.download_result(
                    "ignored",
                    sandbox.org_id,
                    tmp_path / "y.png",
                    result_path=f"/image/{'0' * 64}/nothing here.png",
                )
            for hostile in ("https://evil.example/x.png", "//evil.example/x.png", "/a/../b"):
                with pytest.raises(ProtocolViolationError):
                    await session.client.download_result(
                        "ignored", sandbox.org_id, tmp_path / "z.png", result_path=hostile
                    )
        finally:
            await session.aclose()

    run(go())
    assert list(tmp_path.iterdir()) == []
