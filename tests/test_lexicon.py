"""The lay vocabulary: every article word it adds occurs in the corpus, the brief's examples
map as promised, and the lay words it knows are not taken for topics the articles lack."""

from __future__ import annotations

import re

import pytest

from bot import lexicon
from bot.lexicon import LAY_TO_ARTICLE, article_terms, expand, lay_phrases, translate
from ingest.types import Document


def test_every_article_word_occurs_in_some_article(docs: list[Document]) -> None:
    text = " ".join(d.body for d in docs).lower()
    missing = sorted({w for words in LAY_TO_ARTICLE.values() for w in words.split()
                      if not re.search(rf"(?<![\w-]){re.escape(w)}", text)})
    assert missing == []


@pytest.mark.parametrize(("lay", "article"), [
    ("bum", "buttock"), ("wee", "bladder"), ("pee", "urinary"), ("pins and needles", "tingling"),
    ("Nurofen", "anti-inflammatory"), ("Advil", "anti-inflammatory"),
    ("ibuprofen", "anti-inflammatory"), ("paracetamol", "painkillers"), ("feet", "limbs"),
])
def test_the_issues_examples_map_to_the_articles_words(lay: str, article: str) -> None:
    assert article in article_terms(f"my {lay} is bad")


def test_phrases_win_over_their_words_and_match_whole_words_only() -> None:
    assert lay_phrases("pins and needles") == ["pins and needles"]
    assert lay_phrases("a sweet bumblebee, a teepee") == []  # "wee", "bum", "pee" inside words
    assert lay_phrases("a flare-up") == ["flare-up"]


def test_expand_only_adds_and_translate_replaces() -> None:
    assert expand("my bum") == "my bum buttock buttocks"
    assert translate("my bum") == "my buttock buttocks"
    assert expand("sciatica") == translate("sciatica") == "sciatica"


@pytest.mark.slow
def test_known_lay_words_are_not_unknown_topics(index) -> None:
    from bot.retrieve import unknown_terms

    question = "why does my bum hurt when I wee"
    assert "bum" in " ".join(unknown_terms(index, question, lexicon=False))
    assert unknown_terms(index, question) == []


@pytest.mark.slow
def test_lay_words_reach_bm25(index) -> None:
    without = [i for i, _ in index.bm25_chunks("pins and needles in my feet", 5)]
    with_lexicon = [i for i, _ in index.bm25_chunks(expand("pins and needles in my feet"), 5)]
    assert any("tingling" in index.chunks[i].text for i in with_lexicon)
    assert with_lexicon != without


def test_module_is_pure() -> None:
    assert lexicon._pattern() is lexicon._pattern()  # compiled once, no state beyond that
