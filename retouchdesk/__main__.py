"""`python -m retouchdesk ...`: the same as the `retouchdesk` command."""

import sys

from retouchdesk.entry import main

sys.exit(main())
