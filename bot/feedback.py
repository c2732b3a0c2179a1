"""Flags: support staff mark a bad answer; each flag becomes a draft eval case.

A flag is one JSON line in `feedback/flags.jsonl` (Settings.flags_path):

    {"ts": "2025-01-31T09:15:02.123Z", "question": "...", "history": ["..."],
     "reply": "<the Markdown reply as shown>", "escalation": null,
     "quotes": [{"doc_id": "ms-sciatica", "start": 0, "end": 151}], "reason": "..."}

`escalation` is the reply's own level, kept so that the draft can say whether the case must
escalate. Nothing else about a conversation is stored, by this module or by the app.

Lines are appended with one `os.write` under an exclusive `flock`, so flags written at the same
moment by several threads or processes never interleave. `python -m bot.feedback drafts` turns
the flags into draft gold items (the evals/schema.py format) for a maintainer to complete: each
draft has `expect: "any"` (the only value valid whatever the evidence), the flagged reply's
quotes as a first guess at `evidence`, and a `#` comment line above it with the reason and
what is left to decide. Not here: the chat page (bot.app) and running the evals (evals/).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.types import Reply
from ingest.errors import BotError

MAX_REASON_CHARS = 2_000


class FlagFileError(BotError):
    """The flags file cannot be read or a line in it is malformed (the message names it)."""


@dataclass(frozen=True)
class QuoteRef:
    """Where a quote came from: `body[start:end]` of article `doc_id`."""

    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Flag:
    """One flagged answer, exactly as written to the flags file."""

    ts: str  # UTC, ISO 8601 with milliseconds and "Z"
    question: str
    history: tuple[str, ...]
    reply: str
    escalation: str | None
    quotes: tuple[QuoteRef, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ts": self.ts,
            "question": self.question,
            "history": list(self.history),
            "reply": self.reply,
            "escalation": self.escalation,
            "quotes": [{"doc_id": q.doc_id, "start": q.start, "end": q.end} for q in self.quotes],
            "reason": self.reason,
        }

    def to_line(self) -> str:
        """One JSON line; JSON escapes newlines inside strings, so the line has exactly one."""
        return json.dumps(self.to_dict(), ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> Flag:
        """Raises ValueError saying what is wrong."""
        if not isinstance(data, dict):
            raise ValueError(f"expected a JSON object, got {type(data).__name__}")
        try:
            quotes = tuple(QuoteRef(str(q["doc_id"]), int(q["start"]), int(q["end"]))
                           for q in data["quotes"])
            return cls(ts=str(data["ts"]), question=str(data["question"]),
                       history=tuple(str(h) for h in data["history"]),
                       reply=str(data["reply"]), escalation=data.get("escalation"),
                       quotes=quotes, reason=str(data["reason"]))
        except KeyError as exc:
            raise ValueError(f"missing key {exc.args[0]!r}") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"malformed flag ({exc})") from None


def utc_timestamp(now: datetime | None = None) -> str:
    """>>> utc_timestamp(datetime(2025, 1, 31, 9, 15, 2, 123456, tzinfo=UTC))
    '2025-01-31T09:15:02.123Z'
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def make_flag(question: str, history: Sequence[str], reply: Reply, reason: str,
              now: datetime | None = None) -> Flag:
    """The record for one flagged reply: what was asked, what was shown, why it is wrong."""
    return Flag(
        ts=utc_timestamp(now),
        question=question,
        history=tuple(history),
        reply=reply.text,
        escalation=reply.escalation,
        quotes=tuple(QuoteRef(q.doc_id, q.start, q.end) for q in reply.quotes),
        reason=(reason or "").strip()[:MAX_REASON_CHARS],
    )


def append_line(path: Path, line: str) -> None:
    """Append `line` to `path` so that concurrent writers never interleave.

    O_APPEND puts every write at the end of the file; the exclusive lock keeps a writer whose
    `os.write` came back short (it may, in principle) alone until its line is complete. The
    file is created readable by its owner only: it holds patients' questions.
    """
    if not line.endswith("\n") or "\n" in line[:-1]:
        raise ValueError("expected exactly one line ending in a newline")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = line.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def record(path: Path, flag: Flag) -> None:
    """Write one flag to the flags file."""
    append_line(path, flag.to_line())


