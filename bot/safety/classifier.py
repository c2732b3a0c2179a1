"""The learned channel: a softmax classifier over the sentence embedding the bot already
computes for every message, trained on labelled patient messages.

Why a linear head and not a second fine-tuned model: the message is embedded once for
retrieval anyway, so a 4 × 384 matrix product costs microseconds, while a second transformer
pass would double the hot path. The head generalises over wording the concept rules never saw
("my feet have gone floppy and I keep tripping"); the rules stay as the precise first channel,
and the learned channel may only *add* a level the rules did not find (`bot.safety.checker`).

Training data (in plain sight, `bot/safety/data/`): `redflag_tuning.jsonl`, the first
release's 528 messages, and `redflag_train.jsonl`, messages written from the clinical sources
by a writer who never read the rules. Labels: emergency, crisis, urgent or null (benign, many of
them near misses: negations, past events, knowledge questions, idioms). The dev set that
chooses thresholds (`evals/redflag_dev.jsonl`) and the blind set are never trained on.

Deterministic: fixed seed, full-batch L-BFGS on CPU. Cached by key = sha256(model fingerprint,
training data, settings, this file's training code version): `ensure_head` rebuilds only when
one of them changes. The model fingerprint is the embedding of fixed probe texts, so any model
(the packaged one, an adapted one, `MODEL_PATH`) gets its own head.

Not here: when the head fires and what vetoes it (`bot.safety.checker`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.types import LEVELS

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_FILES = ("redflag_tuning.jsonl", "redflag_train.jsonl")
CLASSES: tuple[str | None, ...] = (None, *LEVELS)  # column order of `SafetyHead.proba`
SEED = 20261201
L2 = 1e-3  # weight decay; chosen on evals/redflag_dev.jsonl by `python -m evals.tune_safety`
MAX_ITER = 300
TRAINING_VERSION = "1"  # bump when the training procedure changes
HEAD_FILE = "safety/head.npz"  # inside the index directory; a rebuild carries it over
FINGERPRINT_TEXTS = ("I can't feel my legs", "what is sciatica?", "the weather is nice today")

Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Example:
    text: str
    level: str | None


def load_examples(paths: Sequence[Path] | None = None) -> list[Example]:
    """Labelled messages, `{"text": ..., "level": ...}` per line; a missing file is skipped."""
    out = []
    for path in paths if paths is not None else [DATA_DIR / f for f in TRAINING_FILES]:
        if not path.exists():
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            row = json.loads(line)
            if row.get("level") not in CLASSES or not isinstance(row.get("text"), str):
                raise ValueError(f"{path}:{lineno}: need text and a level in {CLASSES}")
            out.append(Example(row["text"], row["level"]))
    return out


@dataclass(frozen=True)
class SafetyHead:
    """Softmax over CLASSES: `proba(vecs)[i, j]` is P(class j | message i)."""

    weight: np.ndarray  # (len(CLASSES), dim)
    bias: np.ndarray  # (len(CLASSES),)
    key: str

    def proba(self, vecs: np.ndarray) -> np.ndarray:
        logits = np.atleast_2d(vecs) @ self.weight.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def level_proba(self, vecs: np.ndarray) -> dict[str, np.ndarray]:
        p = self.proba(vecs)
        return {level: p[:, CLASSES.index(level)] for level in LEVELS}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        os.close(fd)
        np.savez(tmp, weight=self.weight, bias=self.bias, key=np.array(self.key))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> SafetyHead:
        with np.load(path) as data:
            return cls(data["weight"].astype(np.float32), data["bias"].astype(np.float32),
                       str(data["key"]))


def train(vecs: np.ndarray, labels: Sequence[str | None], *, l2: float = L2,
          seed: int = SEED, key: str = "") -> SafetyHead:
    """Class-balanced multinomial logistic regression, full-batch L-BFGS, deterministic."""
    import torch

    torch.manual_seed(seed)
    x = torch.as_tensor(np.asarray(vecs, dtype=np.float32))
    y = torch.as_tensor([CLASSES.index(lv) for lv in labels])
    counts = torch.bincount(y, minlength=len(CLASSES)).clamp(min=1).float()
    class_weight = counts.sum() / (len(CLASSES) * counts)
    w = torch.zeros(len(CLASSES), x.shape[1], requires_grad=True)
    b = torch.zeros(len(CLASSES), requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=MAX_ITER, line_search_fn="strong_wolfe")
    loss_fn = torch.nn.CrossEntropyLoss(weight=class_weight)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = loss_fn(x @ w.T + b, y) + l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return SafetyHead(w.detach().numpy().astype(np.float32), b.detach().numpy().astype(np.float32),
                      key)


def fingerprint(encode: Encode) -> str:
    """Identifies the embedding model by what it does: the vectors of fixed probe texts."""
    vecs = np.round(np.asarray(encode(list(FINGERPRINT_TEXTS)), dtype=np.float64), 4)
    return hashlib.sha256(vecs.tobytes()).hexdigest()[:16]


def head_key(model_fingerprint: str, examples: Sequence[Example], l2: float = L2) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([model_fingerprint, TRAINING_VERSION, SEED, l2, MAX_ITER]).encode())
    for ex in examples:
        h.update(json.dumps([ex.text, ex.level]).encode())
    return h.hexdigest()[:16]


def build_head(encode: Encode, examples: Sequence[Example] | None = None,
               l2: float = L2) -> SafetyHead:
    """Embed the training messages with `encode` and fit the head."""
    examples = load_examples() if examples is None else list(examples)
    if not examples:
        raise ValueError(f"no training messages in {DATA_DIR}")
    key = head_key(fingerprint(encode), examples, l2)
    vecs = np.asarray(encode([ex.text for ex in examples]), dtype=np.float32)
    return train(vecs, [ex.level for ex in examples], l2=l2, key=key)


def ensure_head(index_dir: Path, encode: Encode, *, quiet: bool = False) -> SafetyHead:
    """The head for this model and data: loaded from `index_dir` when its key matches,
    otherwise trained (about half a minute on one core) and saved there."""
    examples = load_examples()
    key = head_key(fingerprint(encode), examples)
    path = Path(index_dir) / HEAD_FILE
    if path.exists():
        try:
            head = SafetyHead.load(path)
            if head.key == key:
                return head
        except (OSError, ValueError, KeyError):
            pass
    if not quiet:
        print(f"training the red-flag classifier on {len(examples)} messages…", flush=True)
    head = build_head(encode, examples)
    head.save(path)
    return head
