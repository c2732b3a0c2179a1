"""The edge of each server: an ASGI middleware in front of Gradio's FastAPI app.

It does three things before Gradio sees a request:
- **closes the REST routes to a page's internal handlers**: `/gradio_api/run/<name>`,
  `/gradio_api/api/<name>` and `/gradio_api/call[/v2]/<name>` answer 404 unless `<name>` is
  a documented API endpoint (`/ask`, `/ask_json` on the chat; none on the staff page), and the
  upload route, which no page needs, is closed too;
- **limits request bodies** to `MAX_BODY_BYTES` (413 at once when Content-Length says more;
  a body without one is counted while it arrives and refused when it passes the limit), so a
  5 MB message never reaches the JSON parser or the queue;
- **adds security headers** to every response (`SECURITY_HEADERS`).

The page's own queue protocol (`/gradio_api/queue/join`, `/queue/data`) stays open: the page
needs it. Its handlers accept any input and always reply (bot.app.loader.answer).
Not here: the message-length limit (Settings.max_message_chars, applied in bot.app.loader).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Collection, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# 128 KiB: the chat box accepts at most MAX_TYPED_CHARS characters (at most 3 bytes each in
# UTF-8 JSON, 6 for an escaped control character), and the "too long" reply checks the whole
# message for red flags, which costs about 0.25 s per 100 K characters of pure-Python regex
# work that holds the GIL (measured by tests/test_load.py): a bigger limit slows everyone.
MAX_BODY_BYTES = 128 * 1024
MAX_TYPED_CHARS = 20_000  # the message box's maxlength: a pasted 5 MB text is cut to this

# Gradio's front end runs inline scripts and builds its event hooks with `new Function`, so
# script-src needs 'unsafe-inline' 'unsafe-eval'; everything is served from the page's own
# origin, nothing may frame it, and no request goes elsewhere (no fonts, no analytics).
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
       "connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

_HANDLER_ROUTE = re.compile(r"/gradio_api/(?:run|api|call/v2|call)/([^/]+)")
_CLOSED_ROUTE = re.compile(r"/gradio_api/(?:upload|upload_progress|process_recording|"
                           r"vibe-edit|undo-vibe-edit|vibe-code)/?$")


def refused_route(path: str, api_names: Collection[str]) -> bool:
    """Is `path` a REST route this server keeps closed?

    >>> [refused_route(p, {"ask"}) for p in ("/gradio_api/run/on_flag", "/gradio_api/call/ask",
    ...     "/gradio_api/call/ask/abc123", "/gradio_api/queue/join", "/gradio_api/upload")]
    [True, False, False, False, True]
    """
    m = _HANDLER_ROUTE.search(path)
    if m is not None:
        return m[1] not in api_names
    return _CLOSED_ROUTE.search(path) is not None


class EdgeGuard:
    """ASGI middleware: closed routes, a body-size limit, security headers (module doc)."""

    def __init__(self, app: ASGIApp, api_names: Collection[str] = (),
                 max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.api_names = frozenset(api_names)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = _with_headers(send)
        if refused_route(scope.get("path", ""), self.api_names):
            await _error(send, 404, "Not Found: this handler is not part of the public API "
                         "(documented endpoints: /ask, /ask_json).")
            return
        length = _content_length(scope)
        if length is not None and length > self.max_body_bytes:
            await _error(send, 413, f"Request too large: the limit is {self.max_body_bytes} "
                         "bytes.")
            return
        if length is None and scope.get("method") in ("POST", "PUT", "PATCH"):
            body, too_big = await _read_capped(receive, self.max_body_bytes)
            if too_big:
                await _error(send, 413, f"Request too large: the limit is "
                             f"{self.max_body_bytes} bytes.")
                return
            receive = _replay(body)
        await self.app(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _read_capped(receive: Receive, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", True
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks), False


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", [])
                       if k.decode("latin-1").lower() not in SECURITY_HEADERS]
            headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped


async def _error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
