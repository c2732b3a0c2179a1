"""`python -m evals`: see `evals.cli`."""

from __future__ import annotations

import sys

from evals.cli import main

sys.exit(main())
