"""Errors of the evaluation harness, meant to be shown to a person: what happened, what to do."""

from __future__ import annotations

from ingest.errors import BotError


class EvalError(BotError):
    """Base class for the harness; the CLI prints the message and exits with status 2."""


class GoldFileError(EvalError, ValueError):
    """A question file does not follow the schema (the message names the line)."""


class ThresholdsError(EvalError, ValueError):
    """The thresholds file is malformed or names a metric that does not exist."""
