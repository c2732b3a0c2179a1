"""`python -m evals.previous`: the previous release's per-item outcomes, saved as a snapshot.

The report compares the bot with the release before it. Running old code inside this process
would mix two versions of every module, so this checks the release out into a temporary git
worktree, runs *its own* `python -m evals` there on each question file of ours (the old code
reads the files by path), and keeps, per item, only what the old reply did: refused or not,
escalation, and the quotes (article id, offsets, text). `evals.compare` recomputes today's
metrics from those quotes, so the snapshot never goes stale when a metric is added.

    python -m evals.previous --ref v0.1.0          # writes evals/previous/v0.1.0.json

The snapshot is committed; regenerate it only when a new release is tagged. Not here: the
metrics (`evals.metrics`) and the side-by-side report (`evals.compare`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ingest.settings import ROOT

SNAPSHOT_DIR = ROOT / "evals" / "previous"
DEFAULT_REF = "v0.1.0"


def question_files() -> dict[str, Path]:
    """The sets a snapshot covers, by name (blind only when it exists)."""
    from evals.sets import SETS

    return {name: path for name, path in SETS.items() if path.is_file()}


def outcomes(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per item id, what the old reply did (from an old `report.json`)."""
    out = {}
    for item in report["items"]:
        reply = item["reply"]
        out[item["id"]] = {
            "refused": bool(reply["refused"]),
            "escalation": reply["escalation"],
            "quotes": [{k: q[k] for k in ("doc_id", "start", "end", "text")}
                       for q in reply["quotes"]],
            "retrieved": [{k: r[k] for k in ("doc_id", "start", "end", "text", "score")}
                          for r in item["retrieved"]],
        }
    return out


def run_release(ref: str, files: dict[str, Path], python: str = sys.executable) -> dict[str, Any]:
    """Check `ref` out into a temporary worktree and run its evals on each file."""
    commit = subprocess.run(["git", "rev-parse", f"{ref}^{{commit}}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="ms-bot-release-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), commit], cwd=ROOT,
                       check=True, capture_output=True)
        try:
            env = {**os.environ, "INDEX_DIR": str(Path(tmp) / "index"), "HF_HUB_OFFLINE": "1",
                   "PYTHONPATH": str(tree)}
            sets = {}
            for name, path in files.items():
                out = Path(tmp) / f"out-{name}"
                proc = subprocess.run(
                    [python, "-m", "evals", "--gold", str(path.resolve()), "--out", str(out),
                     "--no-baseline", "--quiet"], cwd=tree, env=env, capture_output=True,
                    text=True)
                if proc.returncode not in (0, 1):  # 1 = a threshold missed: still a result
                    raise RuntimeError(f"{ref} evals failed on {path}:\n{proc.stderr[-2000:]}")
                report = json.loads((out / "report.json").read_text(encoding="utf-8"))
                sets[name] = {"file": str(path.relative_to(ROOT)), "items": outcomes(report)}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT,
                           capture_output=True)
    return {"ref": ref, "commit": commit, "sets": sets}


def load_snapshot(ref: str = DEFAULT_REF) -> dict[str, Any] | None:
    path = SNAPSHOT_DIR / f"{ref}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.previous", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ref", default=DEFAULT_REF, help="git tag or commit of the release")
    parser.add_argument("--set", action="append", dest="sets",
                        help="only these sets (default: every set that exists)")
    args = parser.parse_args(argv)
    files = question_files()
    if args.sets:
        files = {k: v for k, v in files.items() if k in args.sets}
    snapshot = run_release(args.ref, files)
    old = load_snapshot(args.ref)
    if old and old.get("commit") == snapshot["commit"]:  # keep sets not re-run this time
        snapshot["sets"] = {**old["sets"], **snapshot["sets"]}
    SNAPSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SNAPSHOT_DIR / f"{args.ref}.json"
    path.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = ", ".join(f"{k}: {len(v['items'])}" for k, v in snapshot["sets"].items())
    print(f"{args.ref} ({snapshot['commit'][:7]}) outcomes saved to {path} ({counts})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
