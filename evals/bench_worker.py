"""`python -m evals.bench_worker`: one fresh serving process, measured from the inside.

Started by evals.bench once per corpus scale, so each scale's peak memory is its own. It
imports the bot (torch, sentence-transformers, bot.core: `imports_s`), loads it on an existing
index (model weights, index files, the red-flag checker: `load_s`), answers one question (the
first answer of a fresh process), warms up, and then runs repeated rounds. Each round embeds
every question alone (the floor: one model pass), embeds one short question several times,
then answers every question through `Bot.answer` — so the floor and the answer are timed over
the same questions, in the same warm process, seconds apart. Raw per-question milliseconds go
to a JSON file; the statistics are computed by the caller (evals.bench_stats).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before the heavy imports: `imports_s` is measured from here

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, NamedTuple  # noqa: E402

SHORT_QUESTION = "can MS cause sciatica?"
WARMUP = 5


class Question(NamedTuple):
    question: str
    history: tuple[str, ...] = ()


class ServeRun(NamedTuple):
    """What one serving process measured. Times in ms unless the name says seconds."""

    imports_s: float
    load_s: float
    first_answer_ms: float
    floor_rounds: list[list[float]]  # per round, per question: embedder.encode([question])
    short_rounds: list[list[float]]  # per round, `short_reps` encodes of SHORT_QUESTION
    answer_rounds: list[list[dict[str, float]]]  # per round, per question: timings_ms + "wall"
    rss_after_load_bytes: int
    peak_rss_bytes: int
    torch_threads: int
    counts: dict[str, int]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServeRun:
        return cls(**{name: data[name] for name in cls._fields})


def memory_bytes(field: str = "VmHWM") -> int:
    """This process's peak (VmHWM) or current (VmRSS) resident set, in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: kB


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def measure(index_dir: Path, corpus_dir: Path, questions: Sequence[Question], rounds: int,
            short_reps: int = 20) -> ServeRun:
    import sentence_transformers  # noqa: F401  (imported by bot.load anyway: count it here)
    import torch

    from bot.core import load
    from ingest.settings import Settings

    imports_s = time.perf_counter() - T0
    t = time.perf_counter()
    settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir)
    bot = load(settings=settings, build_if_needed=False)
    load_s = time.perf_counter() - t
    rss_after_load = memory_bytes("VmRSS")

    t = time.perf_counter()
    bot.answer(questions[0].question, questions[0].history)
    first_answer_ms = _ms(t)

    encode = bot.embedder.encode
    for q in questions[:WARMUP]:
        encode([q.question])
        bot.answer(q.question, q.history)

    floor_rounds, short_rounds, answer_rounds = [], [], []
    for _ in range(rounds):
        floor = []
        for q in questions:
            t = time.perf_counter()
            encode([q.question])
            floor.append(_ms(t))
        short = []
        for _ in range(short_reps):
            t = time.perf_counter()
            encode([SHORT_QUESTION])
            short.append(_ms(t))
        answers = []
        for q in questions:
            t = time.perf_counter()
            reply = bot.answer(q.question, q.history)
            wall = _ms(t)
            answers.append({**reply.timings_ms, "wall": wall})
        floor_rounds.append(floor)
        short_rounds.append(short)
        answer_rounds.append(answers)

    counts = {"documents": len(bot.index.docs), "chunks": len(bot.index.chunks),
              "sentences": len(bot.index.sentences)}
    return ServeRun(imports_s, load_s, first_answer_ms, floor_rounds, short_rounds,
                    answer_rounds, rss_after_load, memory_bytes("VmHWM"),
                    torch.get_num_threads(), counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench_worker", description=__doc__)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--corpus-dir", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True,
                        help='JSON list of {"question": str, "history": [str]}')
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--short-reps", type=int, default=20)
    parser.add_argument("--result", type=Path, required=True, help="where to write the JSON")
    args = parser.parse_args(argv)
    raw = json.loads(args.questions.read_text(encoding="utf-8"))
    questions = [Question(q["question"], tuple(q.get("history", ()))) for q in raw]
    if not questions:
        print("error: no questions", file=sys.stderr)
        return 2
    run = measure(args.index_dir, args.corpus_dir, questions, args.rounds, args.short_reps)
    args.result.write_text(json.dumps(run._asdict()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
