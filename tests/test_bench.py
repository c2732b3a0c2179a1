"""The benchmark: its arithmetic and synthetic corpora exactly, and (slow) that a quick run on a
tiny scale produces every section of bench.json with sane values. Never how fast anything is."""

from __future__ import annotations

import doctest
import json
from collections import Counter
from pathlib import Path

import pytest

import evals.bench
import evals.bench_corpus
import evals.bench_stats
from evals.bench import Options, evenly, parse_options, parse_scales, render, run_bench
from evals.bench_corpus import paragraphs, synthetic_docs, to_markdown, write_corpus
from evals.bench_stats import Spread, over_rounds, stage_percentiles, targets, to_jsonable
from ingest.corpus import load_corpus, parse
from ingest.settings import Settings
from ingest.types import Document


@pytest.mark.parametrize("module", [evals.bench, evals.bench_corpus, evals.bench_stats])
def test_doctests(module) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0


# -- synthetic corpora -------------------------------------------------------------------------
def test_synthetic_corpus_recombines_real_paragraphs(docs: list[Document]) -> None:
    out = synthetic_docs(docs, 3)
    assert len(out) == 3 * len(docs)
    assert len({d.doc_id for d in out}) == len(out)
    real = Counter(p for d in docs for p in paragraphs(d.body))
    synthetic = Counter(p for d in out for p in paragraphs(d.body))
    assert synthetic == Counter({p: 3 * n for p, n in real.items()})  # each exactly 3 times
    assert [len(paragraphs(d.body)) for d in out[:len(docs)]] == [
        len(paragraphs(d.body)) for d in docs]  # the real documents' sizes
    assert out[0].body != docs[0].body  # shuffled, not copied
    assert synthetic_docs(docs, 3) == out  # fixed seed


def test_synthetic_corpus_round_trips_through_the_loader(docs, tmp_path: Path) -> None:
    out = synthetic_docs(docs, 2)
    write_corpus(out, tmp_path)
    loaded = load_corpus(tmp_path)
    assert loaded == out
    assert parse(to_markdown(out[0])).title == out[0].title


def test_synthetic_corpus_rejects_a_bad_factor(docs) -> None:
    with pytest.raises(ValueError, match="positive integer"):
        synthetic_docs(docs, 0)


# -- arithmetic --------------------------------------------------------------------------------
def test_over_rounds_takes_per_round_percentiles_then_their_median() -> None:
    rounds = [list(range(1, 101)), list(range(2, 102)), list(range(11, 111))]
    p = over_rounds(rounds)
    assert p.p50 == Spread(51.5, 50.5, 60.5, 3)
    assert p.p95 == pytest.approx(Spread(96.05, 95.05, 105.05, 3))
    assert p.samples == 100


def test_stage_percentiles_leave_out_skipped_stages() -> None:
    rounds = [[{"embed": 10.0, "total": 12.0}, {"embed": 20.0, "compose": 1.0, "total": 22.0}]]
    stages = stage_percentiles(rounds)
    assert set(stages) == {"embed", "compose", "total"}
    assert stages["compose"].samples == 1
    assert stages["total"].p50.median == 17.0


def test_targets_are_inclusive_except_no_op_ingest() -> None:
    at_limit = targets(answer_p95=15.0, floor_p95=10.0, scale_p95={1: 10.0, 100: 20.0},
                       cold_start_s=15.0, noop_ingest_s=3.0)
    assert [t.met for t in at_limit] == [True, True, True, False]
    assert "MISSED" in at_limit[3].show()
    unmeasured = targets(answer_p95=16.0, floor_p95=10.0, scale_p95={1: 10.0},
                         cold_start_s=None, noop_ingest_s=1.0)
    assert [t.met for t in unmeasured] == [False, None, None, True]


def test_options() -> None:
    assert parse_scales("10,1,10") == (1, 10)
    with pytest.raises(ValueError, match="positive integers"):
        parse_scales("1,x")
    quick = parse_options(["--quick"])
    assert (quick.scales, quick.rounds, quick.questions, quick.repeats) == ((1, 2), 1, 6, 1)
    assert (quick.add_at, quick.vector_cache) == (2, None)
    full = parse_options([])
    assert (full.scales, full.rounds, full.questions) == ((1, 10, 100), 5, None)
    assert full.add_at == 100
    assert parse_options(["--add-at", "0"]).add_at is None
    assert parse_options(["--quick", "--scales", "3"]).scales == (1, 3)
    assert evenly(list(range(160)), 4) == [0, 40, 80, 120]


# -- a real, tiny run --------------------------------------------------------------------------
def _positive_spread(value: dict) -> None:
    assert value["runs"] >= 1
    assert 0 < value["low"] <= value["median"] <= value["high"]


def _percentiles(value: dict) -> None:
    _positive_spread(value["p50"])
    _positive_spread(value["p95"])
    assert value["p95"]["median"] >= value["p50"]["median"]


