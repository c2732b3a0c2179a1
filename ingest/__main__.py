"""`python -m ingest`: build the index if the corpus, model or settings changed.

Prints the build time and the number of chunks and sentences (the README quotes these).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.errors import BotError
from ingest.index import build
from ingest.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    parser.add_argument("--corpus-dir", type=Path, help="folder of corpus/*.md articles")
    parser.add_argument("--index-dir", type=Path, help="where to write the index (INDEX_DIR)")
    parser.add_argument("--model-path", type=Path, help="a local sentence-transformers model")
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = Settings.from_env(corpus_dir=args.corpus_dir, index_dir=args.index_dir,
                                 model_path=args.model_path)
    try:
        report = build(settings, progress=not args.quiet, force=args.force)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state = "built" if report.built else "up to date, nothing to do"
    print(f"index {state} in {report.seconds:.2f} s: {report.chunks} chunks, "
          f"{report.sentences} sentences -> {report.index_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
