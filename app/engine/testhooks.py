"""A deterministic crash, for the kill -9 resume tests.

`RETOUCHDESK_TEST_CRASH_AT=after_create` (or `after_create:3`, the third time) makes the process
SIGKILL itself when a job reaches that point: no cleanup, no flush, exactly like a power cut of
the process. Tests need this because killing from outside at "the moment right after create" is
a race. Unset (always, for users), each call is one dictionary lookup.
"""

from __future__ import annotations

import logging
import os
import signal
from collections import Counter

log = logging.getLogger(__name__)

CRASH_ENV = "RETOUCHDESK_TEST_CRASH_AT"
STAGES = ("hashing", "uploading", "after_create", "watching", "downloading", "after_save")
_arrivals: Counter[str] = Counter()


def crash_point(stage: str) -> None:
    spec = os.environ.get(CRASH_ENV)
    if not spec:
        return
    name, _, nth = spec.partition(":")
    if name != stage:
        return
    _arrivals[stage] += 1
    if _arrivals[stage] >= int(nth or "1"):
        log.warning("test hook: killing the process at %s", stage)
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)
