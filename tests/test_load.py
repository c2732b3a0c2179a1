"""Load on loopback, bounded in count and time; traffic goes only to 127.0.0.1. The app runs
as `python -m bot.app` in a process of its own.

1. 200 requests from 20 concurrent gradio_client callers: every reply carries the disclaimer,
   the red-flag messages mixed in still escalate.
2. Normal questions while 5 MB messages arrive (by plain REST and through the page's queue
   protocol) and 100 K-character ones (under the body limit, over the message limit, a red
   flag in the middle): normal answers keep p95 ≤ 1 s (on a slower machine: ≤ their p95
   without the flood plus the longest long-message reply, i.e. no normal answer waits behind
   more than one long message), every 5 MB message is refused and
   every 100 K-character one answered (escalated) within 2 s. Run with one and with two
   answers at a time (Settings.answer_concurrency); the p95 bound is asserted for the
   default, the other is measured. `python -m pytest tests/test_load.py -s` prints figures.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import httpx
import pytest

from bot.safety import DISCLAIMER, ESCALATION_TEXT
from ingest.settings import ROOT

CALLERS = 20
REQUESTS = 200
RUN_DEADLINE_S = 600
QUESTIONS = ["can MS cause sciatica?", "what is Lhermitte's sign?", "how is spasticity treated?",
             "what does MS nerve pain feel like?", "what's the capital of France?"]
RED_FLAG = "I suddenly can't pee and both my legs are going numb"
BIG_BYTES = 5 * 1024 * 1024
MEDIUM_CHARS = 100_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


@pytest.fixture
def app_url(index, settings, tmp_path, request):
    """`python -m bot.app` in its own process (as served: the callers' Python work here does
    not compete with the server's for one GIL), on the session's index."""
    concurrency = getattr(request, "param", settings.answer_concurrency)
    port = _free_port()
    env = {**os.environ, "INDEX_DIR": str(settings.index_dir), "CORPUS_DIR":
           str(settings.corpus_dir), "FLAGS_PATH": str(tmp_path / "flags.jsonl"),
           "ANSWER_CONCURRENCY": str(concurrency), "TORCH_THREADS": "1",
           "HF_HUB_OFFLINE": "1"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "bot.app", "--port", str(port)],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            try:
                if httpx.post(f"{url}/gradio_api/call/ask", json={"data": ["hi", []]},
                              timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the app did not start within 120 s"
            time.sleep(0.5)
        from gradio_client import Client

        Client(url, verbose=False).predict("warm up", [], api_name="/ask")  # bot loaded
        yield url
    finally:
        server.terminate()
        server.wait(30)
        log.close()


@pytest.mark.slow
@pytest.mark.load
def test_200_requests_from_20_concurrent_callers(app_url) -> None:
    from gradio_client import Client

    clients = [Client(app_url, verbose=False) for _ in range(CALLERS)]
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
    elapsed = time.perf_counter() - started

    assert errors == []
    assert len(results) == REQUESTS
    assert all(text.endswith(f"*{DISCLAIMER}*") for text in results.values())
    flagged = [i for i, m in enumerate(messages) if m == RED_FLAG]
    assert flagged and all(results[i].startswith(ESCALATION_TEXT["emergency"]) for i in flagged)
    print(f"\nload: {REQUESTS} requests, {CALLERS} callers, {elapsed:.1f} s, "
          f"p50 {statistics.median(latencies):.0f} ms, p95 {_p95(latencies):.0f} ms")


def _big_post(url: str, route: str, body: bytes) -> tuple[float, int | str]:
    """Send one oversized request; (seconds until refused, status or the error's name)."""
    start = time.perf_counter()
    try:
        status: int | str = httpx.post(url + route, content=body, timeout=10,
                                       headers={"content-type": "application/json"}).status_code
    except httpx.HTTPError as exc:  # the server may close the connection mid-upload
        status = type(exc).__name__
    return time.perf_counter() - start, status


@pytest.mark.slow
@pytest.mark.load
@pytest.mark.parametrize("app_url", [1, 2], indirect=True, ids=["one-at-a-time", "two"])
def test_normal_answers_stay_fast_while_huge_messages_arrive(app_url, request,
                                                             settings) -> None:
    from gradio_client import Client

    concurrency, default = request.node.callspec.params["app_url"], settings.answer_concurrency
    normal_callers, normal_requests = 5, 100
    clients = [Client(app_url, verbose=False) for _ in range(normal_callers + 1)]
    big = json.dumps({"data": ["a" * BIG_BYTES, []]}).encode()
    page_big = json.dumps({"data": ["a" * BIG_BYTES, None, None], "fn_index": 0,
                           "session_hash": "big", "event_data": None}).encode()
    medium = ("my back aches. " * (MEDIUM_CHARS // 30) + RED_FLAG
              + " thank you. " * (MEDIUM_CHARS // 24))
    stop = threading.Event()
    big_results: list[tuple[float, int | str]] = []
    medium_results: list[tuple[float, str]] = []

    def flood() -> None:
        n = 0
        while not stop.is_set():
            route = "/gradio_api/call/ask" if n % 2 == 0 else "/gradio_api/queue/join"
            big_results.append(_big_post(app_url, route, big if n % 2 == 0 else page_big))
            if n % 3 == 0:
                start = time.perf_counter()
                text = clients[-1].predict(medium, [], api_name="/ask")
                medium_results.append((time.perf_counter() - start, text))
            n += 1
            stop.wait(0.2)

    def call(i: int) -> float:
        start = time.perf_counter()
        text = clients[i % normal_callers].predict(QUESTIONS[i % len(QUESTIONS)], [],
                                                   api_name="/ask")
        assert text.endswith(f"*{DISCLAIMER}*")
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(max_workers=normal_callers) as pool:  # the same, without a flood
        quiet = list(pool.map(call, range(normal_requests // 2), timeout=RUN_DEADLINE_S))
    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    time.sleep(0.5)
    started = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=normal_callers) as pool:
            latencies = list(pool.map(call, range(normal_requests), timeout=RUN_DEADLINE_S))
    finally:
        stop.set()
        flooder.join(30)
    elapsed = time.perf_counter() - started

    big_s = [s for s, _ in big_results]
    medium_s = [s for s, _ in medium_results]
    print(f"\nload [{request.node.callspec.id}]: without big messages p50 "
          f"{statistics.median(quiet):.0f} ms, p95 {_p95(quiet):.0f} ms; with them: "
          f"{normal_requests} normal answers from "
          f"{normal_callers} callers in {elapsed:.1f} s, p50 {statistics.median(latencies):.0f}"
          f" ms, p95 {_p95(latencies):.0f} ms, max {max(latencies):.0f} ms; "
          f"{len(big_s)} x 5 MB refused in max {max(big_s):.2f} s "
          f"({sorted({str(s) for _, s in big_results})}); {len(medium_s)} x 100 K chars "
          f"answered in max {max(medium_s):.2f} s")
    # No normal answer waits behind more than one long message: p95 stays within 1 s, or on a
    # slower machine within the quiet p95 plus the longest long-message reply.
    bound = max(1000.0, _p95(quiet) + 1000 * max(medium_s))
    if concurrency == default:  # the requirement holds as shipped; the other is measured
        assert _p95(latencies) <= bound
    else:
        assert _p95(latencies) <= 2 * bound
    assert big_results and all(status == 413 or isinstance(status, str)
                               for _, status in big_results)
    assert max(big_s) <= 2.0
    assert medium_results and max(medium_s) <= 2.0
    for _, text in medium_results:
        assert text.startswith(ESCALATION_TEXT["emergency"]) and "too long" in text
        assert text.endswith(f"*{DISCLAIMER}*")
