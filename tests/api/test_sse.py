"""The SSE parser: what the standard allows and what servers are known to send."""

from __future__ import annotations

import pytest

from app.api.sse import SseEvent, SseParser
from app.api.status_stream import status_of


def parse(body: bytes, chunk: int) -> list[SseEvent]:
    """Fed in pieces of `chunk` bytes: a line or a CRLF may be split anywhere."""
    parser = SseParser()
    events = []
    for start in range(0, len(body), chunk):
        events += parser.feed(body[start : start + chunk])
    return events + parser.close()


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1000])
def test_the_vendor_spelling_and_the_spaced_one_read_the_same(chunk: int) -> None:
    vendor = (
        b"id:ACTIVE\nevent:ACTIVE\ndata:ACTIVE\n\nid:COMPLETED\nevent:COMPLETED\ndata:COMPLETED\n\n"
    )
    spaced = vendor.replace(b":", b": ").replace(b"\n", b"\r\n")
    expected = [
        SseEvent("ACTIVE", "ACTIVE", "ACTIVE"),
        SseEvent("COMPLETED", "COMPLETED", "COMPLETED"),
    ]
    assert parse(vendor, chunk) == expected
    assert parse(spaced, chunk) == expected
    assert parse(b"\xef\xbb\xbf" + vendor.replace(b"\n", b"\r"), chunk) == expected


@pytest.mark.parametrize("chunk", [1, 5, 1000])
def test_comments_retry_fields_and_events_without_id(chunk: int) -> None:
    body = (
        b": keep-alive\n\n"
        b"retry: 3000\nevent: CREATED\ndata: CREATED\n\n"
        b":\n"
        b"event:IN_QA\n\n"  # a name and no data
        b"data: line one\ndata: line two\n\n"
        b"data:COMPLETED"  # the server hung up without the closing blank line
    )
    assert parse(body, chunk) == [
        SseEvent("CREATED", "CREATED", retry=3000),
        SseEvent("IN_QA", ""),
        SseEvent("", "line one\nline two"),
        SseEvent("", "COMPLETED"),
    ]


def test_which_events_are_statuses() -> None:
    assert status_of(SseEvent("COMPLETED", "COMPLETED")) == "COMPLETED"
    assert status_of(SseEvent("", " active ")) == "ACTIVE"
    assert status_of(SseEvent("message", "IN_QA")) == "IN_QA"
    assert status_of(SseEvent("status", "FAILED")) == "FAILED"  # the status is in the data
    assert status_of(SseEvent("ARCHIVED", "ARCHIVED")) == "ARCHIVED"  # new, vendor-shaped
    assert status_of(SseEvent("ping", "")) == ""  # a named heartbeat
    assert status_of(SseEvent("", "", retry=3000)) == ""
