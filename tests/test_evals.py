"""The evaluation harness: matching, per-item checks and metrics on hand-made replies with exact
expected figures; schema and thresholds errors; the report files; and (slow) the full gold set
through the real bot, which must pass every threshold."""

from __future__ import annotations

import doctest
import json

import pytest

import evals.baseline
import evals.cli
import evals.match
import evals.metrics
import evals.report
import evals.schema
import evals.thresholds
from bot.types import Quote, Reply
from evals.baseline import Baseline, paragraph_span
from evals.cli import DEFAULT_GOLD, DEFAULT_THRESHOLDS, evaluate, main
from evals.errors import GoldFileError, ThresholdsError
from evals.match import coverage, first_hit, longest_common_run, normalize, supports
from evals.metrics import ItemResult, Retrieved, check, flatten, summarize
from evals.report import markdown, summary_table, write
from evals.schema import GoldItem, load_gold, parse_lines
from evals.thresholds import Thresholds, failed, load_thresholds, parse_thresholds, verdicts

BODY = "Spasticity is common in MS. It can hurt a lot.\nNerve pain may burn or sting."
BODIES = {"d": BODY}
SPASTICITY = "Spasticity is common in MS."
NERVE = "Nerve pain may burn or sting."


def quote(text: str, shift: int = 0) -> Quote:
    start = BODY.index(text) + shift
    return Quote("d", "Title", "", start, start + len(text), text)


def reply(quotes=(), *, refused=False, escalation=None, disclaimer="Not medical advice.") -> Reply:
    return Reply("text", list(quotes), escalation, refused, disclaimer, {"total": 10.0})


def hit(text: str, score: float = 1.0) -> Retrieved:
    start = BODY.index(text)
    return Retrieved("d", start, start + len(text), text, score)


def item(item_id, expect="any", evidence=(), history=(), escalate=None) -> GoldItem:
    return GoldItem(item_id, f"question {item_id}", tuple(history), expect, tuple(evidence),
                    escalate)


def result(gold: GoldItem, rep: Reply, retrieved=(), ms: float = 10.0) -> ItemResult:
    return ItemResult(gold, rep, tuple(retrieved), {"total": ms},
                      check(gold, rep, retrieved, BODIES))


# -- matching --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [evals.match, evals.metrics, evals.schema, evals.thresholds,
                                    evals.baseline, evals.report, evals.cli])
def test_docstring_examples(module):
    outcome = doctest.testmod(module)
    assert outcome.attempted > 0 and outcome.failed == 0


def test_normalize_folds_unicode_quotes_space_and_case():
    assert normalize("Lhermitte\u2019s  \u201csign\u201d\u00a0\n Is \ufb01ne ") == \
        'lhermitte\'s "sign" is fine'


def test_coverage_counts_the_longest_shared_run_of_tokens():
    evidence = "pain that worsens when twisting, bending, or coughing"  # 8 tokens
    assert coverage(evidence, "It worsens when twisting.") == 3 / 8
    assert coverage(evidence, "Pain that worsens when twisting, bending") == 6 / 8
    assert coverage(evidence, "x PAIN that worsens when twisting,  bending, or coughing.") == 1.0
    # shared words out of order do not count as one run
    assert coverage(evidence, "coughing or bending twisting when worsens that pain") == 1 / 8
    assert longest_common_run([], ["a"]) == 0


def test_supports_at_exactly_the_threshold():
    assert supports(["a b c d e"], "a b c") is True  # 3/5 = 0.6
    assert supports(["a b c d e"], "a b x") is False  # 2/5
    assert supports(["zzz", "a b c d e"], "a b c d") is True  # any one span suffices
    assert first_hit(["a b c d e"], ["x", "y", "a b c d e f"]) == 3
    assert first_hit(["a b c d e"], ["x", "y"]) is None


# -- per-item checks ---------------------------------------------------------------------------


def test_check_passes_a_supported_answer():
    gold = item("a", "answer", [SPASTICITY])
    checks = check(gold, reply([quote(SPASTICITY)]), [hit(NERVE), hit(SPASTICITY)], BODIES)
    assert checks.failures == ()
    assert (checks.hit_rank, checks.supported, checks.refused_ok) == (2, True, True)
    assert (checks.quotes_verbatim, checks.quotes_total, checks.disclaimer) == (1, 1, True)


