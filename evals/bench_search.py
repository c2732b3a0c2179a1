"""`python -m evals.bench_search`: where exact chunk search stops being cheap, and what HNSW
gives up above it. This is the measurement behind `ingest.search.EXACT_MAX`.

For each size n, one thread, the gold questions as queries (embedded once, alone): the p50/p95
of one flat (exact) search of the top `DEPTH` (as the bot asks), HNSW's build time, its p95 and
its recall@10 against exact search on the gold questions, with `efSearch` tuned as
`ingest.search` tunes it at build time (on its own probe questions, not the gold ones): so the
recall column checks that the build's tuning carries over to real questions. The vectors are
real embeddings of this project's texts, read from a vector cache folder (`--vectors`, e.g.
the one a 100x bench run filled). A flat search costs the same for any vectors of its size,
so sizes beyond the cache's distinct vectors repeat them for the timing; recall is only
reported on distinct vectors.

The threshold printed is the largest size whose flat p50 stays within `BUDGET_MS` (the median:
on a shared machine the p95 of a sub-millisecond call measures the scheduler, not the search).

Not here: the index the build writes (ingest.search), the bot's fusion with BM25 (bot.retrieve).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from evals.bench_stats import markdown_table
from evals.schema import load_gold
from ingest import search
from ingest.settings import ROOT, Settings

SIZES = (2_000, 5_000, 7_500, 10_000, 20_000, 50_000, 100_000)
DEPTH = 30  # what bot.retrieve asks the dense search for
# A tenth of one question's embedding (~12 ms, the floor in `make bench`): exact search
# within this costs less than the noise of the step before it.
BUDGET_MS = 1.0


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def time_search(index: object, queries: np.ndarray, k: int, rounds: int = 3) -> list[float]:
    """Milliseconds per single-query search, every query `rounds` times."""
    out = []
    for _ in range(rounds):
        for q in queries:
            t = time.perf_counter()
            index.search(q.reshape(1, -1), k)  # type: ignore[attr-defined]
            out.append((time.perf_counter() - t) * 1000)
    return out


def distinct_vectors(folder: Path, dimension: int = 384) -> np.ndarray:
    """Every complete row of a vector cache folder (`<vectors_dir>/<model identity>`)."""
    keys = (folder / "keys.bin").stat().st_size // 32
    rows = min(keys, (folder / "vectors.f32").stat().st_size // (4 * dimension))
    return np.fromfile(folder / "vectors.f32", dtype=np.float32,
                       count=rows * dimension).reshape(rows, dimension)


def measure(vectors: np.ndarray, queries: np.ndarray, probes: np.ndarray,
            sizes: Sequence[int]) -> list[dict]:
    import faiss

    faiss.omp_set_num_threads(1)
    rows = []
    for n in sizes:
        data = np.ascontiguousarray(np.resize(vectors, (n, vectors.shape[1])))
        flat = search.exact(data)
        flat_ms = time_search(flat, queries, DEPTH)
        row = {"n": n, "real": n <= len(vectors), "flat_p50": _percentile(flat_ms, 50),
               "flat_p95": _percentile(flat_ms, 95)}
        if n <= len(vectors):
            t = time.perf_counter()
            hnsw = search.hnsw(data)
            row["hnsw_build_s"] = time.perf_counter() - t
            hnsw.hnsw.efSearch = search.HNSW_EF_SEARCH
            row["recall_probes"] = search.tune_ef_search(hnsw, flat, probes)
            _, truth = flat.search(queries, search.RECALL_K)
            _, found = hnsw.search(queries, search.RECALL_K)
            row["recall_gold"] = search.recall_at_k(truth, found)
            row["ef_search"] = int(hnsw.hnsw.efSearch)
            row["hnsw_p95"] = _percentile(time_search(hnsw, queries, DEPTH), 95)
        rows.append(row)
    return rows


def threshold(rows: Sequence[dict], budget_ms: float = BUDGET_MS) -> int | None:
    """The largest n whose flat p50 is within budget.

    >>> threshold([{"n": 10, "flat_p50": 0.5}, {"n": 20, "flat_p50": 0.9},
    ...            {"n": 50, "flat_p50": 2.0}])
    20
    """
    within = [r["n"] for r in rows if r["flat_p50"] <= budget_ms]
    return max(within) if within else None


def render(rows: Sequence[dict], distinct: int, queries: int) -> str:
    table = [[f"{r['n']:,}", f"{r['flat_p50']:.2f}", f"{r['flat_p95']:.2f}",
              f"{r['hnsw_p95']:.2f}" if "hnsw_p95" in r else "-",
              f"{r['recall_probes']:.3f} / {r['recall_gold']:.3f} (efSearch {r['ef_search']})"
              if "recall_gold" in r else "- (repeated vectors)",
              f"{r['hnsw_build_s']:.1f} s" if "hnsw_build_s" in r else "-"] for r in rows]
    found = threshold(rows)
    return "\n".join([
        markdown_table(["vectors", "flat p50 ms", "flat p95 ms", "hnsw p95 ms",
                        "hnsw recall@10: probes (tuned on) / gold", "hnsw build"], table),
        "",
        f"{queries} gold questions x 3 rounds, one thread, top {DEPTH}; {distinct:,} distinct "
        f"real vectors (beyond that, flat timings only, on repeated vectors); 1-minute load "
        f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        f"exact search within {BUDGET_MS} ms p50 up to {found:,} vectors; "
        f"ingest.search.EXACT_MAX = {search.EXACT_MAX:,}" if found else
        f"exact search over {BUDGET_MS} ms p50 at every size measured",
    ])


def main(argv: Sequence[str] | None = None) -> int:
    from ingest.embed import load_embedder

    parser = argparse.ArgumentParser(prog="python -m evals.bench_search",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--vectors", type=Path, required=True,
                        help="a vector cache folder: <vectors_dir>/<model identity>")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    args = parser.parse_args(argv)
    vectors = distinct_vectors(args.vectors)
    settings = Settings.from_env()
    embedder = load_embedder(settings)
    gold = load_gold(ROOT / "evals" / "gold.jsonl")
    queries = np.stack([embedder.encode([item.question])[0] for item in gold])
    probes = embedder.encode(list(search.PROBE_QUESTIONS))
    sizes = sorted(int(s) for s in args.sizes.split(","))
    print(render(measure(vectors, queries, probes, sizes), len(vectors), len(queries)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
