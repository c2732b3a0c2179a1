"""`python -m evals.bench` (`make bench`): answer latency against its physical floor, cold start,
ingest cost and growth with corpus size. Prints a Markdown report, writes bench/out/bench.json.

How each figure is measured (every timing is repeated; the report gives the median and the
min-max across repeats, because the machine is noisy):

- floor and answer: in one fresh serving process per corpus (evals.bench_worker), after a
  warm-up, in rounds. Each round embeds every gold question alone (the floor: one pass through
  the model), embeds one short question `short_reps` times, then answers every gold question
  through `Bot.answer`. p50/p95 are taken per round; the ratio is answer p95 over the floor p95
  of the same questions.
- cold start: wall time of a fresh `python -m bot "question"` (imports, model load, index load,
  one answer) on an already-built index, and of `make chat` until GET / returns 200 and until a
  first answer comes back through gradio_client. The OS file cache is warm: this is the start
  after the first, not the first after a reboot.
- ingest: `build(force=True)` of the real corpus in this process (the model already loaded),
  and `python -m ingest` on an up-to-date index (a fresh process, so imports count).
- scale: synthetic corpora of Nx the real one (evals.bench_corpus) built with the same loaded
  model and the bench's own vector cache (so a scale embeds only texts no smaller scale had,
  and the row says how many), then served by their own worker process, so each peak RSS is
  that scale's alone. `--scales 1,100,1000` gives the 1000x row (5,000 articles); it is not in
  the default run because its first build embeds ~100,000 chunk texts (hours on 2 cores).
- one article added: at `--add-at` (default 100x), after serving that scale, one more article
  (real paragraphs in a new order, under a new title) goes in through `ingest add`, and the
  index is rebuilt with the cache: the time of add plus build, and the texts it embedded.

It is a report, not a gate: the exit code is 0 even when a target is MISSED (2 on bad options).
Every process it starts listens on, or talks to, 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from evals.bench_corpus import SEED, synthetic_docs, write_corpus
from evals.bench_stats import (
    Spread,
    Target,
    markdown_table,
    mib,
    over_rounds,
    spread,
    stage_percentiles,
    targets,
    to_jsonable,
)
from evals.bench_worker import SHORT_QUESTION, ServeRun
from evals.schema import load_gold
from ingest.corpus import load_corpus
from ingest.settings import ROOT, Settings

DEFAULT_GOLD = ROOT / "evals" / "gold.jsonl"
DEFAULT_OUT = ROOT / "bench" / "out"
DEFAULT_SCALES = (1, 10, 100)
DEFAULT_ADD_AT = 100
ADDED_TITLE = "One article added to the benchmark corpus"
STAGES = ("embed", "safety_check", "safety", "retrieve", "compose", "total", "wall")
STAGE_NAMES = {"wall": "answer: Bot.answer wall",
               "safety_check": "red-flag check, its own time (runs beside embed)",
               "safety": "answer stage: safety (the wait for it beyond embed)"}
COLD_QUESTION = "can MS cause sciatica?"
APP_TIMEOUT_S = 180.0
LOOPBACK = "127.0.0.1"
SEED_ADDED = SEED + 1  # the added article: another shuffle of the real paragraphs


class Options(NamedTuple):
    scales: tuple[int, ...]
    rounds: int
    questions: int | None  # None: every gold question
    repeats: int  # cold starts, no-op ingests, real-corpus builds
    short_reps: int
    app: bool
    gold: Path
    out: Path
    work: Path | None
    keep: bool
    quick: bool
    command: str  # as typed, for the report
    add_at: int | None = None  # the scale that gets "one article added" (None: none)
    vector_cache: Path | None = None  # None: a fresh cache inside the work folder


def parse_scales(text: str) -> tuple[int, ...]:
    """'1,10,100' -> (1, 10, 100); 1 (the real corpus) is always included: it is the baseline.

    >>> parse_scales("100, 10"), parse_scales("2")
    ((1, 10, 100), (1, 2))
    """
    try:
        values = {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        values = set()
    if not values or min(values) < 1:
        raise ValueError(f"--scales takes comma-separated positive integers, got {text!r}")
    return tuple(sorted(values | {1}))


def evenly(items: Sequence[Any], n: int | None) -> list[Any]:
    """`n` items spread evenly over `items` (all of them when n is None or too large).

    >>> evenly(list(range(10)), 3)
    [0, 3, 6]
    """
    if n is None or n >= len(items):
        return list(items)
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# -- the machine -------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    cpu = ""
    mem_kb = 0
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
        mem_kb = next((int(line.split()[1]) for line in
                       Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal:")), 0)
    except OSError:
        pass
    import torch

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "ram_bytes": mem_kb * 1024,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torch_threads_default": torch.get_num_threads(),  # before Settings.torch_threads
        "loadavg_start": list(os.getloadavg()),
    }


def describe(m: Mapping[str, Any]) -> str:
    return (f"{m['nproc']} cores ({m['cpu']}), {m['ram_bytes'] / 2**30:.0f} GiB RAM, "
            f"Python {m['python']}, torch {m['torch']} running the model on "
            f"{m.get('torch_threads_serving', '?')} thread(s) (TORCH_THREADS; default "
            f"{m['torch_threads_default']}); "
            f"load average {m['loadavg_start'][0]:.2f} at start, "
            f"{m.get('loadavg_end', [float('nan')])[0]:.2f} at end")


# -- processes ---------------------------------------------------------------------------------
def child_env(settings: Settings) -> dict[str, str]:
    """The environment of every process started here: the bench's corpus and index, no hubs."""
    return {**os.environ, "CORPUS_DIR": str(settings.corpus_dir),
            "INDEX_DIR": str(settings.index_dir), "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
            "HOST": LOOPBACK,
            **({"MODEL_PATH": str(settings.model_path)} if settings.model_path else {})}


