"""The reliability suite's helpers live in reliability_helpers.py (a unique module name: every
test folder here has a conftest, and `from conftest import` would be ambiguous)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
