"""Liberal in what the client accepts: a server that speaks the API differently from the
sandbox (see variant_server.py) is understood everywhere, over real HTTP."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from api_helpers import fast_retry, run
from variant_server import (
    ENCODED_NAME,
    RAW_NAME,
    RESULT_BYTES,
    RESULT_HASH,
    Seen,
    asgi_server,
    build_variant_app,
)

from app.api.auth import OAuthClient
from app.api.client import AutoretouchClient
from app.api.errors import NotFoundError
from app.api.http import make_http_client
from app.api.results import result_path_candidates
from app.api.servers import resolve_server

SAMPLES = Path(__file__).resolve().parents[2] / "app" / "sandbox" / "samples"


async def _with_client(seen: Seen, work: object) -> object:
    async with asgi_server(build_variant_app(seen)) as base:
        client = AutoretouchClient(resolve_server(base), retry=fast_retry())
        try:
            return await work(client, base)  # type: ignore[operator]
        finally:
            await client.aclose()


def test_unknown_fields_on_every_object_are_ignored() -> None:
    async def work(client: AutoretouchClient, base: str) -> None:
        orgs = await client.list_organizations()  # via a trailing-slash redirect
        assert [(o.id, o.name) for o in orgs] == [("o1", "Studio")]
        assert orgs[0].members[0].given_name == "Ada"
        workflows = await client.list_workflows(None)
        assert workflows[0].author.first_name == "Grace"
        assert workflows[0].components[0].settings == {"a": 1}
        assert workflows[0].execution_price == 10
        page = await client.list_executions(None)
        assert page.total == 2 and {e.id for e in page.entries} == {"raw", "encoded"}
        execution = await client.get_execution("raw", None)
        assert execution.labels == {"k": "v"} and execution.charged_credits == 7
        batches = await client.list_batches(None)
        assert batches.entries[0].executions == 2
        with pytest.raises(NotFoundError, match="Workflow not found"):
            await client.get_workflow("nope", None)
        # The auth host's token answer, with fields the vendor's strict models break on.
        http = make_http_client(resolve_server(base))
        try:
            tokens = await OAuthClient(http, base).refresh("rt-1")
        finally:
            await http.aclose()
        assert tokens.access_token == "at-1" and tokens.expires_in == 3600

    run(_with_client(Seen(), work))


def test_hashes_in_base64_and_text_in_other_charsets() -> None:
    async def work(client: AutoretouchClient, base: str) -> None:
        assert await client.get_balance(None) == 4200  # UTF-16 with a byte-order mark
        execution = await client.get_execution("raw", None)
        assert execution.result_content_hash == RESULT_HASH.hex()
        assert execution.input_content_hash == hashlib.sha256(b"in").hexdigest()
        data = (SAMPLES / "rocket.jpg").read_bytes()
        assert await client.upload(SAMPLES / "rocket.jpg", None) == hashlib.sha256(data).hexdigest()

    run(_with_client(Seen(), work))


def test_status_stream_with_spaces_comments_retry_and_no_ids() -> None:
    async def work(client: AutoretouchClient, base: str) -> list[str]:
        return [status async for status in client.stream_status("raw", None)]

    assert run(_with_client(Seen(), work)) == ["CREATED", "ACTIVE", "COMPLETED"]


def test_result_path_raw_or_encoded_is_downloaded(tmp_path: Path) -> None:
    seen = Seen()

    async def work(client: AutoretouchClient, base: str) -> list[str]:
        hashes = []
        for execution_id in ("raw", "encoded"):
            execution = await client.get_execution(execution_id, None)
            assert execution.result_path is not None
            info = await client.download_result(
                execution_id, None, tmp_path / execution_id, result_path=execution.result_path
            )
            hashes.append(info.sha256)
        return hashes

    assert run(_with_client(seen, work)) == [hashlib.sha256(RESULT_BYTES).hexdigest()] * 2
    assert (tmp_path / "raw").read_bytes() == RESULT_BYTES
    hex_hash = RESULT_HASH.hex()
    assert seen.paths == [
        f"/image/{hex_hash}/x y.png",  # the ambiguous name read as encoded first: not there
        f"/image/{hex_hash}/{RAW_NAME}",  # then as the raw name it is
        f"/image/{hex_hash}/{ENCODED_NAME}",
    ]


def test_multipart_create_sends_both_label_spellings_and_filesize() -> None:
    seen = Seen()
    path = SAMPLES / "coffee.png"

    async def work(client: AutoretouchClient, base: str) -> str:
        return await client.create_execution_with_file(
            "wf-1", "o1", path, labels={"autoretouch_batch_name": "Spring"}
        )

    assert run(_with_client(seen, work)) == "raw"  # the quoted answer unquoted
    assert ("label[autoretouch_batch_name]", "Spring") in seen.create_query
    assert ("labels[autoretouch_batch_name]", "Spring") in seen.create_query
    assert seen.form_fields == {"filesize": str(path.stat().st_size)}
    assert seen.uploaded_size == path.stat().st_size


def test_upload_sends_filesize() -> None:
    seen = Seen()

    async def work(client: AutoretouchClient, base: str) -> str:
        return await client.upload_bytes(b"0123456789", "ten.png", None, content_type="image/png")

    assert run(_with_client(seen, work)) == hashlib.sha256(b"0123456789").hexdigest()
    assert seen.form_fields == {"filesize": "10"}
    assert seen.uploaded_size == 10


@pytest.mark.parametrize(
    ("result_path", "expected"),
    [
        ("/image/h/plain.png", ["/image/h/plain.png"]),
        # Raw: characters an encoder would have escaped.
        ("/image/h/a b#1?.png", ["/image/h/a%20b%231%3F.png"]),
        ("/image/h/100% ü.png", ["/image/h/100%25%20%C3%BC.png"]),
        ("/image/h/50%off.png", ["/image/h/50%25off.png"]),  # a bare % is not an escape
        ("/image/h/dir/../x.png", ["/image/h/dir%2F..%2Fx.png"]),  # one segment, cannot walk
        # Encoded, or a raw name with a literal escape in it: both, encoded first.
        ("/image/h/x%20y.png", ["/image/h/x%20y.png", "/image/h/x%2520y.png"]),
        ("/image/h/..%2F..%2Fetc", ["/image/h/..%2F..%2Fetc", "/image/h/..%252F..%252Fetc"]),
    ],
)
def test_result_path_readings(result_path: str, expected: list[str]) -> None:
    assert result_path_candidates(result_path) == expected
