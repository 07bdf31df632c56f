"""Retouch Desk's composition root: the one `retouchdesk` entry point, above both halves.

`app` (the headless core: CLI, engine, sandbox) and `ui` (the Qt window) never import this
package; it imports both, and decides which one a command line asks for (see `entry`).
Importing it loads nothing else, so a child process can find it cheaply.
"""