@pytest.mark.parametrize(
    ("gold", "rep", "failures"),
    [
        (item("a", "answer", [SPASTICITY]), reply(refused=True), ("refused",)),
        (item("a", "answer", [SPASTICITY]), reply([quote(NERVE)]), ("unsupported",)),
        (item("r", "refuse"), reply([quote(NERVE)]), ("not_refused",)),
        (item("e", escalate="emergency"), reply(), ("missed_escalation",)),
        (item("e", escalate="emergency"), reply(escalation="urgent"), ("wrong_escalation_level",)),
        (item("b"), reply(escalation="crisis"), ("false_escalation",)),
        (item("b"), reply([quote(NERVE, shift=1)]), ("quote_not_verbatim",)),
        (item("b"), reply(disclaimer="  "), ("no_disclaimer",)),
        (item("a", "answer", [SPASTICITY]), reply(refused=True, escalation="urgent", disclaimer=""),
         ("refused", "false_escalation", "no_disclaimer")),
    ],
)
def test_check_names_each_failure(gold, rep, failures):
    assert check(gold, rep, [], BODIES).failures == failures


def test_a_quote_from_another_article_or_out_of_range_is_not_verbatim():
    moved = Quote("other", "T", "", 0, len(NERVE), NERVE)
    past_end = Quote("d", "T", "", len(BODY) - 2, len(BODY) + 5, BODY[-2:])
    checks = check(item("b"), reply([moved, past_end, quote(NERVE)]), [], BODIES)
    assert (checks.quotes_verbatim, checks.quotes_total) == (1, 3)


# -- metrics over a run ------------------------------------------------------------------------


@pytest.fixture
def small_run() -> list[ItemResult]:
    return [
        result(item("A", "answer", [SPASTICITY]), reply([quote(SPASTICITY)]),
               [hit(NERVE), hit(SPASTICITY)], ms=10),
        result(item("B", "answer", [NERVE], history=["earlier"]), reply(refused=True),
               [hit(NERVE)], ms=20),
        result(item("C", "refuse"), reply(refused=True), ms=30),
        result(item("D", "refuse"), reply([quote(NERVE)]), ms=40),
        result(item("E", escalate="emergency"), reply(escalation="emergency"), ms=50),
        result(item("F", escalate="crisis"), reply(), ms=60),
        result(item("G"), reply(escalation="urgent", disclaimer=""), ms=70),
        result(item("H"), reply([quote(NERVE, shift=2)]), ms=80),
    ]


def test_summarize_gives_exact_figures(small_run):
    s = summarize(small_run)
    assert (s["n_items"], s["passed_items"]) == (8, 3)
    assert s["retrieval"] == {"n": 2, "hit@1": 0.5, "hit@3": 1.0, "hit@5": 1.0, "mrr": 0.75}
    assert s["answer"] == {"n": 2, "support": 0.5, "first_support": 0.5}
    assert s["followup"] == {"n": 1, "support": 0.0}
    assert s["quotes"] == {"n": 3, "verbatim_rate": 2 / 3}
    assert s["disclaimer"] == {"n": 8, "rate": 0.875}
    assert s["refusal"] == {"n": 4, "tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5,
                            "false_refusal_rate": 0.5}
    esc = s["escalation"]
    assert esc["emergency"] == {"n": 1, "recall": 1.0, "recall_any": 1.0}
    assert esc["crisis"] == {"n": 1, "recall": 0.0, "recall_any": 0.0}
    assert esc["urgent"] == {"n": 0, "recall": None, "recall_any": None}
    assert esc["overall"] == {"n": 2, "recall": 0.5, "recall_any": 0.5}
    assert (esc["n_negative"], esc["false_positive_rate"]) == (6, 1 / 6)
    assert s["latency_ms"] == {"total": {"p50": 45.0, "p95": 76.5}}


def test_a_system_that_never_refuses_has_no_refusal_precision(small_run):
    never = [result(r.item, reply([quote(NERVE)])) for r in small_run]
    refusal = summarize(never)["refusal"]
    assert (refusal["precision"], refusal["recall"]) == (None, 0.0)


# -- schema ------------------------------------------------------------------------------------


