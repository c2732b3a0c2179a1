"""`python -m bot "can MS cause sciatica?"`: print the reply (Markdown), or `--json` the Reply."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.errors import BotError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("question", help="the message, in quotes")
    parser.add_argument("--history", action="append", default=[],
                        help="an earlier message of the conversation (repeat, oldest first)")
    parser.add_argument("--json", action="store_true", help="print the Reply as JSON")
    parser.add_argument("--index-dir", type=Path, help="index folder (INDEX_DIR)")
    args = parser.parse_args(argv)
    import bot

    try:
        reply = bot.load(args.index_dir).answer(args.question, args.history)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(reply.to_json(indent=2) if args.json else reply.text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
