"""`python -m bot.app` (or `make chat`): the patients' chat on 127.0.0.1:7860.
`python -m bot.app --staff` (or `make staff`): the support staff's page on 127.0.0.1:7861.

The page is served first; the bot (index and model; the index is built first if missing)
loads in a background thread, and a question asked before it is ready waits for it, showing
a "loading" reply (with, from the phrase rules alone, any escalation at once). If loading
fails, every reply is the fail-closed warning, the error and the disclaimer. Both bind to
loopback by default; put them behind a reverse proxy with authentication to offer them to
others (README, Privacy and deployment).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from bot.app.chat import API_NAMES, build_chat
from bot.app.loader import BotLoader
from bot.app.server import serve
from bot.app.staff import build_staff
from ingest.settings import Settings

if TYPE_CHECKING:
    from bot.core import Bot


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.app", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", action="store_true",
                        help="serve the support staff's page instead of the chat")
    parser.add_argument("--host", help="interface to serve on (HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int,
                        help="port (PORT, default 7860; with --staff STAFF_PORT, default 7861)")
    parser.add_argument("--root-path", help="the path prefix a reverse proxy serves the page "
                        "under, e.g. /staff")
    args = parser.parse_args(argv)
    settings = Settings.from_env(host=args.host)
    port = args.port or (settings.staff_port if args.staff else settings.port)

    def load() -> Bot:
        import bot

        return bot.load(settings=settings)

    loader = BotLoader(load)
    if args.staff:
        demo, api_names, what = build_staff(loader, settings), (), "staff page"
    else:
        demo, api_names, what = build_chat(loader, settings), API_NAMES, "chat"
    try:
        url = serve(demo, settings.host, port, api_names, root_path=args.root_path)
    except OSError as exc:
        print(f"error: cannot serve on {settings.host}:{port} ({exc}) — is it already "
              "running? Choose another port with --port.", file=sys.stderr)
        return 1
    loader.start()  # after the page is up: the first question waits for it
    print(f"{what} running at {url} (Ctrl+C to stop)", file=sys.stderr)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
