"""The gold question set: schema, coverage of every category and article, and evidence that is
real article content (it occurs in a body, and not in a heading, FAQ question or web boilerplate).

The boilerplate rules here are written independently of `ingest.clean`, on purpose: the gold set
must not inherit a cleaning bug.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from evals.match import normalize, tokens
from evals.schema import load_gold
from ingest.settings import ROOT

GOLD = ROOT / "evals" / "gold.jsonl"
MINIMUM = {"ans": 55, "fu": 10, "unans": 12, "rf": 20, "benign": 12}
RF_LEVEL = {"em": "emergency", "cr": "crisis", "ur": "urgent"}

# Lines that are web boilerplate wherever they appear.
BOILERPLATE_LINE = re.compile(
    r"^(?:Recommended Reading|You May Like|Also Check|Don[\u2019']t Miss)\s*:"
    r"|^(?:>\s*){2,}|^Learn\b.*\bhere\.$|Share on Pinterest|Getty Images|Wikimedia Commons"
    r"|^Last reviewed|^Persly|^Medical illustration|^Based on PubMed|min read$|^Keep reading"
    r"|^\d+\.\s*\d+\.\^|^Important Notice|^References$|^Sources$",
)
# Runs of lines that are not article content: (doc id, first line starts, last line starts).
BOILERPLATE_RUNS = (
    ("ms-pain-back-hip-nerve", "Problems With Thinking", "But many of these problems"),
    ("ms-pain-back-hip-nerve", "Spine surgery may be recommended", "Spine surgery may be"),
    ("ms-pain-back-hip-nerve", "Is It My Meds Or My Gait", "So, is my hip pain"),
    ("ms-pain-back-hip-nerve", "Surgical interventions to correct", "While back pain is a common"),
    ("ms-back-pain-features", "Comparison: MS-Related", "[2] [5] [1] [6]"),
    ("ms-back-pain-features", "Sources", "Important Notice"),
)


@pytest.fixture(scope="module")
def gold():
    return load_gold(GOLD)


def content_lines(doc_id: str, body: str) -> list[str]:
    """Normalized body lines that are article sentences or list items."""
    runs = [(first, last) for d, first, last in BOILERPLATE_RUNS if d == doc_id]
    out, inside = [], None
    for raw in body.splitlines():
        line = raw.strip()
        if inside is None:
            inside = next((last for first, last in runs if line.startswith(first)), None)
        if inside is not None:
            if line.startswith(inside):
                inside = None
            continue
        is_item = bool(re.match(r"^[•\-]\s", line))
        is_heading = not is_item and not re.search(r"[.:)\]]$", line)
        if not line or BOILERPLATE_LINE.search(line) or line.endswith("?") or is_heading:
            continue
        out.append(normalize(line))
    return out


def category(item_id: str) -> str:
    return item_id.split("-")[0]


def test_gold_file_is_valid_and_large_enough(gold):
    counts = Counter(category(item.id) for item in gold)
    assert set(counts) == set(MINIMUM)
    for name, minimum in MINIMUM.items():
        assert counts[name] >= minimum, name
    assert len(gold) >= 110


def test_each_category_has_the_fields_it_promises(gold):
    for item in gold:
        kind = category(item.id)
        if kind == "ans":
            assert (item.expect, item.history, item.escalate) == ("answer", (), None), item.id
        elif kind == "fu":
            assert item.expect == "answer" and item.history and item.escalate is None, item.id
        elif kind == "unans":
            assert (item.expect, item.evidence, item.escalate) == ("refuse", (), None), item.id
        elif kind == "rf":
            assert item.expect == "any", item.id
            assert item.escalate == RF_LEVEL[item.id.split("-")[1]], item.id
        else:
            assert item.escalate is None, item.id


def test_red_flags_cover_all_three_levels(gold):
    levels = Counter(item.escalate for item in gold if item.escalate)
    assert levels["emergency"] >= 8 and levels["urgent"] >= 6 and levels["crisis"] >= 4


def test_every_evidence_span_occurs_in_the_corpus(gold, docs):
    bodies = [normalize(doc.body) for doc in docs]
    spans = [(item.id, span) for item in gold for span in item.evidence]
    assert len(spans) >= 200
    missing = [(i, s) for i, s in spans if not any(normalize(s) in body for body in bodies)]
    assert missing == []


def test_no_evidence_span_is_boilerplate_heading_or_faq_question(gold, docs):
    lines = [line for doc in docs for line in content_lines(doc.doc_id, doc.body)]
    bad = [(item.id, span) for item in gold for span in item.evidence
           if not any(normalize(span) in line for line in lines)]
    assert bad == []


def test_the_boilerplate_rules_do_catch_boilerplate(docs):
    # The test above could pass vacuously if content_lines kept everything.
    body = {doc.doc_id: doc.body for doc in docs}
    hip = "\n".join(content_lines("ms-pain-back-hip-nerve", body["ms-pain-back-hip-nerve"]))
    for text in ("right hip pain during pregnancy", "lemtrada", "getting stuck on words",
                 "call us at 366-1011", "unlikely stretch", "does it feel the same?"):
        assert normalize(text) not in hip, text
    assert normalize("Sitting in a wheelchair all day can also put excess pressure") in hip
    sci = "\n".join(content_lines("ms-sciatica", body["ms-sciatica"]))
    assert "does ms cause buttock pain" not in sci


def test_evidence_spans_are_long_enough_to_match_meaningfully(gold):
    short = [(item.id, span) for item in gold for span in item.evidence if len(tokens(span)) < 4]
    assert short == []


def test_all_five_articles_answer_some_questions(gold, docs):
    per_doc = Counter()
    for doc in docs:
        body = normalize(doc.body)
        per_doc[doc.doc_id] = sum(
            any(normalize(span) in body for span in item.evidence)
            for item in gold if item.expect == "answer"
        )
    assert len(per_doc) == 5
    assert min(per_doc.values()) >= 12, per_doc


def test_questions_are_not_copied_from_the_articles(gold, docs):
    bodies = [normalize(doc.body) for doc in docs]
    copied = [item.id for item in gold
              if any(normalize(item.question).rstrip("?") in body for body in bodies)]
    assert copied == []


@pytest.mark.parametrize("name", ["bot/safety/data/redflag_tuning.jsonl",
                                  "bot/safety/data/redflag_train.jsonl",
                                  "evals/refusal_tuning.jsonl"])
def test_gold_questions_are_held_out_from_tuning_sets(gold, name):
    rows = [json.loads(line) for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    tuning = {normalize(row.get("text") or row.get("question") or "") for row in rows}
    leaked = [item.id for item in gold if normalize(item.question) in tuning]
    assert leaked == []


# -- the later sets, each by its own writer who read only the articles -----------------------
# name: (file, at least this many (expect, follow-up?) items)
LATER_SETS = {
    "dev2": ("evals/dev2.jsonl", {("answer", False): 150, ("answer", True): 25,
                                  ("refuse", False): 40}),
    "dev3": ("evals/dev3.jsonl", {("answer", False): 180, ("answer", True): 10,
                                  ("refuse", False): 120}),
    "train2": ("evals/train2.jsonl", {("answer", False): 200, ("answer", True): 10,
                                      ("refuse", False): 300}),
}
ALL_SETS = ["evals/train.jsonl", "evals/gold.jsonl", "evals/blind.jsonl",
            "evals/refusal_tuning.jsonl"] + [path for path, _ in LATER_SETS.values()]


@pytest.mark.parametrize("name", sorted(LATER_SETS))
def test_later_set_is_valid_and_its_evidence_occurs_in_the_corpus(docs, name):
    path, minimum = LATER_SETS[name]
    items = load_gold(ROOT / path)
    kinds = Counter((item.expect, bool(item.history)) for item in items)
    too_few = {kind: kinds[kind] for kind, least in minimum.items() if kinds[kind] < least}
    assert too_few == {}
    bodies = [normalize(doc.body) for doc in docs]
    missing = [(item.id, span) for item in items for span in item.evidence
               if not any(normalize(span) in body for body in bodies)]
    assert missing == []
    assert all(item.evidence for item in items if item.expect == "answer")


@pytest.mark.parametrize(("name", "other"), [(name, other) for name in sorted(LATER_SETS)
                                             for other in ALL_SETS
                                             if other != LATER_SETS[name][0]])
def test_later_set_questions_are_held_out_from_the_other_sets(name, other):
    path = ROOT / other
    if not path.is_file():
        pytest.skip(f"{other} is not in this checkout")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    others = {normalize(row.get("question") or "") for row in rows}
    leaked = [item.id for item in load_gold(ROOT / LATER_SETS[name][0])
              if normalize(item.question) in others]
    assert leaked == []
