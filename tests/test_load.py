"""Load: 200 requests from 20 concurrent gradio_client callers against the app on loopback.

Bounded in count (200) and time (each call and the whole run have deadlines), it stops by
itself and sends traffic only to 127.0.0.1. Every reply must carry the disclaimer, and the
red-flag messages mixed in must still escalate under load.
"""

from __future__ import annotations

import dataclasses
import socket
import statistics
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from bot.app import BotLoader, build_app, serve
from bot.safety import DISCLAIMER, ESCALATION_TEXT

CALLERS = 20
REQUESTS = 200
RUN_DEADLINE_S = 600
QUESTIONS = ["can MS cause sciatica?", "what is Lhermitte's sign?", "how is spasticity treated?",
             "what does MS nerve pain feel like?", "what's the capital of France?"]
RED_FLAG = "I suddenly can't pee and both my legs are going numb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.load
def test_200_requests_from_20_concurrent_callers(bot, settings, tmp_path) -> None:
    from gradio_client import Client

    demo = build_app(BotLoader.loaded(bot),
                     dataclasses.replace(settings, flags_path=tmp_path / "flags.jsonl"))
    url = serve(demo, "127.0.0.1", _free_port())
    assert url.startswith("http://127.0.0.1:")
    clients = [Client(url, verbose=False) for _ in range(CALLERS)]
    messages = [RED_FLAG if i % 25 == 0 else QUESTIONS[i % len(QUESTIONS)]
                for i in range(REQUESTS)]

    def call(i: int) -> tuple[int, str, float]:
        start = time.perf_counter()
        text = clients[i % CALLERS].predict(messages[i], [], api_name="/ask")
        return i, text, (time.perf_counter() - start) * 1000

    results: dict[int, str] = {}
    latencies: list[float] = []
    errors: list[BaseException] = []
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=CALLERS) as pool:
            futures = [pool.submit(call, i) for i in range(REQUESTS)]
            for future in as_completed(futures, timeout=RUN_DEADLINE_S):
                try:
                    i, text, ms = future.result()
                except Exception as exc:  # counted, not raised: the test reports them all
                    errors.append(exc)
                    continue
                results[i] = text
                latencies.append(ms)
    finally:
        demo.close()
    elapsed = time.perf_counter() - started

    assert errors == []
    assert len(results) == REQUESTS
    assert all(text.endswith(f"*{DISCLAIMER}*") for text in results.values())
    flagged = [i for i, m in enumerate(messages) if m == RED_FLAG]
    assert flagged and all(results[i].startswith(ESCALATION_TEXT["emergency"]) for i in flagged)
    p95 = statistics.quantiles(latencies, n=20)[-1]
    print(f"\nload: {REQUESTS} requests, {CALLERS} callers, {elapsed:.1f} s, "
          f"p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms")
