"""The support staff's page (Gradio), served apart from the patients' chat by
`python -m bot.app --staff` (Settings.staff_port, 7861, loopback only).

The same chat as patients get, plus: "Flag the latest answer" with a reason; the list of
flagged answers (question, earlier messages, reply, quotes in their paragraphs with ids and
offsets, reason, time, reviewed or not); "Mark reviewed"; "Export drafts", which writes what
`python -m bot.feedback drafts` prints to a new file beside the flags file, readable by its
owner only. A flags file that is missing, empty or has bad lines still opens the page, which
names the bad lines. No handler here is part of any API: bot.app.edge closes all REST routes.
Not here: the flags file format (bot.feedback), HTML (bot.app.render).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import gradio as gr

from bot.app import render
from bot.app.chat import ChatArea, chat_area, header_html, page_html
from bot.app.loader import BotLoader
from bot.app.render import Shown, esc
from bot.feedback import (
    drafts_text,
    flag_key,
    make_flag,
    mark_reviewed,
    record,
    reviewed,
    scan_flags,
    write_private,
)
from ingest.settings import Settings

TITLE = "Support staff: the chat and its flagged answers"
INTRO = ("The chat as patients see it, with a flag control, and the list of flagged answers. "
         "Flags hold patients' questions: treat them as health data.")


def flags_view(settings: Settings, loader: BotLoader) -> str:
    """The flagged-answers list as it is on disk now (never raises)."""
    flags, problems = scan_flags(settings.flags_path)
    entries = [(flag_key(n, f), n, f) for n, f in flags]
    return page_html(render.flags_html(entries, problems, loader.docs,
                                       reviewed(settings.flags_path)))


def status(text: str) -> str:
    return page_html(f'<p role="status">{esc(text)}</p>')


def flag_latest(settings: Settings, shown: list[Shown] | None, past: list[str] | None,
                reason: str) -> str:
    """Write a flag for the latest answer; returns the status line."""
    if not shown:
        return "There is no answer to flag yet: ask a question first."
    latest = shown[-1]
    history = list(past or [])[:-1]  # `past` already ends with the latest question
    question = (past or [latest.question])[-1]
    flag = make_flag(question, history, latest.reply, render.scrub(reason))
    try:
        record(settings.flags_path, flag)
    except OSError as exc:
        return f"Could not save the flag ({exc.strerror}); please tell the maintainer."
    return f"Flagged for review at {flag.ts}."


def export_drafts(settings: Settings, loader: BotLoader, now: datetime | None = None) -> str:
    """Write the drafts file beside the flags file; returns the status line."""
    flags, problems = scan_flags(settings.flags_path)
    if not flags:
        return "No flags to export."
    bodies = {doc_id: doc.body for doc_id, doc in loader.docs.items()}
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    out = Path(settings.flags_path).with_name(f"drafts-{stamp}.jsonl")
    try:
        write_private(out, drafts_text([f for _, f in flags], bodies))
    except FileExistsError:
        return f"{out} exists already: try again in a second."
    except OSError as exc:
        return f"Could not write {out} ({exc.strerror})."
    skipped = f"; {len(problems)} unreadable line(s) skipped" if problems else ""
    return f"Wrote {len(flags)} draft(s) to {out}{skipped}."


def review(settings: Settings, key: str) -> str:
    key = (key or "").strip()
    flags, _ = scan_flags(settings.flags_path)
    if key not in {flag_key(n, f) for n, f in flags}:
        return f"No flag is named {key!r}: copy the name shown under a flag's heading."
    return f"Marked {key} reviewed at {mark_reviewed(settings.flags_path, key)}."


def build_staff(loader: BotLoader, settings: Settings) -> gr.Blocks:
    """The staff page."""
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.HTML(header_html(TITLE, INTRO), elem_id="header")
        area: ChatArea = chat_area(loader, settings)
        gr.HTML(page_html('<h2 id="flag-h">Flag the latest answer</h2>'), elem_id="flag-head")
        reason = gr.Textbox(label="What is wrong with the latest answer?", elem_id="flag-reason",
                            lines=2, max_lines=6, max_length=2_000)
        flag = gr.Button("Flag the latest answer", elem_id="flag-button",
                         elem_classes="ms-button")
        flag_status = gr.HTML("", elem_id="flag-status")
        gr.HTML(page_html('<h2 id="flags-h">Flagged answers</h2>'), elem_id="flags-head")
        with gr.Row(elem_id="flag-actions"):
            refresh = gr.Button("Refresh the list", elem_id="refresh", elem_classes="ms-button")
            export = gr.Button("Export drafts for the eval set", elem_id="export",
                               elem_classes="ms-button")
        with gr.Row(elem_id="review-row"):
            key = gr.Textbox(label="Name of the flag to mark reviewed", elem_id="review-key",
                             max_length=200, placeholder="e.g. 3@2025-01-31T09:15:02.123Z")
            mark = gr.Button("Mark reviewed", elem_id="review-button", elem_classes="ms-button")
        action_status = gr.HTML("", elem_id="action-status")
        listing = gr.HTML(flags_view(settings, loader), elem_id="flags")

        private = {"api_visibility": "private"}

        def on_flag(shown, past, why):
            return status(flag_latest(settings, shown, past, why)), "", flags_view(settings,
                                                                                  loader)

        def show_flags():
            return flags_view(settings, loader)

        def on_export():
            return status(export_drafts(settings, loader))

        def on_review(name):
            return status(review(settings, name)), flags_view(settings, loader)

        flag.click(on_flag, [area.turns, area.past, reason], [flag_status, reason, listing],
                   **private)
        refresh.click(show_flags, None, listing, **private)
        export.click(on_export, None, action_status, **private)
        mark.click(on_review, [key], [action_status, listing], **private)
        demo.load(show_flags, None, listing, **private)
    return demo
