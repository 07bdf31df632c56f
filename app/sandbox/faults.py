"""Injected faults, so clients can be tested against a misbehaving server.

Spec: comma-separated `kind=probability`, e.g. `http500=0.05,sse_cut=0.3,fail=0.1,evil_names=1`.
Each kind draws from its own generator seeded from `--seed`, so the n-th decision of a kind is
the same on every run, however the kinds interleave.
"""

from __future__ import annotations

import random
import threading

KINDS = ("http500", "http503", "sse_cut", "fail", "slow_upload", "evil_names")


class FaultSpecError(ValueError):
    pass


def parse_spec(spec: str) -> dict[str, float]:
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        kind, sep, value = part.partition("=")
        kind = kind.strip()
        if kind not in KINDS:
            raise FaultSpecError(f"unknown fault {kind!r}; known: {', '.join(KINDS)}")
        try:
            rate = float(value) if sep else 1.0
        except ValueError as exc:
            raise FaultSpecError(f"fault {kind!r}: {value!r} is not a probability") from exc
        if not 0.0 <= rate <= 1.0:
            raise FaultSpecError(f"fault {kind!r}: probability must be between 0 and 1")
        rates[kind] = rate
    return rates


class Faults:
    def __init__(self, spec: str, seed: int) -> None:
        self._rates = parse_spec(spec)
        self._rngs = {kind: random.Random(f"{seed}:{kind}") for kind in KINDS}
        self._lock = threading.Lock()

    def roll(self, kind: str) -> bool:
        """True when this occurrence of `kind` should misbehave."""
        rate = self._rates.get(kind, 0.0)
        if rate <= 0.0:
            return False
        with self._lock:
            return self._rngs[kind].random() < rate

    def choice(self, kind: str, options: list[str]) -> str:
        with self._lock:
            return self._rngs[kind].choice(options)
