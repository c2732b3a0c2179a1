"""`python -m ingest`: build the index if the corpus, model or settings changed.

Subcommands: `add PATH --title …` puts one article into corpus/, `rehash FILE` accepts a
hand edit of an article's body, `adapt [--force]` (re)trains the domain-adapted model
explicitly and reports it. With none, the index is built: first the adapted model for the
current training data is made sure of (`ingest.adapt`; trained once, then found by its key;
skipped when MODEL_PATH names a model), then the index is embedded with it; the summary line
says how many texts were embedded and how many reused from the vector cache (the README quotes
it). Adding an article never re-adapts: the adapted model's key is its training data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ingest import adapt
from ingest.errors import BotError
from ingest.settings import Settings


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus-dir", type=Path, help="folder of corpus/*.md articles")
    parser.add_argument("--index-dir", type=Path, help="where to write the index (INDEX_DIR)")
    parser.add_argument("--model-path", type=Path, help="a local sentence-transformers model")


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(corpus_dir=args.corpus_dir, index_dir=args.index_dir,
                             model_path=args.model_path)


def run_build(args: argparse.Namespace) -> int:
    from ingest.corpus import load_corpus
    from ingest.index import build

    settings = _settings(args)
    load_corpus(settings.corpus_dir)  # a broken article stops here, before anything is written
    settings, adapted = adapt.ensure(settings, progress=not args.quiet)
    if adapted.trained or adapted.stale:
        print(_adapt_line(adapted))
    report = build(settings, progress=not args.quiet, force=args.force)
    print(report.summary())
    return 0


def run_adapt(args: argparse.Namespace) -> int:
    """(Re)train the adapted model; with --force even when one exists for the current key."""
    settings = _settings(args)
    if settings.model_path is not None:
        print(f"MODEL_PATH={settings.model_path} is set: it is used as it is, not adapted")
        return 0
    _, report = adapt.ensure(settings, force=args.force, explicit=True,
                             progress=not args.quiet)
    print(_adapt_line(report))
    return 0


def _adapt_line(report: adapt.AdaptReport) -> str:
    if report.stale:
        return (f"adapted model kept: {report.model_dir} was trained on older data (the "
                "training set or the articles' FAQ headings changed); run `python -m ingest "
                "adapt` to adapt again, which re-embeds the whole corpus")
    state = "trained" if report.trained else "up to date, nothing to do"
    return (f"adapted model {state} in {report.seconds:.1f} s: {report.pairs} pairs, key "
            f"{report.key[:16]} -> {report.model_dir}")


def run_add(args: argparse.Namespace) -> int:
    from ingest.add import add, preview

    settings = _settings(args)
    added = add(args.path, args.title, settings.corpus_dir, doc_id=args.id,
                publisher=args.publisher, published=args.published, url=args.url)
    print(preview(added))
    return 0


def run_rehash(args: argparse.Namespace) -> int:
    from ingest.corpus import read_article, rehash

    digest = rehash(args.file)
    read_article(args.file)  # reads back clean
    print(f"{args.file}: body_sha256 is now {digest}; run `make ingest` to index the edit")
    return 0


def parser() -> argparse.ArgumentParser:
    """Build is the default; each subcommand is one `add_parser` and one `run_…` function."""
    top = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    _common(top)
    top.add_argument("--force", action="store_true",
                     help="rebuild from nothing: embed every text again, reading no cached vector")
    top.add_argument("--quiet", action="store_true", help="no progress bar")
    top.set_defaults(run=run_build)
    sub = top.add_subparsers(title="subcommands")

    add = sub.add_parser("add", help="add a .txt, .md or .html article to corpus/",
                         description="Write corpus/<id>.md from a file; nothing is written "
                                     "if it is refused.")
    add.add_argument("path", type=Path, help="the article: .txt, .md or .html")
    add.add_argument("--title", required=True, help="the article's title")
    add.add_argument("--id", help="corpus id (default: a slug of the title)")
    add.add_argument("--publisher", help="who published it, e.g. 'MS Society'")
    add.add_argument("--published", help="publication date, YYYY-MM-DD")
    add.add_argument("--url", help="where it was published, http(s)://…")
    _common(add)
    add.set_defaults(run=run_add)

    re_hash = sub.add_parser("rehash", help="accept a hand edit of an article's body",
                             description="Record the body's current SHA-256 in its front "
                                         "matter, after you have checked the edit.")
    re_hash.add_argument("file", type=Path, help="a corpus/*.md file")
    re_hash.set_defaults(run=run_rehash)

    adapt_cmd = sub.add_parser("adapt", help="(re)train the domain-adapted model",
                               description="Fine-tune the packaged model on the training "
                                           "pairs; a no-op when it exists for the current key.")
    adapt_cmd.add_argument("--force", action="store_true", help="train again even if current")
    adapt_cmd.add_argument("--quiet", action="store_true", help="no progress bar")
    _common(adapt_cmd)
    adapt_cmd.set_defaults(run=run_adapt)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