def timed_run(cmd: Sequence[str], env: Mapping[str, str], timeout: float = 600.0
              ) -> tuple[float, subprocess.CompletedProcess[str]]:
    t = time.perf_counter()
    proc = subprocess.run(list(cmd), env=dict(env), cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"`{shlex.join(cmd)}` exited with {proc.returncode}:\n"
                           f"{proc.stderr[-2000:]}")
    return seconds, proc


class Served(NamedTuple):
    run: ServeRun
    loadavg: tuple[float, float]  # 1-minute load average before and after: was it contended?


def serve(settings: Settings, questions_file: Path, opts: Options, result: Path) -> Served:
    """One fresh serving process on `settings`' index (see evals.bench_worker)."""
    before = os.getloadavg()[0]
    cmd = [sys.executable, "-m", "evals.bench_worker", "--index-dir", str(settings.index_dir),
           "--corpus-dir", str(settings.corpus_dir), "--questions", str(questions_file),
           "--rounds", str(opts.rounds), "--short-reps", str(opts.short_reps),
           "--result", str(result)]
    timed_run(cmd, child_env(settings), timeout=3600)
    run = ServeRun.from_dict(json.loads(result.read_text(encoding="utf-8")))
    return Served(run, (before, os.getloadavg()[0]))


def reset_peak_rss() -> bool:
    """Reset this process's VmHWM (Linux >= 4.0), so a later read is the peak since now."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


# -- ingest ------------------------------------------------------------------------------------
class Built(NamedTuple):
    seconds: Spread
    documents: int
    chunks: int
    sentences: int
    index_bytes: int
    peak_rss_bytes: int | None  # this process while building (model included); None if unknown
    embedded: int = 0  # texts through the model (the first run)
    reused: int = 0  # texts from the vector cache (the first run)
    search: Mapping[str, Any] | None = None  # the manifest's "search": type, recall@10


def build_index(settings: Settings, embedder: Any, runs: int, force: bool = True) -> Built:
    """`force`: from nothing (the vector cache emptied) each run; otherwise one run into a
    fresh index folder, taking what the cache has."""
    from evals.bench_worker import memory_bytes
    from ingest.index import build

    seconds, peaks, reports = [], [], []
    for _ in range(runs if force else 1):
        if not force:
            shutil.rmtree(settings.index_dir, ignore_errors=True)
        resettable = reset_peak_rss()
        reports.append(build(settings, embedder=embedder, progress=False, force=force))
        seconds.append(reports[-1].seconds)
        peaks.append(memory_bytes("VmHWM") if resettable else None)
    report = reports[-1]
    manifest = json.loads((Path(settings.index_dir) / "manifest.json").read_text("utf-8"))
    known = [p for p in peaks if p is not None]
    return Built(spread(seconds), report.documents, report.chunks, report.sentences,
                 dir_bytes(settings.index_dir), max(known) if known else None,
                 reports[0].embedded, reports[0].reused, manifest.get("search"))


def add_one_article(settings: Settings, embedder: Any, work: Path, factor: int
                    ) -> dict[str, Any]:
    """`ingest add` one article into the Nx corpus, then rebuild with the cache: how long,
    and how many texts went through the model."""
    from ingest.add import add
    from ingest.index import build

    real = load_corpus(Settings.from_env().corpus_dir)
    article = synthetic_docs(real, 1, seed=SEED_ADDED)[0]
    source = work / f"added-{factor}x.txt"
    source.write_text(article.body, "utf-8")
    t = time.perf_counter()
    added = add(source, f"{ADDED_TITLE} ({factor}x)", settings.corpus_dir)
    report = build(settings, embedder=embedder, progress=False)
    seconds = time.perf_counter() - t
    return {"factor": factor, "doc_id": added.doc.doc_id, "seconds": seconds,
            "build_s": report.seconds, "embedded": report.embedded, "reused": report.reused,
            "documents": report.documents, "chunks": report.chunks,
            "sentences": report.sentences, "summary": report.summary()}


_INGEST_SECONDS = re.compile(r"in ([0-9.]+) s")


def noop_ingest(settings: Settings, runs: int) -> dict[str, Any]:
    """`python -m ingest` on an up-to-date index: wall time, and the time it reports itself."""
    cmd = [sys.executable, "-m", "ingest", "--quiet", "--corpus-dir", str(settings.corpus_dir),
           "--index-dir", str(settings.index_dir)]
    walls, inside = [], []
    for _ in range(runs):
        seconds, proc = timed_run(cmd, child_env(settings))
        if "up to date" not in proc.stdout:
            raise RuntimeError(f"`python -m ingest` rebuilt an index that should be current:\n"
                               f"{proc.stdout}")
        walls.append(seconds)
        found = _INGEST_SECONDS.search(proc.stdout)
        if found:
            inside.append(float(found.group(1)))
    return {"command": shlex.join(["python", *cmd[1:]]), "wall_s": spread(walls),
            "reported_s": spread(inside) if inside else None}


# -- cold start --------------------------------------------------------------------------------
def cold_start_cli(settings: Settings, runs: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bot", COLD_QUESTION, "--index-dir", str(settings.index_dir)]
    walls = []
    for _ in range(runs):
        seconds, proc = timed_run(cmd, child_env(settings))
        if "articles" not in proc.stdout:  # the lead-in or the refusal: a real reply
            raise RuntimeError(f"`python -m bot` printed no reply:\n{proc.stdout[-1000:]}")
        walls.append(seconds)
    return {"command": shlex.join(["python", *cmd[1:]]), "to_first_answer_s": spread(walls)}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def chat_command(port: int) -> tuple[list[str], str]:
    """`make chat` when its install stamp is current; otherwise the command it would run (make
    would first reinstall the package, which needs the network and is not what we time)."""
    make = shutil.which("make")
    if make:
        up_to_date = subprocess.run([make, "-q", "install"], cwd=ROOT, capture_output=True,
                                    check=False).returncode == 0
        if up_to_date:
            return [make, "-s", "chat"], "make chat"
    return ([sys.executable, "-m", "bot.app", "--host", LOOPBACK, "--port", str(port)],
            "python -m bot.app (make chat's command; its install stamp is stale, so make would "
            "reinstall first)")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # loopback only
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def _peak_of(pids: Sequence[int]) -> int | None:
    peaks = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) * 1024)
        except OSError:
            continue
    return max(peaks) if peaks else None


def ask_app(url: str, question: str) -> str:
    """One answer through the app's documented API endpoint `/ask` (message, history)."""
    from gradio_client import Client

    return str(Client(url, verbose=False).predict(question, [], api_name="/ask"))


