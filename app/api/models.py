"""Typed views of the server's JSON.

Every parser ignores fields it does not know and tolerates optional ones that are missing, so a
server that grows a field (or a sandbox that leaves one out) never breaks the client. Ids and
timestamps stay strings: ids are opaque, and the journal stores timestamps as the server sent them.
"""

from __future__ import annotations

import base64
import binascii
import enum
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Json = Mapping[str, Any]


class ExecutionStatus(enum.StrEnum):
    """Known remote statuses. Executions keep `status` as a plain str so unknown ones survive."""

    CREATED = "CREATED"
    ACTIVE = "ACTIVE"
    IN_QA = "IN_QA"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    PAYMENT_REQUIRED = "PAYMENT_REQUIRED"


FINAL_STATUSES = frozenset(
    {ExecutionStatus.COMPLETED, ExecutionStatus.FAILED, ExecutionStatus.PAYMENT_REQUIRED}
)


def is_final_status(status: str) -> bool:
    """COMPLETED, FAILED and PAYMENT_REQUIRED end a run (until a retry)."""
    return status.strip().upper() in FINAL_STATUSES


_HEX = frozenset(string.hexdigits)


def normalized_content_hash(value: str) -> str:
    """A content hash as this client compares them: lowercase hex SHA-256.

    The examples (and the sandbox) send 64 hex characters; one vendor page says Base64, so a
    Base64 SHA-256 (standard or URL-safe, padded or not) is turned into hex. Anything else is
    returned as it came (stripped): it is the server's identifier, and a mismatch shows later.
    """
    text = value.strip()
    if len(text) == 64 and _HEX.issuperset(text):
        return text.lower()
    if 43 <= len(text) <= 44:
        padded = text.rstrip("=") + "="
        for altchars in (b"+/", b"-_"):
            try:
                raw = base64.b64decode(padded, altchars=altchars, validate=True)
            except (binascii.Error, ValueError):
                continue
            if len(raw) == 32:
                return raw.hex()
    return text


def _hash(data: Json, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else normalized_content_hash(str(value))


def _str(data: Json, key: str, default: str = "") -> str:
    value = data.get(key)
    return default if value is None else str(value)


def _opt_str(data: Json, key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _int(data: Json, key: str, default: int = 0) -> int:
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _mapping(value: Any) -> Json:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Member:
    id: str
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    picture: str = ""
    roles: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Json) -> Member:
        return cls(
            id=_str(data, "id"),
            given_name=_str(data, "givenName"),
            family_name=_str(data, "familyName"),
            email=_str(data, "email"),
            picture=_str(data, "picture"),
            roles=tuple(str(r) for r in _list(data.get("roles"))),
        )


@dataclass(frozen=True)
class Organization:
    id: str
    name: str = ""
    version: str = ""
    members: tuple[Member, ...] = ()

    @classmethod
    def from_json(cls, data: Json) -> Organization:
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            version=_str(data, "version"),
            members=tuple(Member.from_json(_mapping(m)) for m in _list(data.get("members"))),
        )


@dataclass(frozen=True)
class Author:
    id: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.email or self.id

    @classmethod
    def from_json(cls, data: Any) -> Author:
        # Some answers carry the author as a plain string (a name or a user id).
        if isinstance(data, str):
            return cls(id=data)
        data = _mapping(data)
        return cls(
            id=_str(data, "id"),
            first_name=_str(data, "firstName"),
            last_name=_str(data, "lastName"),
            email=_str(data, "email"),
        )


@dataclass(frozen=True)
class WorkflowComponent:
    type: str
    label: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Json) -> WorkflowComponent:
        return cls(
            type=_str(data, "type"),
            label=_str(data, "label"),
            settings=dict(_mapping(data.get("settings"))),
        )


@dataclass(frozen=True)
class Workflow:
    id: str
    name: str = ""
    version: str = ""  # the current version id; pass it to create to pin it
    date: str | None = None
    author: Author = field(default_factory=Author)
    components: tuple[WorkflowComponent, ...] = ()
    execution_price: int = 0  # credits (euro cents) per image

    @classmethod
    def from_json(cls, data: Json) -> Workflow:
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            version=_str(data, "version"),
            date=_opt_str(data, "date"),
            author=Author.from_json(data.get("author")),
            components=tuple(
                WorkflowComponent.from_json(_mapping(c))
                for c in _list(data.get("workflowComponents"))
            ),
            execution_price=_int(data, "executionPrice"),
        )


@dataclass(frozen=True)
class Execution:
    id: str
    status: str
    workflow: str = ""
    workflow_version: str = ""
    workflow_name: str = ""
    organization_id: str = ""
    user_id: str = ""
    created_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    input_file_name: str = ""
    input_content_hash: str = ""
    result_content_hash: str | None = None
    result_content_type: str | None = None
    result_file_name: str | None = None  # server text: never use it as a path unsanitised
    result_path: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    charged_credits: int = 0

    @property
    def is_final(self) -> bool:
        return is_final_status(self.status)

    @classmethod
    def from_json(cls, data: Json) -> Execution:
        return cls(
            id=_str(data, "id"),
            status=_str(data, "status").strip().upper(),
            workflow=_str(data, "workflow"),
            workflow_version=_str(data, "workflowVersion"),
            workflow_name=_str(data, "workflowName"),
            organization_id=_str(data, "organizationId"),
            user_id=_str(data, "userId"),
            created_at=_opt_str(data, "createdAt"),
            started_at=_opt_str(data, "startedAt"),
            finished_at=_opt_str(data, "finishedAt"),
            input_file_name=_str(data, "inputFileName"),
            input_content_hash=_hash(data, "inputContentHash") or "",
            result_content_hash=_hash(data, "resultContentHash"),
            result_content_type=_opt_str(data, "resultContentType"),
            result_file_name=_opt_str(data, "resultFileName"),
            result_path=_opt_str(data, "resultPath"),
            labels={str(k): str(v) for k, v in _mapping(data.get("labels")).items()},
            charged_credits=_int(data, "chargedCredits"),
        )


@dataclass(frozen=True)
class Batch:
    """An "order" in the web app: executions sharing the three autoretouch_batch_* labels."""

    id: str
    name: str = ""
    author: Author = field(default_factory=Author)
    created_at: str | None = None
    executions: int = 0
    price: int = 0
    workflow_id: str = ""
    workflow_name: str = ""

    @classmethod
    def from_json(cls, data: Json) -> Batch:
        return cls(
            id=_str(data, "id"),
            name=_str(data, "name"),
            author=Author.from_json(data.get("author")),
            created_at=_opt_str(data, "createdAt"),
            executions=_int(data, "executions"),
            price=_int(data, "price"),
            workflow_id=_str(data, "workflowId"),
            workflow_name=_str(data, "workflowName"),
        )


@dataclass(frozen=True)
class Page(Generic[T]):
    entries: list[T]
    total: int

    @classmethod
    def from_json(cls, data: Any, parse: Callable[[Json], T]) -> Page[T]:
        data = _mapping(data)
        entries = [parse(_mapping(e)) for e in _list(data.get("entries"))]
        return cls(entries=entries, total=_int(data, "total", len(entries)))


@dataclass(frozen=True)
class DownloadInfo:
    """What was written while streaming a result to disk."""

    sha256: str
    size: int
    content_type: str
