"""Serving a page: Gradio's server with bot.app.edge in front, on loopback, never shared.
Not here: what the pages show (bot.app.chat, bot.app.staff).
"""

from __future__ import annotations

from collections.abc import Collection

import gradio as gr
from starlette.middleware import Middleware

from bot.app.assets import CSS, HEAD, THEME
from bot.app.edge import MAX_BODY_BYTES, EdgeGuard


def serve(demo: gr.Blocks, host: str, port: int, api_names: Collection[str] = (),
          root_path: str | None = None) -> str:
    """Start the server without blocking; returns its local URL. Never a public share link
    (explicitly, so GRADIO_SHARE cannot turn one on), no telemetry, no run history, no
    monitoring page, no uploads; the edge middleware closes the REST routes to every handler
    but `api_names`, caps request bodies and adds security headers."""
    guard = Middleware(EdgeGuard, api_names=tuple(api_names), max_body_bytes=MAX_BODY_BYTES)
    demo.launch(
        server_name=host, server_port=port, share=False, prevent_thread_lock=True,
        quiet=True, show_error=False, footer_links=["api"] if api_names else [],
        run_history=False, enable_monitoring=False, mcp_server=False, ssr_mode=False,
        max_file_size=MAX_BODY_BYTES, app_kwargs={"middleware": [guard]}, root_path=root_path,
        theme=THEME, css=CSS, head=HEAD, pwa=False,
    )
    return demo.local_url
