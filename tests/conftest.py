"""Shared fixtures: the real corpus, the real packaged model, a real index built once per
session under a temporary directory (never inside the repo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.corpus import load_corpus
from ingest.settings import ROOT, Settings
from ingest.types import Document


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The session embeds with the adapted model, as the bot does (see `adapted`)."""
    base = tmp_path_factory.mktemp("run")
    settings = adapted(Settings(corpus_dir=ROOT / "corpus", index_dir=base / "index",
                                flags_path=base / "feedback" / "flags.jsonl"))
    red_flag_classifier(settings)
    return settings


def adapted(plain: Settings) -> Settings:
    """`plain` with the adapted model for the current key: copied from the developer's
    `index/` (read, never written) or the model cache when `make ingest` trained it, else
    trained once here — a few minutes on two cores; what a fresh clone's `make test` does."""
    from ingest import adapt

    target = adapt.location(plain)
    local = ROOT / "index" / adapt.ADAPTED / target.name
    if adapt.is_adapted(local) and not adapt.is_adapted(target):
        shutil.copytree(local, target)
    settings, _ = adapt.ensure(plain, progress=False)
    return settings


def red_flag_classifier(settings: Settings) -> None:
    """The red-flag classifier in the session's index, trained before any test needs it (so no
    subprocess of a test, with its own timeout, trains it): copied from the developer's
    `index/` or the model cache when there, else trained once here (about 5 minutes)."""
    from bot.safety import classifier

    local = ROOT / "index" / classifier.FOLDER
    for found in (local.iterdir() if local.is_dir() else ()):
        if classifier.is_trained(found):
            target = settings.index_dir / classifier.FOLDER / found.name
            if not classifier.is_trained(target):
                shutil.copytree(found, target)
    classifier.ensure_model(settings, quiet=True)


@pytest.fixture(scope="session")
def docs() -> list[Document]:
    return load_corpus(ROOT / "corpus")


@pytest.fixture(scope="session")
def embedder(settings: Settings):
    from ingest.embed import load_embedder

    return load_embedder(settings)


@pytest.fixture(scope="session")
def index(settings: Settings, embedder, docs):
    from ingest.index import Index, build, expected_manifest

    build(settings, embedder=embedder, progress=False)
    return Index.load(settings.index_dir, expected_manifest(settings, docs), docs)


@pytest.fixture(scope="session")
def bot(settings: Settings, index, embedder):
    import bot as bot_package

    return bot_package.load(settings=settings, embedder=embedder)


@pytest.fixture
def corpus_source() -> Path | None:
    """The original source files, present for developers and CI only (a user's clone has none)."""
    path = ROOT.parent / "shared" / "corpus-source"
    return path if path.is_dir() else None
