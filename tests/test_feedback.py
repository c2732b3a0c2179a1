"""Flags: the exact record, appends that never interleave, and drafts the eval runner accepts."""

from __future__ import annotations

import json
import multiprocessing
import stat
import threading
from datetime import UTC, datetime

import pytest

from bot.feedback import (
    MAX_FLAG_CHARS,
    MAX_FLAG_HISTORY,
    Flag,
    FlagFileError,
    QuoteRef,
    append_line,
    draft_lines,
    flag_key,
    main,
    make_flag,
    mark_reviewed,
    read_flags,
    record,
    reviewed,
    reviews_path,
    scan_flags,
)
from bot.types import Quote, Reply
from evals.schema import load_gold, parse_lines

NOW = datetime(2025, 1, 31, 9, 15, 2, 123456, tzinfo=UTC)


def reply_with(quotes: list[Quote], escalation: str | None = None) -> Reply:
    return Reply(text="> quoted\n\n[1] *Title*\n\n---\n\n*disclaimer*", quotes=quotes,
                 escalation=escalation, refused=False, disclaimer="disclaimer",
                 timings_ms={"total": 12.5})


def test_flag_record_is_exactly_the_fields_the_issue_lists():
    quote = Quote("ms-sciatica", "MS and sciatica", "Intro", 10, 42, "x" * 32, 3)
    flag = make_flag("can MS cause sciatica?", ["hello"], reply_with([quote], "urgent"),
                     "  quote is about\nsomething else  ", now=NOW)
    line = flag.to_line()
    assert line == (
        '{"ts": "2025-01-31T09:15:02.123Z", "question": "can MS cause sciatica?", '
        '"history": ["hello"], "reply": "> quoted\\n\\n[1] *Title*\\n\\n---\\n\\n*disclaimer*", '
        '"escalation": "urgent", "quotes": [{"doc_id": "ms-sciatica", "start": 10, "end": 42}], '
        '"reason": "quote is about\\nsomething else"}\n'
    )
    assert line.count("\n") == 1
    assert Flag.from_dict(json.loads(line)) == flag


def test_record_creates_the_folder_and_a_private_file(tmp_path):
    path = tmp_path / "feedback" / "flags.jsonl"
    flag = make_flag("q?", [], reply_with([]), "wrong", now=NOW)
    record(path, flag)
    record(path, flag)
    assert read_flags(path) == [flag, flag]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_append_refuses_anything_but_one_line(tmp_path):
    for bad in ("no newline", "two\nlines\n", "\n\n"):
        with pytest.raises(ValueError):
            append_line(tmp_path / "f.jsonl", bad)


def _big_line(writer: int, n: int) -> str:
    # Far above PIPE_BUF and a page, so only the lock and O_APPEND keep lines whole.
    return json.dumps({"writer": writer, "n": n, "pad": f"{writer}-{n}|" * 20_000}) + "\n"


def _write_many(path: str, writer: int, count: int) -> None:
    for n in range(count):
        append_line(path, _big_line(writer, n))


def _check_whole(path, writers: int, count: int) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == writers * count
    seen = set()
    for line in lines:
        data = json.loads(line)  # a torn or interleaved line would not parse
        assert data["pad"] == f"{data['writer']}-{data['n']}|" * 20_000
        seen.add((data["writer"], data["n"]))
    assert seen == {(w, n) for w in range(writers) for n in range(count)}


