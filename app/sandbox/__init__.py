"""The sandbox: a local server that speaks the autoretouch API and really processes images.

Start it with `retouchdesk sandbox` or in-process with `app.sandbox.runner`. It shares no code
with the API client (`app.api`), so a client bug cannot hide behind a matching server bug.
"""
