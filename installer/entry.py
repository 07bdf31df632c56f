"""Entry point of the frozen Retouch Desk executable.

PyInstaller freezes a script, not a console_scripts entry point, so this file stands in for the
`retouchdesk = retouchdesk.entry:main` script that pip writes. Keep it tiny: everything belongs
in the composition root, `retouchdesk.entry`.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen build has no `python -m` and no interpreter to re-launch; if any part of the app
    # (the sandbox's worker pool, for instance) ever uses multiprocessing, the children start
    # this same executable and must stop here instead of running the CLI again.
    multiprocessing.freeze_support()

    from retouchdesk.entry import main

    sys.exit(main())
