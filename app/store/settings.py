"""Typed settings, declared once with their defaults, kept in a JSON file.

The file is meant to survive versions and hand edits: unknown keys are ignored (a newer version
may have written them), and a value of the wrong type or outside its allowed choices falls back
to the default with a log line instead of stopping the app. Secrets never live here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from app.domain.choices import CreatePath, Language, Layout, OnExists, UploadSize, values
from app.store import paths
from app.store.durable import write_text_atomically

log = logging.getLogger(__name__)


@dataclass
class Settings:
    server: str = "sandbox"  # "sandbox", "autoretouch" or a URL
    organization_id: str = ""
    last_workflow_id: str = ""
    pin_version: str = ""  # a workflow version id to pin; "" means the current version
    layout: str = field(default=Layout.MIRROR.value, metadata={"choices": values(Layout)})
    output_folder: str = ""  # "" means a "retouched" folder beside the inputs' folder
    name_template: str = "{stem}{ext}"
    on_exists: str = field(default=OnExists.UNIQUE.value, metadata={"choices": values(OnExists)})
    # Inputs over the service's 4096 px limit: scaled before upload or sent whole.
    upload_size: str = field(
        default=UploadSize.AUTO.value, metadata={"choices": values(UploadSize)}
    )
    # How new bytes go up with their execution (see README: "The vendor's recommended path").
    create_path: str = field(
        default=CreatePath.SEPARATE.value, metadata={"choices": values(CreatePath)}
    )
    hash_concurrency: int = field(default=2, metadata={"range": (1, 16)})
    upload_concurrency: int = field(default=4, metadata={"range": (1, 32)})
    download_concurrency: int = field(default=4, metadata={"range": (1, 32)})
    watch_streams: int = field(default=32, metadata={"range": (1, 256)})  # concurrent SSE streams
    hot_folder_enabled: bool = False
    hot_folder_path: str = ""
    notifications: bool = True
    # A rejected result tells the service too (thumbs down): only when the user opts in.
    review_feedback: bool = False
    cost_confirm_threshold: int = field(default=500, metadata={"range": (0, 10**9)})  # credits
    # The window's language, applied at the next start.
    language: str = field(default=Language.SYSTEM.value, metadata={"choices": values(Language)})

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or paths.settings_path()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as exc:
            log.warning("settings file %s unreadable (%s); using defaults", path, exc)
            return cls()
        if not isinstance(raw, dict):
            log.warning("settings file %s is not an object; using defaults", path)
            return cls()
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        settings = cls()
        for f in fields(cls):
            if f.name not in raw:
                continue
            value = raw[f.name]
            if _valid(f, value):
                setattr(settings, f.name, value)
            else:
                log.warning(
                    "setting %s=%r is not valid; using the default %r", f.name, value, f.default
                )
        return settings

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def save(self, path: Path | None = None) -> None:
        """Atomic write: a crash mid-save leaves the previous file, never half a file."""
        path = path or paths.settings_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(
            path, lambda f: json.dump(self.to_dict(), f, indent=2, sort_keys=True)
        )


def _valid(f: dataclasses.Field[Any], value: Any) -> bool:
    default = f.default
    if isinstance(default, bool):
        if not isinstance(value, bool):
            return False
    elif isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        low, high = f.metadata.get("range", (-(2**63), 2**63))
        if not low <= value <= high:
            return False
    elif isinstance(default, str) and not isinstance(value, str):
        return False
    choices = f.metadata.get("choices")
    return not (choices and value not in choices)
