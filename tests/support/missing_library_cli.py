"""`retouchdesk` on a desktop where one system library is missing, without uninstalling it:

    python tests/support/missing_library_cli.py libxcb-cursor.so.0 [retouchdesk arguments...]

The desktop check's loader is replaced here, in test code, by one that refuses the named
soname the way the dynamic loader refuses a missing file; then the real entry point runs. The
shipped app has no switch for this.
"""

from __future__ import annotations

import ctypes
import sys

from retouchdesk import desktop_libraries
from retouchdesk.entry import main as retouchdesk_main


def refusing(missing: str) -> desktop_libraries.Loader:
    def load(soname: str) -> object:
        if soname == missing:
            raise OSError(f"{soname}: cannot open shared object file: No such file or directory")
        return ctypes.CDLL(soname)

    return load


if __name__ == "__main__":
    missing, *args = sys.argv[1:]
    original = desktop_libraries.ensure_desktop_libraries

    def ensure(environ, **options):  # type: ignore[no-untyped-def]
        return original(environ, loader=refusing(missing), **options)

    desktop_libraries.ensure_desktop_libraries = ensure  # type: ignore[assignment]
    sys.exit(retouchdesk_main(args))