GOOD = '{"id": "x", "question": "q?", "expect": "refuse"}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "f.jsonl:2: not valid JSON"),
        ('["a"]', "f.jsonl:2: expected a JSON object, got list"),
        ('{"id": "y", "question": "q", "expect": "maybe"}',
         "f.jsonl:2: 'expect' is 'maybe'; valid: answer, refuse, any"),
        ('{"id": "y", "question": "q", "expect": "any", "escalate": "high"}',
         "f.jsonl:2: 'escalate' is 'high'; valid: null, emergency, urgent, crisis"),
        ('{"id": "y", "question": "q", "expect": "any", "escalation": "urgent"}',
         "f.jsonl:2: unknown key(s) 'escalation' (valid: id, question, history, expect, "
         "evidence, escalate)"),
        ('{"id": "y", "question": "q", "expect": "answer"}',
         "f.jsonl:2: 'expect' is 'answer' but 'evidence' is empty"),
        ('{"id": "y", "question": "q", "expect": "any", "history": "hi"}',
         "f.jsonl:2: 'history' must be a list of non-empty strings"),
        ('{"id": "y", "expect": "any"}', "f.jsonl:2: missing key 'question'"),
        (GOOD, "f.jsonl:2: duplicate id 'x' (first on line 1)"),
    ],
)
def test_schema_errors_name_the_line_and_the_problem(line, message):
    with pytest.raises(GoldFileError) as err:
        parse_lines([GOOD, line], "f.jsonl")
    assert str(err.value).startswith(message)


def test_schema_accepts_comments_blank_lines_and_defaults(tmp_path):
    path = tmp_path / "mine.jsonl"
    path.write_text(f"# reviewer notes\n\n{GOOD}\n", encoding="utf-8")
    assert load_gold(path) == [GoldItem("x", "q?", (), "refuse", (), None)]
    with pytest.raises(GoldFileError, match="no questions"):
        parse_lines(["", "# only a comment"], "empty.jsonl")


# -- thresholds --------------------------------------------------------------------------------


def test_thresholds_compare_skip_missing_and_reject_unknown_names(small_run):
    flat = flatten(summarize(small_run))
    t = Thresholds(1, {"answer.support": 0.5, "refusal.recall": 0.9,
                       "escalation.urgent.recall": 1.0},
                   {"escalation.false_positive_rate": 0.1})
    got = [(v.name, v.passed) for v in verdicts(flat, t)]
    assert got == [("answer.support", True), ("refusal.recall", False),
                   ("escalation.urgent.recall", None), ("escalation.false_positive_rate", False)]
    assert [v.name for v in failed(verdicts(flat, t))] == [
        "refusal.recall", "escalation.false_positive_rate"]
    with pytest.raises(ThresholdsError, match=r"unknown metric\(s\) answer\.suport; valid: .*"
                                              r"answer\.support"):
        verdicts(flat, Thresholds(1, {"answer.suport": 0.5}, {}))


@pytest.mark.parametrize(
    ("data", "message"),
    [({"min": {}}, "'version' must be an integer"),
     ({"version": 1, "min": {"a": "high"}}, "'min' must map metric names to numbers"),
     ({"version": 1, "minimum": {}}, "unknown key(s) ['minimum']")],
)
def test_thresholds_file_errors(data, message):
    with pytest.raises(ThresholdsError) as err:
        parse_thresholds(data, "t.json")
    assert message in str(err.value)


def test_the_shipped_thresholds_hold_verbatim_and_disclaimer_at_exactly_one():
    shipped = load_thresholds(DEFAULT_THRESHOLDS)
    assert shipped.min["quotes.verbatim_rate"] == 1.0
    assert shipped.min["disclaimer.rate"] == 1.0
    assert shipped.min["escalation.emergency.recall"] == 1.0
    assert shipped.min["escalation.crisis.recall"] == 1.0


# -- baseline paragraph, report, CLI -----------------------------------------------------------