def test_concurrent_threads_never_interleave(tmp_path):
    path = tmp_path / "flags.jsonl"
    threads = [threading.Thread(target=_write_many, args=(str(path), w, 25)) for w in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    _check_whole(path, 12, 25)


def test_concurrent_processes_never_interleave(tmp_path):
    path = tmp_path / "sub" / "flags.jsonl"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_write_many, args=(str(path), w, 25)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    _check_whole(path, 6, 25)


def test_read_flags_names_a_bad_line(tmp_path):
    path = tmp_path / "flags.jsonl"
    record(path, make_flag("q?", [], reply_with([]), "", now=NOW))
    with path.open("a", encoding="utf-8") as f:
        f.write('{"ts": "x"}\n')
    with pytest.raises(FlagFileError, match=r"flags\.jsonl:2: missing key"):
        read_flags(path)
    with pytest.raises(FlagFileError, match="no flags file"):
        read_flags(tmp_path / "none.jsonl")


BODIES = {"a": "Sciatica is nerve pain.\nMS affects the brain.", "b": "Spasticity is stiffness."}


def test_drafts_prefill_what_is_known_and_load_as_gold():
    quotes = [Quote("a", "A", "", 0, 23, BODIES["a"][0:23]),
              Quote("b", "B", "", 0, 24, BODIES["b"]),
              Quote("a", "A", "", 0, 999, "stale offsets")]  # corpus changed since: skipped
    flags = [
        make_flag("can MS cause sciatica?", ["", "hi"], reply_with(quotes), 'said "yes"',
                  now=NOW),
        make_flag("I wet myself", [], reply_with([], "emergency"), "", now=NOW),  # same ts
        make_flag("   ", [], reply_with([]), "empty", now=NOW),
    ]
    lines = draft_lines(flags, BODIES)
    items = parse_lines(lines, "drafts")  # the eval runner's own parser
    assert [i.to_dict() for i in items] == [
        {"id": "flag-20250131T091502123Z", "question": "can MS cause sciatica?",
         "history": ["hi"], "expect": "any",
         "evidence": ["Sciatica is nerve pain.", "Spasticity is stiffness."], "escalate": None},
        {"id": "flag-20250131T091502123Z-2", "question": "I wet myself", "history": [],
         "expect": "any", "evidence": [], "escalate": "emergency"},
    ]
    notes = [line for line in lines if line.startswith("# DRAFT")]
    assert notes[0] == ('# DRAFT flag-20250131T091502123Z: flagged 2025-01-31T09:15:02.123Z, '
                        'reason: "said \\"yes\\""')
    assert any(line.startswith("# skipped flag") for line in lines)


def test_drafts_command_writes_a_question_file(tmp_path, capsys):
    flags_path, out = tmp_path / "flags.jsonl", tmp_path / "drafts.jsonl"
    record(flags_path, make_flag("what is spasticity?", [], reply_with([]), "refused", now=NOW))
    assert main(["drafts", "--flags", str(flags_path), "--out", str(out)]) == 0
    assert [i.id for i in load_gold(out)] == ["flag-20250131T091502123Z"]
    assert main(["drafts", "--flags", str(flags_path), "--out", str(out)]) == 1  # no clobbering
    assert "exists" in capsys.readouterr().err
    assert main(["drafts", "--flags", str(tmp_path / "none.jsonl")]) == 1
    assert main(["drafts", "--flags", str(flags_path)]) == 0
    assert '"question": "what is spasticity?"' in capsys.readouterr().out


@pytest.mark.slow
def test_a_real_flag_round_trips_to_its_quotes(bot, tmp_path):
    reply = bot.answer("can MS cause sciatica?")
    assert reply.quotes
    path = tmp_path / "flags.jsonl"
    record(path, make_flag("can MS cause sciatica?", [], reply, "check this", now=NOW))
    (flag,) = read_flags(path)
    assert flag.quotes == tuple(QuoteRef(q.doc_id, q.start, q.end) for q in reply.quotes)
    bodies = {doc_id: doc.body for doc_id, doc in bot.index.docs.items()}
    (item,) = parse_lines(draft_lines([flag], bodies))
    assert list(item.evidence) == list(dict.fromkeys(q.text.strip() for q in reply.quotes))


ODD = ["line\u2028separator", "next\u0085line", "para\u2029graph", "lone \ud800 surrogate",
       "\udfff", "tab\tand\r\ncrlf", "emoji 🧠 and ü"]


def test_any_unicode_round_trips_through_the_file_and_the_drafts(tmp_path):
    flags_path, out = tmp_path / "flags.jsonl", tmp_path / "drafts.jsonl"
    for n, text in enumerate(ODD):
        record(flags_path, make_flag(f"q{n} {text}", [text], reply_with([]), text, now=NOW))
    raw = flags_path.read_bytes()
    assert raw.isascii() and raw.count(b"\n") == len(ODD)  # one line per flag, always
    assert [f.question for f in read_flags(flags_path)] == [f"q{n} {t}" for n, t in
                                                            enumerate(ODD)]
    assert main(["drafts", "--flags", str(flags_path), "--out", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds patients' questions
    items = load_gold(out)
    assert [i.question for i in items] == [f"q{n} {t}".strip() for n, t in enumerate(ODD)]
    assert [i.history for i in items] == [(t,) for t in ODD]


def test_old_files_with_raw_separators_still_read(tmp_path):
    path = tmp_path / "flags.jsonl"
    flag = make_flag("a\u2028b\u0085c", [], reply_with([]), "r", now=NOW)
    path.write_text(json.dumps(flag.to_dict(), ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_flags(path) == [flag]  # split on "\n" only


def test_flag_lines_are_capped(tmp_path):
    flag = make_flag("q" * 1_000_000, [f"h{i}" * 10_000 for i in range(50)], reply_with([]),
                     "r" * 10_000, now=NOW)
    assert len(flag.question) == MAX_FLAG_CHARS and len(flag.history) == MAX_FLAG_HISTORY
    assert all(len(h) <= MAX_FLAG_CHARS for h in flag.history) and len(flag.reason) == 2_000
    assert len(flag.to_line()) < 200_000


def test_scan_flags_names_every_bad_line_and_keeps_the_good(tmp_path):
    path = tmp_path / "flags.jsonl"
    assert scan_flags(path) == ([], [])  # missing: no flags, no error
    path.write_bytes(b"")
    assert scan_flags(path) == ([], [])
    good = make_flag("q?", [], reply_with([]), "r", now=NOW)
    record(path, good)
    with path.open("ab") as f:
        f.write(b'{"ts": "x"\n[1, 2]\n\xff\xfe\n\n')
    record(path, good)
    flags, problems = scan_flags(path)
    assert flags == [(1, good), (6, good)]
    assert [p.split(": ", 1)[0].rsplit(":", 1)[1] for p in problems] == ["2", "3", "4"]
    assert "not valid JSON" in problems[0] and "not UTF-8" in problems[2]


def test_two_flags_written_at_the_same_moment_both_survive(tmp_path):
    path = tmp_path / "flags.jsonl"
    barrier = threading.Barrier(2)
    flags = [make_flag(f"question {n}", [], reply_with([]), f"reason {n}", now=NOW)
             for n in range(2)]

    def write(flag: Flag) -> None:
        barrier.wait()
        record(path, flag)

    threads = [threading.Thread(target=write, args=(f,)) for f in flags]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(read_flags(path), key=lambda f: f.question) == flags


def test_reviews_are_appended_beside_the_flags(tmp_path):
    path = tmp_path / "flags.jsonl"
    assert reviewed(path) == {}
    key = flag_key(1, make_flag("q?", [], reply_with([]), "", now=NOW))
    mark_reviewed(path, key, now=NOW)
    assert reviewed(path) == {key: "2025-01-31T09:15:02.123Z"}
    assert reviews_path(path).name == "flags.reviewed.jsonl"
    assert stat.S_IMODE(reviews_path(path).stat().st_mode) == 0o600