def cold_start_app(settings: Settings, runs: int, log_dir: Path) -> dict[str, Any]:
    """Launch the chat on a free loopback port; time GET / -> 200 and a first answer; stop it."""
    import gradio_client  # noqa: F401  (imported before the clock starts)

    http, answer, peaks, errors = [], [], [], []
    label = ""
    for n in range(runs):
        port = free_port()
        cmd, label = chat_command(port)
        env = {**child_env(settings), "PORT": str(port)}
        url = f"http://{LOOPBACK}:{port}/"
        log = open(log_dir / f"app-{n}.log", "w", encoding="utf-8")  # noqa: SIM115
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            while not _http_ok(url):
                if proc.poll() is not None:
                    raise RuntimeError(f"the app exited with {proc.returncode} before serving; "
                                       f"see {log.name}")
                if time.perf_counter() - t > APP_TIMEOUT_S:
                    raise RuntimeError(f"the app did not answer HTTP within {APP_TIMEOUT_S:.0f} s")
                time.sleep(0.05)
            http.append(time.perf_counter() - t)
            try:
                ask_app(url, COLD_QUESTION)
                answer.append(time.perf_counter() - t)
            except Exception as exc:  # the API shape is the app's business; report, go on
                errors.append(f"first answer through gradio_client failed: {exc!r}")
            peak = _peak_of([proc.pid, *_descendants(proc.pid)])
            if peak is not None:
                peaks.append(peak)
        finally:
            _stop(proc)
            log.close()
    return {"command": label, "to_http_200_s": spread(http) if http else None,
            "to_first_answer_s": spread(answer) if answer else None,
            "peak_rss_bytes": max(peaks) if peaks else None, "errors": errors}


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the process group this bench started (and only it)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


