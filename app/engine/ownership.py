"""Who is working on a batch: this process, identified so that a crashed one can be told apart.

An owner is "host:pid:process start time". The start time matters because PIDs are reused:
after a crash and a reboot, another program may run under the old PID, and a batch must not
stay locked by it.
"""

from __future__ import annotations

import os
import socket

import psutil


def _identity(pid: int) -> str:
    try:
        started = psutil.Process(pid).create_time()
    except psutil.Error:
        started = 0.0
    return f"{socket.gethostname()}:{pid}:{started:.2f}"


_ME = _identity(os.getpid())


def this_process() -> str:
    return _ME


def owner_alive(owner: str) -> bool:
    """True when the owning process still runs (on this host, same start time)."""
    host, _, rest = owner.partition(":")
    pid_text, _, _started = rest.partition(":")
    if host != socket.gethostname():
        return False  # the journal lives in a local profile: another host is a stale copy
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if not psutil.pid_exists(pid):
        return False
    return _identity(pid) == owner
