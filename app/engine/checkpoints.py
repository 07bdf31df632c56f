"""Named moments in a job's life, where test code can stop the process on purpose.

The pipeline calls `checkpoint(stage)` as a job passes each moment that matters to crash
recovery (just after an execution was created, just after a result was saved, ...). In the
product nothing listens and each call is one global read. The kill -9 tests `install()` a hook
that SIGKILLs the process at a chosen stage: killing from outside at "the moment right after
create" would be a race, and a crash test needs that moment exactly.

Nothing in the shipped app installs a hook, and no environment variable or setting can: only
code running in the same process, which a user never has, so a shipped build cannot be made to
crash by accident.
"""

from __future__ import annotations

from collections.abc import Callable

# Every stage the pipeline passes, in the order a job meets them. "uploading" (new bytes) or
# "creating" (bytes already on the server) is the create request journaled but not yet sent;
# "after_create" is its answer recorded.
STAGES = (
    "hashing",
    "uploading",
    "creating",
    "after_create",
    "watching",
    "downloading",
    "after_save",
)

Hook = Callable[[str], None]

_hook: Hook | None = None


def checkpoint(stage: str) -> None:
    """A job has reached `stage`; tell the installed hook, if any."""
    hook = _hook
    if hook is not None:
        hook(stage)


def install(hook: Hook | None) -> None:
    """Call `hook(stage)` at every checkpoint from now on (None removes it)."""
    global _hook
    _hook = hook
