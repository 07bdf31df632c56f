"""`--processing-seconds MEAN[:SPREAD]`: how long each execution takes on the server.

Real jobs are not all equal: a cluttered backdrop or a human touch-up takes longer than a
clean packshot, so a batch's executions finish out of order and a client cannot pace itself on
a fixed figure. Each execution's time is drawn from a gamma distribution with mean MEAN and
standard deviation SPREAD: never negative, skewed to the right (a few jobs take much longer,
none takes less than nothing), and a constant MEAN when SPREAD is 0.

The draw for an execution depends only on the seed and the execution's sequence number (the
n-th execution created in the data folder), so a run is reproducible whatever order the
workers pick executions up in; a retry of an execution takes its time again.
"""

from __future__ import annotations

import logging
import random

log = logging.getLogger(__name__)


class DurationSpecError(ValueError):
    pass


def parse_processing_seconds(text: str) -> tuple[float, float]:
    """`4:2` -> (4.0, 2.0); `4` -> (4.0, 0.0)."""
    mean_text, _, spread_text = text.partition(":")
    try:
        mean = float(mean_text)
        spread = float(spread_text) if spread_text.strip() else 0.0
    except ValueError as exc:
        raise DurationSpecError(
            f"{text!r} is not MEAN[:SPREAD] in seconds (e.g. 4:2 or 0.5)"
        ) from exc
    if mean < 0 or spread < 0:
        raise DurationSpecError("MEAN and SPREAD cannot be negative")
    if mean == 0 and spread > 0:
        raise DurationSpecError("a SPREAD needs a MEAN above 0")
    return mean, spread


class ProcessingTimes:
    def __init__(self, mean: float, spread: float, seed: int) -> None:
        self.mean = mean
        self.spread = spread
        self._seed = seed
        # Gamma with shape k and scale theta has mean k * theta and variance k * theta**2.
        self._shape = (mean / spread) ** 2 if spread > 0 else 0.0
        self._scale = spread**2 / mean if spread > 0 else 0.0

    def seconds(self, sequence: int) -> float:
        """The processing time of the execution created `sequence`-th (1 for the first)."""
        if self.mean <= 0:
            return 0.0
        if self.spread <= 0:
            return self.mean
        draw = random.Random(f"{self._seed}:processing:{sequence}")
        return draw.gammavariate(self._shape, self._scale)
