"""`python -m ingest`: build the index if the corpus, model or settings changed.

Prints the build time and the number of chunks and sentences (the README quotes these).
The build first makes sure the domain-adapted model for the current training data exists
(`ingest.adapt`; trained once, then found by its key) and embeds with it, unless MODEL_PATH
names a model. `python -m ingest adapt [--force]` (re)trains it explicitly and reports.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest import adapt
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
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["adapt"]:
        return adapt_main(parser, argv[1:])
    args = parser.parse_args(argv)
    settings = Settings.from_env(corpus_dir=args.corpus_dir, index_dir=args.index_dir,
                                 model_path=args.model_path)
    try:
        settings, adapted = adapt.ensure(settings, progress=not args.quiet)
        if adapted.trained:
            print(_adapt_line(adapted))
        report = build(settings, progress=not args.quiet, force=args.force)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    state = "built" if report.built else "up to date, nothing to do"
    print(f"index {state} in {report.seconds:.2f} s: {report.chunks} chunks, "
          f"{report.sentences} sentences -> {report.index_dir}")
    return 0


def _adapt_line(report: adapt.AdaptReport) -> str:
    state = "trained" if report.trained else "up to date, nothing to do"
    return (f"adapted model {state} in {report.seconds:.1f} s: {report.pairs} pairs, key "
            f"{report.key[:16]} -> {report.model_dir}")


def adapt_main(parser: argparse.ArgumentParser, argv: list[str]) -> int:
    """`python -m ingest adapt`: train the adapted model (again, with --force)."""
    parser.prog = "python -m ingest adapt"
    args = parser.parse_args(argv)
    settings = Settings.from_env(corpus_dir=args.corpus_dir, index_dir=args.index_dir,
                                 model_path=args.model_path)
    if settings.model_path is not None:
        print(f"MODEL_PATH={settings.model_path} is set: it is used as it is, not adapted")
        return 0
    try:
        _, report = adapt.ensure(settings, force=args.force, progress=not args.quiet)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(_adapt_line(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
