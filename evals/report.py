"""The report: `report.json` (everything), `report.md` (table and failing items), a PNG chart.

`report_dict`, `summary_table` and `markdown` are pure; `write` and `chart` touch the disk.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evals.metrics import ItemResult, flatten
from evals.thresholds import Verdict

# (dotted metric name, label) in the order of the table; latency rows are added per stage.
ROWS: tuple[tuple[str, str], ...] = (
    ("retrieval.hit@1", "Retrieval hit@1"),
    ("retrieval.hit@3", "Retrieval hit@3"),
    ("retrieval.hit@5", "Retrieval hit@5"),
    ("retrieval.mrr", "Retrieval MRR"),
    ("answer.support", "Answer support"),
    ("answer.first_support", "First passage alone holds the evidence"),
    ("followup.support", "Follow-up support"),
    ("quotes.verbatim_rate", "Quote verbatim rate"),
    ("disclaimer.rate", "Disclaimer rate"),
    ("refusal.precision", "Refusal precision"),
    ("refusal.recall", "Refusal recall"),
    ("refusal.false_refusal_rate", "False refusals (answerable refused)"),
    ("escalation.emergency.recall", "Escalation recall: emergency"),
    ("escalation.crisis.recall", "Escalation recall: crisis"),
    ("escalation.urgent.recall", "Escalation recall: urgent"),
    ("escalation.overall.recall", "Escalation recall: exact level"),
    ("escalation.overall.recall_any", "Escalation recall: escalated at all"),
    ("escalation.false_positive_rate", "Escalation false-positive rate"),
)
# Where each row's item count lives, for the "n" column.
_N = {
    "retrieval": "retrieval.n",
    "answer": "answer.n",
    "followup": "followup.n",
    "quotes": "quotes.n",
    "disclaimer": "disclaimer.n",
    "refusal": "refusal.n",
}
CHART_ROWS = tuple(name for name, _ in ROWS)


def _fmt(value: Any, name: str = "") -> str:
    """A figure as shown in the table.

    >>> _fmt(0.91234), _fmt(None), _fmt(12.3456, "latency_ms.wall.p95")
    ('0.912', 'n/a', '12.3')
    """
    if value is None:
        return "n/a"
    if name.startswith("latency_ms."):
        return f"{value:.1f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _n(flat: Mapping[str, Any], name: str) -> str:
    parts = name.split(".")
    if parts[0] == "escalation":
        key = "escalation.n_negative" if parts[1] == "false_positive_rate" else (
            f"escalation.{parts[1]}.n")
    else:
        key = _N.get(parts[0], "")
    return str(flat.get(key, ""))


def summary_table(bot: Mapping[str, Any], baseline: Mapping[str, Any] | None,
                  verdicts: Sequence[Verdict] = ()) -> str:
    """The Markdown table of figures: bot, baseline, threshold, verdict."""
    fb, fbase = flatten(bot), flatten(baseline) if baseline else {}
    limits = {v.name: v for v in verdicts}
    stages = sorted({k.split(".")[1] for k in fb if k.startswith("latency_ms.")})
    rows = [*ROWS]
    for stage in stages:
        rows += [(f"latency_ms.{stage}.p50", f"Latency p50 ms: {stage}"),
                 (f"latency_ms.{stage}.p95", f"Latency p95 ms: {stage}")]
    lines = ["| Metric | n | Bot | Baseline | Threshold | |", "|---|---:|---:|---:|---:|---|"]
    for name, label in rows:
        verdict = limits.get(name)
        if verdict is None:
            limit = mark = ""
        else:
            limit = f"{'≥' if verdict.bound == 'min' else '≤'} {_fmt(verdict.limit, name)}"
            mark = {True: "ok", False: "**FAIL**", None: "skipped"}[verdict.passed]
        base = _fmt(fbase.get(name), name) if baseline else ""
        lines.append(f"| {label} | {_n(fb, name)} | {_fmt(fb.get(name), name)} | {base} "
                     f"| {limit} | {mark} |")
    return "\n".join(lines)


def item_dict(result: ItemResult) -> dict[str, Any]:
    item, reply = result.item, result.reply
    return {
        "id": item.id,
        "question": item.question,
        "history": list(item.history),
        "expect": item.expect,
        "escalate": item.escalate,
        "evidence": list(item.evidence),
        "reply": {
            "text": reply.text,
            "quotes": [{"doc_id": q.doc_id, "start": q.start, "end": q.end, "text": q.text}
                       for q in reply.quotes],
            "escalation": reply.escalation,
            "refused": reply.refused,
            "disclaimer": reply.disclaimer,
        },
        "retrieved": [r._asdict() for r in result.retrieved],
        "timings_ms": dict(result.timings_ms),
        "checks": result.checks.to_dict(),
    }


def report_dict(summary: Mapping[str, Any], bot: Sequence[ItemResult],
                baseline: Sequence[ItemResult] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"summary": dict(summary), "items": [item_dict(r) for r in bot]}
    if baseline is not None:
        out["baseline_items"] = [item_dict(r) for r in baseline]
    return out


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def markdown(summary: Mapping[str, Any], bot: Sequence[ItemResult],
             baseline: Sequence[ItemResult] | None, verdicts: Sequence[Verdict]) -> str:
    missed = [v for v in verdicts if v.passed is False]
    failing = [r for r in bot if not r.checks.passed]
    out = [
        "# Evaluation report",
        "",
        f"Questions: `{summary['gold']}` ({len(bot)} items). "
        f"Thresholds: `{summary['thresholds_file']}` (version {summary['thresholds_version']}): "
        f"**{'PASS' if not missed else 'FAIL'}**. Items passing every check: "
        f"{len(bot) - len(failing)}/{len(bot)} (baseline: "
        + (f"{sum(r.checks.passed for r in baseline)}/{len(baseline)})." if baseline else "n/a).")
        + f" Run time: {summary['elapsed_s']:.1f} s.",
        "",
        summary_table(summary["bot"], summary.get("baseline"), verdicts),
        "",
    ]
    if missed:
        out += ["## Thresholds missed", ""]
        out += [f"- `{v.name}` = {_fmt(v.value, v.name)}, needs {'≥' if v.bound == 'min' else '≤'}"
                f" {_fmt(v.limit, v.name)}" for v in missed]
        out.append("")
    out += [f"## Failing items ({len(failing)})", ""]
    if not failing:
        out += ["None.", ""]
    for r in failing:
        item, reply = r.item, r.reply
        out += [f"### `{item.id}`: {', '.join(r.checks.failures)}", ""]
        out.append(f"- **Question:** {item.question}")
        if item.history:
            out.append(f"- **History:** {' / '.join(item.history)}")
        out.append(f"- **Expected:** {item.expect}, escalate {item.escalate or 'none'}; "
                   f"got {'refused' if reply.refused else 'answered'}, "
                   f"escalation {reply.escalation or 'none'}")
        if item.evidence:
            out.append("- **Expected evidence (any one):**")
            out += [f"  - {_clip(span)}" for span in item.evidence]
        out.append("- **Quoted:**" + ("" if reply.quotes else " nothing"))
        out += [f"  - `{q.doc_id}` [{q.start}:{q.end}] {_clip(q.text)}" for q in reply.quotes]
        out.append("- **Retrieved:**" + ("" if r.retrieved else " nothing"))
        out += [f"  - {rank}. `{h.doc_id}` [{h.start}:{h.end}] ({h.score:.3f}) {_clip(h.text, 200)}"
                for rank, h in enumerate(r.retrieved, start=1)]
        out.append("")
    return "\n".join(out)


def chart(path: Path, bot: Mapping[str, Any], baseline: Mapping[str, Any] | None) -> None:
    """Bars of every rate, bot beside baseline; latency per stage in a second panel."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fb, fbase = flatten(bot), flatten(baseline) if baseline else {}
    labels = [label for _, label in ROWS]
    names = [name for name, _ in ROWS]
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 6.5), width_ratios=(2.2, 1))
    ys = range(len(names))
    height = 0.4 if baseline else 0.8
    ax.barh([y - height / 2 if baseline else y for y in ys], [fb.get(n) or 0 for n in names],
            height=height, label="bot", color="#1f77b4")
    if baseline:
        ax.barh([y + height / 2 for y in ys], [fbase.get(n) or 0 for n in names], height=height,
                label="baseline", color="#bbbbbb")
    ax.set_yticks(list(ys), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.05)
    ax.set_title("Quality (higher is better, except false-positive rate)")
    ax.legend(loc="lower right")
    stages = sorted({k.split(".")[1] for k in fb if k.startswith("latency_ms.")})
    p95 = [fb.get(f"latency_ms.{s}.p95") or 0 for s in stages]
    p50 = [fb.get(f"latency_ms.{s}.p50") or 0 for s in stages]
    ax2.barh(stages, p95, color="#aec7e8", label="p95")
    ax2.barh(stages, p50, color="#1f77b4", label="p50")
    ax2.set_title("Bot latency per stage (ms)")
    ax2.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(out_dir: Path, summary: Mapping[str, Any], bot: Sequence[ItemResult],
          baseline: Sequence[ItemResult] | None, verdicts: Sequence[Verdict]) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "report.json", out_dir / "report.md", out_dir / "report.png"]
    paths[0].write_text(
        json.dumps(report_dict(summary, bot, baseline), ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    paths[1].write_text(markdown(summary, bot, baseline, verdicts) + "\n", encoding="utf-8")
    chart(paths[2], summary["bot"], summary.get("baseline"))
    return paths


# The rows of the side-by-side table: quality, then the one latency that has a threshold.
SIDE_ROWS: tuple[tuple[str, str], ...] = (
    ("retrieval.hit@1", "Retrieval hit@1"),
    ("retrieval.hit@5", "Retrieval hit@5"),
    ("retrieval.mrr", "Retrieval MRR"),
    ("answer.support", "Answer support"),
    ("answer.first_support", "First passage alone"),
    ("followup.support", "Follow-up support"),
    ("refusal.recall", "Refusal recall"),
    ("refusal.false_refusal_rate", "False refusals"),
    ("quotes.verbatim_rate", "Quotes verbatim"),
    ("escalation.overall.recall_any", "Escalation recall"),
    ("escalation.false_positive_rate", "Escalation false positives"),
    ("latency_ms.wall.p95", "Answer p95 ms"),
)


def side_by_side(columns: Mapping[str, tuple[Mapping[str, Any], Mapping[str, Any] | None,
                                             Mapping[str, Any] | None]],
                 previous: str, changed: Mapping[str, Sequence[Any]]) -> str:
    """Every set side by side (bot | baseline | previous release), then the changed items.

    `columns` maps set name -> (bot summary, baseline summary, previous-release summary).
    """
    head = ["Metric"]
    for name, (bot, _, _) in columns.items():
        n = flatten(bot).get("answer.n")
        head += [f"{name} bot (n={n})", f"{name} baseline", f"{name} {previous}"]
    lines = ["# Evaluation summary", "",
             f"Bot, naive baseline and the previous release ({previous}, from its snapshot) on "
             "each set. Train fits the adapted model; dev chose between variants; blind judges.",
             "", "| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    flat = {name: tuple(flatten(x) if x else None for x in cols)
            for name, cols in columns.items()}
    for metric, label in SIDE_ROWS:
        row = [label]
        for name in columns:
            for f in flat[name]:
                row.append(_fmt(f.get(metric), metric) if f is not None else "")
        lines.append("| " + " | ".join(row) + " |")
    for name, items in changed.items():
        lines += ["", f"## {name}: {len(items)} items changed outcome since {previous}", ""]
        lines += [f"- `{c.id}` {c.before} → **{c.after}**: {_clip(c.question, 120)}"
                  for c in items]
    return "\n".join(lines)
