"""The bot: answers with verbatim, cited quotes from the articles, a fixed disclaimer, and
red-flag escalation first.

Public API (used by the chat, the evals, the benchmark and outside tools):
    bot.load(index_dir=None) -> Bot
    Bot.answer(question, history=()) -> Reply
Modules: `safety` (red flags, disclaimer), `retrieve` (hybrid search, follow-ups),
`compose` (quote choice and layout), `core` (the Bot), `app/` (the chat and staff pages),
`feedback` (flags), `schema` (the question-file item the evals and the drafts share).
"""

from __future__ import annotations

from bot.types import Quote, Reply

__all__ = ["Bot", "Quote", "Reply", "load"]


def __getattr__(name: str):
    # Lazy: `import bot` stays light (the types), the model stack loads on first use.
    if name in ("Bot", "load"):
        from bot import core

        return getattr(core, name)
    raise AttributeError(name)
