"""Which FAISS index serves chunk search, chosen by corpus size, and how good it is.

Up to `EXACT_MAX` chunks, a flat index: exact inner product, nothing to tune, and cheaper than
the embedding of the question it answers. Above it, HNSW: its search cost grows with log n,
not n. Its recall@10 against exact search is measured at build time on a fixed sample of the
corpus's own sentence vectors (question-sized texts), and `efSearch` is doubled until the
recall is at least `MIN_RECALL`; the figure is recorded in the manifest and printed by
`python -m ingest`. `python -m evals.bench_search` measures where exact search stops being
cheap, which is where `EXACT_MAX` comes from.

Not here: embedding (ingest.embed), writing files (ingest.index), fusion with BM25 (bot).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

# Exact search up to this many chunks. Measured by `python -m evals.bench_search`, one thread,
# the 160 gold questions: a flat search's median stays within 1 ms (a tenth of the ~12 ms the
# question's own embedding costs) up to 10,000 vectors (0.59 ms), and doubles past it
# (20,000: 1.30 ms); the README has the table. The 100x corpus (9,962 chunks) is still exact.
EXACT_MAX = 10_000
HNSW_M = 32  # links per node: 32 is FAISS's usual choice for 384-dimension text vectors
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 64  # the starting point; doubled until the recall target is met
MAX_EF_SEARCH = 2048
MIN_RECALL = 0.99
RECALL_K = 10
RECALL_PROBES = 256  # sample queries for the recall check


class SearchInfo(NamedTuple):
    type: str  # "flat" | "hnsw"
    vectors: int
    recall_at_10: float | None  # None for flat (exact by construction)
    probes: int
    params: dict[str, int]


def kind_for(n: int, exact_max: int = EXACT_MAX) -> str:
    """The index type for `n` vectors.

    >>> kind_for(10_000), kind_for(10_001)
    ('flat', 'hnsw')
    """
    return "flat" if n <= exact_max else "hnsw"


def recall_at_k(exact_ids: np.ndarray, approx_ids: np.ndarray) -> float:
    """Mean share of the exact top-k found by the approximate search (row by row).

    >>> recall_at_k(np.array([[1, 2], [3, 4]]), np.array([[2, 9], [3, 4]]))
    0.75
    """
    k = exact_ids.shape[1]
    hits = sum(len(set(e.tolist()) & set(a.tolist())) for e, a in
               zip(exact_ids, approx_ids, strict=True))
    return hits / (k * len(exact_ids))


def probe_sample(vectors: np.ndarray, n: int = RECALL_PROBES) -> np.ndarray:
    """`n` rows spread evenly over `vectors`: a fixed sample, so a rebuild measures the same."""
    if len(vectors) <= n:
        return np.ascontiguousarray(vectors)
    step = len(vectors) / n
    return np.ascontiguousarray(vectors[[int(i * step) for i in range(n)]])


def exact(vectors: np.ndarray) -> Any:
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return flat


def hnsw(vectors: np.ndarray, m: int = HNSW_M, ef_construction: int = HNSW_EF_CONSTRUCTION
         ) -> Any:
    import faiss

    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def tune_ef_search(index: Any, flat: Any, probes: np.ndarray, k: int = RECALL_K,
                   target: float = MIN_RECALL) -> float:
    """Raise `index.hnsw.efSearch` from its current value until recall@k ≥ target; the recall."""
    k = min(k, flat.ntotal)
    _, truth = flat.search(probes, k)
    while True:
        _, found = index.search(probes, k)
        recall = recall_at_k(truth, found)
        if recall >= target or index.hnsw.efSearch >= MAX_EF_SEARCH:
            return recall
        index.hnsw.efSearch *= 2


def chunk_search_index(chunk_vectors: np.ndarray, probe_vectors: np.ndarray,
                       exact_max: int | None = None) -> tuple[Any, SearchInfo]:
    """The FAISS index for chunk search, and what it is (recall measured when approximate)."""
    n = len(chunk_vectors)
    if kind_for(n, EXACT_MAX if exact_max is None else exact_max) == "flat":
        return exact(chunk_vectors), SearchInfo("flat", n, None, 0, {})
    index = hnsw(chunk_vectors)
    index.hnsw.efSearch = HNSW_EF_SEARCH
    probes = probe_sample(probe_vectors if len(probe_vectors) else chunk_vectors)
    recall = tune_ef_search(index, exact(chunk_vectors), probes)
    if recall < MIN_RECALL:  # not reached even at MAX_EF_SEARCH: exact is the honest choice
        return exact(chunk_vectors), SearchInfo("flat", n, None, 0, {})
    params = {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION,
              "efSearch": int(index.hnsw.efSearch)}
    return index, SearchInfo("hnsw", n, round(recall, 4), len(probes), params)
