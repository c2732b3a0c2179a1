"""Flags: support staff mark a bad answer; each flag becomes a draft eval case.

A flag is one JSON line in `feedback/flags.jsonl` (Settings.flags_path):

    {"ts": "2025-01-31T09:15:02.123Z", "question": "...", "history": ["..."],
     "reply": "<the Markdown reply as shown>", "escalation": null,
     "quotes": [{"doc_id": "ms-sciatica", "start": 0, "end": 151}], "reason": "..."}

`escalation` is the reply's own level, kept so that the draft can say whether the case must
escalate. Nothing else about a conversation is stored, by this module or by the app.

Lines are appended with one `os.write` under an exclusive `flock`, so flags written at the same
moment by several threads or processes never interleave. Lines are pure ASCII (JSON `\\u`
escapes), so a U+2028, U+0085 or lone surrogate in a question can neither split a line nor fail
to encode; each field is capped (MAX_FLAG_CHARS, MAX_FLAG_HISTORY), so a line stays small.
Staff mark a flag reviewed with one more line in a reviews file beside it (`reviews_path`);
the flags file itself is only ever appended to. `python -m bot.feedback drafts` turns
the flags into draft gold items (the bot/schema.py format) for a maintainer to complete: each
draft has `expect: "any"` (the only value valid whatever the evidence), the flagged reply's
quotes as a first guess at `evidence`, and a `#` comment line above it with the reason and
what is left to decide; the drafts file is created readable by its owner only.
Not here: the pages (bot.app) and running the evals (evals/).
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

from bot.schema import parse_item
from bot.types import Reply
from ingest.errors import BotError

MAX_REASON_CHARS = 2_000
MAX_FLAG_CHARS = 10_000  # question, each earlier message (the chat's own message limit)
MAX_REPLY_CHARS = 20_000  # a reply is at most a few quotes and fixed texts; this never cuts one
MAX_FLAG_HISTORY = 12  # earlier messages kept in a flag (the page keeps as many)


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
        """One ASCII JSON line: JSON escapes newlines, and `\\u` escapes every other separator
        (U+2028, U+0085…) and any lone surrogate, so the line has exactly one "\\n"."""
        return json.dumps(self.to_dict(), ensure_ascii=True) + "\n"

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
        question=question[:MAX_FLAG_CHARS],
        history=tuple(h[:MAX_FLAG_CHARS] for h in history)[-MAX_FLAG_HISTORY:],
        reply=reply.text[:MAX_REPLY_CHARS],
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
    if not path.exists():
        raise FlagFileError(f"no flags file at {path} — nothing has been flagged yet "
                            "(or set FLAGS_PATH / --flags)")
    flags, problems = scan_flags(path)
    if problems:
        raise FlagFileError(problems[0])
    return [flag for _, flag in flags]


def scan_flags(path: Path) -> tuple[list[tuple[int, Flag]], list[str]]:
    """(line number, flag) for every good line, and one message per bad line naming it; never
    raises, so the staff page opens whatever the file holds. A missing file has no flags.

    Lines split on "\\n" only: older files hold raw Unicode, and `str.splitlines` would also
    split inside a question at U+2028 or U+0085.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"cannot read flags file {path}: {exc.strerror}"]
    flags: list[tuple[int, Flag]] = []
    problems: list[str] = []
    for lineno, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            flags.append((lineno, Flag.from_dict(json.loads(raw.decode("utf-8")))))
        except UnicodeDecodeError:
            problems.append(f"{path}:{lineno}: not UTF-8 text")
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{lineno}: not valid JSON ({exc.msg})")
        except ValueError as exc:
            problems.append(f"{path}:{lineno}: {exc}")
    return flags, problems


# -- reviews: "this flag has been looked at", appended beside the flags file ----------------------

def reviews_path(flags_path: Path) -> Path:
    """>>> reviews_path(Path("feedback/flags.jsonl")).name
    'flags.reviewed.jsonl'
    """
    flags_path = Path(flags_path)
    return flags_path.with_name(flags_path.stem + ".reviewed.jsonl")


def flag_key(lineno: int, flag: Flag) -> str:
    """A flag's name on the staff page: its line (the file is append-only) and its time.

    >>> flag_key(3, Flag("2025-01-31T09:15:02.123Z", "q", (), "r", None, (), ""))
    '3@2025-01-31T09:15:02.123Z'
    """
    return f"{lineno}@{flag.ts}"


def mark_reviewed(flags_path: Path, key: str, now: datetime | None = None) -> str:
    """Record that the flag named `key` (see flag_key) was reviewed; returns the time."""
    ts = utc_timestamp(now)
    append_line(reviews_path(flags_path),
                json.dumps({"flag": key[:200], "reviewed": ts}, ensure_ascii=True) + "\n")
    return ts


def reviewed(flags_path: Path) -> dict[str, str]:
    """flag key -> when it was (last) marked reviewed; unreadable lines are skipped."""
    try:
        data = reviews_path(flags_path).read_bytes()
    except OSError:
        return {}
    done: dict[str, str] = {}
    for raw in data.split(b"\n"):
        try:
            entry = json.loads(raw)
            done[str(entry["flag"])] = str(entry["reviewed"])
        except (ValueError, KeyError, TypeError):
            continue
    return done


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
    lines = [
        "# Draft eval cases from flagged answers (python -m bot.feedback drafts).",
        '# For each: set "expect" ("answer" with evidence spans that answer the question, or',
        '# "refuse" with no evidence), keep only evidence that truly answers, check "escalate",',
        "# then move the line into evals/gold.jsonl.",
    ]
    used: set[str] = set()
    for flag in flags:
        reason = json.dumps(flag.reason, ensure_ascii=True)
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
        lines.append(json.dumps(item, ensure_ascii=True))  # ASCII: see Flag.to_line
    return lines


def drafts_text(flags: Iterable[Flag], bodies: Mapping[str, str]) -> str:
    return "\n".join(draft_lines(flags, bodies)) + "\n"


def write_private(path: Path, text: str) -> None:
    """Create `path` readable by its owner only (it holds patients' questions) and write
    `text`; refuses to replace an existing file (FileExistsError)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


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
    text = drafts_text(flags, bodies)
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            write_private(args.out, text)
        except FileExistsError:  # never clobber a question file a maintainer is editing
            print(f"error: {args.out} exists — choose a new --out path", file=sys.stderr)
            return 1
        print(f"wrote {len(flags)} draft(s) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