def test_paragraph_span_returns_the_whole_line_of_a_real_article(docs):
    body = {d.doc_id: d.body for d in docs}
    lbp = body["ms-lower-back-pain"]
    offset = lbp.index("Weakness in the leg muscles")
    start, end = paragraph_span(lbp, offset)
    assert lbp[start:end].startswith("Changes in how a person walks, known as gait alterations")
    assert lbp[start:end].endswith("results in a dull, aching, or throbbing pain.")
    sci = body["ms-sciatica"]
    start, end = paragraph_span(sci, sci.index("painful limb spasms") + 3)
    assert sci[start:end] == "• painful limb spasms"
    with pytest.raises(ValueError, match="outside the body"):
        paragraph_span(sci, len(sci) + 1)


def test_report_lists_failing_items_with_evidence_quotes_and_retrieval(small_run, tmp_path):
    summary = {"gold": "g.jsonl", "thresholds_file": "t.json", "thresholds_version": 3,
               "elapsed_s": 1.0, "bot": summarize(small_run), "baseline": summarize(small_run)}
    t = Thresholds(3, {"answer.support": 0.9}, {})
    judged = verdicts(flatten(summary["bot"]), t)
    md = markdown(summary, small_run, small_run, judged)
    assert "**FAIL**" in md and "- `answer.support` = 0.500, needs ≥ 0.900" in md
    assert "## Failing items (5)" in md
    assert "### `B`: refused" in md and f"  - {NERVE}" in md and "- **History:** earlier" in md
    assert "### `D`: not_refused" in md and f"  - `d` [47:76] {NERVE}" in md
    assert "### `A`" not in md
    table = summary_table(summary["bot"], summary["baseline"], judged)
    assert "| Answer support | 2 | 0.500 | 0.500 | ≥ 0.900 | **FAIL** |" in table
    assert "| Latency p95 ms: total |  | 76.5 | 76.5 |  |  |" in table

    paths = write(tmp_path / "out", summary, small_run, small_run, judged)
    assert [p.name for p in paths] == ["report.json", "report.md", "report.png"]
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    first = data["items"][0]
    assert set(first) == {"id", "question", "history", "expect", "escalate", "evidence", "reply",
                          "retrieved", "timings_ms", "checks"}
    assert set(first["reply"]) == {"text", "quotes", "escalation", "refused", "disclaimer"}
    assert first["reply"]["quotes"] == [{"doc_id": "d", "start": 0, "end": 27,
                                         "text": SPASTICITY}]
    assert first["retrieved"][1] == {"doc_id": "d", "start": 0, "end": 27, "text": SPASTICITY,
                                     "score": 1.0}
    assert len(data["baseline_items"]) == 8
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_rejects_a_bad_question_file_before_loading_anything(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(GOOD + '\n{"id": "y", "question": "q", "expect": "yes"}\n', encoding="utf-8")
    assert main(["--gold", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert f"{bad}:2: 'expect' is 'yes'" in capsys.readouterr().err
    made_up = tmp_path / "made_up.jsonl"
    made_up.write_text('{"id": "m", "question": "q", "expect": "answer", '
                       '"evidence": ["MS is caused by eating cheese."]}\n', encoding="utf-8")
    assert main(["--gold", str(made_up)]) == 2
    assert "1 evidence span(s) occur in no article" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_help_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "--gold" in capsys.readouterr().out


# -- the full gold set through the real bot ------------------------------------------------------


@pytest.mark.slow
def test_gold_set_passes_every_threshold(bot, docs, tmp_path):
    bodies = {d.doc_id: d.body for d in docs}
    items = load_gold(DEFAULT_GOLD)
    result = evaluate(bot, items, bodies, load_thresholds(DEFAULT_THRESHOLDS),
                      baseline=Baseline(bot.index, bot.embedder), progress=False)
    # Latency depends on the machine and on what else runs during `make test`; `make eval`
    # checks it. Every quality threshold must pass here.
    missed = [f"{v.name}={v.value} (limit {v.limit})" for v in failed(result.verdicts)
              if not v.name.startswith("latency_ms.")]
    assert missed == []
    assert len([v for v in result.verdicts if not v.name.startswith("latency_ms.")]) >= 15
    assert len(result.bot) == len(items)
    baseline = result.summary["baseline"]
    assert baseline["quotes"]["verbatim_rate"] == 1.0  # the baseline quotes whole lines
    assert baseline["refusal"]["recall"] == 0.0  # and never refuses
    paths = write(tmp_path, result.summary, result.bot, result.baseline, result.verdicts)
    assert all(p.stat().st_size > 0 for p in paths)