# -- one corpus scale --------------------------------------------------------------------------
def scale_row(factor: int, built: Built, served: Served) -> dict[str, Any]:
    run = served.run
    answer = over_rounds([[a["wall"] for a in r] for r in run.answer_rounds])
    floor = over_rounds(run.floor_rounds)
    stages = stage_percentiles(run.answer_rounds)
    return {
        "factor": factor, "documents": built.documents, "chunks": built.chunks,
        "sentences": built.sentences, "build_s": built.seconds, "index_bytes": built.index_bytes,
        "embedded": built.embedded, "reused": built.reused, "search": built.search,
        "build_peak_rss_bytes": built.peak_rss_bytes, "load_s": run.load_s,
        "answer_ms": answer, "floor_ms": floor, "stages_ms": stages,
        "serve_peak_rss_bytes": run.peak_rss_bytes, "serve_rss_after_load_bytes":
        run.rss_after_load_bytes, "loadavg_1m": list(served.loadavg),
    }


def run_bench(opts: Options, embedder: Any = None) -> dict[str, Any]:
    """Run every measurement; returns the report (plain JSON types). `embedder`: an already
    loaded `ingest.embed.Embedder` to build with (loaded here when None)."""
    started = time.time()
    work = Path(opts.work or tempfile.mkdtemp(prefix="ms-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report = _run(opts, work, embedder)
    finally:
        if not opts.keep and opts.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report["machine"]["loadavg_end"] = list(os.getloadavg())
    report["seconds"] = round(time.time() - started, 1)
    return to_jsonable(report)


def write_report(report: Mapping[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / "bench.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _run(opts: Options, work: Path, embedder: Any) -> dict[str, Any]:
    from ingest.embed import load_embedder

    base = dataclasses.replace(Settings.from_env(),
                               vector_cache_dir=opts.vector_cache or work / "vectors")
    # Every process measures the model users get, the adapted one, named by MODEL_PATH so that
    # no fresh index directory of the bench trains it again (adapting is not what is timed).
    if embedder is not None and getattr(embedder, "model_dir", None) is not None:
        base = dataclasses.replace(base, model_path=Path(embedder.model_dir))
    else:
        from ingest import adapt

        base, _ = adapt.ensure(base)
    info = machine()
    items = evenly(load_gold(opts.gold), opts.questions)
    questions_file = work / "questions.json"
    questions_file.write_text(json.dumps(
        [{"question": i.question, "history": list(i.history)} for i in items]), "utf-8")
    _log(f"{len(items)} questions, {opts.rounds} round(s), scales {opts.scales}; work dir {work}")

    real = dataclasses.replace(base, index_dir=work / "index-1x")
    embedder = embedder or load_embedder(real)
    _log("building the real corpus")
    built = {1: build_index(real, embedder, opts.repeats)}
    _log("no-op ingest")
    noop = noop_ingest(real, opts.repeats)
    _log("serving the real corpus (floor and answer)")
    runs = {1: serve(real, questions_file, opts, work / "serve-1x.json")}
    _log("cold start: python -m bot")
    cold = cold_start_cli(real, opts.repeats)
    app: dict[str, Any]
    if not opts.app:
        app = {"skipped": "--no-app"}
    elif not (ROOT / "bot" / "app" / "__main__.py").is_file():
        app = {"skipped": "bot/app/ does not exist yet"}
    else:
        _log("cold start: the chat app")
        app = cold_start_app(real, opts.repeats, work)

    added: dict[str, Any] | None = None
    for factor in opts.scales:
        if factor == 1:
            continue
        settings = dataclasses.replace(base, corpus_dir=work / f"corpus-{factor}x",
                                       index_dir=work / f"index-{factor}x")
        shutil.rmtree(settings.corpus_dir, ignore_errors=True)  # no article added last time
        write_corpus(synthetic_docs(load_corpus(base.corpus_dir), factor), settings.corpus_dir)
        _log(f"building the {factor}x corpus with the vector cache")
        built[factor] = build_index(settings, embedder, 1, force=False)
        _log(f"serving the {factor}x corpus")
        runs[factor] = serve(settings, questions_file, opts, work / f"serve-{factor}x.json")
        if factor == opts.add_at:
            _log(f"adding one article at {factor}x")
            added = add_one_article(settings, embedder, work, factor)

    main = runs[1].run
    stages = stage_percentiles(main.answer_rounds)
    floor_gold = over_rounds(main.floor_rounds)
    floor_short = over_rounds(main.short_rounds)
    answer_p95 = stages["wall"].p95.median
    scale = [scale_row(f, built[f], runs[f]) for f in sorted(runs)]
    goals = targets(
        answer_p95=answer_p95, floor_p95=floor_gold.p95.median,
        scale_p95={row["factor"]: row["answer_ms"].p95.median for row in scale},
        cold_start_s=cold["to_first_answer_s"].median, noop_ingest_s=noop["wall_s"].median)
    info["torch_threads_serving"] = main.torch_threads
    return {
        "command": opts.command,
        "machine": info,
        "config": {"scales": list(opts.scales), "rounds": opts.rounds, "questions": len(items),
                   "repeats": opts.repeats, "short_reps": opts.short_reps, "quick": opts.quick},
        "floor": {"short": {"question": SHORT_QUESTION, **floor_short._asdict()},
                  "gold": floor_gold,
                  "basis": "embedder.encode([question]) alone, warm, same process as answer"},
        "answer": {"stages": {s: stages[s] for s in STAGES if s in stages},
                   "questions": len(items), "rounds": opts.rounds,
                   "basis": "wall time of Bot.answer; stages from Reply.timings_ms"},
        "ratio": {"answer_p95_ms": answer_p95, "floor_p95_ms": floor_gold.p95.median,
                  "ratio": answer_p95 / floor_gold.p95.median,
                  "vs_short_floor": answer_p95 / floor_short.p95.median,
                  "basis": "answer p95 / floor p95 over the same gold questions"},
        "cold_start": {"cli": cold, "app": app,
                       "inside": {"imports_s": main.imports_s, "load_s": main.load_s,
                                  "first_answer_ms": main.first_answer_ms}},
        "ingest": {"build_s": built[1].seconds, "chunks": built[1].chunks,
                   "sentences": built[1].sentences, "noop": noop},
        "scale": scale,
        "added": added,
        "vector_cache": str(base.vectors_dir),
        "serving": {"peak_rss_bytes": main.peak_rss_bytes,
                    "rss_after_load_bytes": main.rss_after_load_bytes,
                    "app_peak_rss_bytes": app.get("peak_rss_bytes")},
        "targets": [{**t._asdict(), "met": t.met} for t in goals],
    }


# -- the printed report ------------------------------------------------------------------------
def _pct(p: Mapping[str, Any]) -> tuple[str, str]:
    return _spread(p["p50"], ""), _spread(p["p95"], "")


def render(report: Mapping[str, Any]) -> str:
    """The report as Markdown (also what the README's Performance section quotes)."""
    r = report
    rows = [[f"floor: one short question x{r['config']['short_reps']}",
             *_pct(r["floor"]["short"])],
            [f"floor: each gold question alone ({r['answer']['questions']})",
             *_pct(r["floor"]["gold"])]]
    for stage, p in r["answer"]["stages"].items():
        name = STAGE_NAMES.get(stage, f"answer stage: {stage}")
        rows.append([name, *_pct(p)])
    ratio = r["ratio"]
    out = [
        f"Machine: {describe(r['machine'])}.",
        f"Command: `{r['command']}` ({r['config']['rounds']} rounds x "
        f"{r['config']['questions']} questions; median of rounds, min-max in brackets).",
        "",
        markdown_table(["latency, ms", "p50", "p95"], rows),
        "",
        f"**Ratio** answer p95 / floor p95 (same gold questions): {ratio['answer_p95_ms']:.1f} / "
        f"{ratio['floor_p95_ms']:.1f} = **{ratio['ratio']:.2f}x** "
        f"(against the one-short-question floor: {ratio['vs_short_floor']:.2f}x).",
        "",
    ]
    cold, inside = r["cold_start"], r["cold_start"]["inside"]
    app = cold["app"]
    cold_rows = [[f"`{cold['cli']['command'].split(' --')[0]}` to first answer",
                  _spread(cold["cli"]["to_first_answer_s"], " s")]]
    if "skipped" in app:
        cold_rows.append(["`make chat` to HTTP 200", f"skipped: {app['skipped']}"])
    else:
        cold_rows.append([f"`{app['command'].split(' (')[0]}` to HTTP 200",
                          _spread(app["to_http_200_s"], " s")])
        cold_rows.append([f"`{app['command'].split(' (')[0]}` to first answer (gradio_client)",
                          _spread(app["to_first_answer_s"], " s")])
    cold_rows.append(["inside a fresh process: imports / bot.load / first answer",
                      f"{inside['imports_s']:.1f} s / {inside['load_s']:.1f} s / "
                      f"{inside['first_answer_ms']:.0f} ms"])
    noop = r["ingest"]["noop"]
    cold_rows.append(["ingest: build the real corpus (model loaded)",
                      _spread(r["ingest"]["build_s"], " s")])
    cold_rows.append(["ingest: no-op `python -m ingest` (fresh process)",
                      _spread(noop["wall_s"], " s") + (
                          f"; reports {noop['reported_s']['median']:.2f} s"
                          if noop.get("reported_s") else "")])
    serving = r["serving"]
    cold_rows.append(["peak RSS, serving process (worker / app)",
                      f"{mib(serving['peak_rss_bytes'])} / {mib(serving['app_peak_rss_bytes'])}"])
    out += [markdown_table(["start-up and ingest", "median (min-max)"], cold_rows), ""]
    scale_rows = []
    for row in r["scale"]:
        retrieve = row["stages_ms"].get("retrieve")
        scale_rows.append([
            f"{row['factor']}x", row["documents"], row["chunks"], row["sentences"],
            _spread(row["build_s"], " s"), f"{row.get('embedded', 0)} / {row.get('reused', 0)}",
            _search(row.get("search")), mib(row["index_bytes"]), f"{row['load_s']:.1f} s",
            _spread(row["answer_ms"]["p50"], ""), _spread(row["answer_ms"]["p95"], ""),
            _spread(row["floor_ms"]["p95"], ""),
            _spread(retrieve["p95"], "") if retrieve else "-",
            mib(row["serve_peak_rss_bytes"]), mib(row["build_peak_rss_bytes"]),
            "{:.1f} / {:.1f}".format(*row["loadavg_1m"])])
    out += [markdown_table(["scale", "docs", "chunks", "sentences", "build",
                            "texts embedded / reused", "chunk search", "index on disk",
                            "bot.load", "answer p50 ms", "answer p95 ms", "floor p95 ms",
                            "retrieve p95 ms", "peak RSS serving", "peak RSS bench (build)",
                            "load avg"], scale_rows),
            "",
            "build: with the model already loaded; 1x from nothing (`force=True`: every text "
            "embedded again, no cached vector read; median of the repeats), larger scales "
            "once into a fresh folder "
            "with the bench's vector cache, which the smaller scales filled; chunk search: "
            "flat is exact, hnsw's recall@10 against exact is measured at build; bot.load, "
            "answer and peak RSS serving: a fresh process per scale; load avg: the machine's "
            "1-minute load average before / after that process.",
            ""]
    added = r.get("added")
    if added:
        out += [markdown_table(
            ["one article added", "add + build", "texts embedded / reused", "docs / chunks"],
            [[f"at {added['factor']}x", f"{added['seconds']:.1f} s",
              f"{added['embedded']} / {added['reused']}",
              f"{added['documents']} / {added['chunks']}"]]),
            "",
            "`ingest add` of one article (real paragraphs in a new order) into that corpus, "
            "then `build` with the cache (re-chunking and re-indexing everything, embedding "
            "only the new texts), model already loaded.",
            ""]
    out.append("Targets:")
    out += [Target(**{k: t[k] for k in Target._fields}).show() for t in r["targets"]]
    errors = app.get("errors") if isinstance(app, Mapping) else None
    if errors:
        out += ["", *[f"note: {e}" for e in errors]]
    return "\n".join(out)


def _search(search: Mapping[str, Any] | None) -> str:
    """'flat', or 'hnsw, recall@10 0.995' (what the manifest recorded).

    >>> _search({"type": "hnsw", "recall_at_10": 0.9951}), _search({"type": "flat"})
    ('hnsw, recall@10 0.995', 'flat')
    """
    if not search:
        return "-"
    if search.get("recall_at_10") is None:
        return str(search["type"])
    return f"{search['type']}, recall@10 {search['recall_at_10']:.3f}"


def _spread(value: Spread | Mapping[str, Any] | None, unit: str) -> str:
    if value is None:
        return "—"
    s = value if isinstance(value, Spread) else Spread(**value)
    digits = 2 if unit == " s" and s.median < 10 else 1
    return s.show(digits, unit)


def parse_options(argv: Sequence[str]) -> Options:
    parser = argparse.ArgumentParser(prog="python -m evals.bench",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scales", help="corpus sizes, multiples of the real corpus "
                                         "(default 1,10,100; quick 1,2)")
    parser.add_argument("--rounds", type=int, help="measurement rounds (default 5; quick 1)")
    parser.add_argument("--questions", type=int,
                        help="use this many gold questions, spread evenly (default all; quick 6)")
    parser.add_argument("--repeats", type=int,
                        help="cold starts, no-op ingests and builds (default 3; quick 1)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 1 round, 6 questions, 1 repeat, scales 1,2")
    parser.add_argument("--no-app", action="store_true", help="skip the chat app's cold start")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for bench.json (default bench/out)")
    parser.add_argument("--work", type=Path,
                        help="folder for the synthetic corpora and indexes (default: a temp dir, "
                             "removed afterwards)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--add-at", type=int,
                        help="the scale that gets one article added (default 100; quick 2; "
                             "0 for none)")
    parser.add_argument("--vector-cache", type=Path,
                        help="vector cache folder for the builds (default: inside the work "
                             "folder, so a first run embeds everything)")
    args = parser.parse_args(list(argv))
    default_scales = "1,2" if args.quick else ",".join(map(str, DEFAULT_SCALES))
    try:
        scales = parse_scales(args.scales or default_scales)
    except ValueError as exc:
        parser.error(str(exc))
    for name in ("rounds", "questions", "repeats"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be at least 1, got {value}")
    return Options(
        scales=scales,
        rounds=args.rounds or (1 if args.quick else 5),
        questions=args.questions or (6 if args.quick else None),
        repeats=args.repeats or (1 if args.quick else 3),
        short_reps=5 if args.quick else 20,
        app=not args.no_app, gold=args.gold, out=args.out, work=args.work, keep=args.keep,
        quick=args.quick, command=shlex.join(["python", "-m", "evals.bench", *argv]),
        add_at=(args.add_at if args.add_at is not None else (2 if args.quick else DEFAULT_ADD_AT))
        or None,
        vector_cache=args.vector_cache,
    )


def main(argv: Sequence[str] | None = None) -> int:
    opts = parse_options(sys.argv[1:] if argv is None else argv)
    report = run_bench(opts)
    path = write_report(report, opts.out)
    print(render(report))
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
