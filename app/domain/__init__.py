"""The product's vocabulary: plain data every layer shares (jobs, choice sets, wording).

Nothing here does I/O or imports another part of the app, so the journal, the engine, the CLI
and the window can all depend on it without depending on each other.
"""