def read_flags(path: Path) -> list[Flag]:
    """All flags in the file, oldest first; a malformed line raises naming it."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlagFileError(f"no flags file at {path} — nothing has been flagged yet "
                            "(or set FLAGS_PATH / --flags)") from None
    except OSError as exc:
        raise FlagFileError(f"cannot read flags file {path}: {exc.strerror}") from None
    flags = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            flags.append(Flag.from_dict(json.loads(line)))
        except (json.JSONDecodeError, ValueError) as exc:
            raise FlagFileError(f"{path}:{lineno}: {exc}") from None
    return flags


# -- flags -> draft gold items -------------------------------------------------------------------

def draft_id(ts: str) -> str:
    """>>> draft_id("2025-01-31T09:15:02.123Z")
    'flag-20250131T091502123Z'
    """
    return "flag-" + re.sub(r"[^0-9TZ]", "", ts)


def evidence_guess(flag: Flag, bodies: Mapping[str, str]) -> list[str]:
    """The flagged reply's quotes, cut from the current bodies (a starting point only: the
    answer was flagged, so they may be the wrong passages). Offsets that no longer fit are
    skipped."""
    spans: list[str] = []
    for q in flag.quotes:
        body = bodies.get(q.doc_id)
        if body is None or not 0 <= q.start < q.end <= len(body):
            continue
        text = body[q.start : q.end].strip()
        if text and text not in spans:
            spans.append(text)
    return spans


def draft_item(flag: Flag, bodies: Mapping[str, str], item_id: str) -> dict[str, Any]:
    """A gold-schema item prefilled from a flag; `expect` is left as "any" for a maintainer."""
    return {
        "id": item_id,
        "question": flag.question.strip(),
        "history": [h for h in flag.history if h.strip()],
        "expect": "any",
        "evidence": evidence_guess(flag, bodies),
        "escalate": flag.escalation,
    }


def draft_lines(flags: Iterable[Flag], bodies: Mapping[str, str]) -> list[str]:
    """Lines of a draft question file: per flag, a `#` note (the schema skips comment lines)
    and the item. Flags with an empty question cannot become items and are noted only."""
    from evals.schema import parse_item

    lines = [
        "# Draft eval cases from flagged answers (python -m bot.feedback drafts).",
        '# For each: set "expect" ("answer" with evidence spans that answer the question, or',
        '# "refuse" with no evidence), keep only evidence that truly answers, check "escalate",',
        "# then move the line into evals/gold.jsonl.",
    ]
    used: set[str] = set()
    for flag in flags:
        reason = json.dumps(flag.reason, ensure_ascii=False)
        if not flag.question.strip():
            lines.append(f"# skipped flag {flag.ts}: empty question (reason: {reason})")
            continue
        item_id, n = draft_id(flag.ts), 2
        while item_id in used:
            item_id, n = f"{draft_id(flag.ts)}-{n}", n + 1
        used.add(item_id)
        item = draft_item(flag, bodies, item_id)
        parse_item(item)  # a draft must load as it is
        lines.append(f"# DRAFT {item_id}: flagged {flag.ts}, reason: {reason}")
        lines.append(json.dumps(item, ensure_ascii=False))
    return lines


def main(argv: list[str] | None = None) -> int:
    from ingest.corpus import load_corpus
    from ingest.settings import Settings

    parser = argparse.ArgumentParser(prog="python -m bot.feedback", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    drafts = sub.add_parser("drafts", help="turn flags into draft gold items")
    drafts.add_argument("--flags", type=Path, help="flags file (FLAGS_PATH; default "
                        "feedback/flags.jsonl)")
    drafts.add_argument("--out", type=Path, help="write the drafts here (default: print them)")
    args = parser.parse_args(argv)

    settings = Settings.from_env(flags_path=args.flags)
    try:
        flags = read_flags(settings.flags_path)
        bodies = {d.doc_id: d.body for d in load_corpus(settings.corpus_dir)}
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    text = "\n".join(draft_lines(flags, bodies)) + "\n"
    if args.out is None:
        sys.stdout.write(text)
    else:
        if args.out.exists():  # never clobber a question file a maintainer is editing
            print(f"error: {args.out} exists — choose a new --out path", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {len(flags)} draft(s) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
