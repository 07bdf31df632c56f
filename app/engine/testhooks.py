"""The former name of `app.engine.checkpoints`, for callers not yet moved to it.

`crash_point(stage)` is `checkpoints.checkpoint(stage)`: a no-op unless test code installed a
hook. (It no longer reads any environment variable.)
"""

from app.engine.checkpoints import checkpoint as crash_point

__all__ = ["crash_point"]
