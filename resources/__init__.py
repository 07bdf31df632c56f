"""Retouch Desk's resources, from one folder: the app icon and the window's icons (`icons/`),
the desktop entry, the AppStream metainfo, the systemd unit for watching a folder on a server
(`systemd/`), and the translations when there are some (`translations/`: Qt Linguist .ts
sources and their compiled .qm files).

In the source tree this is the top-level resources/ folder. pip installs it (editable or not)
as the package `retouchdesk_resources`, and the PyInstaller build bundles it under that name, so
`importlib.resources.files("retouchdesk_resources")` finds the same files in all three. The
installer scripts read the folder itself. There is no code here to import: a lookup by the
package's name keeps Qt, the app and the composition root out of it.
"""
