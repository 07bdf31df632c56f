"""The knobs of one sandbox instance.

Kept apart from the runner so that every server module can read its configuration without
importing the code that starts threads and sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SseMode = Literal["all", "final-only"]


@dataclass
class SandboxConfig:
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 0
    workers: int = 4
    latency: float = 0.0
    # Initial balance: applied only when the data folder is seeded for the first time.
    credits: int = 5000
    token_ttl: int = 86400
    sse_mode: SseMode = "all"
    auto_approve: bool = False
    faults: str = ""
    seed: int = 0
    qa_seconds: float = 2.0
    device_interval: int = 5
    # Extensions beyond docs/contracts.md, with defaults that match the vendor's behaviour.
    device_code_ttl: int = 900
    retry_after: int = 1
    slow_upload_seconds: float = 1.5
    demo: bool = False  # seed an empty data folder with one processed order of sample photos
