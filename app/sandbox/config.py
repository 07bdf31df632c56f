"""The knobs of one sandbox instance.

Kept apart from the runner so that every server module can read its configuration without
importing the code that starts threads and sockets. The defaults are the vendor's documented
behaviour; README.md ("What the sandbox models") says what each knob stands for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SseMode = Literal["all", "final-only"]
RateLimitStatus = Literal["429", "503", "mixed"]


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
    # The defaults below are the vendor's own behaviour, or leave it unchanged.
    device_code_ttl: int = 900
    retry_after: int = 1
    slow_upload_seconds: float = 1.5
    demo: bool = False  # seed an empty data folder with one processed order of sample photos
    # The studio's connection, in Mbit/s (10**6 bits) per direction, shared by every request;
    # 0 is unlimited (loopback speed).
    uplink_mbit: float = 0.0
    downlink_mbit: float = 0.0
    # Per-execution processing time drawn from a gamma distribution with this mean and
    # standard deviation (seconds); a mean of 0 leaves only `latency`.
    processing_mean: float = 0.0
    processing_spread: float = 0.0
    # The documented costs of taking an image in (see app/sandbox/intake.py for the reasoning).
    validate_seconds_per_mb: float = 0.02
    multipart_create_seconds: float = 0.1
    multipart_create_slots: int = 2
    # Requests per second the API host answers before it says 429/503; 0 is no limit.
    rate_limit: float = 0.0
    rate_limit_status: RateLimitStatus = "429"
    # Comma-separated tolerance variants (app/sandbox/dialect.py); "" is the documented API.
    dialect: str = ""
    sse_keepalive_seconds: float = 0.25  # the `sse-comments` variant's keep-alive period
