"""Which FAISS index serves chunk search, chosen by corpus size, and how good it is.

Up to `EXACT_MAX` chunks, a flat index: exact inner product, nothing to tune, and cheaper than
the embedding of the question it answers. Above it, HNSW: its search cost grows with log n,
not n. Its recall@10 against exact search is measured at build time on `PROBE_QUESTIONS`,
questions in a patient's words (the corpus's own sentences are far too easy: they sit next to
their own chunk, and gave 0.998 where the gold questions got 0.941), and `efSearch` is doubled
from `HNSW_EF_SEARCH` until the recall is at least `MIN_RECALL`; the figure is recorded in the
manifest and printed by `python -m ingest`. `python -m evals.bench_search` measures where exact
search stops being cheap, which is where `EXACT_MAX` comes from, and checks the tuned recall on
the gold set.

Not here: embedding (ingest.embed), writing files (ingest.index), fusion with BM25 (bot).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

# Exact search up to this many chunks. Measured by `python -m evals.bench_search` (one thread,
# the 160 gold questions, the 100x corpus's 15,982 distinct vectors, load average 8-12 on 2
# cores): a flat search's median stays within 1 ms — a tenth of the ~12 ms the question's own
# embedding costs — up to 20,000 vectors (0.74-0.86 ms in four runs; an earlier one gave 1.30)
# and not at 50,000 (6.4-8.9 ms). The README has the table.
EXACT_MAX = 20_000
HNSW_M = 32  # links per node: 32 is FAISS's usual choice for 384-dimension text vectors
HNSW_EF_CONSTRUCTION = 80
# Where efSearch starts; doubled until the probes reach MIN_RECALL. Measured by the same
# command: the gold questions reach recall@10 >= 0.99 at 256 (0.994 on 5,000 and on 15,000
# vectors) while our probe questions already pass at 64-128 (where gold got 0.925-0.981), so
# the probes alone would stop too early: they confirm the floor, they do not replace it.
HNSW_EF_SEARCH = 256
MAX_EF_SEARCH = 2048
# The target is recall@10 >= 0.99 on real questions; the probes must reach 0.995, a margin
# measured by `python -m evals.bench_search`: at 10,000 vectors probes at 0.993 came with
# 0.973 on the gold questions.
MIN_RECALL = 0.995
RECALL_K = 10
RECALL_PROBES = 256  # at most this many probe vectors
# Probe queries for the recall check, written for it (not the gold set, which only evaluates):
# short lay questions on the corpus's topics, like those the bot gets.
PROBE_QUESTIONS = (
    "why does my back hurt so much with MS",
    "is my lower back pain caused by multiple sclerosis",
    "what helps with muscle spasms at night",
    "can MS give you a burning feeling in your legs",
    "what is the electric shock feeling when I bend my neck",
    "how do doctors tell nerve pain from a pulled muscle",
    "does physio help MS back pain",
    "is sciatica a symptom of MS",
    "what medicine is used for nerve pain in MS",
    "my legs are stiff and tight all the time, what can I do",
    "can walking differently from MS hurt my hips",
    "does heat make MS pain worse",
    "should I see a doctor about sudden back pain and bladder problems",
    "what is spasticity",
    "can a herniated disc happen alongside MS",
    "do painkillers like ibuprofen work for MS pain",
    "what exercises are good for back pain with MS",
    "can stress or depression make my pain worse",
    "what is the MS hug around my chest",
    "is pain a sign of an MS relapse",
    "how is Lhermitte's sign treated",
    "can MS cause pain in the buttocks and down one leg",
    "what does neuropathic pain feel like",
    "are there non-drug ways to manage chronic pain",
    "can MS weaken my bones",
    "does MS damage the sciatic nerve itself",
    "why does light touch from clothes hurt my skin",
    "can bad posture from a wheelchair cause back pain",
    "what is a pain management programme",
    "does baclofen help with spasms",
    "can I have arthritis as well as MS",
    "why does my pain get worse when I am tired",
    "how long does nerve pain from MS last",
    "what tests check if back pain is from MS lesions",
    "is acupuncture useful for MS pain",
    "can constipation from pain medicine be a problem",
    "does sleeping badly make pain harder to cope with",
    "what causes cramps in my calves with MS",
    "how do I know if my back pain is serious",
    "can yoga or stretching ease MS stiffness",
)


class SearchInfo(NamedTuple):
    type: str  # "flat" | "hnsw"
    vectors: int
    recall_at_10: float | None  # None for flat (exact by construction)
    probes: int
    params: dict[str, int]


def kind_for(n: int, exact_max: int = EXACT_MAX) -> str:
    """The index type for `n` vectors.

    >>> kind_for(20_000), kind_for(20_001)
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


def chunk_search_index(chunk_vectors: np.ndarray,
                       probe_vectors: Callable[[], np.ndarray],
                       exact_max: int | None = None) -> tuple[Any, SearchInfo]:
    """The FAISS index for chunk search, and what it is (recall measured when approximate).
    `probe_vectors()` gives the recall probes (the embedded `PROBE_QUESTIONS`); it is only
    called when HNSW is chosen, so a small corpus never pays for it."""
    n = len(chunk_vectors)
    if kind_for(n, EXACT_MAX if exact_max is None else exact_max) == "flat":
        return exact(chunk_vectors), SearchInfo("flat", n, None, 0, {})
    index = hnsw(chunk_vectors)
    index.hnsw.efSearch = HNSW_EF_SEARCH
    probes = probe_sample(np.ascontiguousarray(probe_vectors(), dtype=np.float32))
    recall = tune_ef_search(index, exact(chunk_vectors), probes)
    if recall < MIN_RECALL:  # not reached even at MAX_EF_SEARCH: exact is the honest choice
        return exact(chunk_vectors), SearchInfo("flat", n, None, 0, {})
    params = {"M": HNSW_M, "efConstruction": HNSW_EF_CONSTRUCTION,
              "efSearch": int(index.hnsw.efSearch)}
    return index, SearchInfo("hnsw", n, round(recall, 4), len(probes), params)
