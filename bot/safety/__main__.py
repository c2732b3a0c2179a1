"""`python -m bot.safety`: print the red-flag catalogue as the Markdown table the README shows.

`python -m bot.safety train`: make sure the red-flag classifier for the current training data
exists in the index directory (trained once, about 5 minutes; `make ingest` runs this).
"""

from __future__ import annotations

import sys
import time


def main(argv: list[str]) -> int:
    if argv == ["train"]:
        from bot.safety.classifier import ensure_model
        from ingest.settings import Settings

        t = time.perf_counter()
        model = ensure_model(Settings.from_env())
        print(f"red-flag classifier {model.key} ready ({time.perf_counter() - t:.1f} s)")
        return 0
    if argv:
        print("usage: python -m bot.safety [train]", file=sys.stderr)
        return 2
    from bot.safety.catalogue import table

    sys.stdout.write(table() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
