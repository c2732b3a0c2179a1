"""`python -m bot.safety`: print the red-flag catalogue as the Markdown table the README shows."""

from __future__ import annotations

import sys

from bot.safety.catalogue import table

if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
