"""The window's dialogs. Each opens window-modal without a nested event loop (see `ask`)."""
