"""`--processing-seconds MEAN[:SPREAD]`: seeded per-execution times, the rendering inside them."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

import pytest

from app.sandbox.durations import DurationSpecError, ProcessingTimes, parse_processing_seconds

from .helpers import Api, product_image


def span(execution: dict[str, Any]) -> float:
    def at(text: str) -> float:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    return at(execution["finishedAt"]) - at(execution["startedAt"])


def test_each_execution_takes_its_own_drawn_time(sandbox_factory: Any, api_factory: Any) -> None:
    mean, spread, seed = 0.3, 0.15, 3
    api: Api = api_factory(
        sandbox_factory(processing_mean=mean, processing_spread=spread, seed=seed, workers=4)
    )
    ids = [api.create("Web export", product_image(size=(200 + i, 150))) for i in range(4)]
    spans = [span(api.wait(execution_id)) for execution_id in ids]
    # The n-th execution created in a fresh data folder takes draw n, the rendering included.
    draws = [ProcessingTimes(mean, spread, seed).seconds(n) for n in range(1, 5)]
    assert len(set(draws)) == 4
    for took, drawn in zip(spans, draws, strict=True):
        assert drawn - 0.002 <= took <= drawn + 0.25, (spans, draws)


def test_latency_is_the_shortest_processing_time(sandbox_factory: Any, api_factory: Any) -> None:
    api: Api = api_factory(sandbox_factory(latency=0.4, processing_mean=0.05))
    assert span(api.wait(api.create("Web export", product_image()))) >= 0.4 - 0.002


def test_draws_are_reproducible_and_follow_mean_and_spread() -> None:
    times = ProcessingTimes(4.0, 2.0, seed=11)
    draws = [times.seconds(n) for n in range(1, 4001)]
    assert draws == [ProcessingTimes(4.0, 2.0, seed=11).seconds(n) for n in range(1, 4001)]
    assert draws[:20] != [ProcessingTimes(4.0, 2.0, seed=12).seconds(n) for n in range(1, 21)]
    assert min(draws) > 0
    assert statistics.fmean(draws) == pytest.approx(4.0, rel=0.05)
    assert statistics.stdev(draws) == pytest.approx(2.0, rel=0.08)
    assert times.seconds(7) == times.seconds(7)  # the same execution, the same time


def test_no_spread_is_a_constant_and_no_mean_is_nothing() -> None:
    assert {ProcessingTimes(1.5, 0.0, seed=1).seconds(n) for n in range(1, 50)} == {1.5}
    assert ProcessingTimes(0.0, 0.0, seed=1).seconds(3) == 0.0


def test_processing_seconds_spec() -> None:
    assert parse_processing_seconds("4:2") == (4.0, 2.0)
    assert parse_processing_seconds("0.5") == (0.5, 0.0)
    assert parse_processing_seconds("3:") == (3.0, 0.0)
    for bad in ("", "four", "4:x", "-1", "4:-1", "0:2"):
        with pytest.raises(DurationSpecError):
            parse_processing_seconds(bad)
