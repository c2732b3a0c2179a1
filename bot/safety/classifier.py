"""The learned channel: the packaged MiniLM fine-tuned as a red-flag classifier.

A message goes through this model in its own pass, beside (not after) the retrieval pass: the
bot runs the two at once on the machine's two cores (`bot.core`), so the second pass costs
little wall time. It replaced a linear head over the retrieval vector, which could not tell
"I can't feel my legs" from "no numbness in my legs": a frozen sentence embedding barely
encodes negation, time or who is speaking, and fine-tuning the whole model does (on dev, at
equal recall, false escalations fell from 0.161 to about half; `python -m evals.tune_safety`).

Training data (in plain sight, `bot/safety/data/`): `redflag_tuning.jsonl`, the first
release's 528 messages, and `redflag_train*.jsonl`, messages written from the clinical sources
by writers who never read the rules. Labels: emergency, crisis, urgent or null (benign, many of
them near misses: negations, past events, knowledge questions, idioms). The dev sets that
choose thresholds and variants (`evals/redflag_dev*.jsonl`) and the
blind set are never trained on.

Training: cross-entropy with class-balanced weights over a linear layer on the normalized,
mean-pooled sentence vector, AdamW with linear warm-up and decay, seeded, deterministic on CPU
(`TrainSettings`). The model starts from the packaged base model, never from the adapted
retriever, so retraining the retriever leaves it alone. It is cached by key = sha256(base
model digest, training data, settings, `TRAINING_VERSION`) in the index directory
(`safety/<key>`), with a shared copy in MODEL_CACHE_DIR so a fresh index directory on the same
machine never trains it again. Training takes about 5 minutes on one core (576 steps: 3,061
messages, 3 epochs, four of the base model's six layers; 399 s here beside another training).

Not here: when the model fires and what vetoes it (`bot.safety.checker`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bot.types import LEVELS

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_GLOB = "redflag_*.jsonl"
CLASSES: tuple[str | None, ...] = (None, *LEVELS)  # column order of `SafetyModel.proba`
TRAINING_VERSION = "2"  # bump when the training procedure changes
FOLDER = "safety"  # inside the index directory and inside MODEL_CACHE_DIR
RECORD = "safety.json"
HEAD = "head.npz"

Proba = Callable[[list[str]], np.ndarray]  # texts -> (n, len(CLASSES)) probabilities


@dataclass(frozen=True)
class TrainSettings:
    """How the classifier is trained; part of its cache key. Chosen on evals/redflag_dev."""

    seed: int = 20261201
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup: float = 0.1  # share of the steps
    scale: float = 20.0  # logits = scale * (W @ unit vector) + b
    max_seq_length: int = 128  # word pieces; longer messages are read sentence by sentence
    threads: int = 1
    # Transformer layers kept from the base model (its first ones). Four of six, chosen on dev
    # (evals/redflag_dev*.jsonl): against six, crisis recall 0.962 vs 0.949 and benign false
    # escalation 0.070 vs 0.090 at emergency recall 0.990 vs 0.995, in two thirds of the time.
    layers: int = 4


@dataclass(frozen=True)
class Example:
    text: str
    level: str | None


def training_files() -> list[Path]:
    return sorted(DATA_DIR.glob(TRAINING_GLOB))


def load_examples(paths: Sequence[Path] | None = None) -> list[Example]:
    """Labelled messages, `{"text": ..., "level": ...}` per line; a missing file is skipped."""
    out = []
    for path in paths if paths is not None else training_files():
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


def model_key(base_digest: str, examples: Sequence[Example], train: TrainSettings) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([base_digest, TRAINING_VERSION, dataclasses.asdict(train)]).encode())
    for ex in examples:
        h.update(json.dumps([ex.text, ex.level]).encode())
    return h.hexdigest()[:16]


class SafetyModel:
    """The fine-tuned encoder and its linear head: `proba(texts)[i, j]` is P(CLASSES[j] | i)."""

    def __init__(self, encoder: Any, weight: np.ndarray, bias: np.ndarray, key: str) -> None:
        self.encoder = encoder  # a SentenceTransformer
        self.weight = np.asarray(weight, dtype=np.float32)  # (len(CLASSES), dim), scale folded in
        self.bias = np.asarray(bias, dtype=np.float32)
        self.key = key

    def proba(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(CLASSES)), np.float32)
        vecs = self.encoder.encode(list(texts), batch_size=32, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        logits = np.asarray(vecs, dtype=np.float32) @ self.weight.T + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    @classmethod
    def load(cls, folder: Path) -> SafetyModel:
        from sentence_transformers import SentenceTransformer

        record = json.loads((Path(folder) / RECORD).read_text(encoding="utf-8"))
        with np.load(Path(folder) / HEAD) as data:
            weight, bias = data["weight"], data["bias"]
        encoder = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        encoder.eval()
        return cls(encoder, weight, bias, record["key"])


def is_trained(folder: Path) -> bool:
    return all((Path(folder) / name).is_file() for name in (RECORD, HEAD, "modules.json"))


def keep_layers(model: Any, n: int) -> None:
    """Keep the first `n` transformer layers of a sentence-transformers BERT model: each layer
    dropped is a sixth less work per message for all-MiniLM-L6-v2."""
    import torch

    bert = model[0].auto_model
    layers = bert.encoder.layer
    if not 1 <= n <= len(layers):
        raise ValueError(f"layers must be 1..{len(layers)}, not {n}")
    if n < len(layers):
        bert.encoder.layer = torch.nn.ModuleList(list(layers)[:n])
        bert.config.num_hidden_layers = n


def train(base_dir: Path, examples: Sequence[Example], settings: TrainSettings, out_dir: Path,
          progress: bool = True) -> dict[str, Any]:
    """Fine-tune the model at `base_dir` as a classifier of `examples`; save it to `out_dir`
    (a sentence-transformers folder plus `head.npz`). Returns the training log."""
    import torch

    from ingest.adapt import seeded_model, warmup_then_decay

    model, rng = seeded_model(base_dir, settings.seed, settings.threads, settings.max_seq_length)
    keep_layers(model, settings.layers)
    dimension = getattr(model, "get_embedding_dimension",
                        getattr(model, "get_sentence_embedding_dimension", None))  # v6 renamed it
    head = torch.nn.Linear(dimension() or 384, len(CLASSES))
    labels = torch.tensor([CLASSES.index(ex.level) for ex in examples])
    counts = torch.bincount(labels, minlength=len(CLASSES)).clamp(min=1).float()
    loss_fn = torch.nn.CrossEntropyLoss(weight=counts.sum() / (len(CLASSES) * counts))
    params = [*model.parameters(), *head.parameters()]
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate,
                                  weight_decay=settings.weight_decay)
    per_epoch = -(-len(examples) // settings.batch_size)
    steps = settings.epochs * per_epoch
    warm = max(1, int(steps * settings.warmup))
    schedule = warmup_then_decay(optimizer, steps, warm)
    prepare = getattr(model, "preprocess", None) or model.tokenize  # renamed in v6
    model.train()
    losses, step = [], 0
    for _ in range(settings.epochs):
        order = list(range(len(examples)))
        rng.shuffle(order)
        total = 0.0
        for at in range(0, len(order), settings.batch_size):
            batch = order[at:at + settings.batch_size]
            features = prepare([examples[i].text for i in batch])
            vecs = torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)
            loss = loss_fn(head(vecs * settings.scale), labels[batch])
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * len(batch)
            step += 1
            if progress:
                print(f"\rred-flag classifier: step {step}/{steps} loss "
                      f"{float(loss.detach()):.3f}", end="", file=sys.stderr, flush=True)
        losses.append(round(total / len(examples), 4))
    if progress:
        print(file=sys.stderr)
    model.eval()
    model.save(str(out_dir))
    weight = head.weight.detach().numpy() * settings.scale
    bias = head.bias.detach().numpy()
    np.savez(Path(out_dir) / HEAD, weight=weight.astype(np.float32),
             bias=bias.astype(np.float32))
    return {"steps": steps, "epoch_loss": losses}


def ensure_model(settings: Any, *, train_settings: TrainSettings | None = None,
                 examples: Sequence[Example] | None = None, quiet: bool = False
                 ) -> SafetyModel:
    """The classifier for the current training data and settings: found by its key in the
    index directory or the shared cache, otherwise trained (about 5 minutes) and saved in
    both. `settings`: an `ingest.settings.Settings`."""
    from ingest.adapt import copy_model, install_model
    from ingest.embed import extract_packaged_model, packaged_model_zip

    train_settings = train_settings or TrainSettings()
    examples = load_examples() if examples is None else list(examples)
    if not examples:
        raise ValueError(f"no training messages in {DATA_DIR}")
    key = model_key(packaged_model_zip()[1], examples, train_settings)
    target = Path(settings.index_dir) / FOLDER / key
    shared = Path(settings.cache_dir) / FOLDER / key
    if not is_trained(target) and is_trained(shared):
        copy_model(shared, target, is_trained)
    if is_trained(target):
        if not is_trained(shared):
            with contextlib.suppress(OSError):
                copy_model(target, shared, is_trained)
        return SafetyModel.load(target)
    if not quiet:
        print(f"training the red-flag classifier on {len(examples)} messages (about 5 "
              "minutes, once)…", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    base = extract_packaged_model(settings.cache_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".train-"))
    try:
        log = train(base, examples, train_settings, tmp, progress=not quiet)
        record = {"key": key, "base_model": packaged_model_zip()[1],
                  "examples": {str(c): sum(ex.level == c for ex in examples) for c in CLASSES},
                  "settings": dataclasses.asdict(train_settings),
                  "seconds": round(time.perf_counter() - t0, 1), **log}
        (tmp / RECORD).write_text(json.dumps(record, indent=1), "utf-8")
        install_model(tmp, target, shared, is_trained)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return SafetyModel.load(target)
