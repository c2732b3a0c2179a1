"""The bot behind a page: loaded once in a background thread so the page is served first,
and one guarded call, `answer`, that every page and API handler uses.

`answer` applies the input limits at the edge (a message over `Settings.max_message_chars` gets
`Bot.answer_too_long`, histories are capped) and never raises: if the bot failed to load or
anything goes wrong, the reply is the fail-closed warning with the disclaimer.
Not here: the pages (bot.app.chat, bot.app.staff), HTML (bot.app.render).
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.app.render import scrub
from bot.safety import DISCLAIMER, ESCALATION_TEXT, FAIL_CLOSED_TEXT, match_phrases
from bot.types import Reply
from ingest.errors import BotError
from ingest.settings import Settings
from ingest.types import Document

if TYPE_CHECKING:
    from bot.core import Bot

LOAD_TIMEOUT_S = 600.0  # how long a question waits for the bot to load
HISTORY_KEPT = 12  # earlier messages kept per session (the bot itself reads fewer)
LOADING_TEXT = (
    "One moment: the articles are still loading. Your question will be answered as soon as "
    "they are ready."
)
UNAVAILABLE_TEXT = "The chatbot could not start, so it cannot answer questions right now: {error}"


def unavailable_reply(error: str) -> Reply:
    """The reply when the bot could not load or failed: fail closed (the red-flag check could
    not run), say what went wrong, keep the disclaimer."""
    message = UNAVAILABLE_TEXT.format(error=scrub(error))
    text = "\n\n".join([FAIL_CLOSED_TEXT, message, f"---\n\n*{DISCLAIMER}*"])
    return Reply(text=text, quotes=[], escalation="emergency", refused=True,
                 disclaimer=DISCLAIMER, escalation_texts=[FAIL_CLOSED_TEXT], message=message)


def loading_reply(message: str) -> Reply:
    """Shown while the bot loads: what the phrase rules alone escalate to (they need no model;
    the full check runs when the bot answers), then a note, then the disclaimer."""
    levels = list(dict.fromkeys(flag.level for flag in match_phrases(message)))
    texts = [ESCALATION_TEXT[level] for level in levels]
    text = "\n\n".join([*texts, LOADING_TEXT, f"---\n\n*{DISCLAIMER}*"])
    return Reply(text=text, quotes=[], escalation=levels[0] if levels else None, refused=True,
                 disclaimer=DISCLAIMER, escalation_texts=texts, message=LOADING_TEXT)


class BotUnavailable(BotError):
    """The bot failed to load (the message says why) or is still loading after the wait."""


class BotLoader:
    """Loads the bot once, in a background thread, so that the page is served first.

    Handlers call `wait()`: it blocks until loading has finished, then returns the bot or
    raises BotUnavailable with the loading error.
    """

    def __init__(self, load: Callable[[], Bot]) -> None:
        self._load = load
        self._done = threading.Event()
        self._bot: Bot | None = None
        self._error: str | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def loaded(cls, bot: Bot) -> BotLoader:
        """A loader that is already done (tests, or an app around an existing bot)."""
        loader = cls(lambda: bot)
        loader._bot = bot
        loader._done.set()
        return loader

    def start(self) -> BotLoader:
        if self._thread is None and not self._done.is_set():
            self._thread = threading.Thread(target=self._run, name="bot-loader", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        t = time.perf_counter()
        print("loading the bot (index and model)…", file=sys.stderr)
        try:
            self._bot = self._load()
        except BotError as exc:
            self._error = str(exc)
        except Exception as exc:
            traceback.print_exc()
            self._error = f"{type(exc).__name__}: {exc}"
        finally:
            self._done.set()
        if self._error:
            print(f"error: the bot could not load: {self._error}", file=sys.stderr)
        else:
            print(f"bot ready in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    @property
    def ready(self) -> bool:
        return self._done.is_set()

    @property
    def docs(self) -> Mapping[str, Document]:
        return self._bot.index.docs if self._bot is not None else {}

    def wait(self, timeout: float | None = LOAD_TIMEOUT_S) -> Bot:
        if not self._done.wait(timeout):
            raise BotUnavailable(f"still loading after {timeout:.0f} s — try again shortly")
        if self._bot is None:
            raise BotUnavailable(self._error or "unknown error")
        return self._bot


def answer(loader: BotLoader, message: object, history: object, settings: Settings,
           timeout: float | None = LOAD_TIMEOUT_S) -> Reply:
    """The reply to one message as it arrives at the edge: limits applied (`edge_input`), the
    fixed "too long" reply for an over-long message (still checked for red flags), the
    fail-closed reply if the bot cannot load or anything fails. Never raises."""
    message, past = edge_input(message, history, settings.max_message_chars)
    try:
        bot = loader.wait(timeout)
    except BotUnavailable as exc:
        return unavailable_reply(str(exc))
    try:
        if len(message) > settings.max_message_chars:
            return bot.answer_too_long(message)
        return bot.answer(message, past)
    except Exception as exc:  # fail closed: the patient still gets the warning and disclaimer
        traceback.print_exc()
        return unavailable_reply(f"{type(exc).__name__}")


def edge_input(message: object, history: object, max_chars: int) -> tuple[str, list[str]]:
    """A message and history as the bot may read them: strings, lone surrogates replaced,
    the history its last HISTORY_KEPT strings, each cut to `max_chars` (the message is kept
    whole: the "too long" reply checks all of it for red flags).

    >>> edge_input("hi\ud800", ["a" * 5, 7, None], 3)
    ('hi�', ['aaa', '7'])
    """
    past = history if isinstance(history, list | tuple) else []
    kept = [scrub(h)[:max_chars] for h in past if h is not None][-HISTORY_KEPT:]
    return scrub(message), kept


