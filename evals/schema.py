"""The question-file schema: one JSON object a line, validated line by line.

    {"id": str, "question": str, "history": [str], "expect": "answer" | "refuse" | "any",
     "evidence": [str], "escalate": null | "emergency" | "urgent" | "crisis"}

`history`, `evidence` and `escalate` may be left out (empty, empty, null). Unknown keys are an
error, so a misspelt key ("escalation") cannot silently disable a check. Blank lines and lines
starting with `#` are skipped, so a reviewer can annotate a file. Every error names the file,
the line and what is wrong. The item itself (`GoldItem`, `parse_item`) lives in bot.schema,
where the flags' drafts use it too (arrows point evals -> bot, never back). What this module
leaves out: whether evidence occurs in the corpus (`missing_evidence` answers that).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.schema import ESCALATE, EXPECT, KEYS, GoldItem, parse_item
from evals.errors import GoldFileError
from evals.match import normalize

__all__ = ["ESCALATE", "EXPECT", "KEYS", "GoldItem", "load_gold", "missing_evidence",
           "parse_item", "parse_lines"]


def parse_lines(lines: Iterable[str], source: str = "<lines>") -> list[GoldItem]:
    """Parse JSONL text; errors read `source:line: what is wrong`. Ids must be unique."""
    items: list[GoldItem] = []
    first_line: dict[str, int] = {}
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{source}:{lineno}: not valid JSON ({exc.msg})") from None
        try:
            item = parse_item(data)
        except ValueError as exc:
            raise GoldFileError(f"{source}:{lineno}: {exc}") from None
        if item.id in first_line:
            raise GoldFileError(
                f"{source}:{lineno}: duplicate id {item.id!r} (first on line {first_line[item.id]})"
            )
        first_line[item.id] = lineno
        items.append(item)
    if not items:
        raise GoldFileError(f"{source}: no questions in the file")
    return items


def load_gold(path: Path) -> list[GoldItem]:
    """Read and validate a question file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise GoldFileError(f"cannot read question file {path}: {exc.strerror}") from None
    return parse_lines(text.splitlines(), str(path))


def missing_evidence(items: Iterable[GoldItem], bodies: Mapping[str, str]) -> list[tuple[str, str]]:
    """(item id, span) for every evidence span found in no body, under `normalize`.

    >>> missing_evidence([GoldItem("a", "q", (), "answer", ("Pain  is\u00a0common",), None)],
    ...                  {"d": "Back pain is common."})
    []
    """
    normalized = [normalize(body) for body in bodies.values()]
    return [
        (item.id, span)
        for item in items
        for span in item.evidence
        if not any(normalize(span) in body for body in normalized)
    ]
