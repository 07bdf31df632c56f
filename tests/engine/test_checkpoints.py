"""The crash hook: silent unless test code installs one, then told every stage a job passes."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.engine import checkpoints


@pytest.fixture(autouse=True)
def no_hook_left_behind() -> Iterator[None]:
    yield
    checkpoints.install(None)


def test_without_a_hook_a_checkpoint_does_nothing() -> None:
    for stage in checkpoints.STAGES:
        checkpoints.checkpoint(stage)  # no hook, no effect, no error


def test_an_installed_hook_hears_every_stage_until_removed() -> None:
    heard: list[str] = []
    checkpoints.install(heard.append)
    checkpoints.checkpoint("after_create")
    checkpoints.checkpoint("after_save")
    checkpoints.install(None)
    checkpoints.checkpoint("watching")
    assert heard == ["after_create", "after_save"]


def test_the_engine_passes_only_declared_stages() -> None:
    # The crash wrapper accepts only STAGES: a stage the engine passes but STAGES lacks could
    # never be chosen for a crash test.
    called: set[str] = set()
    for path in (Path(checkpoints.__file__).parent).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "checkpoint"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                called.add(node.args[0].value)
    assert called and called <= set(checkpoints.STAGES)