@pytest.mark.slow
def test_quick_bench_writes_every_section(embedder, docs, tmp_path: Path) -> None:
    opts: Options = parse_options(["--quick", "--no-app", "--questions", "4",
                                   "--out", str(tmp_path / "out"),
                                   "--work", str(tmp_path / "work")])
    report = run_bench(opts, embedder=embedder)
    path = evals.bench.write_report(report, opts.out)
    data = json.loads(path.read_text(encoding="utf-8"))

    assert set(data) >= {"command", "machine", "config", "floor", "answer", "ratio",
                         "cold_start", "ingest", "scale", "serving", "targets"}
    assert data["machine"]["nproc"] >= 1 and data["machine"]["ram_bytes"] > 0
    assert data["machine"]["torch_threads_serving"] >= 1
    _percentiles(data["floor"]["short"])
    _percentiles(data["floor"]["gold"])
    stages = data["answer"]["stages"]
    assert set(stages) == {"embed", "safety_check", "safety", "retrieve", "compose", "total",
                           "wall"}
    for stage in stages.values():
        _percentiles(stage)
    assert stages["wall"]["samples"] == 4

    ratio = data["ratio"]
    assert ratio["answer_p95_ms"] == stages["wall"]["p95"]["median"]
    assert ratio["floor_p95_ms"] == data["floor"]["gold"]["p95"]["median"]
    assert ratio["ratio"] == pytest.approx(ratio["answer_p95_ms"] / ratio["floor_p95_ms"])

    cold = data["cold_start"]
    _positive_spread(cold["cli"]["to_first_answer_s"])
    assert cold["app"] == {"skipped": "--no-app"}
    assert cold["inside"]["load_s"] > 0 and cold["inside"]["first_answer_ms"] > 0

    ingest = data["ingest"]
    _positive_spread(ingest["build_s"])
    _positive_spread(ingest["noop"]["wall_s"])
    assert ingest["chunks"] > 0 and ingest["sentences"] > 0

    real_rows, double = data["scale"]
    assert (real_rows["factor"], double["factor"]) == (1, 2)
    assert (real_rows["documents"], double["documents"]) == (len(docs), 2 * len(docs))
    assert double["sentences"] == 2 * real_rows["sentences"]
    # 1x from nothing fills the bench's cache; 2x recombines the same sentences, so it reuses
    # them and embeds its chunks (each chunk text carries a new title)
    texts_1x = real_rows["chunks"] + real_rows["sentences"]
    assert real_rows["embedded"] + real_rows["reused"] == texts_1x
    assert double["chunks"] <= double["embedded"] < double["chunks"] + real_rows["sentences"]
    assert double["reused"] >= real_rows["sentences"]
    assert double["embedded"] + double["reused"] == double["chunks"] + double["sentences"]
    assert {row["search"]["type"] for row in data["scale"]} == {"flat"}
    added = data["added"]
    assert (added["factor"], added["documents"]) == (2, 2 * len(docs) + 1)
    assert 0 < added["embedded"] < 100 and added["reused"] > 1000
    assert "one article added" in render(data)
    for row in data["scale"]:
        assert row["index_bytes"] > 0 and row["serve_peak_rss_bytes"] > 0
        _positive_spread(row["build_s"])
        _percentiles(row["answer_ms"])
    assert double["index_bytes"] > real_rows["index_bytes"]
    assert data["serving"]["peak_rss_bytes"] >= data["serving"]["rss_after_load_bytes"] > 0

    names = [t["name"] for t in data["targets"]]
    assert len(names) == 4
    assert [t["met"] for t in data["targets"]][1] is None  # no 100x run
    assert "Targets:" in render(data)

    # The 2x corpus the bench built: distinct ids, every body made of real paragraphs.
    synthetic = load_corpus(tmp_path / "work" / "corpus-2x")
    assert len({d.doc_id for d in synthetic}) == 2 * len(docs) + 1  # and the one added
    assert added["doc_id"] in {d.doc_id for d in synthetic}
    synthetic = [d for d in synthetic if d.doc_id != added["doc_id"]]
    real = {p for d in docs for p in paragraphs(d.body)}
    for doc in synthetic:
        assert doc.doc_id.startswith("synthetic-")
        assert set(paragraphs(doc.body)) <= real


@pytest.mark.slow
def test_app_cold_start_serves_and_answers(settings: Settings, index, tmp_path: Path) -> None:
    """The chat starts on a free loopback port, answers through /ask, and is stopped."""
    result = to_jsonable(evals.bench.cold_start_app(settings, 1, tmp_path))
    assert result["errors"] == []
    _positive_spread(result["to_http_200_s"])
    assert result["to_first_answer_s"]["median"] >= result["to_http_200_s"]["median"]
    assert result["peak_rss_bytes"] > 0
