"""Errors meant to be shown to a person: each says what happened and what to do."""

from __future__ import annotations


class BotError(Exception):
    """Base class: the message is written for the user, not for a traceback."""


class CorpusError(BotError):
    """A corpus file is malformed or missing."""


class ModelNotFound(BotError):
    """The embedding model cannot be located."""


class IndexMissing(BotError):
    """No index has been built yet."""


class IndexMismatch(BotError):
    """The index on disk was built from a different corpus, model or settings."""


class IndexCorrupt(BotError):
    """An index file is truncated or altered (its checksum does not match the manifest)."""


class AddRefused(BotError):
    """`python -m ingest add` will not add this file; nothing in corpus/ changed."""
