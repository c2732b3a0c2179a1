"""The two web pages: the patients' chat and the support staff's page, each a thin Gradio
layer over pure HTML-building functions.

    render.py  pure HTML from Reply fields and flags (escaped; tested without a server)
    assets.py  theme, CSS, the browser-side script (comfort settings, Read aloud)
    loader.py  the bot loaded in the background; `answer` with the input limits, fail closed
    edge.py    ASGI middleware: closed REST routes, body-size limit, security headers
    chat.py    the patients' page (and the chat area the staff page reuses)
    staff.py   the staff page: flag, list of flags, mark reviewed, export drafts
    server.py  serve a page on loopback with the edge in front
    __main__   `python -m bot.app [--staff]`

Not here: answering (bot.core), the flags file (bot.feedback).
"""

from __future__ import annotations

from bot.app.chat import API_NAMES, build_chat
from bot.app.loader import BotLoader, answer, unavailable_reply
from bot.app.server import serve
from bot.app.staff import build_staff

__all__ = ["API_NAMES", "BotLoader", "answer", "build_chat", "build_staff", "serve",
           "unavailable_reply"]
