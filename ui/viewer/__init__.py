"""The before/after viewer: compare a job's original and result, image after image."""

from ui.viewer.compare_viewer import CompareViewer
from ui.viewer.item import ViewerItem
from ui.viewer.modes import BackgroundKind, CompareMode
from ui.viewer.window import ViewerWindow

__all__ = ["BackgroundKind", "CompareMode", "CompareViewer", "ViewerItem", "ViewerWindow"]
